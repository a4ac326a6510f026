//! The five headline tiles the overview and the wall share: value, band (or why there is
//! none), trend with its unit and verdict, details and a sparkline per measure.

use crate::app::list::Tone;
use crate::app::scope::ScopeData;
use crate::app::state::Panel;
use crate::snapshot::{Delta, Headline};
use flowdeck_core::metrics::Band;
use flowdeck_core::metrics::trend::{Direction, Trend};

/// One DORA measure as a tile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tile {
    pub(crate) number: usize,
    pub(crate) title: &'static str,
    pub(crate) value: String,
    pub(crate) band: Option<Band>,
    /// Where the band would be when there is none: why ("no deployments in this window"),
    /// and whether that is bad news.
    pub(crate) why_none: Option<(String, Tone)>,
    pub(crate) trend: Option<TrendView>,
    /// What the value is made of, most telling first; a narrow tile drops fields from the end.
    pub(crate) details: Vec<String>,
    /// Shorter details, for a tile too narrow for the first of `details`.
    pub(crate) compact: Vec<String>,
    /// Values per bucket over the window; None where unknown.
    pub(crate) sparkline: Vec<Option<u64>>,
    pub(crate) focused: bool,
}

/// Whether a change is better or worse, in words as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Better,
    Worse,
}

impl Verdict {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
        }
    }

    /// One sign for the narrowest places: "✓" better, "✗" worse.
    pub(crate) fn sign(self) -> &'static str {
        match self {
            Verdict::Better => "✓",
            Verdict::Worse => "✗",
        }
    }
}

/// A change against the previous window, readable without colour.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrendView {
    pub(crate) arrow: &'static str,
    /// The change with its unit ("+3h 41m", "−1.2 pt", "+0.5 days/week"), or "same".
    pub(crate) delta: String,
    /// The same, shorter ("+0.5/wk").
    pub(crate) short: String,
    /// None when nothing moved.
    pub(crate) verdict: Option<Verdict>,
    pub(crate) tone: Tone,
}

impl TrendView {
    /// The ways to write it, longest first: a drawing picks the first that fits.
    pub(crate) fn texts(&self) -> Vec<String> {
        let Some(verdict) = self.verdict else {
            return vec![format!("{} {}", self.arrow, self.delta), self.delta.clone()];
        };
        let (word, sign) = (verdict.word(), verdict.sign());
        vec![
            format!("{} {} {word}", self.arrow, self.delta),
            format!("{} {word}", self.delta),
            format!("{} {word}", self.short),
            format!("{} {sign}", self.delta),
            format!("{} {sign}", self.short),
        ]
    }
}

fn tone_of(trend: &Trend) -> Tone {
    match trend.better {
        Some(true) => Tone::Ok,
        Some(false) => Tone::Fail,
        None => Tone::Muted,
    }
}

/// A trend as an arrow, the change with its unit and whether it is better.
pub(crate) fn trend_view(trend: Option<Trend>, delta: Option<Delta>) -> Option<TrendView> {
    let trend = trend?;
    let delta = if trend.direction == Direction::Flat {
        Delta {
            long: "same".into(),
            short: "same".into(),
        }
    } else {
        delta?
    };
    Some(TrendView {
        arrow: trend.arrow(),
        delta: delta.long,
        short: delta.short,
        verdict: trend.better.map(|better| {
            if better {
                Verdict::Better
            } else {
                Verdict::Worse
            }
        }),
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

/// A headline measure as a tile (the services table and the measure screen word it the same).
pub(crate) fn tile(number: usize, h: &Headline, sparkline: Vec<Option<u64>>) -> Tile {
    Tile {
        number,
        title: h.title,
        value: h.value.clone(),
        band: h.band,
        why_none: h.why_none.clone().map(|why| {
            (
                why,
                if h.why_none_is_bad {
                    Tone::Fail
                } else {
                    Tone::Muted
                },
            )
        }),
        trend: trend_view(h.trend, h.delta.clone()),
        details: h.details.clone(),
        compact: h.compact.clone(),
        sparkline,
        focused: false,
    }
}

/// The headline tiles; `focus` marks the focused one.
pub(crate) fn tiles(scope: &ScopeData, focus: Option<Panel>) -> Vec<Tile> {
    scope
        .headline
        .iter()
        .enumerate()
        .map(|(i, h)| Tile {
            focused: focus == Some(Panel::Tile(i)),
            ..tile(
                i + 1,
                h,
                scope
                    .series
                    .get(i)
                    .map(|s| spark(&s.values))
                    .unwrap_or_default(),
            )
        })
        .collect()
}
