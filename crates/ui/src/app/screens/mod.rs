//! The screens, one file each: its part of the view model, the list it shows (which `update`
//! reads too, so selection and display agree), its place in the breadcrumb and its keys with
//! what they do there. This file only dispatches on `Screen`; shared pieces (what is broken
//! now, the item lists, the headline tiles, the detail layout, text formats) have small files
//! of their own.

pub(crate) mod alerts;
pub(crate) mod deployment;
pub(crate) mod detail;
pub(crate) mod format;
pub(crate) mod health;
pub(crate) mod incident;
pub(crate) mod items;
pub(crate) mod measure;
pub(crate) mod overview;
pub(crate) mod pull_request;
pub(crate) mod run;
pub(crate) mod services;
pub(crate) mod standup;
pub(crate) mod tiles;
pub(crate) mod wall;

use super::action::Command;
use super::list::{ListModel, arrange};
use super::scope::ScopeData;
use super::state::{App, ListState, Screen};

/// What the body of the frame shows.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    TooSmall { need: (u16, u16) },
    Loading(String),
    Overview(Box<overview::Overview>),
    Measure(Box<measure::MeasureView>),
    Detail(Box<detail::Detail>),
    Services(Box<services::ServicesView>),
    Wall(Box<wall::WallView>),
    Health(Box<health::HealthView>),
}

/// The body of the screen on top of the stack (or the wall page) for the scope on show.
pub(crate) fn body(app: &App, scope: &ScopeData) -> Body {
    if app.wall.is_some() {
        return Body::Wall(Box::new(wall::view(app, scope)));
    }
    let screen = app.screen();
    let selected = screen.list().map_or(0, |l| l.selected);
    match screen {
        Screen::Overview => Body::Overview(Box::new(overview::view(app, scope))),
        Screen::Measure { measure, list, all } => Body::Measure(Box::new(measure::view(
            app,
            scope,
            *measure,
            *list,
            *all,
            self::list(app, screen),
        ))),
        Screen::Deployment { deployment, .. } => Body::Detail(Box::new(deployment::view(
            app,
            *deployment,
            self::list(app, screen),
            selected,
        ))),
        Screen::Incident { incident, .. } => Body::Detail(Box::new(incident::view(
            app,
            *incident,
            self::list(app, screen),
            selected,
        ))),
        Screen::Run { run, .. } => Body::Detail(Box::new(run::view(
            app,
            *run,
            self::list(app, screen),
            selected,
        ))),
        Screen::PullRequest { pr, .. } => Body::Detail(Box::new(pull_request::view(
            app,
            *pr,
            self::list(app, screen),
            selected,
        ))),
        Screen::Standup { .. } => Body::Detail(Box::new(standup::view(
            app,
            self::list(app, screen),
            selected,
        ))),
        Screen::Services { teams, list } => Body::Services(Box::new(services::view(
            app,
            *teams,
            *list,
            self::list(app, screen),
        ))),
        Screen::Health { service } => Body::Health(Box::new(health::view(app, service))),
    }
}

/// The list a screen shows, searched and sorted (the overview's lists are its strips:
/// `overview::panel_rows`). Item lists are searched; detail screens read top to bottom and
/// are neither searched nor sorted.
pub fn list(app: &App, screen: &Screen) -> ListModel {
    let plain = ListState::default();
    let (model, list, search) = match screen {
        Screen::Overview | Screen::Health { .. } => return ListModel::default(),
        Screen::Measure { measure, list, all } => (measure::rows(app, *measure, *all), *list, true),
        Screen::Deployment { deployment, .. } => (deployment::rows(app, *deployment), plain, false),
        Screen::Incident { incident, .. } => (incident::rows(app, *incident), plain, false),
        Screen::Run { run, .. } => (run::rows(app, *run), plain, false),
        Screen::PullRequest { pr, .. } => (pull_request::rows(app, *pr), plain, false),
        Screen::Standup { .. } => (standup::rows(app), plain, true),
        Screen::Services { teams, list } => (services::rows(app, *teams), *list, true),
    };
    arrange(model, &list, app.search.as_deref().filter(|_| search))
}

/// Whether a screen's list is searched (detail screens are not).
pub(crate) fn searched(screen: &Screen) -> bool {
    matches!(
        screen,
        Screen::Overview
            | Screen::Measure { .. }
            | Screen::Standup { .. }
            | Screen::Services { .. }
    )
}

/// Whether a screen's list sorts by column (detail screens read top to bottom).
pub(crate) fn sortable(screen: &Screen) -> bool {
    matches!(screen, Screen::Measure { .. } | Screen::Services { .. })
}

/// The keys of a screen, with what each does there: help lists them first, the command bar
/// shows those that fit.
pub(crate) fn keys(screen: &Screen) -> &'static [(Command, &'static str)] {
    match screen {
        Screen::Overview => overview::KEYS,
        Screen::Measure { .. } => measure::KEYS,
        Screen::Deployment { .. } => deployment::KEYS,
        Screen::Incident { .. } => incident::KEYS,
        Screen::Run { .. } => run::KEYS,
        Screen::PullRequest { .. } => pull_request::KEYS,
        Screen::Standup { .. } => standup::KEYS,
        Screen::Services { .. } => services::KEYS,
        Screen::Health { .. } => health::KEYS,
    }
}

/// A screen's name in the breadcrumb.
pub(crate) fn crumb(app: &App, screen: &Screen) -> String {
    match screen {
        Screen::Overview => overview::CRUMB.to_string(),
        Screen::Measure { measure, .. } => measure.title().to_string(),
        Screen::Deployment { deployment, .. } => deployment::crumb(app, *deployment),
        Screen::Incident { incident, .. } => incident::crumb(app, *incident),
        Screen::Run { run, .. } => run::crumb(app, *run),
        Screen::PullRequest { pr, .. } => pull_request::crumb(app, *pr),
        Screen::Standup { .. } => standup::CRUMB.to_string(),
        Screen::Services { teams, .. } => services::crumb(*teams).to_string(),
        Screen::Health { service } => health::crumb(service),
    }
}
