//! Writes screenshots/ from the app's own drawing code: every main screen on the demo data at a
//! fixed clock, in the dark (default) and light themes, as SVG.
//!
//! Run: `cargo run --example screenshots` (after any UI change; the README shows these files).

// Printing the files it wrote is this tool's whole output.
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::app::Data;
use flowdeck::app::state::AppOptions;
use flowdeck::app::{Action, App, Command, Keymap, update, view};
use flowdeck::metrics::{History, Rules};
use flowdeck::report::svg::{Picture, view_to_svg};
use flowdeck::sources::collect_demo;
use flowdeck::ui::theme::Theme;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 45;

fn demo_app(wall: bool) -> anyhow::Result<App> {
    let now: DateTime<Utc> =
        DateTime::parse_from_rfc3339("2026-11-20T14:30:00Z")?.with_timezone(&Utc);
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
            mouse: false,
            wall_rotate: wall.then(|| std::time::Duration::from_secs(20)),
        },
    );
    update(
        &mut app,
        Action::Resize {
            width: WIDTH,
            height: HEIGHT,
        },
    );
    Ok(app)
}

fn main() -> anyhow::Result<()> {
    let screens: [(&str, &str, &[Command], bool); 6] = [
        ("overview", "the overview", &[], false),
        (
            "lead-time",
            "the lead-time drill-down",
            &[Command::Panel2, Command::Open],
            false,
        ),
        (
            "deployment",
            "a failing deployment",
            &[Command::Panel7, Command::Down, Command::Open],
            false,
        ),
        (
            "incident",
            "an open incident",
            &[Command::Panel9, Command::Down, Command::Open],
            false,
        ),
        ("standup", "the standup view", &[Command::Standup], false),
        ("wall", "wall mode", &[], true),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir)?;
    for theme_name in ["default", "light"] {
        let theme = Arc::new(
            Theme::builtin(theme_name).ok_or_else(|| anyhow::anyhow!("no theme {theme_name}"))?,
        );
        let suffix = if theme_name == "default" {
            "dark"
        } else {
            "light"
        };
        for (name, what, commands, wall) in screens {
            let mut app = demo_app(wall)?;
            for command in commands {
                update(&mut app, Action::Command(*command));
            }
            let picture = Picture {
                width: WIDTH,
                height: HEIGHT,
                theme: theme.clone(),
                title: format!("flowdeck: {what} ({suffix})"),
            };
            let path = dir.join(format!("{name}-{suffix}.svg"));
            std::fs::write(&path, view_to_svg(&view::build(&app), &picture))?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}
