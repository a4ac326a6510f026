//! The lists every screen shows, as rows of text with a tone and what Enter opens. `update`
//! reads them to move the selection and open items; the view model shows them; so the two never
//! disagree about what is selected.

use chrono::Duration;

use super::state::{App, ListState, Measure, Panel, Screen};
use crate::snapshot::{DeploymentRow, IncidentRow};
use flowdeck_core::metrics::Reason;
use flowdeck_core::metrics::history::ReasonKind;
use flowdeck_core::model::{RunConclusion, RunStatus, Timestamp};
use flowdeck_core::text::{human_duration, sanitize};

/// The meaning of a cell's colour; the theme picks the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Muted,
    Accent,
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub fn new(text: impl AsRef<str>, tone: Tone) -> Cell {
        Cell {
            text: sanitize(text.as_ref()),
            tone,
        }
    }

    pub fn plain(text: impl AsRef<str>) -> Cell {
        Cell::new(text, Tone::Normal)
    }

    pub fn muted(text: impl AsRef<str>) -> Cell {
        Cell::new(text, Tone::Muted)
    }
}

/// What Enter on a row opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Measure(Measure),
    Deployment(u32),
    Incident(u32),
    Url(String),
}

/// How rows compare under a column.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortKey {
    Number(f64),
    Text(String),
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub keys: Vec<SortKey>,
    pub target: Option<Target>,
    pub url: Option<String>,
    /// A section heading row (standup, detail screens): not selectable in spirit, shown bold.
    pub heading: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: &'static str,
    /// The width it asks for, in cells; the last column takes what is left.
    pub width: u16,
    pub numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListModel {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

fn col(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width,
        numeric: false,
    }
}

fn num(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width,
        numeric: true,
    }
}

/// "12m ago", "22h ago", "3d 2h ago" relative to now: coarser the older it is.
pub fn ago(now: Timestamp, t: Timestamp) -> String {
    let seconds = (now - t).num_seconds();
    match seconds {
        ..60 => "just now".into(),
        60..86_400 => {
            let rounded = if seconds >= 3_600 {
                seconds - seconds % 3_600
            } else {
                seconds
            };
            format!("{} ago", human_duration(rounded))
        }
        _ => format!("{} ago", human_duration(seconds)),
    }
}

/// A ticking duration with seconds: "2h 14m 05s".
pub fn ticking(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h >= 24 {
        format!("{}d {}h {:02}m", h / 24, h % 24, m)
    } else if h > 0 {
        format!("{h}h {m:02}m {sec:02}s")
    } else {
        format!("{m}m {sec:02}s")
    }
}

fn short_sha(sha: &str) -> String {
    sha.chars().take(10).collect()
}

