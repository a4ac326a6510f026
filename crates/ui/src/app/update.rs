//! `update(state, action)`: the only place the app's state changes. No I/O: what needs the
//! outside world (opening a URL, reloading sources, exporting) is queued as an `Effect`.

use std::sync::Arc;

use super::action::{Action, Command};
use super::list::Target;
use super::screens::list as screen_list;
use super::screens::overview::panel_rows;
use super::state::{
    App, Effect, ListState, Measure, Panel, Prompt, PromptKind, Screen, WindowChoice,
};
use flowdeck_core::metrics::{History, Window};
use flowdeck_core::model::EventSet;

/// Rows a page-up/page-down moves.
const PAGE: usize = 10;

pub fn update(app: &mut App, action: Action) {
    let scope_before = app.scope_key.clone();
    let search_before = app.search.clone();
    match action {
        Action::Command(command) => command_action(app, command),
        Action::Input(c) => {
            if let Some(prompt) = &mut app.prompt {
                // Prompts take printable text only; control characters never reach the screen.
                if !c.is_control() && prompt.text.chars().count() < 200 {
                    prompt.text.push(c);
                    prompt.error = None;
                }
                if prompt.kind == PromptKind::Search {
                    app.search = Some(prompt.text.clone()).filter(|s| !s.is_empty());
                    reset_selection(app);
                }
            }
        }
        Action::DeleteInput => {
            if let Some(prompt) = &mut app.prompt {
                prompt.text.pop();
                prompt.error = None;
                if prompt.kind == PromptKind::Search {
                    app.search = Some(prompt.text.clone()).filter(|s| !s.is_empty());
                }
            }
        }
        Action::SubmitInput => submit_prompt(app),
        Action::CancelInput => {
            if let Some(prompt) = app.prompt.take()
                && prompt.kind == PromptKind::Search
            {
                app.search = None;
            }
        }
        Action::ClickPanel(index) => click(app, index),
        Action::ScrollUp => move_selection(app, -1),
        Action::ScrollDown => move_selection(app, 1),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
        }
        Action::Tick(now) => app.now = now,
        Action::RotateWall => {
            let pages = app.wall_pages().len().max(1);
            if let Some(wall) = &mut app.wall {
                wall.page = (wall.page + 1) % pages;
            }
        }
        Action::Loading => {
            app.loading = true;
        }
        Action::Loaded => {
            app.loading = false;
            app.load_error = None;
            app.environment_history = None;
            apply_environment(app);
        }
        Action::LoadFailed(error) => {
            app.loading = false;
            app.load_error = Some(flowdeck_core::text::sanitize(&error));
        }
        Action::Notify(message) => app.message = Some(flowdeck_core::text::sanitize(&message)),
    }
    app.refresh_scope();
    // Lists change only with the scope (data, filters, window, minute) or the search: only then
    // can a selection point past the end. Building lists on every key would be wasted work.
    if app.scope_key != scope_before || app.search != search_before {
        clamp_selections(app);
    }
}

fn command_action(app: &mut App, command: Command) {
    // Any key dismisses a message; help closes on the next command.
    app.message = None;
    if app.help {
        if matches!(command, Command::Help | Command::Back | Command::Quit) {
            app.help = false;
            if command == Command::Quit {
                app.quit = true;
            }
        }
        return;
    }
    if app.wall.is_some() {
        // The wall needs no input; it still quits, refreshes and pages on request.
        match command {
            Command::Quit | Command::Back => app.quit = true,
            Command::Refresh => app.effects.push(Effect::Refresh),
            Command::Right | Command::Down | Command::NextPanel => update(app, Action::RotateWall),
            _ => {}
        }
        return;
    }
    match command {
        Command::Quit => app.quit = true,
        Command::Help => app.help = true,
        Command::Back => back(app),
        Command::Refresh => app.effects.push(Effect::Refresh),
        Command::Export => app.effects.push(Effect::Export),
        Command::Search => {
            app.prompt = Some(Prompt {
                kind: PromptKind::Search,
                text: app.search.clone().unwrap_or_default(),
                error: None,
            });
        }
        Command::CustomWindow => {
            app.prompt = Some(Prompt {
                kind: PromptKind::Window,
                text: String::new(),
                error: None,
            });
        }
        Command::Standup => {
            if matches!(app.screen(), Screen::Standup { .. }) {
                back(app);
            } else {
                push(
                    app,
                    Screen::Standup {
                        list: ListState::default(),
                    },
                );
            }
        }
        Command::Window => {
            app.window = app.window.next();
        }
        Command::Service => cycle_service(app),
        Command::Team => cycle_team(app),
        Command::Environment => cycle_environment(app),
        Command::ClearFilters => {
            app.filters = Default::default();
            app.environment_history = None;
            app.search = None;
        }
        Command::Up => move_selection(app, -1),
        Command::Down => move_selection(app, 1),
        Command::PageUp => move_selection(app, -(PAGE as isize)),
        Command::PageDown => move_selection(app, PAGE as isize),
        Command::Top => move_selection(app, isize::MIN / 2),
        Command::Bottom => move_selection(app, isize::MAX / 2),
        Command::Left => sideways(app, -1),
        Command::Right => sideways(app, 1),
        Command::NextPanel => cycle_panel(app, 1),
        Command::PreviousPanel => cycle_panel(app, -1),
        Command::Open => open(app),
        Command::SortNext => sort(app, false),
        Command::SortReverse => sort(app, true),
        Command::OpenUrl => {
            if let Some(url) = selected_url(app) {
                app.effects.push(Effect::OpenUrl(url));
            } else {
                app.message = Some("nothing here has a URL".into());
            }
        }
        other => {
            if let Some(n) = other.panel() {
                if matches!(app.screen(), Screen::Overview) {
                    if let Some(panel) = Panel::ALL.get(n - 1) {
                        app.focus = *panel;
                    }
                } else if let Some(measure) = Measure::ALL.get(n - 1) {
                    // In a drill-down, 1-8 jump straight to another measure.
                    *app.screen_mut() = Screen::Measure {
                        measure: *measure,
                        list: ListState::default(),
                    };
                }
            }
        }
    }
}

