//! The item lists the overview's strips and the measure drill-downs share: deployments,
//! incidents, pipeline runs, changes and pull requests, one row per item.

use super::format::{ago, reasons_text, short_sha, ticking};
use crate::app::list::{Cell, ListModel, Row, SortKey, Target, Tone, col, num};
use crate::app::state::App;
use crate::snapshot::{DeploymentRow, IncidentRow};
use flowdeck_core::model::{RunConclusion, RunStatus, Timestamp};
use flowdeck_core::text::human_duration;

fn seconds_key(s: Option<f64>) -> SortKey {
    s.map_or(SortKey::Missing, SortKey::Number)
}

fn time_key(t: Timestamp) -> SortKey {
    SortKey::Number(t.timestamp() as f64)
}

/// Deployments (only the failed ones when `only_failed`): outcome, lead time and why.
pub(crate) fn deployment_rows(app: &App, rows: &[DeploymentRow], only_failed: bool) -> ListModel {
    let now = app.now;
    let columns = vec![
        col("Deployment", 16),
        col("Service", 10),
        col("Finished", 11),
        num("Changes", 8),
        num("Lead", 9),
        col("Outcome", 16),
        col("Why", 30),
    ];
    let rows = rows
        .iter()
        .filter(|d| !only_failed || d.failed)
        .map(|d| {
            let name = d.name.clone().unwrap_or_else(|| d.id.clone());
            let outcome = if d.failed {
                match d.recovery_seconds {
                    Some(s) => {
                        Cell::new(format!("failed, {}", human_duration(s as i64)), Tone::Warn)
                    }
                    None => Cell::new("failing", Tone::Fail),
                }
            } else if d.rework {
                Cell::new("rework", Tone::Warn)
            } else if d.baseline {
                Cell::muted("baseline")
            } else {
                Cell::new("ok", Tone::Ok)
            };
            let mut why = d.failure_reasons.clone();
            why.extend(d.rework_reasons.iter().cloned());
            Row {
                cells: vec![
                    Cell::plain(&name),
                    Cell::plain(&d.service),
                    Cell::muted(ago(now, d.finished_at)),
                    Cell::plain(d.changes.to_string()),
                    Cell::plain(flowdeck_core::text::human_seconds(
                        d.lead_time_median_seconds,
                    )),
                    outcome,
                    Cell::muted(reasons_text(&why)),
                ],
                keys: vec![
                    SortKey::Text(name),
                    SortKey::Text(d.service.clone()),
                    time_key(d.finished_at),
                    SortKey::Number(f64::from(d.changes)),
                    seconds_key(d.lead_time_median_seconds),
                    SortKey::Number(if d.failed {
                        2.0
                    } else if d.rework {
                        1.0
                    } else {
                        0.0
                    }),
                    SortKey::Text(reasons_text(&why)),
                ],
                target: Some(Target::Deployment(d.index)),
                url: d.url.clone(),
                heading: false,
            }
        })
        .collect();
    ListModel { columns, rows }
}

/// Incidents: services, severity, duration (ticking while open) and what they are attributed to.
pub(crate) fn incident_rows(app: &App, rows: &[IncidentRow]) -> ListModel {
    let now = app.now;
    let columns = vec![
        col("Incident", 30),
        col("Services", 12),
        col("Severity", 8),
        col("Started", 11),
        num("Duration", 16),
        col("Attributed to", 24),
    ];
    let rows = rows
        .iter()
        .map(|i| {
            let (duration, seconds, tone) = match i.resolved_at {
                Some(resolved) => {
                    let s = (resolved - i.started_at).num_seconds();
                    (human_duration(s), s, Tone::Normal)
                }
                None => {
                    let s = (now - i.started_at).num_seconds();
                    (format!("open {}", ticking(s)), s, Tone::Fail)
                }
            };
            let attributed = i
                .attributed_to
                .as_ref()
                .map(|a| a.deployment_id.clone())
                .unwrap_or_else(|| "–".into());
            // In front, so a narrow column never cuts the mark off.
            let title = match (i.suppressed, i.resolved_at) {
                (Some(how), None) => format!("({how}) {}", i.title),
                _ => i.title.clone(),
            };
            Row {
                cells: vec![
                    Cell::plain(&title),
                    Cell::plain(i.services.join(", ")),
                    Cell::muted(i.severity.clone().unwrap_or_default()),
                    Cell::muted(ago(now, i.started_at)),
                    Cell::new(duration, tone),
                    Cell::muted(&attributed),
                ],
                keys: vec![
                    SortKey::Text(i.title.clone()),
                    SortKey::Text(i.services.join(", ")),
                    SortKey::Text(i.severity.clone().unwrap_or_default()),
                    time_key(i.started_at),
                    SortKey::Number(seconds as f64),
                    SortKey::Text(attributed),
                ],
                target: Some(Target::Incident(i.index)),
                url: i.url.clone(),
                heading: false,
            }
        })
        .collect();
    ListModel { columns, rows }
}

