//! The report's prose sections: the header (window, generated, scope, coverage), the five DORA
//! measures, the flow measures, and the definitions with the band table in use.

use std::fmt::Write as _;

use super::escape;
use crate::report::words;
use crate::snapshot::{Headline, Snapshot};
use flowdeck_core::metrics::trend::Trend;
use flowdeck_core::metrics::{Band, MetricSet};
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::{human_seconds, number, percent};

/// `<time>` with the instant in the machine-readable attribute and local time as text.
pub(crate) fn time(snapshot: &Snapshot, t: Timestamp) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        words::local_time(words::timezone(snapshot), t)
    )
}

/// A band as shape and label (never colour alone), or a muted dash.
pub(crate) fn band(band: Option<Band>) -> String {
    match band {
        Some(b) => format!(
            "<span class=\"band band-{0}\"><span aria-hidden=\"true\">{1}</span> {0}</span>",
            b.as_str(),
            words::band_shape(b)
        ),
        None => "<span class=\"band band-none\">–</span>".to_string(),
    }
}

fn trend(t: Option<Trend>, delta: Option<&str>) -> String {
    let class = match t.and_then(|t| t.better) {
        Some(true) => "trend better",
        Some(false) => "trend worse",
        None => "trend",
    };
    format!(
        "<span class=\"{class}\">{}</span>",
        escape::text(&words::trend(t, delta))
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(crate) fn header(out: &mut String, snapshot: &Snapshot) {
    let tz = words::timezone(snapshot);
    let _ = writeln!(
        out,
        "<header>\n<h1>Delivery report</h1>\n<p class=\"muted\">{}: {} days to {} ({})</p>",
        escape::text(&capitalized(&snapshot.scope.describe())),
        number(Some(snapshot.window.days), 1),
        words::local_time(tz, snapshot.window.to),
        escape::text(&snapshot.timezone)
    );
    let previous = &snapshot.previous.window;
    let rows = [
        (
            "Window",
            format!(
                "{} → {} (end exclusive)",
                time(snapshot, snapshot.window.from),
                time(snapshot, snapshot.window.to)
            ),
        ),
        (
            "Trends against",
            format!(
                "the previous {} days, {} → {}",
                number(Some(previous.days), 1),
                time(snapshot, previous.from),
                time(snapshot, previous.to)
            ),
        ),
        ("Generated", time(snapshot, snapshot.generated_at)),
        ("Timezone", escape::text(&snapshot.timezone)),
        ("Scope", escape::text(&snapshot.scope.describe())),
        ("Bands", escape::text(&snapshot.bands)),
    ];
    out.push_str("<dl class=\"meta\">\n");
    for (term, value) in rows {
        let _ = writeln!(out, "<dt>{term}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n");
    if let Some(note) = words::coverage_note(snapshot) {
        let _ = writeln!(
            out,
            "<p class=\"note\" role=\"note\"><strong>Note:</strong> {}.</p>",
            escape::text(note)
        );
    }
    if let Some(note) = snapshot.empty_window_note() {
        let _ = writeln!(
            out,
            "<p class=\"note\" role=\"note\"><strong>No deployments:</strong> {}.</p>",
            escape::text(&note)
        );
    }
    for line in &snapshot.inferred {
        let _ = writeln!(
            out,
            "<p class=\"note\" role=\"note\"><strong>Inferred:</strong> {}</p>",
            escape::text(line)
        );
    }
    out.push_str("</header>\n");
}

fn measure(out: &mut String, h: &Headline) {
    let band_line = match h.band {
        Some(_) => band(h.band),
        None => match &h.why_none {
            // No value, no verdict: say why there is none.
            Some(why) => format!(
                "<span class=\"band band-none\">no band: {}</span>",
                escape::text(why)
            ),
            None if h.key == "deployment_rework_rate" => {
                "<span class=\"band band-none\">no official bands</span>".to_string()
            }
            None => "<span class=\"band band-none\">no band (no value)</span>".to_string(),
        },
    };
    let _ = writeln!(
        out,
        "<article class=\"measure\" id=\"measure-{}\" data-measure=\"{}\">\n\
         <h3>{}</h3>\n<p class=\"value\">{}</p>\n<p>{band_line}</p>\n\
         <p>{} <span class=\"muted\">vs the previous window</span></p>\n\
         <p class=\"detail\">{}</p>\n</article>",
        h.key,
        h.key,
        escape::text(h.title),
        escape::text(&h.value),
        trend(h.trend, h.delta.as_ref().map(|d| d.long.as_str())),
        escape::text(&h.detail()),
    );
}

pub(crate) fn headline(out: &mut String, snapshot: &Snapshot) {
    out.push_str("<section id=\"dora\">\n<h2>DORA measures</h2>\n<div class=\"measures\">\n");
    for h in snapshot.headline() {
        measure(out, &h);
    }
    out.push_str("</div>\n</section>\n");
}

/// The flow measures and time to restore, this window against the previous one.
pub(crate) fn flow(out: &mut String, snapshot: &Snapshot) {
    let rows = |m: &MetricSet| -> Vec<String> {
        vec![
            format!(
                "{} ({} of {} runs)",
                percent(m.ci.success_rate),
                m.ci.succeeded,
                m.ci.runs
            ),
            format!(
                "{} · p90 {}",
                human_seconds(m.ci.median_duration_seconds),
                human_seconds(m.ci.p90_duration_seconds)
            ),
            human_seconds(m.ci.median_queue_seconds),
            format!(
                "{} · p90 {} ({} PRs)",
                human_seconds(m.pr_cycle_time.median_seconds),
                human_seconds(m.pr_cycle_time.p90_seconds),
                m.pr_cycle_time.prs
            ),
            format!(
                "{} · {} · {} · {}",
                human_seconds(m.pr_cycle_time.coding_median_seconds),
                human_seconds(m.pr_cycle_time.pickup_median_seconds),
                human_seconds(m.pr_cycle_time.review_median_seconds),
                human_seconds(m.pr_cycle_time.deploy_median_seconds)
            ),
            format!(
                "{} changes per deployment",
                number(m.batch_size.median_changes, 1)
            ),
            format!(
                "{} open PRs, median age {}",
                m.wip.open_prs,
                human_seconds(m.wip.median_age_seconds)
            ),
            format!(
                "{} · p90 {} ({} incidents, {} open)",
                human_seconds(m.time_to_restore.median_seconds),
                human_seconds(m.time_to_restore.p90_seconds),
                m.time_to_restore.incidents,
                m.time_to_restore.open
            ),
        ]
    };
    let names = [
        "CI success rate",
        "CI duration (median · p90)",
        "CI queue time (median)",
        "PR cycle time (median · p90)",
        "PR coding · pickup · review · deploy (medians)",
        "Batch size (median)",
        "Work in progress",
        "Time to restore (median · p90)",
    ];
    let current = rows(&snapshot.metrics);
    let previous = rows(&snapshot.previous.metrics);
    out.push_str(
        "<section id=\"flow\" class=\"page\">\n<h2>Flow</h2>\n<table id=\"flow-table\">\n\
         <thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">This window</th>\
         <th scope=\"col\">Previous window</th></tr></thead>\n<tbody>\n",
    );
    for ((name, now), before) in names.iter().zip(&current).zip(&previous) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{name}</th><td>{}</td><td class=\"muted\">{}</td></tr>",
            escape::text(now),
            escape::text(before)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Every measure's definition, and the band table in use with its thresholds written out.
pub(crate) fn definitions(out: &mut String, snapshot: &Snapshot) {
    out.push_str(
        "<section id=\"definitions\" class=\"page\">\n<h2>Definitions and bands</h2>\n\
         <dl class=\"definitions\">\n",
    );
    let headline = snapshot.headline();
    let dora = headline.iter().map(|h| (h.title, h.definition));
    for (term, definition) in dora.chain(words::FLOW_DEFINITIONS) {
        let _ = writeln!(
            out,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape::text(term),
            escape::text(definition)
        );
    }
    out.push_str("</dl>\n");
    let _ = writeln!(
        out,
        "<h3>Band table: {}</h3>\n<table id=\"band-table\">\n<thead><tr>\
         <th scope=\"col\">Band</th><th scope=\"col\">Deployment frequency</th>\
         <th scope=\"col\">Lead time (median)</th><th scope=\"col\">Change failure rate</th>\
         <th scope=\"col\">Recovery time (median)</th></tr></thead>\n<tbody>",
        escape::text(&snapshot.band_table.name)
    );
    for row in words::band_rows(&snapshot.band_table) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            band(Some(row.band)),
            escape::text(&row.frequency),
            escape::text(&row.lead_time),
            escape::text(&row.change_failure_rate),
            escape::text(&row.recovery_time)
        );
    }
    out.push_str(
        "</tbody>\n</table>\n<p class=\"muted\">Bands apply to the weekly deploy-day median, \
         the lead-time median, the change failure rate and the recovery-time median; a measure \
         without a value has no band. Rework rate has no official bands.</p>\n</section>\n",
    );
}