fn reasons_text(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| {
            let what = match r.kind {
                ReasonKind::IncidentLink => "incident (linked)",
                ReasonKind::IncidentWindow => "incident (24h window)",
                ReasonKind::Rollback => "rollback",
                ReasonKind::Revert => "revert",
                ReasonKind::Hotfix => "hotfix",
                ReasonKind::DuringIncident => "during incident",
            };
            let reference =
                if r.reference.len() == 40 && r.reference.chars().all(|c| c.is_ascii_hexdigit()) {
                    short_sha(&r.reference)
                } else {
                    r.reference.clone()
                };
            format!("{what} {reference}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn seconds_key(s: Option<f64>) -> SortKey {
    s.map_or(SortKey::Missing, SortKey::Number)
}

fn time_key(t: Timestamp) -> SortKey {
    SortKey::Number(t.timestamp() as f64)
}

fn deployment_rows(app: &App, rows: &[DeploymentRow], only_failed: bool) -> ListModel {
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

fn incident_rows(app: &App, rows: &[IncidentRow]) -> ListModel {
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

fn run_rows(app: &App, runs: &[u32]) -> ListModel {
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

fn change_rows(app: &App) -> ListModel {
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

fn pull_request_rows(app: &App) -> ListModel {
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

fn measure_rows(app: &App, measure: Measure) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    match measure {
        Measure::DeploymentFrequency | Measure::ChangeFailureRate | Measure::ReworkRate => {
            deployment_rows(app, &scope.deployments, false)
        }
        Measure::RecoveryTime => deployment_rows(app, &scope.deployments, true),
        Measure::LeadTime => change_rows(app),
        Measure::TimeToRestore => incident_rows(app, &scope.incidents),
        Measure::Ci => run_rows(app, &scope.runs),
        Measure::PullRequests => pull_request_rows(app),
    }
}

fn heading(text: &str) -> Row {
    Row {
        cells: vec![Cell::new(text, Tone::Accent)],
        keys: vec![SortKey::Missing],
        target: None,
        url: None,
        heading: true,
    }
}

fn detail_row(label: &str, value: impl AsRef<str>, tone: Tone, target: Option<Target>) -> Row {
    Row {
        cells: vec![Cell::muted(label), Cell::new(value, tone)],
        keys: vec![SortKey::Missing, SortKey::Missing],
        target,
        url: None,
        heading: false,
    }
}

/// A deployment: why it failed or is rework, the incidents blamed on it, its changes and runs.
fn deployment_detail(app: &App, deployment: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = vec![col("", 14), col("", 60)];
    let Some(d) = events.deployments.get(deployment as usize) else {
        return ListModel {
            columns,
            rows: vec![],
        };
    };
    let mut rows = Vec::new();
    let row = crate::snapshot::deployment_row(history, deployment);
    if !row.failure_reasons.is_empty() || !row.rework_reasons.is_empty() {
        rows.push(heading("Why"));
        for reason in &row.failure_reasons {
            rows.push(detail_row(
                "failed",
                reason_sentence(app, reason),
                Tone::Fail,
                reason_target(app, reason),
            ));
        }
        for reason in &row.rework_reasons {
            rows.push(detail_row(
                "rework",
                reason_sentence(app, reason),
                Tone::Warn,
                reason_target(app, reason),
            ));
        }
        let recovery = match row.recovered_at {
            Some(t) => format!(
                "recovered {} after it went out ({})",
                human_duration((t - d.finished_at).num_seconds()),
                t.format("%Y-%m-%d %H:%M UTC")
            ),
            None if row.failed => format!(
                "not recovered: failing for {}",
                ticking((app.now - d.finished_at).num_seconds())
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
                &incident.id,
                format!("{} — {}", incident.title, attribution.explanation),
                Tone::Fail,
                Some(Target::Incident(i as u32)),
            ));
        }
    }
    let changes: Vec<_> = d.changes.iter().filter(|c| !c.merge).collect();
    rows.push(heading(&format!(
        "Changes ({}{})",
        changes.len(),
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
    let runs: Vec<_> = events
        .pipeline_runs
        .iter()
        .filter(|r| r.sha == d.sha && r.service == d.service)
        .collect();
    if !runs.is_empty() {
        rows.push(heading("Pipeline runs for its commit"));
        for run in runs {
            let status = run
                .conclusion
                .map(|c| format!("{c:?}").to_lowercase())
                .unwrap_or_else(|| format!("{:?}", run.status).to_lowercase());
            rows.push(Row {
                url: run.url.clone(),
                ..detail_row(
                    &run.workflow,
                    format!("{status}  {}", ago(app.now, run.created_at)),
                    Tone::Muted,
                    run.url.clone().map(Target::Url),
                )
            });
        }
    }
    ListModel { columns, rows }
}

fn reason_sentence(app: &App, reason: &Reason) -> String {
    let events = &app.history().events;
    let incident_title = |id: &str| {
        events
            .incidents
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    match reason.kind {
        ReasonKind::IncidentLink => format!(
            "incident {} names it: {}",
            reason.reference,
            incident_title(&reason.reference)
        ),
        ReasonKind::IncidentWindow => format!(
            "incident {} started within the attribution window: {}",
            reason.reference,
            incident_title(&reason.reference)
        ),
        ReasonKind::Rollback => format!(
            "rolled back by {} / rolls back to {}",
            reason.reference, reason.reference
        ),
        ReasonKind::Revert => format!("revert {}", short_sha(&reason.reference)),
        ReasonKind::Hotfix => format!("hotfix: {}", short_sha(&reason.reference)),
        ReasonKind::DuringIncident => format!(
            "deployed while incident {} was open: {}",
            reason.reference,
            incident_title(&reason.reference)
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

/// An incident: its timeline and the deployment it was attributed to, and why.
fn incident_detail(app: &App, incident: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = vec![col("", 14), col("", 60)];
    let Some(i) = events.incidents.get(incident as usize) else {
        return ListModel {
            columns,
            rows: vec![],
        };
    };
    let mut rows = vec![heading("Timeline")];
    let mut timeline: Vec<(Timestamp, String, Tone, Option<Target>)> = Vec::new();
    let attributions = history
        .attributions
        .get(incident as usize)
        .cloned()
        .unwrap_or_default();
    for a in &attributions {
        if let Some(d) = events.deployments.get(a.deployment as usize) {
            timeline.push((
                d.finished_at,
                format!(
                    "{} deployed ({})",
                    d.name.clone().unwrap_or_else(|| d.id.clone()),
                    d.service
                ),
                Tone::Accent,
                Some(Target::Deployment(a.deployment)),
            ));
        }
    }
    timeline.push((i.started_at, "incident started".into(), Tone::Fail, None));
    match i.resolved_at {
        Some(resolved) => timeline.push((
            resolved,
            format!(
                "resolved after {}",
                human_duration((resolved - i.started_at).num_seconds())
            ),
            Tone::Ok,
            None,
        )),
        None => timeline.push((
            app.now,
            format!(
                "still open: {}",
                ticking((app.now - i.started_at).num_seconds())
            ),
            Tone::Fail,
            None,
        )),
    }
    timeline.sort_by_key(|(t, ..)| *t);
    for (t, text, tone, target) in timeline {
        rows.push(detail_row(
            &t.format("%m-%d %H:%M").to_string(),
            text,
            tone,
            target,
        ));
    }
    rows.push(heading("Attribution"));
    if attributions.is_empty() {
        rows.push(detail_row(
            "none",
            format!(
                "no deployment of {} finished in the {} before it, and its text names none",
                if i.services.is_empty() {
                    "its services".to_string()
                } else {
                    i.services.join(", ")
                },
                human_duration(history.rules.attribution_window.num_seconds())
            ),
            Tone::Muted,
            None,
        ));
    }
    for a in &attributions {
        rows.push(detail_row(
            a.reason.as_str(),
            format!("{}: {}", a.deployment_id, a.explanation),
            Tone::Normal,
            Some(Target::Deployment(a.deployment)),
        ));
    }
    rows.push(heading("Details"));
    rows.push(detail_row(
        "services",
        i.services.join(", "),
        Tone::Normal,
        None,
    ));
    rows.push(detail_row(
        "severity",
        i.severity.clone().unwrap_or_else(|| "–".into()),
        Tone::Normal,
        None,
    ));
    rows.push(detail_row("source", &i.source, Tone::Muted, None));
    if !i.labels.is_empty() {
        rows.push(detail_row("labels", i.labels.join(" "), Tone::Muted, None));
    }
    if let Some(body) = &i.body {
        rows.push(detail_row("text", body, Tone::Muted, None));
    }
    ListModel { columns, rows }
}

/// The start of the standup period: the previous working day's 00:00 in the timezone.
pub fn standup_since(app: &App) -> Timestamp {
    use chrono::Datelike;
    let tz = app.history().rules.timezone;
    let today = flowdeck_core::metrics::window::local_day(app.now, tz);
    let mut day = today - Duration::days(1);
    while matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        day -= Duration::days(1);
    }
    flowdeck_core::metrics::window::start_of_day(day, tz)
}

/// Since the previous working day: shipped (per service, with changes), failed, recovered,
/// still open, CI health.
fn standup(app: &App) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = vec![col("", 16), col("", 60)];
    let since = standup_since(app);
    let Some(scope) = &app.scope else {
        return ListModel {
            columns,
            rows: vec![],
        };
    };
    let in_scope: Vec<&str> = scope
        .services
        .iter()
        .filter_map(|&s| history.services.get(s as usize))
        .map(|s| s.name.as_str())
        .collect();
    let mut shipped: Vec<u32> = Vec::new();
    for (&s, service) in scope.services.iter().zip(
        scope
            .services
            .iter()
            .map(|&s| history.services.get(s as usize)),
    ) {
        let _ = s;
        let Some(service) = service else { continue };
        for &d in service.deployments.iter().rev() {
            if events.deployments[d as usize].finished_at < since {
                break;
            }
            shipped.push(d);
        }
    }
    shipped.sort_by_key(|&d| {
        let dep = &events.deployments[d as usize];
        (dep.service.clone(), dep.finished_at)
    });
    let mut rows = vec![heading(&format!(
        "Shipped since {} ({} deployments)",
        since
            .with_timezone(&history.rules.timezone)
            .format("%a %d %b"),
        shipped.len()
    ))];
    if shipped.is_empty() {
        rows.push(detail_row("", "nothing shipped", Tone::Muted, None));
    }
    for &d in &shipped {
        let dep = &events.deployments[d as usize];
        let facts = &history.deployments[d as usize];
        let changes: Vec<&str> = dep
            .changes
            .iter()
            .filter(|c| !c.merge)
            .map(|c| c.title.as_str())
            .take(3)
            .collect();
        let more = facts.changes as usize - changes.len().min(facts.changes as usize);
        let tone = if facts.failed() {
            Tone::Fail
        } else {
            Tone::Normal
        };
        rows.push(Row {
            url: dep.url.clone(),
            ..detail_row(
                &format!("{} {}", dep.service, dep.name.clone().unwrap_or_default()),
                format!(
                    "{}{}",
                    if changes.is_empty() {
                        "no changes".to_string()
                    } else {
                        changes.join(" · ")
                    },
                    if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    }
                ),
                tone,
                Some(Target::Deployment(d)),
            )
        });
    }
    let failed: Vec<&DeploymentRow> = scope
        .deployments
        .iter()
        .filter(|d| {
            d.failed && (d.finished_at >= since || d.recovered_at.is_none_or(|r| r >= since))
        })
        .collect();
    rows.push(heading("Failed"));
    if failed.is_empty() {
        rows.push(detail_row("", "no failed deployments", Tone::Ok, None));
    }
    for d in &failed {
        rows.push(detail_row(
            &format!("{} {}", d.service, d.name.clone().unwrap_or_default()),
            reasons_text(&d.failure_reasons),
            Tone::Fail,
            Some(Target::Deployment(d.index)),
        ));
    }
    rows.push(heading("Recovered"));
    let recovered: Vec<&&DeploymentRow> = failed
        .iter()
        .filter(|d| d.recovered_at.is_some_and(|r| r >= since))
        .collect();
    if recovered.is_empty() {
        rows.push(detail_row("", "nothing recovered", Tone::Muted, None));
    }
    for d in recovered {
        rows.push(detail_row(
            &format!("{} {}", d.service, d.name.clone().unwrap_or_default()),
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
    rows.push(heading("Still open"));
    let open: Vec<(usize, &flowdeck_core::model::Incident)> = events
        .incidents
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.resolved_at.is_none()
                && (scope.services.len() == history.services.len()
                    || i.services.iter().any(|s| in_scope.contains(&s.as_str())))
        })
        .collect();
    let unrecovered: Vec<&DeploymentRow> = scope
        .deployments
        .iter()
        .filter(|d| d.failed && d.recovered_at.is_none())
        .collect();
    if open.is_empty() && unrecovered.is_empty() {
        rows.push(detail_row("", "nothing open", Tone::Ok, None));
    }
    for (i, incident) in open {
        rows.push(detail_row(
            &incident.id,
            format!(
                "{} — open {}",
                incident.title,
                ticking((app.now - incident.started_at).num_seconds())
            ),
            Tone::Fail,
            Some(Target::Incident(i as u32)),
        ));
    }
    for d in unrecovered {
        rows.push(detail_row(
            &format!("{} {}", d.service, d.name.clone().unwrap_or_default()),
            format!(
                "failing for {}",
                ticking((app.now - d.finished_at).num_seconds())
            ),
            Tone::Fail,
            Some(Target::Deployment(d.index)),
        ));
    }
    rows.push(heading("CI health"));
    let runs: Vec<&flowdeck_core::model::PipelineRun> = events
        .pipeline_runs
        .iter()
        .filter(|r| r.created_at >= since && in_scope.contains(&r.service.as_str()))
        .collect();
    let decided = |r: &flowdeck_core::model::PipelineRun| {
        matches!(
            r.conclusion,
            Some(
                RunConclusion::Success
                    | RunConclusion::Failure
                    | RunConclusion::TimedOut
                    | RunConclusion::StartupFailure
            )
        )
    };
    let total = runs.iter().filter(|r| decided(r)).count();
    let ok = runs
        .iter()
        .filter(|r| r.conclusion == Some(RunConclusion::Success))
        .count();
    let running = runs
        .iter()
        .filter(|r| r.status != RunStatus::Completed)
        .count();
    rows.push(detail_row(
        "runs",
        format!(
            "{ok} of {total} succeeded ({}), {running} running or queued",
            flowdeck_core::text::percent(flowdeck_core::metrics::stats::rate(
                ok as u64,
                total as u64
            ))
        ),
        if total > 0 && ok * 10 < total * 9 {
            Tone::Warn
        } else {
            Tone::Normal
        },
        Some(Target::Measure(Measure::Ci)),
    ));
    for run in runs
        .iter()
        .filter(|r| decided(r) && r.conclusion != Some(RunConclusion::Success))
        .take(10)
    {
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
    ListModel { columns, rows }
}

/// Applies the search (case-insensitive, any cell) and the list's sort.
fn arrange(mut model: ListModel, list: &ListState, search: Option<&str>) -> ListModel {
    if let Some(query) = search.map(str::to_lowercase).filter(|q| !q.is_empty()) {
        model.rows.retain(|row| {
            !row.heading
                && row
                    .cells
                    .iter()
                    .any(|c| c.text.to_lowercase().contains(&query))
        });
    }
    if let Some(column) = list.sort {
        let key = |row: &Row| row.keys.get(column).cloned().unwrap_or(SortKey::Missing);
        model.rows.sort_by(|a, b| {
            let ordering = key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal);
            if list.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    } else if list.descending {
        model.rows.reverse();
    }
    model
}

/// The list a screen shows, searched and sorted.
pub fn screen_list(app: &App, screen: &Screen) -> ListModel {
    let (model, list) = match screen {
        Screen::Overview => return ListModel::default(),
        Screen::Measure { measure, list } => (measure_rows(app, *measure), list),
        Screen::Deployment { deployment, list } => (deployment_detail(app, *deployment), list),
        Screen::Incident { incident, list } => (incident_detail(app, *incident), list),
        Screen::Standup { list } => (standup(app), list),
    };
    // Detail screens read top to bottom; only item lists sort.
    let list = match screen {
        Screen::Measure { .. } => *list,
        _ => ListState {
            sort: None,
            descending: false,
            ..*list
        },
    };
    arrange(model, &list, app.search.as_deref())
}

/// The rows of an overview strip.
pub fn overview_panel(app: &App, panel: Panel) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    match panel {
        Panel::Deployments => deployment_rows(app, &scope.deployments, false),
        Panel::Pipelines => {
            // Running and failed pipelines first: the strip is for what needs eyes.
            let events = &app.history().events;
            let interesting: Vec<u32> = scope
                .runs
                .iter()
                .copied()
                .filter(|&r| {
                    events.pipeline_runs.get(r as usize).is_some_and(|run| {
                        run.status != RunStatus::Completed
                            || matches!(
                                run.conclusion,
                                Some(
                                    RunConclusion::Failure
                                        | RunConclusion::TimedOut
                                        | RunConclusion::StartupFailure
                                )
                            )
                    })
                })
                .take(100)
                .collect();
            run_rows(app, &interesting)
        }
        Panel::Incidents => {
            let open_first: Vec<IncidentRow> = scope.incidents.clone();
            incident_rows(app, &open_first)
        }
        _ => ListModel::default(),
    }
}
