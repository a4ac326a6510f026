//! The one-line prompts: search as you type, and a custom window ("14d" or two dates).

use crate::app::state::{App, Prompt, PromptKind, WindowChoice};
use flowdeck_core::metrics::Window;

pub(crate) fn submit_prompt(app: &mut App) {
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
