//! Moving around: the screen stack, the selection in each list (stepping over section
//! headings), panels, sorting, opening what is selected and mouse clicks.

use crate::app::list::{Row, Target};
use crate::app::screens::list as screen_list;
use crate::app::screens::overview::panel_rows;
use crate::app::state::{App, Effect, ListState, Measure, Panel, Screen};

pub(crate) fn push(app: &mut App, screen: Screen) {
    app.search = None;
    // The stack is bounded: going deeper than this drops the oldest drill-downs, never Overview.
    if app.stack.len() >= 16 {
        app.stack.remove(1);
    }
    app.stack.push(screen);
    // Start on the first item, not on a section heading.
    move_selection(app, 0);
}

pub(crate) fn back(app: &mut App) {
    if app.search.is_some() {
        app.search = None;
        return;
    }
    if app.stack.len() > 1 {
        app.stack.pop();
    }
}

pub(crate) fn reset_selection(app: &mut App) {
    match app.screen_mut() {
        Screen::Measure { list, .. }
        | Screen::Deployment { list, .. }
        | Screen::Incident { list, .. }
        | Screen::Standup { list } => list.selected = 0,
        Screen::Overview => {}
    }
}

/// The number of rows the focused list has.
fn list_len(app: &App) -> usize {
    match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Tile(_) => 0,
            Panel::Flow => 3,
            panel => panel_rows(app, panel).rows.len(),
        },
        screen => screen_list(app, screen).rows.len(),
    }
}

pub(crate) fn move_selection(app: &mut App, delta: isize) {
    if let Screen::Overview = app.screen() {
        let len = list_len(app);
        match app.focus {
            Panel::Tile(_) => {
                if delta > 0 {
                    app.focus = Panel::Flow;
                }
                return;
            }
            Panel::Flow => {
                app.focus = if delta > 0 {
                    Panel::Deployments
                } else {
                    Panel::Tile(0)
                };
                return;
            }
            panel => {
                let slot = &mut app.panel_selection[panel_slot(panel)];
                if delta < 0 && *slot == 0 {
                    app.focus = Panel::Flow;
                    return;
                }
                *slot = step(*slot, delta, len);
                return;
            }
        }
    }
    // Section headings are not items: the selection steps over them.
    let headings: Vec<bool> = screen_list(app, app.screen())
        .rows
        .iter()
        .map(|r| r.heading)
        .collect();
    let len = headings.len();
    if let Some(list) = list_state(app) {
        list.selected = skip_headings(&headings, step(list.selected, delta, len), delta);
    }
}

/// The nearest non-heading row from `index`, looking the way the selection moved first.
fn skip_headings(headings: &[bool], index: usize, delta: isize) -> usize {
    let is_heading = |i: usize| headings.get(i).copied().unwrap_or(false);
    if !is_heading(index) {
        return index;
    }
    let forward = (index..headings.len()).find(|&i| !is_heading(i));
    let backward = (0..index).rev().find(|&i| !is_heading(i));
    let found = if delta < 0 {
        backward.or(forward)
    } else {
        forward.or(backward)
    };
    found.unwrap_or(index)
}

fn step(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let next = current as isize + delta;
    next.clamp(0, len as isize - 1) as usize
}

fn panel_slot(panel: Panel) -> usize {
    match panel {
        Panel::Deployments => 0,
        Panel::Pipelines => 1,
        Panel::Incidents => 2,
        _ => 3,
    }
}

fn list_state(app: &mut App) -> Option<&mut ListState> {
    match app.screen_mut() {
        Screen::Measure { list, .. }
        | Screen::Deployment { list, .. }
        | Screen::Incident { list, .. }
        | Screen::Standup { list } => Some(list),
        Screen::Overview => None,
    }
}

pub(crate) fn sideways(app: &mut App, delta: isize) {
    match app.screen().clone() {
        Screen::Overview => match app.focus {
            Panel::Tile(i) => {
                app.focus = Panel::Tile(step(i, delta, 5));
            }
            Panel::Flow => {
                let slot = &mut app.panel_selection[3];
                *slot = step(*slot, delta, 3);
            }
            panel => {
                let strips = [Panel::Deployments, Panel::Pipelines, Panel::Incidents];
                let i = strips.iter().position(|p| *p == panel).unwrap_or(0);
                app.focus = strips[step(i, delta, strips.len())];
            }
        },
        Screen::Measure { measure, .. } => {
            let i = Measure::ALL.iter().position(|m| *m == measure).unwrap_or(0);
            let next =
                Measure::ALL[(i as isize + delta).rem_euclid(Measure::ALL.len() as isize) as usize];
            app.search = None;
            *app.screen_mut() = Screen::Measure {
                measure: next,
                list: ListState::default(),
            };
        }
        _ => {}
    }
}