/// Pipeline runs (indices into the history's runs): status, queue and duration.
pub(crate) fn run_rows(app: &App, runs: &[u32]) -> ListModel {
    let now = app.now;
    let events = &app.history().events;
    let columns = vec![
        col("Workflow", 12),
        col("Service", 10),
        col("Branch", 14),
        col("Status", 16),
        col("Created", 11),
        num("Queue", 7),
        num("Duration", 9),
    ];
    let rows = runs
        .iter()
        .filter_map(|&r| events.pipeline_runs.get(r as usize))
        .map(|run| {
            let (status, tone) = match (run.status, run.conclusion) {
                (RunStatus::InProgress, _) => (
                    format!(
                        "running {}",
                        run.started_at
                            .map(|s| human_duration((now - s).num_seconds()))
                            .unwrap_or_default()
                    ),
                    Tone::Accent,
                ),
                (RunStatus::Queued, _) => ("queued".to_string(), Tone::Accent),
                (_, Some(RunConclusion::Success)) => ("success".into(), Tone::Ok),
                (
                    _,
                    Some(
                        RunConclusion::Failure
                        | RunConclusion::TimedOut
                        | RunConclusion::StartupFailure,
                    ),
                ) => (
                    match run.conclusion {
                        Some(RunConclusion::TimedOut) => "timed out".to_string(),
                        Some(RunConclusion::StartupFailure) => "startup failure".to_string(),
                        _ => "failure".to_string(),
                    },
                    Tone::Fail,
                ),
                (_, Some(other)) => (format!("{other:?}").to_lowercase(), Tone::Muted),
                (_, None) => ("–".into(), Tone::Muted),
            };
            let queue = run.started_at.map(|s| (s - run.created_at).num_seconds());
            let duration = match (run.started_at, run.finished_at) {
                (Some(s), Some(f)) => Some((f - s).num_seconds()),
                _ => None,
            };
            Row {
                cells: vec![
                    Cell::plain(&run.workflow),
                    Cell::plain(&run.service),
                    Cell::muted(run.branch.clone().unwrap_or_default()),
                    Cell::new(&status, tone),
                    Cell::muted(ago(now, run.created_at)),
                    Cell::plain(queue.map(human_duration).unwrap_or_else(|| "–".into())),
                    Cell::plain(duration.map(human_duration).unwrap_or_else(|| "–".into())),
                ],
                keys: vec![
                    SortKey::Text(run.workflow.clone()),
                    SortKey::Text(run.service.clone()),
                    SortKey::Text(run.branch.clone().unwrap_or_default()),
                    SortKey::Text(status),
                    time_key(run.created_at),
                    queue.map_or(SortKey::Missing, |q| SortKey::Number(q as f64)),
                    duration.map_or(SortKey::Missing, |d| SortKey::Number(d as f64)),
                ],
                target: run.url.clone().map(Target::Url),
                url: run.url.clone(),
                heading: false,
            }
        })
        .collect();
    ListModel { columns, rows }
}

