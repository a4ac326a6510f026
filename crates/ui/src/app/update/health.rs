//! The health panels' keys: `H` opens a service's page of panels, `V` sorts a deployment list
//! by the panels' verdict (unusual worsenings first).

use super::navigate::{back, push, selected_row};
use super::say;
use crate::app::list::Target;
use crate::app::screens::items::HEALTH_COLUMN;
use crate::app::screens::list as screen_list;
use crate::app::state::{App, Screen};

/// `H`: the health panels of the service selected in the services table, or of the service
/// in scope; again (or Esc) goes back.
pub(crate) fn open_health(app: &mut App) {
    if matches!(app.screen(), Screen::Health { .. }) {
        back(app);
        return;
    }
    if !app.panels_configured {
        say(
            app,
            "no health panels: add [[panels]] to the config (see config.example.toml)",
        );
        return;
    }
    let selected = match app.screen() {
        Screen::Services { teams: false, .. } => {
            selected_row(app, app.screen()).and_then(|row| match row.target {
                Some(Target::Service(name)) => Some(name),
                _ => None,
            })
        }
        _ => None,
    };
    let service = selected
        .or_else(|| app.filters.service.clone())
        .or_else(|| {
            let services = app.scope_services();
            match services.as_slice() {
                [only] => app
                    .history()
                    .services
                    .get(*only as usize)
                    .map(|s| s.name.clone()),
                _ => None,
            }
        });
    match service {
        Some(service) => push(app, Screen::Health { service }),
        None => say(
            app,
            "H shows one service's health panels: pick a service (f) or choose one in the services table (T)",
        ),
    }
}

/// `V`: the deployment list on show sorted by the panels' verdict, unusual worsenings first.
pub(crate) fn sort_by_verdict(app: &mut App) {
    if !matches!(app.screen(), Screen::Measure { .. }) {
        say(
            app,
            "V sorts a deployment list by the health verdict: open a deployment measure (1-5)",
        );
        return;
    }
    let column = screen_list(app, app.screen())
        .columns
        .iter()
        .position(|c| c.title == HEALTH_COLUMN);
    let Some(column) = column else {
        say(
            app,
            if app.panels_configured {
                "no health verdicts on this list yet: the panels are read after each refresh"
            } else {
                "no health panels: add [[panels]] to the config (see config.example.toml)"
            },
        );
        return;
    };
    if let Some(list) = app.screen_mut().list_mut() {
        list.sort = Some(column);
        list.descending = true;
        list.selected = 0;
    }
}
