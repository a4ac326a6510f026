//! Moving around: the screen stack, the selection in each list (stepping over section
//! headings), panels, sorting, opening what is selected and mouse clicks. What cannot be done
//! where the user is says why.

use super::say;
use crate::app::list::{Row, Target};
use crate::app::screens::list as screen_list;
use crate::app::screens::overview::{FLOW, STRIPS, panel_rows};
use crate::app::screens::sortable;
use crate::app::state::{App, ListState, Panel, Screen};

pub(crate) fn push(app: &mut App, screen: Screen) {
    // The search stays on: it filters the lists of the screens drilled into too.
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
        say(app, "search cleared");
        return;
    }
    if app.stack.len() > 1 {
        app.stack.pop();
    } else {
        say(app, "this is the overview: nothing to go back to (q quits)");
    }
}

pub(crate) fn reset_selection(app: &mut App) {
    if let Some(list) = app.screen_mut().list_mut() {
        list.selected = 0;
    }
}

/// The number of rows the focused list has.
fn list_len(app: &App) -> usize {
    match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Tile(_) => 0,
            Panel::Flow => FLOW.len(),
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
                if delta != 0 {
                    app.focus = if delta > 0 {
                        Panel::Deployments
                    } else {
                        Panel::Tile(0)
                    };
                }
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
    if let Some(list) = app.screen_mut().list_mut() {
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
    STRIPS
        .iter()
        .find(|(p, ..)| *p == panel)
        .map_or(3, |(_, _, slot)| *slot)
}

pub(crate) fn sideways(app: &mut App, delta: isize) {
    match app.screen().clone() {
        Screen::Overview => match app.focus {
            Panel::Tile(i) => {
                app.focus = Panel::Tile(step(i, delta, 5));
            }
            Panel::Flow => {
                let slot = &mut app.panel_selection[3];
                *slot = step(*slot, delta, FLOW.len());
            }
            panel => {
                let strips = [Panel::Deployments, Panel::Pipelines, Panel::Incidents];
                let i = strips.iter().position(|p| *p == panel).unwrap_or(0);
                app.focus = strips[step(i, delta, strips.len())];
            }
        },
        Screen::Measure { measure, .. } => {
            let all = crate::app::state::Measure::ALL;
            let i = measure.index() as isize;
            let next = all[(i + delta).rem_euclid(all.len() as isize) as usize];
            *app.screen_mut() = Screen::measure(next);
            move_selection(app, 0);
        }
        Screen::Services { teams, .. } => toggle_table(app, !teams),
        // Detail screens: left goes back, right opens the selected row.
        _ if delta < 0 => back(app),
        _ => open(app),
    }
}

/// The services table shows teams, or services.
fn toggle_table(app: &mut App, teams: bool) {
    *app.screen_mut() = Screen::Services {
        teams,
        list: ListState::default(),
    };
}

pub(crate) fn cycle_panel(app: &mut App, delta: isize) {
    match app.screen() {
        Screen::Overview => {
            let i = app.focus.index() as isize + delta;
            app.focus = Panel::ALL[i.rem_euclid(Panel::ALL.len() as isize) as usize];
        }
        Screen::Services { teams, .. } => {
            let teams = !*teams;
            toggle_table(app, teams);
        }
        Screen::Measure { .. } => sideways(app, delta),
        _ => say(
            app,
            "tab moves between the overview's panels: esc goes back to it",
        ),
    }
}

/// The selected row of an overview strip.
fn selected_strip_row(app: &App, panel: Panel) -> Option<Row> {
    panel_rows(app, panel)
        .rows
        .into_iter()
        .nth(app.panel_selection[panel_slot(panel)])
}

/// The selected row of a screen's list (the overview's are its strips).
pub(crate) fn selected_row(app: &App, screen: &Screen) -> Option<Row> {
    let selected = screen.list().map_or(0, |l| l.selected);
    screen_list(app, screen).rows.into_iter().nth(selected)
}

pub(crate) fn open(app: &mut App) {
    let (target, row) = match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Tile(i) => (
                crate::app::state::Measure::ALL
                    .get(i)
                    .copied()
                    .map(Target::Measure),
                None,
            ),
            Panel::Flow => (
                FLOW.get(app.panel_selection[3])
                    .copied()
                    .map(Target::Measure),
                None,
            ),
            panel => {
                let row = selected_strip_row(app, panel);
                (row.as_ref().and_then(|r| r.target.clone()), row)
            }
        },
        screen => {
            let row = selected_row(app, screen);
            (row.as_ref().and_then(|r| r.target.clone()), row)
        }
    };
    let screen = match target {
        Some(Target::Measure(measure)) => Screen::measure(measure),
        Some(Target::Deployment(deployment)) => Screen::Deployment {
            deployment,
            list: ListState::default(),
        },
        Some(Target::Incident(incident)) => Screen::Incident {
            incident,
            list: ListState::default(),
        },
        Some(Target::Run(run)) => Screen::Run {
            run,
            list: ListState::default(),
        },
        Some(Target::PullRequest(pr)) => Screen::PullRequest {
            pr,
            list: ListState::default(),
        },
        Some(Target::Service(name)) => {
            super::filters::scope_to(app, Some(name), None);
            return;
        }
        Some(Target::Team(name)) => {
            super::filters::scope_to(app, None, Some(name));
            return;
        }
        None => {
            let why = match row {
                Some(row) => row.why_not().to_string(),
                None => "the list is empty: nothing to open".to_string(),
            };
            say(app, why);
            return;
        }
    };
    push(app, screen);
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
            Screen::Run { run, .. } => events
                .pipeline_runs
                .get(*run as usize)
                .and_then(|r| r.url.clone()),
            Screen::PullRequest { pr, .. } => events
                .pull_requests
                .get(*pr as usize)
                .and_then(|p| p.url.clone()),
            _ => None,
        })
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
}

