//! The report's three charts as inline SVG, drawn here (no script, no library): deployments per
//! day, the lead-time distribution, and failed deployments with their recovery on a timeline.
//! Colours come from the page's CSS classes, so print and dark mode restyle them.

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};

use super::escape;
use crate::report::words;
use crate::snapshot::{DeploymentRow, LEAD_TIME_LABELS, Snapshot};
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::{human_duration, sanitize};

/// Chart widths in SVG units, about their width on a wide screen so text stays its CSS size:
/// the two small charts share a row, the timeline spans it.
const SMALL: f64 = 560.0;
const WIDE: f64 = 1160.0;
/// Windows longer than this many days are drawn per week, or the bars would be hairlines.
const MAX_DAILY_BARS: usize = 120;
/// At most this many failed deployments on the timeline (the table lists more).
pub(crate) const MAX_TIMELINE_ROWS: usize = 40;

pub(crate) fn open_svg(
    out: &mut String,
    id: &str,
    width: f64,
    height: f64,
    title: &str,
    desc: &str,
) {
    let _ = writeln!(
        out,
        "<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n\
         <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape::text(title),
        escape::text(desc)
    );
}

/// The smallest 1, 2 or 5 × 10ⁿ at least `max` (at least 1): a round top for a count axis.
fn round_top(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max {
                return m * step;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Horizontal grid lines with count labels at 0, half and the top.
fn count_axis(out: &mut String, top: u64, left: f64, right: f64, y0: f64, plot_h: f64) {
    let mut marks = vec![0, top];
    if top >= 2 && top.is_multiple_of(2) {
        marks.insert(1, top / 2);
    }
    for mark in marks {
        let y = y0 + plot_h - plot_h * mark as f64 / top as f64;
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{mark}</text>",
            right,
            left - 6.0,
            y + 4.0
        );
    }
}

/// Deployments per local day of the window (per week when the window is long).
pub(crate) fn deployments(out: &mut String, snapshot: &Snapshot) {
    let charts = &snapshot.charts;
    let first = charts.first_day.unwrap_or_default();
    let weekly = charts.deployments_per_day.len() > MAX_DAILY_BARS;
    let bins: Vec<(NaiveDate, u64)> = if weekly {
        charts
            .deployments_per_day
            .chunks(7)
            .enumerate()
            .map(|(i, week)| {
                (
                    first + Duration::days(7 * i as i64),
                    week.iter().map(|&n| u64::from(n)).sum(),
                )
            })
            .collect()
    } else {
        charts
            .deployments_per_day
            .iter()
            .enumerate()
            .map(|(i, &n)| (first + Duration::days(i as i64), u64::from(n)))
            .collect()
    };
    let unit = if weekly { "week" } else { "day" };
    let total: u64 = bins.iter().map(|(_, n)| n).sum();
    let busiest = bins
        .iter()
        .max_by_key(|(day, n)| (*n, std::cmp::Reverse(*day)));
    let desc = match busiest {
        Some((day, n)) if *n > 0 => format!(
            "{total} deployments over {} {unit}s; the most, {n}, in the {unit} of {day}.",
            bins.len()
        ),
        _ => format!("No deployments over {} {unit}s.", bins.len()),
    };
    let (height, left, top_margin, bottom) = (200.0, 40.0, 12.0, 28.0);
    let plot_w = SMALL - left - 8.0;
    let plot_h = height - top_margin - bottom;
    open_svg(
        out,
        "chart-deployments",
        SMALL,
        height,
        &format!("Deployments per {unit}"),
        &desc,
    );
    let top = round_top(busiest.map_or(1, |(_, n)| *n));
    count_axis(out, top, left, SMALL - 8.0, top_margin, plot_h);
    let slot = plot_w / bins.len().max(1) as f64;
    for (i, (day, n)) in bins.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let h = plot_h * *n as f64 / top as f64;
        let noun = if *n == 1 { "deployment" } else { "deployments" };
        let when = if weekly {
            format!("week of {}", day.format("%Y-%m-%d"))
        } else {
            day.format("%Y-%m-%d %a").to_string()
        };
        let _ = writeln!(
            out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\">\
             <title>{when}: {n} {noun}</title></rect>",
            left + slot * i as f64 + slot * 0.15,
            top_margin + plot_h - h,
            (slot * 0.7).max(1.0),
        );
    }
    // About eight labels along the axis, on whole days (or weeks).
    let step = bins.len().div_ceil(8).max(1);
    for (i, (day, _)) in bins.iter().enumerate().step_by(step) {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            left + slot * (i as f64 + 0.5),
            height - 10.0,
            day.format("%b %-d")
        );
    }
    out.push_str("</svg>\n");
}

