//! The health panels as inline SVG line charts (docs/METRICS.md#health-panels-and-the-deployment-verdict):
//! one per panel and service, the window's deployments marked under the plot by shape *and*
//! colour (▲ ok, ✖ failed, ◆ rework: a printout in black and white still tells them apart),
//! incidents as shaded spans. A panel whose query failed shows Prometheus' message instead.

use std::fmt::Write as _;

use super::charts::open_svg;
use super::escape;
use crate::snapshot::Snapshot;
use crate::ui::health_chart::worst;
use flowdeck_core::health::{Better, PanelSeries, Unit};
use flowdeck_core::model::Timestamp;

/// At most this many charts (the JSON report carries every series).
pub(crate) const MAX_HEALTH_CHARTS: usize = 24;

const WIDTH: f64 = 560.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const PLOT_H: f64 = 120.0;
/// The row under the plot the markers sit on.
const MARKER_ROW: f64 = 14.0;
const BOTTOM: f64 = 22.0;

/// The x of time `t` on a chart of the window (clamped to it).
pub(crate) fn x_of(snapshot: &Snapshot, t: Timestamp) -> f64 {
    let (from, to) = (snapshot.window.from, snapshot.window.to);
    let span = (to - from).num_milliseconds().max(1) as f64;
    let t = t.clamp(from, to);
    LEFT + (WIDTH - LEFT - RIGHT) * (t - from).num_milliseconds() as f64 / span
}

/// The section: every panel's chart of every service with a series, up to `limit`.
pub(crate) fn section(out: &mut String, snapshot: &Snapshot, limit: usize) {
    if snapshot.panels.is_empty() {
        return;
    }
    let cap = limit.clamp(1, MAX_HEALTH_CHARTS);
    let total: usize = snapshot.panels.iter().map(|p| p.series.len()).sum();
    let _ = writeln!(
        out,
        "<section id=\"health\" class=\"page\">\n<h2>Health panels</h2>\n<p class=\"muted\">\
         Deployments under each chart: ▲ ok, ✖ failed, ◆ rework; shaded spans are incidents.{}</p>\n\
         <div class=\"charts\">",
        if total > cap {
            format!(
                " The first {cap} of {total} charts are drawn; the JSON report has every series."
            )
        } else {
            String::new()
        }
    );
    let mut drawn = 0;
    'panels: for (p, panel) in snapshot.panels.iter().enumerate() {
        for (s, series) in panel.series.iter().enumerate() {
            if drawn == cap {
                break 'panels;
            }
            drawn += 1;
            let title = format!("{} · {}", panel.name, series.service);
            let _ = writeln!(
                out,
                "<figure>\n<figcaption>{}</figcaption>",
                escape::text(&title)
            );
            match &series.error {
                Some(error) => {
                    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape::text(error));
                }
                None => chart(
                    out,
                    snapshot,
                    &format!("chart-health-{p}-{s}"),
                    &title,
                    (panel.unit, panel.better),
                    series,
                ),
            }
            out.push_str("</figure>\n");
        }
    }
    out.push_str("</div>\n</section>\n");
}

