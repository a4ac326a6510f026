//! `update(state, action)`: the only place the app's state changes. No I/O: what needs the
//! outside world (opening a URL, reloading sources, exporting) is queued as an `Effect`, which
//! the runtime takes (`App::take_effects`) and carries out; its outcome comes back as an action.

mod filters;
mod navigate;
mod prompt;
#[cfg(test)]
mod tests;

use super::action::{Action, Command};
use super::state::{App, Effect, ListState, Measure, Panel, Prompt, PromptKind, Screen};
use filters::{apply_environment, cycle_environment, cycle_service, cycle_team};
use navigate::{
    back, clamp_selections, click, cycle_panel, move_selection, open, push, reset_selection,
    selected_url, sideways, sort,
};
use prompt::submit_prompt;

/// Rows a page-up/page-down moves.
const PAGE: usize = 10;

/// Applies `action` to the app.
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
        Action::Loaded(loaded) => {
            app.data = app.data.after_reload(*loaded);
            app.loading = false;
            app.load_error = None;
            app.environment_history = None;
            apply_environment(app);
        }
        Action::LoadFailed(error) => {
            app.loading = false;
            app.load_error = Some(flowdeck_core::text::sanitize(&error));
        }
        Action::Synced {
            source,
            ok,
            changed,
        } => {
            // New events, a new failure, or a source's first sync or recovery (its status line
            // changes) reload; an unchanged poll does not.
            let state_changed = app.last_sync_ok.insert(source, ok) != Some(true) || !ok;
            if changed || state_changed {
                app.effects.push(Effect::Reload);
            }
        }
        Action::StoreChanged => app.effects.push(Effect::Reload),
        Action::Quit => app.quit = true,
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
