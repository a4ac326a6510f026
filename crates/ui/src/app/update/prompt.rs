//! The one-line prompts: search as you type, a window ("14d" or two dates, read by the same
//! parser as the config and the command line), and the service and team pickers. The text
//! edits like a shell line (`app::line`); a refused window stays, marked, until the next
//! character replaces it.

use super::filters::scope_to;
use crate::app::line::{Edit, remember};
use crate::app::picker;
use crate::app::state::{App, PromptKind, WindowChoice};
use flowdeck_config::window::WindowSpec;

/// A character typed into the open prompt.
pub(crate) fn input(app: &mut App, c: char) {
    let Some(prompt) = &mut app.prompt else {
        return;
    };
    prompt.line.insert(c);
    prompt.error = None;
    prompt.selected = 0;
    after_change(app);
}

/// An editing key in the open prompt. In a picker, up and down move the selection.
pub(crate) fn edit(app: &mut App, edit: Edit) {
    let Some(prompt) = &mut app.prompt else {
        return;
    };
    if matches!(prompt.kind, PromptKind::Service | PromptKind::Team) {
        match edit {
            Edit::Older => {
                prompt.selected = prompt.selected.saturating_sub(1);
                return;
            }
            Edit::Newer => {
                prompt.selected += 1;
                let kind = prompt.kind;
                let text = prompt.text();
                let count = picker::entries(app, kind, &text).len();
                if let Some(prompt) = &mut app.prompt {
                    prompt.selected = prompt.selected.min(count.saturating_sub(1));
                }
                return;
            }
            _ => {}
        }
    }
    let history = app
        .prompt_history
        .get(&prompt.kind)
        .cloned()
        .unwrap_or_default();
    prompt.line.edit(edit, &history);
    prompt.error = None;
    after_change(app);
}

/// A search applies as it is typed.
fn after_change(app: &mut App) {
    let Some(prompt) = &app.prompt else {
        return;
    };
    if prompt.kind == PromptKind::Search {
        app.search = Some(prompt.text()).filter(|s| !s.trim().is_empty());
        super::navigate::reset_selection(app);
        app.panel_selection = [0; 4];
    }
}

pub(crate) fn cancel(app: &mut App) {
    if let Some(prompt) = app.prompt.take()
        && prompt.kind == PromptKind::Search
    {
        app.search = None;
    }
}

pub(crate) fn submit(app: &mut App) {
    let Some(mut prompt) = app.prompt.take() else {
        return;
    };
    let text = prompt.text();
    match prompt.kind {
        PromptKind::Search => {
            app.search = Some(text.clone()).filter(|s| !s.trim().is_empty());
            remember(app.prompt_history.entry(prompt.kind).or_default(), &text);
        }
        PromptKind::Window => match parse_window(&text, app) {
            Ok(choice) => {
                app.window = choice;
                remember(app.prompt_history.entry(prompt.kind).or_default(), &text);
            }
            Err(error) => {
                prompt.error = Some(error);
                prompt.line.refuse();
                app.prompt = Some(prompt);
            }
        },
        PromptKind::Service | PromptKind::Team => {
            let entries = picker::entries(app, prompt.kind, &text);
            let Some(pick) = entries.get(prompt.selected.min(entries.len().saturating_sub(1)))
            else {
                prompt.error = Some("no name matches: ctrl-u clears the text".into());
                app.prompt = Some(prompt);
                return;
            };
            let value = pick.value.clone();
            if prompt.kind == PromptKind::Service {
                let team = if value.is_none() {
                    app.filters.team.clone()
                } else {
                    None
                };
                scope_to(app, value, team);
            } else {
                let service = if value.is_none() {
                    app.filters.service.clone()
                } else {
                    None
                };
                scope_to(app, service, value);
            }
        }
    }
}

/// A length ("14d") or two ends ("2026-11-01..2026-11-14"), read as config and the command
/// line read a window.
fn parse_window(text: &str, app: &App) -> Result<WindowChoice, String> {
    let spec = WindowSpec::parse(text).map_err(|e| e.to_string())?;
    let tz = app.data.history.rules.timezone;
    let window = spec.resolve(app.now, tz).map_err(|e| e.to_string())?;
    Ok(match spec {
        WindowSpec::Length(length) => WindowChoice::Days(length.as_chrono().num_days()),
        WindowSpec::Between { .. } => WindowChoice::Custom(window),
    })
}