fn push(app: &mut App, screen: Screen) {
    app.search = None;
    // The stack is bounded: going deeper than this drops the oldest drill-downs, never Overview.
    if app.stack.len() >= 16 {
        app.stack.remove(1);
    }
    app.stack.push(screen);
    // Start on the first item, not on a section heading.
    move_selection(app, 0);
}

fn back(app: &mut App) {
    if app.search.is_some() {
        app.search = None;
        return;
    }
    if app.stack.len() > 1 {
        app.stack.pop();
    }
}

fn reset_selection(app: &mut App) {
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

fn move_selection(app: &mut App, delta: isize) {
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

fn sideways(app: &mut App, delta: isize) {
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

fn cycle_panel(app: &mut App, delta: isize) {
    if !matches!(app.screen(), Screen::Overview) {
        return;
    }
    let i = app.focus.index() as isize + delta;
    app.focus = Panel::ALL[i.rem_euclid(Panel::ALL.len() as isize) as usize];
}

fn open(app: &mut App) {
    let target = match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Tile(i) => Measure::ALL.get(i).copied().map(Target::Measure),
            Panel::Flow => [Measure::Ci, Measure::PullRequests, Measure::TimeToRestore]
                .get(app.panel_selection[3])
                .copied()
                .map(Target::Measure),
            panel => {
                let list = panel_rows(app, panel);
                list.rows
                    .into_iter()
                    .nth(app.panel_selection[panel_slot(panel)])
                    .and_then(|row| row.target)
            }
        },
        screen => {
            let selected = match screen {
                Screen::Measure { list, .. }
                | Screen::Deployment { list, .. }
                | Screen::Incident { list, .. }
                | Screen::Standup { list } => list.selected,
                Screen::Overview => 0,
            };
            screen_list(app, screen)
                .rows
                .into_iter()
                .nth(selected)
                .and_then(|row| row.target)
        }
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
fn selected_url(app: &App) -> Option<String> {
    let from_list = match app.screen() {
        Screen::Overview => match app.focus {
            Panel::Deployments | Panel::Pipelines | Panel::Incidents => {
                let list = panel_rows(app, app.focus);
                list.rows
                    .into_iter()
                    .nth(app.panel_selection[panel_slot(app.focus)])
                    .and_then(|row| row.url)
            }
            _ => None,
        },
        screen => {
            let selected = match screen {
                Screen::Measure { list, .. }
                | Screen::Deployment { list, .. }
                | Screen::Incident { list, .. }
                | Screen::Standup { list } => list.selected,
                Screen::Overview => 0,
            };
            screen_list(app, screen)
                .rows
                .into_iter()
                .nth(selected)
                .and_then(|row| row.url)
        }
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

fn sort(app: &mut App, reverse: bool) {
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

fn cycle_service(app: &mut App) {
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

fn cycle_team(app: &mut App) {
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

fn cycle_environment(app: &mut App) {
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
fn apply_environment(app: &mut App) {
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

fn submit_prompt(app: &mut App) {
    let Some(prompt) = app.prompt.take() else {
        return;
    };
    match prompt.kind {
        PromptKind::Search => {
            app.search = Some(prompt.text).filter(|s| !s.is_empty());
        }
        PromptKind::Window => match parse_window(&prompt.text, app) {
            Ok(choice) => app.window = choice,
            Err(error) => {
                app.prompt = Some(Prompt {
                    error: Some(error),
                    ..prompt
                });
            }
        },
    }
}

/// "14d", or two dates "2026-11-01..2026-11-14" (inclusive days in the configured timezone).
fn parse_window(text: &str, app: &App) -> Result<WindowChoice, String> {
    let text = text.trim();
    if let Ok(duration) = text.parse::<flowdeck_config::HumanDuration>() {
        let days = duration.as_chrono().num_days();
        if days < 1 {
            return Err("a window is at least one day".into());
        }
        return Ok(WindowChoice::Days(days));
    }
    let (from, to) = text.split_once("..").ok_or_else(|| {
        "write a length like 14d, or dates like 2026-11-01..2026-11-14".to_string()
    })?;
    let tz = app.data.history.rules.timezone;
    let parse = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{:?} is not a date like 2026-11-01", s.trim()))
    };
    let (from, to) = (parse(from)?, parse(to)?);
    let window = Window::new(
        flowdeck_core::metrics::window::start_of_day(from, tz),
        flowdeck_core::metrics::window::start_of_day(to + chrono::Duration::days(1), tz),
    );
    if window.from >= window.to {
        return Err("the first date must not be after the last".into());
    }
    Ok(WindowChoice::Custom(window))
}

fn clamp_selections(app: &mut App) {
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
fn click(app: &mut App, index: usize) {
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
