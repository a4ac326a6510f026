//! The dashboard without a terminal: demo data at a fixed clock, driven by actions, drawn into a
//! buffer. What the UI tests, the fuzz test and the render benchmark share.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::app::Data;
use flowdeck::app::state::AppOptions;
use flowdeck::app::{Action, App, Command, Keymap, update, view};
use flowdeck::metrics::{History, Rules};
use flowdeck::sources::collect_demo;
use flowdeck::ui::theme::Theme;

pub const NOW: &str = "2026-11-20T14:30:00Z";

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

/// The demo dashboard at `NOW`, `width`×`height`, optionally in wall mode.
pub fn demo_app(width: u16, height: u16, wall: bool) -> App {
    let now = now();
    let (events, sources) = collect_demo(now);
    let data = Data {
        history: Arc::new(History::derive(events, Rules::default())),
        sources,
        loaded_at: now,
        loaded: true,
    };
    let mut app = App::new(
        data,
        now,
        AppOptions {
            window_days: 30,
            keymap: Keymap::default(),
            mouse: true,
            wall_rotate: wall.then(|| std::time::Duration::from_secs(20)),
        },
    );
    update(&mut app, Action::Resize { width, height });
    app
}

pub fn press(app: &mut App, commands: &[Command]) {
    for command in commands {
        update(app, Action::Command(*command));
    }
}

pub fn theme(name: &str) -> Arc<Theme> {
    Arc::new(Theme::builtin(name).unwrap())
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn screen_text(app: &App) -> String {
    let vm = view::build(app);
    let buffer = flowdeck::ui::render_to_buffer(&vm, &theme("default"), app.width, app.height);
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
