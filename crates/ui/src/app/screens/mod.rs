//! The screens, one file each: its part of the view model, the list it shows (which `update`
//! reads too, so selection and display agree), its place in the breadcrumb and the keys its
//! command bar offers. This file only dispatches on `Screen`; shared pieces (the item lists,
//! the headline tiles, the detail layout, text formats) have small files of their own.

pub(crate) mod deployment;
pub(crate) mod detail;
pub(crate) mod format;
pub(crate) mod incident;
pub(crate) mod items;
pub(crate) mod measure;
pub(crate) mod overview;
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
    Wall(Box<wall::WallView>),
}

/// The body of the screen on top of the stack (or the wall page) for the scope on show.
pub(crate) fn body(app: &App, scope: &ScopeData) -> Body {
    if app.wall.is_some() {
        return Body::Wall(Box::new(wall::view(app, scope)));
    }
    let screen = app.screen();
    match screen {
        Screen::Overview => Body::Overview(Box::new(overview::view(app, scope))),
        Screen::Measure { measure, list } => Body::Measure(Box::new(measure::view(
            app,
            scope,
            *measure,
            *list,
            self::list(app, screen),
        ))),
        Screen::Deployment { deployment, list } => Body::Detail(Box::new(deployment::view(
            app,
            *deployment,
            self::list(app, screen),
            list.selected,
        ))),
        Screen::Incident { incident, list } => Body::Detail(Box::new(incident::view(
            app,
            *incident,
            self::list(app, screen),
            list.selected,
        ))),
        Screen::Standup { list } => Body::Detail(Box::new(standup::view(
            app,
            self::list(app, screen),
            list.selected,
        ))),
    }
}

/// The list a screen shows, searched and sorted (the overview's lists are its strips:
/// `overview::panel_rows`).
pub fn list(app: &App, screen: &Screen) -> ListModel {
    // Detail screens read top to bottom; only item lists sort.
    let unsorted = |list: &ListState| ListState {
        sort: None,
        descending: false,
        ..*list
    };
    let (model, list) = match screen {
        Screen::Overview => return ListModel::default(),
        Screen::Measure { measure, list } => (measure::rows(app, *measure), *list),
        Screen::Deployment { deployment, list } => {
            (deployment::rows(app, *deployment), unsorted(list))
        }
        Screen::Incident { incident, list } => (incident::rows(app, *incident), unsorted(list)),
        Screen::Standup { list } => (standup::rows(app), unsorted(list)),
    };
    arrange(model, &list, app.search.as_deref())
}

/// The commands worth a hint on a screen's command bar (help lists them all).
pub(crate) fn keys(screen: &Screen) -> &'static [Command] {
    match screen {
        Screen::Overview => overview::KEYS,
        Screen::Measure { .. } => measure::KEYS,
        Screen::Deployment { .. } => deployment::KEYS,
        Screen::Incident { .. } => incident::KEYS,
        Screen::Standup { .. } => standup::KEYS,
    }
}

/// A screen's name in the breadcrumb.
pub(crate) fn crumb(app: &App, screen: &Screen) -> String {
    match screen {
        Screen::Overview => overview::CRUMB.to_string(),
        Screen::Measure { measure, .. } => measure.title().to_string(),
        Screen::Deployment { deployment, .. } => deployment::crumb(app, *deployment),
        Screen::Incident { incident, .. } => incident::crumb(app, *incident),
        Screen::Standup { .. } => standup::CRUMB.to_string(),
    }
}
