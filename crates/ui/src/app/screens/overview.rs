//! The overview: five headline tiles, the flow row (CI, PR cycle, restore, batch) and three
//! strips (latest deployments, running and failed pipelines, incidents), each a panel that
//! Tab and 1-9 focus and Enter opens.

use super::items::{deployment_rows, incident_rows, run_rows};
use super::tiles::{Tile, tiles};
use crate::app::action::Command;
use crate::app::list::{ListModel, Tone};
use crate::app::scope::ScopeData;
use crate::app::state::{App, Panel};
use flowdeck_core::model::{RunConclusion, RunStatus};
use flowdeck_core::text::{human_seconds, number, percent};

/// The keys the command bar offers here.
pub(crate) const KEYS: &[Command] = &[
    Command::Open,
    Command::NextPanel,
    Command::Standup,
    Command::Window,
    Command::Service,
    Command::Team,
    Command::Search,
    Command::Help,
    Command::Quit,
];

/// Its name in the breadcrumb.
pub(crate) const CRUMB: &str = "Overview";

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlowItem {
    pub(crate) label: &'static str,
    pub(crate) value: String,
    pub(crate) tone: Tone,
    /// Openable flow items can be selected (CI, pull requests, time to restore).
    pub(crate) selected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strip {
    pub(crate) number: usize,
    pub(crate) title: String,
    pub(crate) list: ListModel,
    pub(crate) selected: usize,
    pub(crate) focused: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Overview {
    pub(crate) tiles: Vec<Tile>,
    pub(crate) flow: Vec<FlowItem>,
    pub(crate) flow_focused: bool,
    pub(crate) strips: Vec<Strip>,
}

/// The overview of the scope on show.
pub(crate) fn view(app: &App, scope: &ScopeData) -> Overview {
    let strips = [
        (Panel::Deployments, 7, "Latest deployments", 0),
        (Panel::Pipelines, 8, "Running and failed pipelines", 1),
        (Panel::Incidents, 9, "Incidents", 2),
    ]
    .into_iter()
    .map(|(panel, number, title, slot)| {
        let list = panel_rows(app, panel);
        let title = match panel {
            Panel::Incidents => {
                let open = scope
                    .incidents
                    .iter()
                    .filter(|i| i.resolved_at.is_none())
                    .count();
                if open > 0 {
                    format!("{title} · {open} open")
                } else {
                    title.to_string()
                }
            }
            _ => title.to_string(),
        };
        Strip {
            number,
            title,
            list,
            selected: app.panel_selection[slot],
            focused: app.focus == panel,
        }
    })
    .collect();
    Overview {
        tiles: tiles(scope, Some(app.focus)),
        flow: flow(scope, app.focus == Panel::Flow, app.panel_selection[3]),
        flow_focused: app.focus == Panel::Flow,
        strips,
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
    vec![
        FlowItem {
            label: "CI",
            value: format!(
                "{} ok · {} · queue {}",
                percent(m.ci.success_rate),
                human_seconds(m.ci.median_duration_seconds),
                human_seconds(m.ci.median_queue_seconds)
            ),
            tone: ci_tone,
            selected: focused && selected == 0,
        },
        FlowItem {
            label: "PR cycle",
            value: format!(
                "{} · {} merged · {} open",
                human_seconds(m.pr_cycle_time.median_seconds),
                m.pr_cycle_time.prs,
                m.wip.open_prs
            ),
            tone: Tone::Normal,
            selected: focused && selected == 1,
        },
        FlowItem {
            label: "Restore",
            value: format!(
                "{} · {} incidents{}",
                human_seconds(m.time_to_restore.median_seconds),
                m.time_to_restore.incidents,
                if open_incidents > 0 {
                    format!(" · {open_incidents} open")
                } else {
                    String::new()
                }
            ),
            tone: if open_incidents > 0 {
                Tone::Fail
            } else {
                Tone::Normal
            },
            selected: focused && selected == 2,
        },
        FlowItem {
            label: "Batch",
            value: format!("{} changes", number(m.batch_size.median_changes, 1)),
            tone: Tone::Normal,
            selected: false,
        },
    ]
}

/// The rows of an overview strip.
pub(crate) fn panel_rows(app: &App, panel: Panel) -> ListModel {
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
        Panel::Incidents => incident_rows(app, &scope.incidents),
        _ => ListModel::default(),
    }
}
