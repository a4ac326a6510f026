//! A health panel drawn as a line chart (docs/METRICS.md#health-panels-and-the-deployment-verdict):
//! the series as one point a column (the column's worst value, so a short spike after a
//! deployment is never averaged or sampled away), the deployments on the time axis below it, incidents as
//! shaded columns. Deployments are told apart by shape *and* colour, so a failed one reads
//! without colour (NO_COLOR): `▲` ok, `✖` failed, `◆` rework. A panel whose query failed shows
//! Prometheus' own message instead of a chart. Pure: the view in, cells out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::theme::{Role, Theme};
use crate::app::health::ChartView;
use flowdeck_core::health::{Better, Sample, Unit};
use flowdeck_core::text::sanitize;

pub use crate::app::health::MarkerKind;

fn marker_role(kind: MarkerKind) -> Role {
    match kind {
        MarkerKind::Ok => Role::Ok,
        MarkerKind::Failed => Role::Fail,
        MarkerKind::Rework => Role::Warn,
    }
}

/// What one chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthChart<'a> {
    /// "error rate · api"
    pub title: String,
    pub unit: Unit,
    /// Which way is good: a column shows its worst sample.
    pub better: Better,
    pub points: &'a [Sample],
    pub from_ms: i64,
    pub to_ms: i64,
    /// Deployments: when they finished, and how they went.
    pub markers: Vec<(i64, MarkerKind)>,
    /// Incidents: from, to.
    pub incidents: Vec<(i64, i64)>,
    /// Prometheus' message when the query failed.
    pub error: Option<String>,
}

/// The column of time `at` in a plot `width` columns wide; None outside the span.
pub fn column(at: i64, from_ms: i64, to_ms: i64, width: u16) -> Option<u16> {
    if width == 0 || at < from_ms || at > to_ms || to_ms <= from_ms {
        return None;
    }
    let offset = (i128::from(at) - i128::from(from_ms)) * i128::from(width - 1)
        / (i128::from(to_ms) - i128::from(from_ms));
    u16::try_from(offset).ok()
}

/// The worse of two values for a panel where `better` is good.
pub fn worst(better: Better, a: f64, b: f64) -> f64 {
    match better {
        Better::Lower => a.max(b),
        Better::Higher => a.min(b),
    }
}

/// Draws a chart's view model (the dashboard's) into `area` of `buf`.
pub(crate) fn draw_view(view: &ChartView, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let chart = HealthChart {
        title: view.title.clone(),
        unit: view.unit,
        better: view.better,
        points: view.points(),
        from_ms: view.from_ms,
        to_ms: view.to_ms,
        markers: view.markers.clone(),
        incidents: view.incidents.clone(),
        error: view.error.clone(),
    };
    draw(&chart, theme, area, buf);
}

