//! The service, team and environment filters: cycling through what the data has, and the
//! history narrowed to an environment.

use std::sync::Arc;

use super::navigate::reset_selection;
use crate::app::state::{App, Screen};
use flowdeck_core::metrics::History;
use flowdeck_core::model::EventSet;

pub(crate) fn cycle_service(app: &mut App) {
    let names: Vec<String> = app
        .data
        .history
        .services
        .iter()
        .map(|s| s.name.clone())
        .collect();
    app.filters.service = next_in(&names, app.filters.service.as_deref());
    app.filters.team = None;
    reset_after_scope_change(app);
}

pub(crate) fn cycle_team(app: &mut App) {
    let names: Vec<String> = app
        .data
        .history
        .teams()
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    app.filters.team = next_in(&names, app.filters.team.as_deref());
    app.filters.service = None;
    reset_after_scope_change(app);
}

pub(crate) fn cycle_environment(app: &mut App) {
    let mut names: Vec<String> = app
        .data
        .history
        .events
        .deployments
        .iter()
        .filter(|d| d.production)
        .map(|d| d.environment.clone())
        .collect();
    names.sort();
    names.dedup();
    app.filters.environment = next_in(&names, app.filters.environment.as_deref());
    apply_environment(app);
    reset_after_scope_change(app);
}

/// Narrows the history to the environment filter (derived once per environment and data load).
pub(crate) fn apply_environment(app: &mut App) {
    let Some(environment) = app.filters.environment.clone() else {
        app.environment_history = None;
        return;
    };
    if matches!(&app.environment_history, Some((e, _)) if *e == environment) {
        return;
    }
    let events = &app.data.history.events;
    let filtered = EventSet {
        services: events.services.clone(),
        deployments: events
            .deployments
            .iter()
            .filter(|d| d.environment == environment)
            .cloned()
            .collect(),
        pull_requests: events.pull_requests.clone(),
        pipeline_runs: events.pipeline_runs.clone(),
        incidents: events.incidents.clone(),
    };
    let history = History::derive(filtered, app.data.history.rules.clone());
    app.environment_history = Some((environment, Arc::new(history)));
}

fn next_in(names: &[String], current: Option<&str>) -> Option<String> {
    match current {
        None => names.first().cloned(),
        Some(current) => {
            let i = names.iter().position(|n| n == current)?;
            names.get(i + 1).cloned()
        }
    }
}

fn reset_after_scope_change(app: &mut App) {
    app.panel_selection = [0; 4];
    reset_selection(app);
    // Items of another scope may not exist in this one: go back to the overview or a measure.
    while matches!(
        app.screen(),
        Screen::Deployment { .. } | Screen::Incident { .. }
    ) && app.stack.len() > 1
    {
        app.stack.pop();
    }
}
