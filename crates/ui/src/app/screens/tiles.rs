//! The five headline tiles the overview and the wall share: value, detail, band, trend and a
//! sparkline per measure.

use crate::app::list::Tone;
use crate::app::scope::ScopeData;
use crate::app::state::Panel;
use flowdeck_core::metrics::Band;
use flowdeck_core::metrics::trend::{Direction, Trend};

/// One DORA measure as a tile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tile {
    pub(crate) number: usize,
    pub(crate) title: &'static str,
    pub(crate) value: String,
    pub(crate) detail: String,
    pub(crate) band: Option<Band>,
    pub(crate) trend: Option<TrendView>,
    /// Values per day (or week) over the window; None where unknown.
    pub(crate) sparkline: Vec<Option<u64>>,
    pub(crate) focused: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrendView {
    pub(crate) arrow: &'static str,
    pub(crate) delta: String,
    pub(crate) tone: Tone,
}

fn tone_of(trend: &Trend) -> Tone {
    match trend.better {
        Some(true) => Tone::Ok,
        Some(false) => Tone::Fail,
        None => Tone::Muted,
    }
}

/// A trend as an arrow, the change and whether it is better.
pub(crate) fn trend_view(trend: Option<Trend>, delta: Option<String>) -> Option<TrendView> {
    let trend = trend?;
    Some(TrendView {
        arrow: trend.arrow(),
        delta: if trend.direction == Direction::Flat {
            "same".into()
        } else {
            delta.unwrap_or_default()
        },
        tone: tone_of(&trend),
    })
}

/// Sparkline values: scaled to integers, None where unknown.
pub(crate) fn spark(values: &[Option<f64>]) -> Vec<Option<u64>> {
    let max = values.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    let scale = if max > 0.0 { 100.0 / max } else { 1.0 };
    values
        .iter()
        .map(|v| v.map(|v| (v * scale).round().max(0.0) as u64))
        .collect()
}

/// The headline tiles; `focus` marks the focused one.
pub(crate) fn tiles(scope: &ScopeData, focus: Option<Panel>) -> Vec<Tile> {
    scope
        .headline
        .iter()
        .enumerate()
        .map(|(i, h)| Tile {
            number: i + 1,
            title: h.title,
            value: h.value.clone(),
            detail: h.detail.clone(),
            band: h.band,
            trend: trend_view(h.trend, h.delta.clone()),
            sparkline: scope
                .series
                .get(i)
                .map(|s| spark(&s.values))
                .unwrap_or_default(),
            focused: focus == Some(Panel::Tile(i)),
        })
        .collect()
}
