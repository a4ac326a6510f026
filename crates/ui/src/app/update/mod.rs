//! `update(state, action)`: the only place the app's state changes. No I/O: what needs the
//! outside world (opening a URL, reloading sources, exporting) is queued as an `Effect`, which
//! the runtime takes (`App::take_effects`) and carries out; its outcome comes back as an action.
//!
//! Every key either acts or says why not (a one-line message): nothing is silently ignored.

mod filters;
mod health;
mod navigate;
mod prompt;
#[cfg(test)]
mod tests;

use super::action::{Action, Alert, Command};
use super::line::Edit;
use super::state::{App, Effect, ListState, Measure, Panel, Prompt, PromptKind, Screen};
use filters::{clear_filters, cycle_environment, open_picker};
use navigate::{
    back, clamp_selections, click, cycle_panel, move_selection, open, push, selected_url, sideways,
    sort,
};

/// Rows a page-up/page-down moves.
const PAGE: usize = 10;

/// Applies `action` to the app.
pub fn update(app: &mut App, action: Action) {
    let scope_before = app.scope_key.clone();
    let search_before = app.search.clone();
    let table_before = app.table_key.clone();
    match action {
        Action::Command(command) => command_action(app, command),
        Action::Input(c) => prompt::input(app, c),
        Action::DeleteInput => prompt::edit(app, Edit::DeleteBack),
        Action::Edit(edit) => prompt::edit(app, edit),
        Action::SubmitInput => prompt::submit(app),
        Action::CancelInput => prompt::cancel(app),
        Action::ClickPanel(index) => click(app, index),
        Action::ScrollUp => move_selection(app, -1),
        Action::ScrollDown => move_selection(app, 1),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
        }
        // Ages on screen never run backwards (a late tick, a clock set back).
        Action::Tick(now) => app.now = app.now.max(now),
        Action::RotateWall => turn_wall_page(app, 1),
        Action::WallElapsed(elapsed) => {
            if let Some(wall) = &mut app.wall {
                wall.elapsed = elapsed;
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
            filters::apply_environment(app);
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
        Action::SyncProgress { syncs, parts } => {
            if parts > app.parts_seen {
                app.parts_seen = parts;
                app.effects.push(Effect::Reload);
            }
            app.sync_progress = syncs;
        }
        Action::StoreChanged => app.effects.push(Effect::Reload),
        Action::Quit => app.quit = true,
        Action::Notify(message) => app.message = Some(flowdeck_core::text::sanitize(&message)),
        Action::Alert(alert) => alerted(app, alert),
        Action::PanelsRead(read) => super::health::arrived(app, *read),
    }
    app.refresh_scope();
    super::health::refresh(app);
    app.refresh_table();
    // Lists change only with the scope (data, filters, window, minute), the table or the
    // search: only then can a selection point past the end. Building lists on every key would
    // be wasted work.
    if app.scope_key != scope_before || app.search != search_before || app.table_key != table_before
    {
        clamp_selections(app);
    }
}

/// A notification: its note on the status line, the bell and desktop lines as effects (text
/// from sources sanitized once more here, so nothing reaches the terminal unmade inert).
fn alerted(app: &mut App, alert: Alert) {
    if !alert.note.is_empty() {
        app.message = Some(flowdeck_core::text::sanitize(&alert.note));
    }
    if alert.bell {
        app.effects.push(Effect::Bell);
    }
    for line in &alert.desktop {
        app.effects
            .push(Effect::Desktop(flowdeck_core::text::sanitize(line)));
    }
}

/// Says why a key did nothing.
fn say(app: &mut App, why: impl Into<String>) {
    app.message = Some(why.into());
}

/// The next (or previous) wall page; its timer starts again.
fn turn_wall_page(app: &mut App, delta: isize) {
    let pages = app.wall_pages().len().max(1) as isize;
    if let Some(wall) = &mut app.wall {
        wall.page = (wall.page as isize + delta).rem_euclid(pages) as usize;
        wall.elapsed = std::time::Duration::ZERO;
    }
}

/// The wall needs no input; it still quits, refreshes and pages by hand.
fn wall_command(app: &mut App, command: Command) {
    match command {
        Command::Quit | Command::Back => app.quit = true,
        Command::Help => app.help = true,
        Command::Refresh if app.demo => {
            say(app, "the demo data does not change: nothing to refresh")
        }
        Command::Refresh => app.effects.push(Effect::Refresh),
        Command::Right | Command::Down | Command::NextPanel | Command::PageDown => {
            turn_wall_page(app, 1)
        }
        Command::Left | Command::Up | Command::PreviousPanel | Command::PageUp => {
            turn_wall_page(app, -1)
        }
        _ => say(
            app,
            "wall mode: ← → page by hand, r refreshes, q quits (run without --wall to explore)",
        ),
    }
}

fn command_action(app: &mut App, command: Command) {
    // Any key dismisses a message.
    app.message = None;
    if app.help {
        match command {
            Command::Help | Command::Back => app.help = false,
            Command::Quit => app.quit = true,
            _ => say(app, "help is open: ? or esc closes it"),
        }
        return;
    }
    if app.wall.is_some() {
        wall_command(app, command);
        return;
    }
    match command {
        Command::Quit => app.quit = true,
        Command::Help => app.help = true,
        Command::Back => back(app),
        Command::Refresh if app.demo => say(
            app,
            "the demo data does not change: nothing to refresh (r reads real sources again)",
        ),
        Command::Refresh => app.effects.push(Effect::Refresh),
        Command::Export => app.effects.push(Effect::Export),
        Command::Search => {
            app.prompt = Some(Prompt::new(
                PromptKind::Search,
                app.search.as_deref().unwrap_or(""),
            ));
        }
        Command::CustomWindow => app.prompt = Some(Prompt::new(PromptKind::Window, "")),
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
        Command::Services => {
            if matches!(app.screen(), Screen::Services { .. }) {
                back(app);
            } else {
                push(
                    app,
                    Screen::Services {
                        teams: false,
                        list: ListState::default(),
                    },
                );
            }
        }
        Command::ToggleAll => match app.screen_mut() {
            Screen::Measure { all, list, .. } => {
                *all = !*all;
                *list = ListState::default();
                move_selection(app, 0);
            }
            _ => say(
                app,
                "a switches a drill-down's list between the items that make its number and all of them",
            ),
        },
        Command::Window => {
            app.window = app.window.next();
        }
        Command::Service => open_picker(app, PromptKind::Service),
        Command::Team => open_picker(app, PromptKind::Team),
        Command::Environment => cycle_environment(app),
        Command::ClearFilters => clear_filters(app),
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
        Command::Health => health::open_health(app),
        Command::SortVerdict => health::sort_by_verdict(app),
        Command::SortNext => sort(app, false),
        Command::SortReverse => sort(app, true),
        Command::OpenUrl => match selected_url(app) {
            Some(url) => app.effects.push(Effect::OpenUrl(url)),
            None => say(app, "nothing here has a link to open"),
        },
        other => {
            if let Some(n) = other.panel() {
                jump(app, n);
            }
        }
    }
}

/// 1-9: a panel of the overview, or a measure anywhere else.
fn jump(app: &mut App, n: usize) {
    if matches!(app.screen(), Screen::Overview) {
        if let Some(panel) = Panel::ALL.get(n - 1) {
            app.focus = *panel;
        }
        return;
    }
    match Measure::ALL.get(n - 1) {
        Some(measure) if matches!(app.screen(), Screen::Measure { .. }) => {
            *app.screen_mut() = Screen::measure(*measure);
            move_selection(app, 0);
        }
        Some(measure) => push(app, Screen::measure(*measure)),
        None => say(app, "1-9 open a measure"),
    }
}
