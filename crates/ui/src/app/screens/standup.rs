//! The standup screen (`s`): what shipped, failed and recovered since the previous working
//! day, what is still open, and CI. The facts are the snapshot's (`snapshot::Standup`); this
//! file only lays them out.

use super::detail::{Detail, columns};
use super::format::{ago, reasons_text, ticking};
use crate::app::action::Command;
use crate::app::list::{ListModel, Row, Target, Tone, detail_row, heading};
use crate::app::state::{App, Measure};
use crate::snapshot::{DeploymentRow, Standup, standup_since};
use flowdeck_core::text::{human_duration, percent};

/// The keys the command bar offers here.
pub(crate) const KEYS: &[Command] = &[
    Command::Open,
    Command::Back,
    Command::Search,
    Command::Help,
    Command::Quit,
];

/// Its name in the breadcrumb.
pub(crate) const CRUMB: &str = "Standup";

/// The standup as a list of sections, each row opening what it names.
pub(crate) fn rows(app: &App) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel {
            columns: columns(16),
            ..ListModel::default()
        };
    };
    let history = app.history();
    let standup = Standup::build(history, &scope.services, &scope.deployments, app.now);
    let mut rows = shipped(app, &standup);
    rows.extend(failed(&standup));
    rows.extend(still_open(app, &standup));
    rows.extend(ci(app, &standup));
    ListModel {
        columns: columns(16),
        rows,
    }
}

/// The standup screen: a title naming the day it starts from, then its list.
pub(crate) fn view(app: &App, list: ListModel, selected: usize) -> Detail {
    let tz = app.history().rules.timezone;
    Detail {
        title: format!(
            "Standup: since {}",
            standup_since(app.now, tz)
                .with_timezone(&tz)
                .format("%A %d %B")
        ),
        facts: Vec::new(),
        list,
        selected,
    }
}

fn deployment_label(d: &DeploymentRow) -> String {
    format!("{} {}", d.service, d.name.clone().unwrap_or_default())
}

fn shipped(app: &App, standup: &Standup) -> Vec<Row> {
    let tz = app.history().rules.timezone;
    let mut rows = vec![heading(&format!(
        "Shipped since {} ({} deployments)",
        standup.since.with_timezone(&tz).format("%a %d %b"),
        standup.shipped.len()
    ))];
    if standup.shipped.is_empty() {
        rows.push(detail_row("", "nothing shipped", Tone::Muted, None));
    }
    for shipped in &standup.shipped {
        let changes = if shipped.changes.is_empty() {
            "no changes".to_string()
        } else {
            shipped.changes.join(" · ")
        };
        let more = if shipped.more > 0 {
            format!(" (+{} more)", shipped.more)
        } else {
            String::new()
        };
        let tone = if shipped.failed {
            Tone::Fail
        } else {
            Tone::Normal
        };
        rows.push(Row {
            url: shipped.url.clone(),
            ..detail_row(
                &format!(
                    "{} {}",
                    shipped.service,
                    shipped.name.clone().unwrap_or_default()
                ),
                format!("{changes}{more}"),
                tone,
                Some(Target::Deployment(shipped.deployment)),
            )
        });
    }
    rows
}

fn failed(standup: &Standup) -> Vec<Row> {
    let mut rows = vec![heading("Failed")];
    if standup.failed.is_empty() {
        rows.push(detail_row("", "no failed deployments", Tone::Ok, None));
    }
    for d in &standup.failed {
        rows.push(detail_row(
            &deployment_label(d),
            reasons_text(&d.failure_reasons),
            Tone::Fail,
            Some(Target::Deployment(d.index)),
        ));
    }
    rows.push(heading("Recovered"));
    if standup.recovered.is_empty() {
        rows.push(detail_row("", "nothing recovered", Tone::Muted, None));
    }
    for d in &standup.recovered {
        rows.push(detail_row(
            &deployment_label(d),
            format!(
                "recovered after {}",
                d.recovery_seconds
                    .map(|s| human_duration(s as i64))
                    .unwrap_or_default()
            ),
            Tone::Ok,
            Some(Target::Deployment(d.index)),
        ));
    }
    rows
}

fn still_open(app: &App, standup: &Standup) -> Vec<Row> {
    let events = &app.history().events;
    let mut rows = vec![heading("Still open")];
    if standup.open_incidents.is_empty() && standup.unrecovered.is_empty() {
        rows.push(detail_row("", "nothing open", Tone::Ok, None));
    }
    for &i in &standup.open_incidents {
        let Some(incident) = events.incidents.get(i as usize) else {
            continue;
        };
        rows.push(detail_row(
            &incident.id,
            format!(
                "{} — open {}",
                incident.title,
                ticking((app.now - incident.started_at).num_seconds())
            ),
            Tone::Fail,
            Some(Target::Incident(i)),
        ));
    }
    for d in &standup.unrecovered {
        rows.push(detail_row(
            &deployment_label(d),
            format!(
                "failing for {}",
                ticking((app.now - d.finished_at).num_seconds())
            ),
            Tone::Fail,
            Some(Target::Deployment(d.index)),
        ));
    }
    rows
}

fn ci(app: &App, standup: &Standup) -> Vec<Row> {
    let ci = &standup.ci;
    let (ok, total) = (ci.succeeded, ci.decided);
    let mut rows = vec![
        heading("CI health"),
        detail_row(
            "runs",
            format!(
                "{ok} of {total} succeeded ({}), {} running or queued",
                percent(flowdeck_core::metrics::stats::rate(ok as u64, total as u64)),
                ci.running
            ),
            if total > 0 && ok * 10 < total * 9 {
                Tone::Warn
            } else {
                Tone::Normal
            },
            Some(Target::Measure(Measure::Ci)),
        ),
    ];
    let runs = &app.history().events.pipeline_runs;
    for run in ci.failed_runs.iter().filter_map(|&r| runs.get(r as usize)) {
        rows.push(Row {
            url: run.url.clone(),
            ..detail_row(
                &run.service,
                format!(
                    "{} failed on {} {}",
                    run.workflow,
                    run.branch.clone().unwrap_or_default(),
                    ago(app.now, run.created_at)
                ),
                Tone::Fail,
                run.url.clone().map(Target::Url),
            )
        });
    }
    rows
}
