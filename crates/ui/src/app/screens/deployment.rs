//! A deployment's screen: what it is (facts), then why it failed or is rework, the incidents
//! blamed on it, the changes it shipped and the pipeline runs of its commit.

use super::detail::{Detail, columns, url_fact};
use super::format::{
    ago, attribution_text, deployment_name, for_how_long, incident_id, short_sha, when,
};
use super::items::run_status;
use crate::app::action::Command;
use crate::app::list::{ListModel, Row, Target, Tone, detail_row, heading};
use crate::app::state::App;
use flowdeck_core::metrics::Reason;
use flowdeck_core::metrics::history::ReasonKind;
use flowdeck_core::text::{count, human_duration, human_seconds, sanitize};

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "open row"),
    (Command::Back, "back"),
    (Command::OpenUrl, "open in browser"),
    (Command::Left, "back"),
    (Command::Right, "open row"),
];

/// "api v4.9.0": the deployment in the breadcrumb.
pub(crate) fn crumb(app: &App, deployment: u32) -> String {
    sanitize(&deployment_name(app.history(), deployment))
}

/// The deployment's title and facts above its list.
pub(crate) fn view(app: &App, deployment: u32, list: ListModel, selected: usize) -> Detail {
    let history = app.history();
    let tz = history.rules.timezone;
    let Some(d) = history.events.deployments.get(deployment as usize) else {
        return Detail::missing("Deployment", list, selected);
    };
    let facts = &history.deployments[deployment as usize];
    let outcome = if facts.failed() {
        match facts.recovered_at {
            Some(_) => ("failed, recovered".to_string(), Tone::Warn),
            None => ("failing".to_string(), Tone::Fail),
        }
    } else if facts.baseline {
        ("baseline".to_string(), Tone::Muted)
    } else {
        ("ok".to_string(), Tone::Ok)
    };
    let mut leads = history.lead_times(deployment).to_vec();
    Detail {
        title: sanitize(&format!(
            "Deployment {}",
            d.name.clone().unwrap_or_else(|| d.id.clone())
        )),
        facts: vec![
            ("service".to_string(), sanitize(&d.service), Tone::Normal),
            (
                "environment".to_string(),
                sanitize(&d.environment),
                Tone::Normal,
            ),
            (
                "finished".to_string(),
                when(d.finished_at, tz),
                Tone::Normal,
            ),
            ("commit".to_string(), sanitize(&d.sha), Tone::Muted),
            ("outcome".to_string(), outcome.0, outcome.1),
            (
                "lead time".to_string(),
                format!(
                    "{} median over {}",
                    human_seconds(flowdeck_core::metrics::stats::median(&mut leads)),
                    count(u64::from(facts.changes), "change")
                ),
                Tone::Normal,
            ),
            url_fact(d.url.as_deref()),
        ],
        list,
        selected,
    }
}