/// Changes by lead time in five buckets, each bar labelled with its count and share.
pub(crate) fn lead_times(out: &mut String, snapshot: &Snapshot) {
    let buckets = snapshot.charts.lead_time_buckets;
    let total: u64 = buckets.iter().sum();
    let share = |n: u64| {
        if total == 0 {
            0.0
        } else {
            100.0 * n as f64 / total as f64
        }
    };
    let desc = if total == 0 {
        "No changes with a lead time in the window.".to_string()
    } else {
        let parts: Vec<String> = LEAD_TIME_LABELS
            .iter()
            .zip(buckets)
            .map(|(label, n)| format!("{label}: {n}"))
            .collect();
        format!("{total} changes by lead time; {}.", parts.join(", "))
    };
    let (height, left, top_margin, bottom) = (200.0, 40.0, 24.0, 28.0);
    let plot_w = SMALL - left - 8.0;
    let plot_h = height - top_margin - bottom;
    open_svg(
        out,
        "chart-lead-time",
        SMALL,
        height,
        "Lead time for changes, distribution",
        &desc,
    );
    let top = round_top(buckets.iter().copied().max().unwrap_or(0));
    count_axis(out, top, left, SMALL - 8.0, top_margin, plot_h);
    let slot = plot_w / buckets.len() as f64;
    for (i, (label, n)) in LEAD_TIME_LABELS.iter().zip(buckets).enumerate() {
        let h = plot_h * n as f64 / top as f64;
        let x = left + slot * i as f64;
        let y = top_margin + plot_h - h;
        if n > 0 {
            let _ = writeln!(
                out,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\">\
                 <title>{label}: {n} changes</title></rect>",
                x + slot * 0.15,
                slot * 0.7,
            );
        }
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n} ({:.0}%)</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            x + slot / 2.0,
            y - 6.0,
            share(n),
            x + slot / 2.0,
            height - 10.0,
        );
    }
    out.push_str("</svg>\n");
}

/// The label of a timeline row: the deployment's name and service, shortened.
fn row_label(d: &DeploymentRow) -> String {
    let full = sanitize(&format!(
        "{} · {}",
        d.name.as_deref().unwrap_or(&d.id),
        d.service
    ));
    let mut label: String = full.chars().take(30).collect();
    if full.chars().count() > 30 {
        label.push('…');
    }
    escape::text(&label)
}

