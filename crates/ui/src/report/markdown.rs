//! The Markdown report: short enough to paste into a standup note, and rendering well on GitHub
//! and GitLab (pipe tables, arrows, links). Text from sources is made inert.

use std::fmt::Write as _;

use super::RenderOptions;
use super::words::{self, short_ref, trend};
use crate::snapshot::{DeploymentRow, IncidentRow, Snapshot};
use flowdeck_core::metrics::Band;
use flowdeck_core::text::{human_duration, human_seconds, number, percent, sanitize};

/// Escapes untrusted text for a Markdown table cell: control characters and escape sequences
/// removed, and every character Markdown or inline HTML would interpret backslash-escaped or
/// turned into an entity.
pub(crate) fn escape(text: &str) -> String {
    let clean = sanitize(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A link when the URL is a plain http(s) URL, else the escaped text alone.
fn link(text: &str, url: Option<&str>) -> String {
    match url {
        Some(url)
            if (url.starts_with("https://") || url.starts_with("http://"))
                && !url.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || matches!(c, '(' | ')' | '<' | '>')
                }) =>
        {
            format!("[{}]({url})", escape(text))
        }
        _ => escape(text),
    }
}

fn band(b: Option<Band>) -> String {
    words::band_label(b)
}

fn day(snapshot: &Snapshot, t: flowdeck_core::model::Timestamp) -> String {
    words::local_time(words::timezone(snapshot), t)
}

/// A value followed by its band, or the value alone when it has none.
fn with_band(value: String, b: Option<Band>) -> String {
    match b {
        Some(_) => format!("{value} {}", band(b)),
        None => value,
    }
}

