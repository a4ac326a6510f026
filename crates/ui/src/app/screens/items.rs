//! The item lists the overview's strips and the measure drill-downs share: deployments,
//! incidents, pipeline runs, changes and pull requests, one row per item. Enter on a row opens
//! flowdeck's own screen of the item; `o` opens its page in the browser.
//!
//! Columns say how important they are and whether they may be cut: names, numbers, outcomes
//! and ages are never cut (a narrow screen drops a less important column instead), titles and
//! reasons end in "…".

use super::format::{age, deployment_name, for_how_long, reasons_text, short_sha};
use crate::app::list::{Cell, ListModel, Row, SortKey, Target, Tone, col, num, word};
use crate::app::state::App;
use crate::snapshot::{DeploymentRow, IncidentRow};
use flowdeck_core::model::{PipelineRun, RunConclusion, RunStatus, Timestamp};
use flowdeck_core::text::{human_duration, human_seconds, sanitize};

fn seconds_key(s: Option<f64>) -> SortKey {
    s.map_or(SortKey::Missing, SortKey::Number)
}

fn time_key(t: Timestamp) -> SortKey {
    SortKey::Number(t.timestamp() as f64)
}

/// A deployment's outcome in words and tone.
pub(crate) fn outcome(d: &DeploymentRow) -> Cell {
    if d.failed {
        match d.recovery_seconds {
            Some(s) => Cell::new(format!("fixed in {}", human_duration(s as i64)), Tone::Warn),
            None => Cell::new("failing", Tone::Fail),
        }
    } else if d.rework {
        Cell::new("rework", Tone::Warn)
    } else if d.baseline {
        Cell::muted("baseline")
    } else {
        Cell::new("ok", Tone::Ok)
    }
}

/// The title of the deployment lists' column of health verdicts (`V` sorts by it).
pub(crate) const HEALTH_COLUMN: &str = "Health";

/// A deployment's health verdict in a cell: its most telling panel (an unusual worsening,
/// then any unusual change), toned as a hint; and its sort key (worse first).
fn health_cell(app: &App, d: &DeploymentRow) -> Option<(Cell, SortKey)> {
    let table = crate::app::health::table(app)?;
    let health = table.of(d.index);
    let rank = table.rank(d.index);
    let telling = health
        .iter()
        .find(|h| h.worse)
        .or_else(|| health.iter().find(|h| h.unusual));
    let cell = match telling {
        Some(h) => Cell::new(
            sanitize(&h.describe()),
            if h.worse { Tone::Warn } else { Tone::Normal },
        ),
        None if health.is_empty() => Cell::muted("–"),
        None => Cell::muted("usual"),
    };
    Some((cell, SortKey::Number(f64::from(rank))))
}

/// Deployments: outcome, changes, lead time and why (and the health panels' verdict, when
/// there are panels).
pub(crate) fn deployment_rows<'a>(
    app: &App,
    rows: impl IntoIterator<Item = &'a DeploymentRow>,
) -> ListModel {
    let now = app.now;
    let history = app.history();
    let mut columns = vec![
        word("Deployment").keep(0),
        word("Service").keep(2),
        word("Age").keep(3),
        num("Changes").keep(5),
        num("Lead").keep(4),
        word("Outcome").keep(1),
        col("Why", 40).keep(6),
    ];
    let with_health = crate::app::health::table(app).is_some();
    if with_health {
        columns.push(col(HEALTH_COLUMN, 36).keep(7));
    }
    let rows = rows
        .into_iter()
        .map(|d| {
            let health = health_cell(app, d);
            let name = d.name.clone().unwrap_or_else(|| d.id.clone());
            let mut why = d.failure_reasons.clone();
            why.extend(d.rework_reasons.iter().cloned());
            let why = reasons_text(history, &why);
            let mut row = Row {
                cells: vec![
                    Cell::plain(&name),
                    Cell::plain(&d.service),
                    Cell::muted(age(now, d.finished_at)),
                    Cell::plain(d.changes.to_string()),
                    Cell::plain(human_seconds(d.lead_time_median_seconds)),
                    outcome(d),
                    Cell::muted(&why),
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
                    SortKey::Text(why),
                ],
                target: Some(Target::Deployment(d.index)),
                url: d.url.clone(),
                heading: false,
            };
            if with_health {
                let (cell, key) = health.unwrap_or((Cell::muted("–"), SortKey::Number(0.0)));
                row.cells.push(cell);
                row.keys.push(key);
            }
            row
        })
        .collect();
    ListModel { columns, rows }
}