/// One series' chart.
fn chart(
    out: &mut String,
    snapshot: &Snapshot,
    id: &str,
    title: &str,
    (unit, better): (Unit, Better),
    series: &PanelSeries,
) {
    let (from, to) = (snapshot.window.from, snapshot.window.to);
    let (from_ms, to_ms) = (from.timestamp_millis(), to.timestamp_millis());
    let plot_w = WIDTH - LEFT - RIGHT;
    // One value a pixel column: its worst sample (a spike is never sampled away).
    let columns = plot_w as usize + 1;
    let mut by_column: Vec<Option<f64>> = vec![None; columns];
    let span = (to_ms - from_ms).max(1) as f64;
    for sample in series
        .points
        .iter()
        .filter(|s| (from_ms..=to_ms).contains(&s.at_ms))
    {
        let column = ((sample.at_ms - from_ms) as f64 / span * plot_w) as usize;
        if let Some(slot) = by_column.get_mut(column) {
            *slot = Some(match *slot {
                Some(seen) => worst(better, seen, sample.value),
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
    let marks = snapshot.deployments.marks(&series.service);
    let failed = marks.iter().filter(|(_, f, _)| *f).count();
    let desc = format!(
        "{} samples in the window; {} deployments, {failed} failed.",
        by_column.iter().flatten().count(),
        marks.len()
    );
    let height = TOP + PLOT_H + MARKER_ROW + BOTTOM;
    open_svg(out, id, WIDTH, height, title, &desc);
    let plot_bottom = TOP + PLOT_H;
    // Incidents of the service, shaded behind the line.
    for incident in snapshot
        .incidents
        .iter()
        .filter(|i| i.services.contains(&series.service))
    {
        let end = incident.resolved_at.unwrap_or(snapshot.generated_at);
        if end < from || incident.started_at > to {
            continue;
        }
        let (x0, x1) = (x_of(snapshot, incident.started_at), x_of(snapshot, end));
        let _ = writeln!(
            out,
            "<rect class=\"incident\" x=\"{x0:.1}\" y=\"{TOP:.1}\" width=\"{:.1}\" height=\"{PLOT_H:.1}\"><title>{}</title></rect>",
            (x1 - x0).max(1.0),
            escape::text(&incident.title)
        );
    }
    // The axis lines and the value scale.
    let _ = writeln!(
        out,
        "<line class=\"grid\" x1=\"{LEFT:.1}\" y1=\"{plot_bottom:.1}\" x2=\"{:.1}\" y2=\"{plot_bottom:.1}\"/>",
        WIDTH - RIGHT
    );
    if low.is_finite() && high.is_finite() {
        let y = |v: f64| {
            let share = if high > low {
                (v - low) / (high - low)
            } else {
                0.5
            };
            plot_bottom - share * PLOT_H
        };
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT:.1}\" y1=\"{TOP:.1}\" x2=\"{:.1}\" y2=\"{TOP:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <text x=\"{:.1}\" y=\"{plot_bottom:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            TOP + 8.0,
            escape::text(&unit.format(high)),
            LEFT - 4.0,
            escape::text(&unit.format(low))
        );
        let mut points = String::new();
        for (column, value) in by_column.iter().enumerate() {
            if let Some(v) = value {
                let _ = write!(points, "{:.1},{:.1} ", LEFT + column as f64, y(*v));
            }
        }
        let _ = writeln!(
            out,
            "<polyline class=\"line\" points=\"{}\"/>",
            points.trim_end()
        );
    } else {
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">No samples in this window.</text>",
            LEFT + plot_w / 2.0,
            TOP + PLOT_H / 2.0
        );
    }
    // The markers, ok ones first, failed ones last: the weightier one on a spot stays visible.
    let mut ordered = marks;
    ordered.sort_by_key(|(_, failed, rework)| (*failed, *rework));
    let my = plot_bottom + MARKER_ROW / 2.0;
    for (at, failed, rework) in ordered {
        let x = x_of(snapshot, at);
        let (class, shape, what) = if failed {
            (
                "marker-failed",
                "<path d=\"M-4 -4 L4 4 M4 -4 L-4 4\"/>",
                "failed",
            )
        } else if rework {
            (
                "marker-rework",
                "<polygon points=\"0,-5 5,0 0,5 -5,0\"/>",
                "rework",
            )
        } else {
            ("marker-ok", "<polygon points=\"-5,4 5,4 0,-5\"/>", "ok")
        };
        let _ = writeln!(
            out,
            "<g class=\"{class}\" transform=\"translate({x:.1} {my:.1})\"><title>{what} deployment, {}</title>{shape}</g>",
            at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{LEFT:.1}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        height - 6.0,
        from.format("%b %-d"),
        WIDTH - RIGHT,
        height - 6.0,
        to.format("%b %-d")
    );
    out.push_str("</svg>\n");
}
