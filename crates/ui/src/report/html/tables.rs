//! The report's item tables: services, teams, failed deployments, incidents, CI health and
//! sources. Every cell with text from a source is escaped here.

use std::fmt::Write as _;

use super::escape;
use super::sections::{band, time};
use super::table::{self, Column, Listing, num, text};
use crate::report::words;
use crate::snapshot::{DeploymentRow, IncidentRow, Snapshot};
use flowdeck_core::metrics::MetricSet;
use flowdeck_core::status::{SourceState, SourceStatus};
use flowdeck_core::text::{human_duration, human_seconds, number, percent};

fn open(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(
        out,
        "<section id=\"{id}\" class=\"page\">\n<h2>{}</h2>",
        escape::text(title)
    );
}

fn close(out: &mut String) {
    out.push_str("</section>\n");
}

/// The DORA columns of one scope's measures (shared by services and teams).
const MEASURE_COLUMNS: [Column; 6] = [
    num("Deploy-days/week"),
    num("Deployments"),
    num("Lead time"),
    num("Failure rate"),
    num("Recovery"),
    num("Rework"),
];

fn measure_cells(m: &MetricSet) -> Vec<String> {
    let with_band = |value: String, b: Option<flowdeck_core::metrics::Band>| match b {
        Some(_) => format!("{} {}", escape::text(&value), band(b)),
        None => escape::text(&value),
    };
    vec![
        with_band(
            number(m.deployment_frequency.median_deploy_days_per_week, 1),
            m.deployment_frequency.band,
        ),
        m.deployment_frequency.deployments.to_string(),
        with_band(
            human_seconds(m.lead_time_for_changes.median_seconds),
            m.lead_time_for_changes.band,
        ),
        with_band(
            percent(m.change_failure_rate.rate),
            m.change_failure_rate.band,
        ),
        with_band(
            human_seconds(m.failed_deployment_recovery_time.median_seconds),
            m.failed_deployment_recovery_time.band,
        ),
        escape::text(&percent(m.deployment_rework_rate.rate)),
    ]
}

pub(crate) fn services(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "services", "Services");
    let mut columns = vec![text("Service"), text("Team")];
    columns.extend(MEASURE_COLUMNS);
    table::write(
        out,
        &Listing {
            id: "services-table",
            noun: "services",
            empty: "No services in scope.",
            order: "",
        },
        &columns,
        table::all(&snapshot.services),
        limit,
        |s| {
            let mut cells = vec![
                escape::text(&s.name),
                s.team.as_deref().map_or("–".to_string(), escape::text),
            ];
            cells.extend(measure_cells(&s.metrics));
            cells
        },
    );
    close(out);
}

pub(crate) fn teams(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "teams", "Teams");
    let mut columns = vec![text("Team"), text("Services")];
    columns.extend(MEASURE_COLUMNS);
    table::write(
        out,
        &Listing {
            id: "teams-table",
            noun: "teams",
            empty: "No teams: no service in scope has a team (services.team in the config).",
            order: "",
        },
        &columns,
        table::all(&snapshot.teams),
        limit,
        |t| {
            let mut cells = vec![escape::text(&t.name), escape::text(&t.services.join(", "))];
            cells.extend(measure_cells(&t.metrics));
            cells
        },
    );
    close(out);
}