/// `S` (next column) and `R` (reverse): on a drill-down's or the services table's list, or
/// the focused strip of the overview.
pub(crate) fn sort(app: &mut App, reverse: bool) {
    if matches!(app.screen(), Screen::Overview) {
        let Some(slot) = STRIPS.iter().position(|(p, ..)| *p == app.focus) else {
            say(
                app,
                "sorting works on a list: focus a strip with 7, 8 or 9, or open a measure",
            );
            return;
        };
        // The strip's own columns, in the order it shows them.
        let columns: Vec<usize> = crate::app::screens::overview::strip_columns(app.focus).to_vec();
        let state = &mut app.strip_sort[slot];
        cycle_sort(state, reverse, &columns);
        app.panel_selection[slot] = 0;
        return;
    }
    if !sortable(app.screen()) {
        say(
            app,
            "this screen reads top to bottom: sorting works in a measure's list and the services table",
        );
        return;
    }
    let columns: Vec<usize> = (0..screen_list(app, app.screen()).columns.len()).collect();
    if let Some(list) = app.screen_mut().list_mut() {
        cycle_sort(list, reverse, &columns);
    }
}

/// The next sort column among `columns` (then none, the natural order), or the order reversed.
fn cycle_sort(list: &mut ListState, reverse: bool, columns: &[usize]) {
    if reverse {
        list.descending = !list.descending;
    } else {
        let at = list.sort.and_then(|c| columns.iter().position(|x| *x == c));
        list.sort = match at {
            None => columns.first().copied(),
            Some(i) => columns.get(i + 1).copied(),
        };
    }
    list.selected = 0;
}

pub(crate) fn clamp_selections(app: &mut App) {
    if matches!(app.screen(), Screen::Overview) {
        for (panel, _, slot) in STRIPS {
            let len = panel_rows(app, panel).rows.len();
            let selected = &mut app.panel_selection[slot];
            *selected = (*selected).min(len.saturating_sub(1));
        }
        return;
    }
    let len = list_len(app);
    if let Some(list) = app.screen_mut().list_mut() {
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