/// The window's changes with the deployment that shipped each and its lead time.
pub(crate) fn change_rows(app: &App) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    let columns = vec![
        col("Commit", 11),
        col("Title", 36),
        col("Author", 12),
        col("Service", 10),
        col("Deployment", 12),
        num("Lead time", 10),
    ];
    let rows = scope
        .changes
        .iter()
        .map(|c| Row {
            cells: vec![
                Cell::muted(short_sha(&c.sha)),
                Cell::plain(&c.title),
                Cell::plain(&c.author),
                Cell::plain(&c.service),
                Cell::plain(&c.deployment_name),
                Cell::plain(human_duration(c.lead_seconds)),
            ],
            keys: vec![
                SortKey::Text(c.sha.clone()),
                SortKey::Text(c.title.clone()),
                SortKey::Text(c.author.clone()),
                SortKey::Text(c.service.clone()),
                SortKey::Text(c.deployment_name.clone()),
                SortKey::Number(c.lead_seconds as f64),
            ],
            target: Some(Target::Deployment(c.deployment)),
            url: None,
            heading: false,
        })
        .collect();
    ListModel { columns, rows }
}

/// The window's merged pull requests and the open ones, newest first, with their cycle stages.
pub(crate) fn pull_request_rows(app: &App) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    let history = app.history();
    let window = scope.window;
    let columns = vec![
        num("PR", 6),
        col("Title", 34),
        col("Author", 14),
        col("Service", 10),
        col("State", 14),
        num("Cycle", 8),
        num("Pickup", 8),
        num("Review", 8),
        num("Deploy", 8),
    ];
    let in_scope: Vec<&str> = scope
        .services
        .iter()
        .filter_map(|&s| history.services.get(s as usize))
        .map(|s| s.name.as_str())
        .collect();
    let span = |a: Option<Timestamp>, b: Option<Timestamp>| match (a, b) {
        (Some(a), Some(b)) => Some((b - a).num_seconds().max(0)),
        _ => None,
    };
    let mut rows: Vec<(Timestamp, Row)> = history
        .events
        .pull_requests
        .iter()
        .zip(&history.prs)
        .filter(|(pr, facts)| !facts.excluded && in_scope.contains(&pr.service.as_str()))
        .filter(|(pr, _)| {
            pr.merged_at.is_some_and(|m| window.contains(m))
                || (pr.merged_at.is_none() && pr.closed_at.is_none())
        })
        .map(|(pr, facts)| {
            let (state, tone) = match (pr.merged_at, facts.deployed_at) {
                (Some(_), Some(_)) => ("deployed".to_string(), Tone::Ok),
                (Some(_), None) => ("merged".to_string(), Tone::Accent),
                _ => (
                    format!(
                        "open {}",
                        human_duration((app.now - pr.created_at).num_seconds())
                    ),
                    Tone::Warn,
                ),
            };
            let cycle = span(
                pr.first_commit_at.or(Some(pr.created_at)),
                facts.deployed_at,
            );
            let pickup = span(Some(pr.created_at), pr.first_review_at);
            let review = span(pr.first_review_at, pr.merged_at);
            let deploy = span(pr.merged_at, facts.deployed_at);
            let show = |s: Option<i64>| s.map(human_duration).unwrap_or_else(|| "–".into());
            let key = |s: Option<i64>| s.map_or(SortKey::Missing, |v| SortKey::Number(v as f64));
            let row = Row {
                cells: vec![
                    Cell::muted(format!("#{}", pr.number)),
                    Cell::plain(&pr.title),
                    Cell::plain(&pr.author),
                    Cell::plain(&pr.service),
                    Cell::new(&state, tone),
                    Cell::plain(show(cycle)),
                    Cell::plain(show(pickup)),
                    Cell::plain(show(review)),
                    Cell::plain(show(deploy)),
                ],
                keys: vec![
                    SortKey::Number(pr.number as f64),
                    SortKey::Text(pr.title.clone()),
                    SortKey::Text(pr.author.clone()),
                    SortKey::Text(pr.service.clone()),
                    SortKey::Text(state),
                    key(cycle),
                    key(pickup),
                    key(review),
                    key(deploy),
                ],
                target: facts
                    .deployment
                    .map(Target::Deployment)
                    .or_else(|| pr.url.clone().map(Target::Url)),
                url: pr.url.clone(),
                heading: false,
            };
            (pr.merged_at.unwrap_or(pr.created_at), row)
        })
        .collect();
    rows.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    ListModel {
        columns,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}