/// A deployment: why it failed or is rework, the incidents blamed on it, its changes and runs.
pub(crate) fn rows(app: &App, deployment: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = columns(14);
    let Some(d) = events.deployments.get(deployment as usize) else {
        return ListModel {
            columns,
            ..ListModel::default()
        };
    };
    let mut rows = Vec::new();
    let row = crate::snapshot::deployment_row(history, deployment);
    if !row.failure_reasons.is_empty() || !row.rework_reasons.is_empty() {
        rows.push(heading("Why"));
        for reason in &row.failure_reasons {
            rows.push(detail_row(
                "failed",
                reason_sentence(app, reason, false),
                Tone::Fail,
                reason_target(app, reason),
            ));
        }
        for reason in &row.rework_reasons {
            rows.push(detail_row(
                "rework",
                reason_sentence(app, reason, true),
                Tone::Warn,
                reason_target(app, reason),
            ));
        }
        let recovery = match row.recovered_at {
            Some(t) => format!(
                "recovered {} after it went out ({})",
                human_duration((t - d.finished_at).num_seconds()),
                when(t, history.rules.timezone)
            ),
            None if row.failed => format!(
                "not recovered: failing for {}",
                for_how_long(app.now, d.finished_at)
            ),
            None => "–".into(),
        };
        rows.push(detail_row(
            "recovery",
            recovery,
            if row.recovered_at.is_some() {
                Tone::Ok
            } else {
                Tone::Fail
            },
            None,
        ));
    }
    rows.extend(health_rows(app, deployment));
    let incidents: Vec<(usize, &flowdeck_core::metrics::Attribution)> = history
        .attributions
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |a| (i, a)))
        .filter(|(_, a)| a.deployment == deployment)
        .collect();
    if !incidents.is_empty() {
        rows.push(heading("Incidents attributed to it"));
        for (i, attribution) in incidents {
            let incident = &events.incidents[i];
            rows.push(detail_row(
                &incident_id(incident),
                format!(
                    "{} — {}",
                    incident.title,
                    attribution_text(history, attribution)
                ),
                Tone::Fail,
                Some(Target::Incident(i as u32)),
            ));
        }
    }
    let changes: Vec<_> = d.changes.iter().filter(|c| !c.merge).collect();
    rows.push(heading(&format!(
        "{}{}",
        count(changes.len() as u64, "change"),
        if row.baseline {
            ", baseline: not counted in lead time"
        } else {
            ""
        }
    )));
    let leads = history.lead_times(deployment);
    for (i, change) in changes.iter().enumerate().take(500) {
        let lead = leads
            .get(i)
            .map(|s| human_duration(*s))
            .unwrap_or_else(|| "–".into());
        rows.push(detail_row(
            &short_sha(&change.sha),
            format!("{lead:>8}  {}  ({})", change.title, change.author),
            Tone::Normal,
            None,
        ));
    }
    let runs: Vec<(usize, _)> = events
        .pipeline_runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.sha == d.sha && r.service == d.service)
        .collect();
    if !runs.is_empty() {
        rows.push(heading("Pipeline runs for its commit"));
        for (index, run) in runs {
            let (status, tone) = run_status(run, app.now, false);
            rows.push(Row {
                url: run.url.clone(),
                ..detail_row(
                    &run.workflow,
                    format!("{status}  {}", ago(app.now, run.created_at)),
                    tone,
                    Some(Target::Run(index as u32)),
                )
            });
        }
    }
    ListModel { columns, rows }
}

/// Each health panel's verdict beside the failure reasons: a hint (an unusual worsening is
/// shown, never counted as a failure).
fn health_rows(app: &App, deployment: u32) -> Vec<Row> {
    let Some(table) = crate::app::health::table(app) else {
        return Vec::new();
    };
    let health = table.of(deployment);
    if health.is_empty() {
        return Vec::new();
    }
    let mut rows = vec![heading("Health panels (a hint, not a failure)")];
    for h in health {
        let (label, tone) = if h.worse {
            ("worse", Tone::Warn)
        } else if h.unusual {
            ("unusual", Tone::Normal)
        } else if h.delta.is_none() {
            ("no data", Tone::Muted)
        } else {
            ("usual", Tone::Muted)
        };
        rows.push(detail_row(label, sanitize(&h.describe()), tone, None));
    }
    rows
}

fn reason_sentence(app: &App, reason: &Reason, rework: bool) -> String {
    let history = app.history();
    let events = &history.events;
    let incident = |id: &str| {
        events
            .incidents
            .iter()
            .find(|i| i.id == id)
            .map(|i| format!("{} ({})", incident_id(i), i.title))
            .unwrap_or_else(|| id.to_string())
    };
    let deployment = |id: &str| {
        events
            .deployments
            .iter()
            .position(|d| d.id == id)
            .map_or_else(|| id.to_string(), |d| deployment_name(history, d as u32))
    };
    match reason.kind {
        ReasonKind::IncidentLink => format!("incident {} names it", incident(&reason.reference)),
        ReasonKind::IncidentWindow => format!(
            "incident {} started within {} of it",
            incident(&reason.reference),
            super::format::rule_duration(history.rules.attribution_window)
        ),
        ReasonKind::Rollback if rework => {
            format!("it rolls back to {}", deployment(&reason.reference))
        }
        ReasonKind::Rollback => format!("{} rolled it back", deployment(&reason.reference)),
        ReasonKind::Revert => format!("commit {} was reverted", short_sha(&reason.reference)),
        ReasonKind::Hotfix => format!("hotfix {}", short_sha(&reason.reference)),
        ReasonKind::DuringIncident => format!(
            "deployed while incident {} was open",
            incident(&reason.reference)
        ),
    }
}

fn reason_target(app: &App, reason: &Reason) -> Option<Target> {
    let events = &app.history().events;
    match reason.kind {
        ReasonKind::IncidentLink | ReasonKind::IncidentWindow | ReasonKind::DuringIncident => {
            events
                .incidents
                .iter()
                .position(|i| i.id == reason.reference)
                .map(|i| Target::Incident(i as u32))
        }
        ReasonKind::Rollback => events
            .deployments
            .iter()
            .position(|d| d.id == reason.reference)
            .map(|d| Target::Deployment(d as u32)),
        _ => None,
    }
}