/// Failed deployments (markers) and their recovery (bars) over the window; a failure not yet
/// recovered is an open, dashed bar up to now (or the window's end).
pub(crate) fn failures(out: &mut String, snapshot: &Snapshot, limit: usize) {
    let tz = words::timezone(snapshot);
    let (failed, open) = snapshot.deployments.failed_counts();
    let mut rows: Vec<DeploymentRow> = snapshot.deployments.failed().take(limit).collect();
    // The rows are newest first; a timeline reads oldest at the top.
    rows.reverse();
    let (from, to) = (snapshot.window.from, snapshot.window.to);
    let now = snapshot.generated_at;
    let mut desc = format!(
        "{failed} failed deployments, {} recovered, {open} not recovered.",
        failed - open
    );
    if rows.len() < failed {
        let _ = write!(desc, " The {} most recent are drawn.", rows.len());
    }
    let (left, top_margin, row_h, bottom) = (190.0, 8.0, 22.0, 30.0);
    let height = top_margin + row_h * rows.len().max(1) as f64 + bottom;
    let plot_w = WIDE - left - 12.0;
    open_svg(
        out,
        "chart-failures",
        WIDE,
        height,
        "Failed deployments and their recovery",
        &desc,
    );
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: Timestamp| {
        let t = t.clamp(from, to);
        left + plot_w * (t - from).num_seconds() as f64 / span
    };
    let plot_bottom = top_margin + row_h * rows.len().max(1) as f64;
    // Day ticks: about six, on local midnights.
    let days = (snapshot.window.days.ceil() as i64).max(1);
    let step = (days / 6).max(1);
    let first_day = snapshot.charts.first_day.unwrap_or_default();
    for k in (1..=days).step_by(step as usize) {
        let day = first_day + Duration::days(k);
        let Some(midnight) = day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).earliest())
        else {
            continue;
        };
        let midnight = midnight.with_timezone(&chrono::Utc);
        if midnight <= from || midnight >= to {
            continue;
        }
        let tx = x(midnight);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{tx:.1}\" y1=\"{top_margin:.1}\" x2=\"{tx:.1}\" y2=\"{plot_bottom:.1}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            plot_bottom + 16.0,
            day.format("%b %-d")
        );
    }
    if now > from && now < to {
        let nx = x(now);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{nx:.1}\" y1=\"{top_margin:.1}\" x2=\"{nx:.1}\" y2=\"{plot_bottom:.1}\" stroke-dasharray=\"2 2\"/>\
             <text x=\"{nx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">now</text>",
            plot_bottom + 28.0
        );
    }
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">No failed deployments in this window.</text>",
            left + plot_w / 2.0,
            top_margin + row_h / 2.0 + 4.0
        );
    }
    for (i, d) in rows.iter().enumerate() {
        let y = top_margin + row_h * i as f64 + row_h / 2.0;
        let start = x(d.finished_at);
        let name = row_label(d);
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{name}</text>",
            left - 10.0,
            y + 4.0
        );
        let (end, note) = match d.recovered_at {
            Some(at) => {
                let after = human_duration((at - d.finished_at).num_seconds());
                let bar_end = x(at);
                let _ = writeln!(
                    out,
                    "<rect class=\"recovery\" x=\"{start:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\">\
                     <title>{name}: recovered after {after}</title></rect>",
                    y - 4.0,
                    (bar_end - start).max(2.0)
                );
                let note = if at > to {
                    format!("recovered after {after}, after the window")
                } else {
                    format!("recovered after {after}")
                };
                (bar_end, note)
            }
            None => {
                let open_for = human_duration((now - d.finished_at).num_seconds());
                let bar_end = x(now.min(to)).max(start + 2.0);
                let _ = writeln!(
                    out,
                    "<rect class=\"open\" x=\"{start:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\">\
                     <title>{name}: not recovered, failing for {open_for}</title></rect>\
                     <path class=\"failure\" d=\"M{bar_end:.1},{:.1} l6,4 l-6,4 z\"/>",
                    y - 4.0,
                    bar_end - start,
                    y - 4.0
                );
                (bar_end + 6.0, format!("not recovered ({open_for})"))
            }
        };
        let _ = writeln!(
            out,
            "<path class=\"failure\" d=\"M{start:.1},{:.1} l6,9 l-12,0 z\"><title>{name}: failed, finished {}</title></path>",
            y - 6.0,
            words::local_time(tz, d.finished_at)
        );
        // The note goes right of the bar, or left of the marker when the bar reaches the edge.
        if end + 190.0 < WIDE {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\">{note}</text>",
                end + 8.0,
                y + 4.0
            );
        } else {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{note}</text>",
                start - 10.0,
                y + 4.0
            );
        }
    }
    out.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_axes_end_on_round_numbers() {
        assert_eq!(round_top(0), 1);
        assert_eq!(round_top(1), 1);
        assert_eq!(round_top(3), 5);
        assert_eq!(round_top(6), 10);
        assert_eq!(round_top(11), 20);
        assert_eq!(round_top(4_900), 5_000);
    }
}