/// Incidents: services, severity, how long (open ones counting), and the deployment blamed.
pub(crate) fn incident_rows<'a>(
    app: &App,
    rows: impl IntoIterator<Item = &'a IncidentRow>,
) -> ListModel {
    let now = app.now;
    let history = app.history();
    let columns = vec![
        col("Incident", 40).keep(1),
        word("Services").keep(3),
        word("Severity").keep(5),
        word("Age").keep(4),
        num("Duration").keep(0),
        word("Attributed to").keep(6),
    ];
    let rows = rows
        .into_iter()
        .map(|i| {
            let (duration, seconds, tone) = match i.resolved_at {
                Some(resolved) => {
                    let s = (resolved - i.started_at).num_seconds();
                    (human_duration(s), s, Tone::Normal)
                }
                None => (
                    format!("open {}", for_how_long(now, i.started_at)),
                    (now - i.started_at).num_seconds(),
                    Tone::Fail,
                ),
            };
            let attributed = i
                .attributed_to
                .as_ref()
                .map(|a| deployment_name(history, a.deployment))
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
                    Cell::muted(age(now, i.started_at)),
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

/// A run's state in words and tone; a failure fades once the same workflow passed on the same
/// branch since (`fixed`), or when it is more than a day old.
pub(crate) fn run_status(run: &PipelineRun, now: Timestamp, fixed: bool) -> (String, Tone) {
    match (run.status, run.conclusion) {
        (RunStatus::InProgress, _) => (
            match run.started_at {
                Some(s) => format!("running {}", for_how_long(now, s)),
                None => "running".to_string(),
            },
            Tone::Accent,
        ),
        (RunStatus::Queued, _) => ("queued".to_string(), Tone::Accent),
        (_, Some(RunConclusion::Success)) => ("success".into(), Tone::Ok),
        (
            _,
            Some(
                conclusion @ (RunConclusion::Failure
                | RunConclusion::TimedOut
                | RunConclusion::StartupFailure),
            ),
        ) => {
            let what = match conclusion {
                RunConclusion::TimedOut => "timed out",
                RunConclusion::StartupFailure => "startup failure",
                _ => "failed",
            };
            let old = (now - run.created_at).num_hours() >= 24;
            if fixed {
                // The same workflow passed on the same branch since.
                (format!("{what}, fixed"), Tone::Muted)
            } else if old {
                (what.to_string(), Tone::Muted)
            } else {
                (what.to_string(), Tone::Fail)
            }
        }
        (_, Some(other)) => (
            format!("{other:?}").to_lowercase().replace('_', " "),
            Tone::Muted,
        ),
        (_, None) => ("–".into(), Tone::Muted),
    }
}

/// Pipeline runs (indices into the history's runs): status, branch, age, queue and duration.
pub(crate) fn run_rows(app: &App, runs: &[u32]) -> ListModel {
    let now = app.now;
    let events = &app.history().events;
    let fixed = app.scope.as_ref().map(|s| &s.fixed_runs);
    let columns = vec![
        word("Workflow").keep(4),
        word("Service").keep(2),
        col("Branch", 24).keep(3),
        word("Status").keep(0),
        word("Age").keep(1),
        num("Queue").keep(6),
        num("Duration").keep(5),
    ];
    let rows = runs
        .iter()
        .filter_map(|&r| Some((r, events.pipeline_runs.get(r as usize)?)))
        .map(|(index, run)| {
            let is_fixed = fixed.is_some_and(|f| f.contains(&index));
            let (status, tone) = run_status(run, now, is_fixed);
            let queue = run.started_at.map(|s| (s - run.created_at).num_seconds());
            let duration = match (run.started_at, run.finished_at) {
                (Some(s), Some(f)) => Some((f - s).num_seconds()),
                _ => None,
            };
            let faded = tone == Tone::Muted;
            let text = |t: String| {
                if faded {
                    Cell::muted(t)
                } else {
                    Cell::plain(t)
                }
            };
            Row {
                cells: vec![
                    text(run.workflow.clone()),
                    text(run.service.clone()),
                    Cell::muted(run.branch.clone().unwrap_or_else(|| "–".into())),
                    Cell::new(&status, tone),
                    Cell::muted(age(now, run.created_at)),
                    text(queue.map(human_duration).unwrap_or_else(|| "–".into())),
                    text(duration.map(human_duration).unwrap_or_else(|| "–".into())),
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
                target: Some(Target::Run(index)),
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
        word("Commit").keep(2),
        col("Title", 48).keep(1),
        word("Author").keep(4),
        word("Service").keep(5),
        word("Deployment").keep(3),
        num("Lead time").keep(0),
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

/// The window's merged pull requests (`with_open`: and the open ones), newest first, with
/// their cycle stages.
pub(crate) fn pull_request_rows(app: &App, with_open: bool) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    let history = app.history();
    let window = scope.window;
    let columns = vec![
        num("PR").keep(1),
        col("Title", 44).keep(2),
        word("Author").keep(5),
        word("Service").keep(6),
        word("State").keep(0),
        num("Cycle").keep(3),
        num("Pickup").keep(7),
        num("Review").keep(7),
        num("Deploy").keep(7),
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
        .enumerate()
        .filter(|(_, (pr, facts))| !facts.excluded && in_scope.contains(&pr.service.as_str()))
        .filter(|(_, (pr, _))| {
            pr.merged_at.is_some_and(|m| window.contains(m))
                || (with_open && pr.merged_at.is_none() && pr.closed_at.is_none())
        })
        .map(|(index, (pr, facts))| {
            let (state, tone) = match (pr.merged_at, facts.deployed_at) {
                (Some(_), Some(_)) => ("deployed".to_string(), Tone::Ok),
                (Some(_), None) => ("merged".to_string(), Tone::Accent),
                _ => (
                    format!("open {}", for_how_long(app.now, pr.created_at)),
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
                target: Some(Target::PullRequest(index as u32)),
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