pub(crate) fn cycle_panel(app: &mut App, delta: isize) {
    if !matches!(app.screen(), Screen::Overview) {
        return;
    }
    let i = app.focus.index() as isize + delta;
    app.focus = Panel::ALL[i.rem_euclid(Panel::ALL.len() as isize) as usize];
}

/// The selected row of an overview strip.
fn selected_strip_row(app: &App, panel: Panel) -> Option<Row> {
    panel_rows(app, panel)
        .rows
        .into_iter()
        .nth(app.panel_selection[panel_slot(panel)])
}

/// The selected row of a screen's list (the overview's are its strips).
fn selected_row(app: &App, screen: &Screen) -> Option<Row> {
    let selected = match screen {
        Screen::Measure { list, .. }
        | Screen::Deployment { list, .. }
        | Screen::Incident { list, .. }
        | Screen::Standup { list } => list.selected,
        Screen::Overview => 0,
    };
    screen_list(app, screen).rows.into_iter().nth(selected)
}

pub(crate) fn open(app: &mut App) {
    let target = match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Tile(i) => Measure::ALL.get(i).copied().map(Target::Measure),
            Panel::Flow => [Measure::Ci, Measure::PullRequests, Measure::TimeToRestore]
                .get(app.panel_selection[3])
                .copied()
                .map(Target::Measure),
            panel => selected_strip_row(app, panel).and_then(|row| row.target),
        },
        screen => selected_row(app, screen).and_then(|row| row.target),
    };
    match target {
        Some(Target::Measure(measure)) => push(
            app,
            Screen::Measure {
                measure,
                list: ListState::default(),
            },
        ),
        Some(Target::Deployment(deployment)) => push(
            app,
            Screen::Deployment {
                deployment,
                list: ListState::default(),
            },
        ),
        Some(Target::Incident(incident)) => push(
            app,
            Screen::Incident {
                incident,
                list: ListState::default(),
            },
        ),
        Some(Target::Url(url)) => app.effects.push(Effect::OpenUrl(url)),
        None => {}
    }
}

/// The URL of what is selected, else of the item the screen shows.
pub(crate) fn selected_url(app: &App) -> Option<String> {
    let from_list = match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Deployments | Panel::Pipelines | Panel::Incidents => {
                selected_strip_row(app, app.focus).and_then(|row| row.url)
            }
            _ => None,
        },
        screen => selected_row(app, screen).and_then(|row| row.url),
    };
    let events = &app.history().events;
    from_list
        .or_else(|| match app.screen() {
            Screen::Deployment { deployment, .. } => events
                .deployments
                .get(*deployment as usize)
                .and_then(|d| d.url.clone()),
            Screen::Incident { incident, .. } => events
                .incidents
                .get(*incident as usize)
                .and_then(|i| i.url.clone()),
            _ => None,
        })
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
}

pub(crate) fn sort(app: &mut App, reverse: bool) {
    let columns = match app.screen() {
        Screen::Overview => return,
        screen => screen_list(app, screen).columns.len(),
    };
    if let Some(list) = list_state(app) {
        if reverse {
            list.descending = !list.descending;
        } else {
            list.sort = match list.sort {
                None if columns > 0 => Some(0),
                Some(c) if c + 1 < columns => Some(c + 1),
                _ => None,
            };
        }
        list.selected = 0;
    }
}

pub(crate) fn clamp_selections(app: &mut App) {
    if matches!(app.screen(), Screen::Overview) {
        for panel in [Panel::Deployments, Panel::Pipelines, Panel::Incidents] {
            let len = panel_rows(app, panel).rows.len();
            let slot = &mut app.panel_selection[panel_slot(panel)];
            *slot = (*slot).min(len.saturating_sub(1));
        }
        return;
    }
    let len = list_len(app);
    if let Some(list) = list_state(app) {
        list.selected = list.selected.min(len.saturating_sub(1));
    }
}

/// A mouse click on an overview panel: focus it, or open it when it already has focus.
pub(crate) fn click(app: &mut App, index: usize) {
    if !app.mouse || !matches!(app.screen(), Screen::Overview) {
        return;
    }
    if let Some(&panel) = Panel::ALL.get(index) {
        if app.focus == panel {
            open(app);
        } else {
            app.focus = panel;
        }
    }
}