pub(crate) fn render(snapshot: &Snapshot, options: RenderOptions) -> String {
    let mut out = String::new();
    let tz = words::timezone(snapshot);
    let _ = writeln!(
        out,
        "# Delivery report: {} → {} ({} days)\n",
        words::local_time(tz, snapshot.window.from),
        words::local_time(tz, snapshot.window.to),
        number(Some(snapshot.window.days), 1)
    );
    let scope = if snapshot.scope.kind == "all" && snapshot.scope.environment.is_none() {
        String::new()
    } else {
        format!("Scope: {} · ", escape(&snapshot.scope.describe()))
    };
    let _ = writeln!(
        out,
        "{scope}Generated {} ({}) · bands: {} · trends against the previous {} days",
        day(snapshot, snapshot.generated_at),
        escape(&snapshot.timezone),
        escape(&snapshot.bands),
        number(Some(snapshot.previous.window.days), 1)
    );
    if let Some(note) = words::coverage_note(snapshot) {
        let _ = writeln!(out, "\n> **Note:** {note}.");
    }
    if let Some(note) = snapshot.empty_window_note() {
        let _ = writeln!(out, "\n> **No deployments:** {}.", escape(&note));
    }
    for line in &snapshot.inferred {
        let _ = writeln!(out, "\n> **Inferred:** {}", escape(line));
    }

    out.push_str("\n| Measure | Value | Band | Trend | Detail |\n|---|---|---|---|---|\n");
    for h in snapshot.headline() {
        let _ = writeln!(
            out,
            "| {} | **{}** | {} | {} | {} |",
            h.title,
            h.value,
            match (&h.band, &h.why_none) {
                (None, Some(why)) => format!("– ({})", escape(why)),
                _ => band(h.band),
            },
            trend(h.trend, h.delta.as_ref().map(|d| d.long.as_str())),
            h.detail()
        );
    }

    let m = &snapshot.metrics;
    if m.ci.runs == 0 && m.pr_cycle_time.prs == 0 && m.wip.open_prs == 0 {
        // No CI or pull request source: a table of dashes would say nothing.
        let _ = writeln!(
            out,
            "\nBatch size: {} changes per deployment (median). No CI or pull request data.",
            number(m.batch_size.median_changes, 1)
        );
    } else {
        out.push_str("\n## Flow\n\n| CI success | CI duration (median · p90) | Queue | PR cycle time | Coding · pickup · review · deploy | Batch size | Open PRs |\n|---|---|---|---|---|---|---|\n");
        let _ = writeln!(
            out,
            "| {} of {} ({}) | {} · {} | {} | {} ({} PRs) | {} · {} · {} · {} | {} | {} (median age {}) |",
            m.ci.succeeded,
            m.ci.runs,
            percent(m.ci.success_rate),
            human_seconds(m.ci.median_duration_seconds),
            human_seconds(m.ci.p90_duration_seconds),
            human_seconds(m.ci.median_queue_seconds),
            human_seconds(m.pr_cycle_time.median_seconds),
            m.pr_cycle_time.prs,
            human_seconds(m.pr_cycle_time.coding_median_seconds),
            human_seconds(m.pr_cycle_time.pickup_median_seconds),
            human_seconds(m.pr_cycle_time.review_median_seconds),
            human_seconds(m.pr_cycle_time.deploy_median_seconds),
            number(m.batch_size.median_changes, 1),
            m.wip.open_prs,
            human_seconds(m.wip.median_age_seconds),
        );
    }

    if !snapshot.services.is_empty() {
        out.push_str("\n## Services\n\n| Service | Team | Deploy-days/week | Deployments | Lead time | Failure rate | Recovery | Rework |\n|---|---|---|---|---|---|---|---|\n");
        for s in &snapshot.services {
            let sm = &s.metrics;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                escape(&s.name),
                s.team.as_deref().map(escape).unwrap_or_else(|| "–".into()),
                with_band(
                    number(sm.deployment_frequency.median_deploy_days_per_week, 1),
                    sm.deployment_frequency.band
                ),
                sm.deployment_frequency.deployments,
                with_band(
                    human_seconds(sm.lead_time_for_changes.median_seconds),
                    sm.lead_time_for_changes.band
                ),
                with_band(
                    percent(sm.change_failure_rate.rate),
                    sm.change_failure_rate.band
                ),
                with_band(
                    human_seconds(sm.failed_deployment_recovery_time.median_seconds),
                    sm.failed_deployment_recovery_time.band
                ),
                percent(sm.deployment_rework_rate.rate),
            );
        }
    }

    unusual_deployments(&mut out, snapshot, options.max_items);

    let (failed_total, _) = snapshot.deployments.failed_counts();
    let failed: Vec<DeploymentRow> = snapshot
        .deployments
        .failed()
        .take(options.max_items)
        .collect();
    if failed_total > 0 {
        out.push_str("\n## Failed deployments\n\n| Deployment | Service | Finished | Why | Recovered |\n|---|---|---|---|---|\n");
        for d in failed.iter().take(options.max_items) {
            let why: Vec<String> = d
                .failure_reasons
                .iter()
                .map(|r| {
                    format!(
                        "{}: {}",
                        words::reason_kind(r.kind),
                        escape(short_ref(&r.reference))
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                link(d.name.as_deref().unwrap_or(&d.id), d.url.as_deref()),
                escape(&d.service),
                day(snapshot, d.finished_at),
                why.join(", "),
                d.recovery_seconds.map_or_else(
                    || "**not yet**".to_string(),
                    |s| format!("after {}", human_duration(s as i64))
                ),
            );
        }
        if failed_total > failed.len() {
            let _ = writeln!(out, "\n_{} more not shown._", failed_total - failed.len());
        }
    }

    let incidents: &[IncidentRow] = &snapshot.incidents;
    if !incidents.is_empty() {
        out.push_str("\n## Incidents\n\n| Incident | Services | Started | Duration | Attributed to |\n|---|---|---|---|---|\n");
        for i in incidents.iter().take(options.max_items) {
            let duration = match i.resolved_at {
                Some(resolved) => human_duration((resolved - i.started_at).num_seconds()),
                None => format!(
                    "**open** for {}{}",
                    human_duration((snapshot.generated_at - i.started_at).num_seconds()),
                    i.suppressed
                        .map(|how| format!(" ({how})"))
                        .unwrap_or_default()
                ),
            };
            let attributed = match &i.attributed_to {
                Some(a) => format!("{} ({})", escape(&a.deployment_id), escape(&a.explanation)),
                None => "–".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                link(&i.title, i.url.as_deref()),
                escape(&i.services.join(", ")),
                day(snapshot, i.started_at),
                duration,
                attributed
            );
        }
        if incidents.len() > options.max_items {
            let _ = writeln!(
                out,
                "\n_{} more not shown._",
                incidents.len() - options.max_items
            );
        }
    }

    if !snapshot.sources.is_empty() {
        out.push_str("\n## Sources\n\n");
        for s in &snapshot.sources {
            let _ = writeln!(
                out,
                "- {} ({}): {} · data {}{}",
                escape(&s.name),
                escape(&s.kind),
                escape(&words::source_status(s.status)),
                words::data_age(s.last_success_at, snapshot.generated_at),
                s.error
                    .as_deref()
                    .map(|e| format!(" — {}", escape(e)))
                    .unwrap_or_default()
            );
        }
    }
    out
}

/// The deployments a health panel finds unusual (a hint; the change failure rate ignores it).
fn unusual_deployments(out: &mut String, snapshot: &Snapshot, max_items: usize) {
    let unusual: Vec<DeploymentRow> = snapshot.deployments.unusual().take(max_items).collect();
    if unusual.is_empty() {
        return;
    }
    out.push_str("\n## Unusual deployments\n\nA health panel changed more than in 8 of 10 comparable spans of the 7 days before (a hint, not a failure).\n\n| Deployment | Service | Finished | Health |\n|---|---|---|---|\n");
    for d in &unusual {
        let health: Vec<String> = d
            .health
            .iter()
            .filter(|h| h.unusual)
            .map(|h| escape(&h.describe()))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            link(d.name.as_deref().unwrap_or(&d.id), d.url.as_deref()),
            escape(&d.service),
            day(snapshot, d.finished_at),
            health.join("; "),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_inert() {
        assert_eq!(
            escape("<script>alert(1)</script> | \u{1b}[31mred"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\| red"
        );
        assert_eq!(escape("a_b*c"), "a\\_b\\*c");
    }

    #[test]
    fn only_plain_http_urls_become_links() {
        assert_eq!(
            link("v1", Some("https://x.test/v1")),
            "[v1](https://x.test/v1)"
        );
        assert_eq!(link("v1", Some("javascript:alert(1)")), "v1");
        assert_eq!(link("v1", Some("https://x.test/a b")), "v1");
        assert_eq!(link("v1", None), "v1");
    }
}
