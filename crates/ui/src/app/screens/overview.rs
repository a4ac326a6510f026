//! The overview: what is broken now, five headline tiles, the flow row (CI, PR cycle, restore,
//! batch) and three strips (latest deployments, pipelines that need eyes, incidents), each a
//! panel that Tab and 1-9 focus and Enter opens. The search filters the strips; `S` and `R`
//! sort the focused one.

use super::alerts::{Alert, alerts};
use super::format::{day, deployment_name};
use super::items::{deployment_rows, incident_rows, run_rows};
use super::tiles::{Tile, tiles};
use crate::app::action::Command;
use crate::app::list::{ListModel, Tone, arrange};
use crate::app::scope::ScopeData;
use crate::app::state::{App, ListState, Panel};
use flowdeck_core::model::{RunConclusion, RunStatus};
use flowdeck_core::text::{count, human_seconds, number, percent, sanitize};

/// The keys of this screen, with what they do here (the command bar shows those that fit;
/// help lists them first).
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "open"),
    (Command::NextPanel, "next panel"),
    (Command::Panel1, "panel"),
    (Command::Services, "services"),
    (Command::Standup, "standup"),
    (Command::Window, "window"),
    (Command::CustomWindow, "type a window"),
    (Command::Service, "service"),
    (Command::Team, "team"),
    (Command::Search, "search"),
    (Command::SortNext, "sort the strip"),
    (Command::SortReverse, "reverse the strip"),
    (Command::OpenUrl, "open in browser"),
    (Command::Environment, "environment"),
    (Command::ClearFilters, "clear filters"),
    (Command::Refresh, "refresh"),
    (Command::Export, "export"),
];

