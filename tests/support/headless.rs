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
    demo_app_where(width, height, wall, false)
}

/// The demo dashboard, told whether the config has health panels.
fn demo_app_where(width: u16, height: u16, wall: bool, panels: bool) -> App {
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
            demo: true,
            panels,
            ..AppOptions::default()
        },
    );
    update(&mut app, Action::Resize { width, height });
    app
}

/// The demo dashboard with health panels: the app asks for them (`Effect::ReadPanels`) and
/// gets the demo's (`demo_panels`), as the runtime would hand them over.
pub fn demo_app_with_panels(width: u16, height: u16, wall: bool) -> App {
    let mut app = demo_app_where(width, height, wall, true);
    answer_panel_reads(&mut app);
    app
}

/// Answers every panel read the app asked for with the demo's panels; how many it answered.
pub fn answer_panel_reads(app: &mut App) -> usize {
    let requests: Vec<_> = app
        .take_effects()
        .into_iter()
        .filter_map(|e| match e {
            flowdeck::app::Effect::ReadPanels(request) => Some(request),
            _ => None,
        })
        .collect();
    for request in &requests {
        let panels = super::demo_panels::demo_panels(&app.data.history, request);
        update(
            app,
            Action::PanelsRead(Box::new(flowdeck::app::PanelsRead {
                request: request.clone(),
                panels,
            })),
        );
    }
    requests.len()
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

/// The screen as NO_COLOR draws it: the text, then where it is reversed or bold (what marks
/// focus, selection and alerts without colour), row by row. Panics if any cell has a colour.
pub fn screen_text_no_color(app: &App) -> String {
    use ratatui::style::{Color, Modifier};
    let theme = Arc::new(
        Theme::load("default", &Default::default(), None, true).expect("the default theme"),
    );
    let vm = view::build(app);
    let buffer = flowdeck::ui::render_to_buffer(&vm, &theme, app.width, app.height);
    let mut text = String::new();
    let mut marks = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut runs: Vec<String> = Vec::new();
        let mut run: Option<(u16, &str)> = None;
        for x in 0..=buffer.area.width {
            let look = (x < buffer.area.width).then(|| {
                let cell = &buffer[(x, y)];
                for colour in [cell.fg, cell.bg] {
                    assert!(
                        matches!(colour, Color::Reset),
                        "a colour at {x},{y} under NO_COLOR: {colour:?}"
                    );
                }
                line.push_str(cell.symbol());
                if cell.modifier.contains(Modifier::REVERSED) {
                    "reversed"
                } else if cell.modifier.contains(Modifier::BOLD) {
                    "bold"
                } else {
                    ""
                }
            });
            let look = look.unwrap_or("");
            match run {
                Some((start, kind)) if kind != look => {
                    runs.push(format!("{kind} {start}-{}", x - 1));
                    run = (!look.is_empty()).then_some((x, look));
                }
                None if !look.is_empty() => run = Some((x, look)),
                _ => {}
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
        if !runs.is_empty() {
            marks.push_str(&format!("row {y}: {}\n", runs.join(", ")));
        }
    }
    text + "--- without colour: reversed and bold cells ---\n" + &marks
}