/// Draws `chart` into `area` of `buf`.
pub fn draw(chart: &HealthChart<'_>, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(sanitize(&chart.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < 2 || inner.height < 2 {
        return;
    }
    if let Some(error) = &chart.error {
        Paragraph::new(sanitize(error))
            .style(theme.style(Role::Fail))
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    let plot = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    let axis_y = inner.y + inner.height - 1;
    let column_of = |at: i64| column(at, chart.from_ms, chart.to_ms, plot.width);
    // Incidents first, so the line and markers draw over the shade.
    for &(from, to) in &chart.incidents {
        let (Some(start), Some(end)) = (
            column_of(from.max(chart.from_ms)),
            column_of(to.min(chart.to_ms)),
        ) else {
            continue;
        };
        for x in start..=end {
            for y in plot.y..plot.y + plot.height {
                if let Some(cell) = buf.cell_mut((plot.x + x, y)) {
                    cell.set_symbol("░").set_style(theme.style(Role::Muted));
                }
            }
        }
    }
    // One value a column: its worst sample.
    let mut by_column: Vec<Option<f64>> = vec![None; usize::from(plot.width)];
    for sample in chart.points {
        if let Some(x) = column_of(sample.at_ms)
            && let Some(slot) = by_column.get_mut(usize::from(x))
        {
            *slot = Some(match *slot {
                Some(seen) => worst(chart.better, seen, sample.value),
                None => sample.value,
            });
        }
    }
    let (low, high) = by_column
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if low.is_finite() && high.is_finite() {
        let rows = f64::from(plot.height.saturating_sub(1));
        for (x, value) in by_column.iter().enumerate() {
            let Some(value) = value else { continue };
            let share = if high > low {
                (value - low) / (high - low)
            } else {
                0.5
            };
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "share lies in [0, 1]"
            )]
            let row = (share * rows).round() as u16;
            let y = plot.y + plot.height - 1 - row.min(plot.height - 1);
            #[allow(clippy::cast_possible_truncation, reason = "x < plot.width")]
            if let Some(cell) = buf.cell_mut((plot.x + x as u16, y)) {
                cell.set_symbol("•").set_style(theme.style(Role::Accent));
            }
        }
        let top = format!(" {} ", chart.unit.format(high));
        let bottom = format!(" {} ", chart.unit.format(low));
        buf.set_string(plot.x, plot.y, &top, theme.style(Role::Muted));
        buf.set_string(
            plot.x,
            plot.y + plot.height - 1,
            &bottom,
            theme.style(Role::Muted),
        );
    } else {
        buf.set_string(plot.x, plot.y, "no data", theme.style(Role::Muted));
    }
    // The time axis with the deployments.
    for x in 0..inner.width {
        if let Some(cell) = buf.cell_mut((inner.x + x, axis_y)) {
            cell.set_symbol("─").set_style(theme.style(Role::Border));
        }
    }
    // Drawn in order of weight: a failed one wins its column over rework, rework over ok.
    let mut markers = chart.markers.clone();
    markers.sort_by_key(|(_, kind)| kind.weight());
    for (at, kind) in markers {
        if let Some(x) = column_of(at)
            && let Some(cell) = buf.cell_mut((inner.x + x, axis_y))
        {
            cell.set_symbol(kind.symbol())
                .set_style(theme.style(marker_role(kind)).add_modifier(Modifier::BOLD));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn text(buf: &Buffer) -> String {
        let area = buf.area;
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn chart(points: &[Sample]) -> HealthChart<'_> {
        HealthChart {
            title: "error rate · api".into(),
            unit: Unit::Ratio,
            better: Better::Lower,
            points,
            from_ms: 0,
            to_ms: 120 * MIN,
            markers: vec![
                (30 * MIN, MarkerKind::Ok),
                (60 * MIN, MarkerKind::Failed),
                (90 * MIN, MarkerKind::Rework),
            ],
            incidents: vec![(62 * MIN, 70 * MIN)],
            error: None,
        }
    }

    fn points() -> Vec<Sample> {
        (0..=120)
            .map(|m| Sample {
                at_ms: m * MIN,
                value: if m > 60 { 0.03 } else { 0.01 },
            })
            .collect()
    }

    fn render(chart: &HealthChart<'_>, theme: &Theme, width: u16, height: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        draw(chart, theme, buf.area, &mut buf);
        buf
    }

    #[test]
    fn markers_sit_at_their_columns() {
        assert_eq!(column(0, 0, 100, 11), Some(0));
        assert_eq!(column(50, 0, 100, 11), Some(5));
        assert_eq!(column(100, 0, 100, 11), Some(10));
        assert_eq!(column(101, 0, 100, 11), None);
        assert_eq!(column(5, 10, 10, 11), None);
        assert_eq!(
            column(i64::MAX, i64::MIN, i64::MAX, u16::MAX),
            Some(u16::MAX - 1)
        );
        let points = points();
        let theme = Theme::builtin("default").unwrap();
        for (width, height) in [(62u16, 8u16), (122, 12)] {
            let buf = render(&chart(&points), &theme, width, height);
            let plot = width - 2;
            let axis = height - 2;
            for (at, symbol) in [(30 * MIN, "▲"), (60 * MIN, "✖"), (90 * MIN, "◆")] {
                let x = 1 + column(at, 0, 120 * MIN, plot).unwrap();
                assert_eq!(buf[(x, axis)].symbol(), symbol, "{width}x{height}");
            }
            insta::assert_snapshot!(format!("health_chart_{width}x{height}"), text(&buf));
        }
    }

    #[test]
    fn failed_deployments_read_without_colour() {
        let points = points();
        let theme = Theme::load("default", &Default::default(), None, true).unwrap();
        let buf = render(&chart(&points), &theme, 62, 8);
        let shown = text(&buf);
        assert!(shown.contains('✖') && shown.contains('▲') && shown.contains('◆'));
        insta::assert_snapshot!("health_chart_no_color", shown);
    }

    #[test]
    fn a_failed_query_shows_its_message_and_hostile_text_is_inert() {
        let theme = Theme::builtin("default").unwrap();
        let mut failed = chart(&[]);
        failed.title = "\u{1b}[2Jevil\u{7}".into();
        failed.error = Some(
            "Prometheus at 127.0.0.1:9090 rejected the panel query (400 bad_data): parse error: unclosed left parenthesis\u{1b}]0;x\u{7}".into(),
        );
        let buf = render(&failed, &theme, 60, 6);
        let shown = text(&buf);
        assert!(shown.contains("parse error"), "{shown}");
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        let empty = render(&chart(&[]), &theme, 60, 6);
        assert!(text(&empty).contains("no data"));
        // Tiny areas and huge series draw without panicking.
        let huge: Vec<Sample> = (0..200_000)
            .map(|i| Sample {
                at_ms: i * 36,
                value: (i % 97) as f64,
            })
            .collect();
        for (w, h) in [(0, 0), (1, 1), (3, 3), (200, 60)] {
            render(&chart(&huge), &theme, w, h);
        }
    }
}