/// Its name in the breadcrumb.
pub(crate) const CRUMB: &str = "Overview";

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlowItem {
    pub(crate) label: &'static str,
    /// What it shows, most telling first: a narrow screen drops the rest.
    pub(crate) parts: Vec<String>,
    pub(crate) tone: Tone,
    pub(crate) selected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strip {
    pub(crate) number: usize,
    pub(crate) title: String,
    pub(crate) list: ListModel,
    /// The columns the strip shows (a narrow strip drops the least important of them).
    pub(crate) columns: &'static [usize],
    pub(crate) selected: usize,
    pub(crate) focused: bool,
    /// What the strip says when its list is empty.
    pub(crate) empty: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Overview {
    pub(crate) alerts: Vec<Alert>,
    pub(crate) tiles: Vec<Tile>,
    pub(crate) flow: Vec<FlowItem>,
    pub(crate) flow_focused: bool,
    pub(crate) strips: Vec<Strip>,
}

/// The strips, with their panel, number and slot.
pub(crate) const STRIPS: [(Panel, usize, usize); 3] = [
    (Panel::Deployments, 7, 0),
    (Panel::Pipelines, 8, 1),
    (Panel::Incidents, 9, 2),
];

/// The flow row's items that open a drill-down, in order.
pub(crate) const FLOW: [crate::app::state::Measure; 4] = [
    crate::app::state::Measure::Ci,
    crate::app::state::Measure::PullRequests,
    crate::app::state::Measure::TimeToRestore,
    crate::app::state::Measure::BatchSize,
];

/// The overview of the scope on show.
pub(crate) fn view(app: &App, scope: &ScopeData) -> Overview {
    let strips = STRIPS
        .into_iter()
        .map(|(panel, number, slot)| {
            let list = panel_rows(app, panel);
            Strip {
                number,
                title: strip_title(app, scope, panel, &list),
                columns: strip_columns(panel),
                list,
                selected: app.panel_selection[slot],
                focused: app.focus == panel,
                empty: empty_text(app, scope, panel),
            }
        })
        .collect();
    Overview {
        alerts: alerts(app, scope),
        tiles: tiles(scope, Some(app.focus)),
        flow: flow(scope, app.focus == Panel::Flow, app.panel_selection[3]),
        flow_focused: app.focus == Panel::Flow,
        strips,
    }
}

/// The columns a strip shows, in order (a narrow strip drops the least important).
pub(crate) fn strip_columns(panel: Panel) -> &'static [usize] {
    match panel {
        Panel::Deployments => &[0, 1, 2, 5, 3, 4],
        Panel::Pipelines => &[1, 2, 3, 4, 0],
        _ => &[4, 0, 1, 3],
    }
}

fn strip_title(app: &App, scope: &ScopeData, panel: Panel, list: &ListModel) -> String {
    let mut title = match panel {
        Panel::Deployments => "Latest deployments".to_string(),
        Panel::Pipelines => {
            let events = &app.history().events;
            let running = scope
                .runs
                .iter()
                .filter_map(|&r| events.pipeline_runs.get(r as usize))
                .filter(|r| r.status != RunStatus::Completed)
                .count();
            let failing = list
                .rows
                .iter()
                .filter(|r| r.cells.get(3).is_some_and(|c| c.tone == Tone::Fail))
                .count();
            format!("Pipelines · {running} running · {failing} failing")
        }
        _ => {
            let open = scope
                .incidents
                .iter()
                .filter(|i| i.resolved_at.is_none())
                .count();
            if open > 0 {
                format!("Incidents · {open} open")
            } else {
                "Incidents".to_string()
            }
        }
    };
    if let Some(sorted) = sorted_by(app, panel, list) {
        title.push_str(&sorted);
    }
    title
}

/// " · sorted by Status ↑" when the strip is sorted.
fn sorted_by(app: &App, panel: Panel, list: &ListModel) -> Option<String> {
    let sort = strip_sort(app, panel)?;
    let column = list.columns.get(sort.sort?)?;
    Some(format!(
        " · by {}{}",
        column.title,
        if sort.descending { " ↓" } else { " ↑" }
    ))
}

fn strip_sort(app: &App, panel: Panel) -> Option<ListState> {
    let slot = STRIPS.iter().find(|(p, ..)| *p == panel)?.2;
    app.strip_sort.get(slot).copied()
}

/// What an empty strip says: why it is empty, and where the items are.
fn empty_text(app: &App, scope: &ScopeData, panel: Panel) -> String {
    if app.search.is_some() {
        return "nothing matches the search (esc clears it)".into();
    }
    match panel {
        Panel::Deployments => {
            let history = app.history();
            match scope.elsewhere.newest {
                Some(d) => {
                    let finished = history.events.deployments[d as usize].finished_at;
                    sanitize(&format!(
                        "none in this window; the newest, {}, finished {} ({} in all)",
                        deployment_name(history, d),
                        day(finished, history.rules.timezone),
                        scope.elsewhere.total
                    ))
                }
                None => "no deployments recorded".into(),
            }
        }
        Panel::Pipelines => "no pipeline running or failing".into(),
        _ => "no incidents in this window".into(),
    }
}

fn flow(scope: &ScopeData, focused: bool, selected: usize) -> Vec<FlowItem> {
    let m = &scope.metrics;
    let ci_tone = match m.ci.success_rate {
        Some(r) if r >= 0.9 => Tone::Ok,
        Some(r) if r >= 0.75 => Tone::Warn,
        Some(_) => Tone::Fail,
        None => Tone::Muted,
    };
    let open_incidents = m.time_to_restore.open;
    let restore = match m.time_to_restore.median_seconds {
        Some(_) => vec![
            human_seconds(m.time_to_restore.median_seconds),
            count(m.time_to_restore.incidents, "incident"),
        ],
        None if m.time_to_restore.incidents > 0 => {
            vec![format!(
                "none resolved of {}",
                count(m.time_to_restore.incidents, "incident")
            )]
        }
        None => vec!["no incidents".to_string()],
    };
    let mut restore = restore;
    if open_incidents > 0 {
        restore.insert(0, format!("{open_incidents} open"));
    }
    vec![
        FlowItem {
            label: "CI",
            parts: match m.ci.success_rate {
                Some(_) => vec![
                    format!("{} ok", percent(m.ci.success_rate)),
                    human_seconds(m.ci.median_duration_seconds),
                    format!("queue {}", human_seconds(m.ci.median_queue_seconds)),
                ],
                None => vec!["no runs".into()],
            },
            tone: ci_tone,
            selected: focused && selected == 0,
        },
        FlowItem {
            label: "PR cycle",
            parts: vec![
                human_seconds(m.pr_cycle_time.median_seconds),
                format!("{} merged", m.pr_cycle_time.prs),
                format!("{} open", m.wip.open_prs),
            ],
            tone: Tone::Normal,
            selected: focused && selected == 1,
        },
        FlowItem {
            label: "Restore",
            parts: restore,
            tone: if open_incidents > 0 {
                Tone::Fail
            } else {
                Tone::Normal
            },
            selected: focused && selected == 2,
        },
        FlowItem {
            label: "Batch",
            parts: vec![match m.batch_size.median_changes {
                Some(n) => {
                    let text = number(Some(n), 1);
                    format!("{text} {}", if text == "1" { "change" } else { "changes" })
                }
                None => "–".into(),
            }],
            tone: Tone::Normal,
            selected: focused && selected == 3,
        },
    ]
}

/// The rows of an overview strip, searched and sorted as the strip is.
pub(crate) fn panel_rows(app: &App, panel: Panel) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    let model = match panel {
        Panel::Deployments => deployment_rows(app, &scope.deployments),
        Panel::Pipelines => run_rows(app, &pipelines(app, scope)),
        Panel::Incidents => incident_rows(app, &scope.incidents),
        _ => return ListModel::default(),
    };
    let sort = strip_sort(app, panel).unwrap_or_default();
    arrange(model, &sort, app.search.as_deref())
}

/// The pipelines that need eyes: running and queued first, then failures newest first, then
/// failures fixed since or older than a day.
fn pipelines(app: &App, scope: &ScopeData) -> Vec<u32> {
    let events = &app.history().events;
    let failed = |c: Option<RunConclusion>| {
        matches!(
            c,
            Some(RunConclusion::Failure | RunConclusion::TimedOut | RunConclusion::StartupFailure)
        )
    };
    let mut interesting: Vec<(u8, u32)> = scope
        .runs
        .iter()
        .filter_map(|&r| {
            let run = events.pipeline_runs.get(r as usize)?;
            let rank = if run.status != RunStatus::Completed {
                0
            } else if !failed(run.conclusion) {
                return None;
            } else if scope.fixed_runs.contains(&r) || (app.now - run.created_at).num_hours() >= 24
            {
                2
            } else {
                1
            };
            Some((rank, r))
        })
        .collect();
    // Stable: within a rank the scope's order (newest first) stays.
    interesting.sort_by_key(|(rank, _)| *rank);
    interesting.into_iter().take(100).map(|(_, r)| r).collect()
}