fn reasons(d: &DeploymentRow) -> String {
    d.failure_reasons
        .iter()
        .map(|r| {
            format!(
                "{}: <code>{}</code>",
                escape::text(&words::reason_kind(r.kind)),
                escape::text(words::short_ref(&r.reference))
            )
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

pub(crate) fn failed_deployments(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "failed-deployments", "Failed deployments");
    let failed: Vec<DeploymentRow> = snapshot.deployments.failed().take(limit).collect();
    let (total, _) = snapshot.deployments.failed_counts();
    table::write(
        out,
        &Listing {
            id: "failed-table",
            noun: "failed deployments",
            empty: "No deployment in the window failed.",
            order: "most recent",
        },
        &[
            text("Deployment"),
            text("Service"),
            text("Finished"),
            text("Why it failed"),
            text("Recovered"),
        ],
        (&failed, total),
        limit,
        |d| {
            let recovered = match (d.recovered_at, d.recovery_seconds) {
                (Some(at), Some(seconds)) => format!(
                    "after {} ({})",
                    human_duration(seconds as i64),
                    time(snapshot, at)
                ),
                _ => format!(
                    "<strong>not yet</strong> (failing for {})",
                    human_duration((snapshot.generated_at - d.finished_at).num_seconds())
                ),
            };
            vec![
                escape::link(d.name.as_deref().unwrap_or(&d.id), d.url.as_deref()),
                escape::text(&d.service),
                time(snapshot, d.finished_at),
                reasons(d),
                recovered,
            ]
        },
    );
    close(out);
}

pub(crate) fn incidents(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "incidents", "Incidents");
    table::write(
        out,
        &Listing {
            id: "incidents-table",
            noun: "incidents",
            empty: "No incidents in the window.",
            order: "most recent",
        },
        &[
            text("Incident"),
            text("Severity"),
            text("Services"),
            text("Started"),
            text("Duration"),
            text("Attributed to"),
            text("Why"),
        ],
        table::all(&snapshot.incidents),
        limit,
        |i: &IncidentRow| {
            let duration = match i.resolved_at {
                Some(resolved) => {
                    escape::text(&human_duration((resolved - i.started_at).num_seconds()))
                }
                None => format!(
                    "<strong>open</strong> for {}{}",
                    human_duration((snapshot.generated_at - i.started_at).num_seconds()),
                    i.suppressed
                        .map(|how| format!(" ({how})"))
                        .unwrap_or_default()
                ),
            };
            let (to, why) = match &i.attributed_to {
                Some(a) => (
                    format!("<code>{}</code>", escape::text(&a.deployment_id)),
                    format!(
                        "{}: {}",
                        escape::text(&words::reason_kind(a.reason)),
                        escape::text(&a.explanation)
                    ),
                ),
                None => ("–".to_string(), "no deployment matched".to_string()),
            };
            vec![
                format!(
                    "{}<br><span class=\"muted\">{} · {}</span>",
                    escape::link(&i.title, i.url.as_deref()),
                    escape::text(&i.id),
                    escape::text(&i.source)
                ),
                i.severity.as_deref().map_or("–".to_string(), escape::text),
                escape::text(&i.services.join(", ")),
                time(snapshot, i.started_at),
                duration,
                to,
                why,
            ]
        },
    );
    close(out);
}

/// Every deployment of the window (the most recent `limit`), with what it shipped and whether
/// it failed or is rework: the items behind the DORA numbers.
pub(crate) fn deployments(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "deployments", "Deployments");
    let shown: Vec<DeploymentRow> = snapshot.deployments.rows().take(limit).collect();
    table::write(
        out,
        &Listing {
            id: "deployments-table",
            noun: "deployments",
            empty: "No deployments in the window.",
            order: "most recent",
        },
        &[
            text("Deployment"),
            text("Service"),
            text("Finished"),
            num("Changes"),
            num("Lead time (median)"),
            text("Failed"),
            text("Rework"),
        ],
        (&shown, snapshot.deployments.len()),
        limit,
        |d: &DeploymentRow| {
            let kinds = |reasons: &[flowdeck_core::metrics::Reason]| {
                if reasons.is_empty() {
                    "–".to_string()
                } else {
                    let kinds: Vec<String> =
                        reasons.iter().map(|r| words::reason_kind(r.kind)).collect();
                    escape::text(&kinds.join(", "))
                }
            };
            vec![
                escape::link(d.name.as_deref().unwrap_or(&d.id), d.url.as_deref()),
                escape::text(&d.service),
                time(snapshot, d.finished_at),
                if d.baseline {
                    "baseline".to_string()
                } else {
                    d.changes.to_string()
                },
                human_seconds(d.lead_time_median_seconds),
                kinds(&d.failure_reasons),
                kinds(&d.rework_reasons),
            ]
        },
    );
    close(out);
}

/// CI health per service, with the total first.
pub(crate) fn ci(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "ci", "CI health");
    let mut rows: Vec<(String, &MetricSet)> = vec![("All in scope".into(), &snapshot.metrics)];
    rows.extend(
        snapshot
            .services
            .iter()
            .map(|s| (s.name.clone(), &s.metrics)),
    );
    table::write(
        out,
        &Listing {
            id: "ci-table",
            noun: "rows (the total and each service)",
            empty: "",
            order: "",
        },
        &[
            text("Service"),
            num("Runs"),
            num("Succeeded"),
            num("Success rate"),
            num("Duration (median)"),
            num("Duration (p90)"),
            num("Queue (median)"),
        ],
        table::all(&rows),
        limit.saturating_add(1),
        |(name, m)| {
            vec![
                escape::text(name),
                m.ci.runs.to_string(),
                m.ci.succeeded.to_string(),
                percent(m.ci.success_rate),
                human_seconds(m.ci.median_duration_seconds),
                human_seconds(m.ci.p90_duration_seconds),
                human_seconds(m.ci.median_queue_seconds),
            ]
        },
    );
    close(out);
}

pub(crate) fn sources(out: &mut String, snapshot: &Snapshot, limit: usize) {
    open(out, "sources", "Sources");
    table::write(
        out,
        &Listing {
            id: "sources-table",
            noun: "sources",
            empty: "No sources.",
            order: "",
        },
        &[
            text("Source"),
            text("Kind"),
            text("Status"),
            text("Last success"),
            text("Data age"),
            text("Error"),
        ],
        table::all(&snapshot.sources),
        limit,
        |s: &SourceStatus| {
            let class = match s.status {
                SourceState::Ok => "status-ok",
                SourceState::Stale => "status-stale",
                SourceState::Error | SourceState::Syncing => "status-error",
            };
            vec![
                escape::text(&s.name),
                escape::text(&s.kind),
                format!(
                    "<span class=\"{class}\">{}</span>",
                    escape::text(&words::source_status(s.status))
                ),
                s.last_success_at
                    .map_or("never".to_string(), |t| time(snapshot, t)),
                escape::text(&words::data_age(s.last_success_at, snapshot.generated_at)),
                s.error.as_deref().map_or("–".to_string(), escape::text),
            ]
        },
    );
    close(out);
}
