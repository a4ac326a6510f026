//! The service, team and environment filters: the pickers (`f`, `t`) that filter as you type,
//! the environment cycle, and the history narrowed to an environment. Choosing a service ends
//! a team filter and the other way round, and the message says so.

use std::sync::Arc;

use super::navigate::reset_selection;
use super::say;
use crate::app::state::{App, Prompt, PromptKind, Screen};
use flowdeck_core::metrics::History;
use flowdeck_core::model::EventSet;
use flowdeck_core::text::sanitize;

/// Opens the service or team picker, or says why there is nothing to pick.
pub(crate) fn open_picker(app: &mut App, kind: PromptKind) {
    let history = &app.data.history;
    let empty = match kind {
        PromptKind::Team if history.teams().is_empty() => {
            Some("no teams to pick: give services a team in the config's [[services]]")
        }
        PromptKind::Service if history.services.is_empty() => Some("no services to pick yet"),
        _ => None,
    };
    if let Some(why) = empty {
        say(app, why);
        return;
    }
    app.prompt = Some(Prompt::new(kind, ""));
}

/// Shows one service, one team, or everything; a detail screen of another scope closes.
pub(crate) fn scope_to(app: &mut App, service: Option<String>, team: Option<String>) {
    let before = (app.filters.service.clone(), app.filters.team.clone());
    let note = match (&service, &team, &before) {
        (Some(s), None, (_, Some(t))) => {
            Some(format!("showing service {s}; the team filter ({t}) is off"))
        }
        (None, Some(t), (Some(s), _)) => {
            Some(format!("showing team {t}; the service filter ({s}) is off"))
        }
        _ => None,
    };
    app.filters.service = service;
    app.filters.team = team;
    // Scoping from the services table returns to the overview of that scope.
    while matches!(app.screen(), Screen::Services { .. }) && app.stack.len() > 1 {
        app.stack.pop();
    }
    reset_after_scope_change(app);
    if let Some(note) = note {
        say(app, sanitize(&note));
    }
}

pub(crate) fn clear_filters(app: &mut App) {
    let filters = &app.filters;
    if filters.service.is_none()
        && filters.team.is_none()
        && filters.environment.is_none()
        && app.search.is_none()
    {
        say(app, "no filters to clear");
        return;
    }
    app.filters = Default::default();
    app.environment_history = None;
    app.search = None;
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
    if names.len() < 2 && app.filters.environment.is_none() {
        say(
            app,
            match names.first() {
                Some(only) => format!(
                    "every deployment went to {}: no other environment to filter by",
                    sanitize(only)
                ),
                None => "no production deployments: no environment to filter by".into(),
            },
        );
        return;
    }
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
        Screen::Deployment { .. }
            | Screen::Incident { .. }
            | Screen::Run { .. }
            | Screen::PullRequest { .. }
    ) && app.stack.len() > 1
    {
        app.stack.pop();
    }
}
