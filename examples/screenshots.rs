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

#[path = "../tests/support/demo_panels.rs"]
mod demo_panels;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 45;

/// The overview again at the smallest and a large terminal, in the dark theme: how it reads
/// when width is short and when there is room.
const OVERVIEW_SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn demo_app(wall: bool, width: u16, height: u16) -> anyhow::Result<App> {
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
            demo: true,
            ..AppOptions::default()
        },
    );
    update(&mut app, Action::Resize { width, height });
    Ok(app)
}

/// The demo with health panels, scoped to `web`, on its page of panels (`H`): the runtime's
/// panel read answered with the demo's panels.
fn health_page(width: u16, height: u16) -> anyhow::Result<App> {
    let base = demo_app(false, width, height)?;
    let mut app = App::new(
        base.data.clone(),
        base.now,
        AppOptions {
            window_days: 30,
            demo: true,
            panels: true,
            ..AppOptions::default()
        },
    );
    update(&mut app, Action::Resize { width, height });
    for effect in app.take_effects() {
        if let flowdeck::app::Effect::ReadPanels(request) = effect {
            let panels = demo_panels::demo_panels(&app.data.history, &request);
            update(
                &mut app,
                Action::PanelsRead(Box::new(flowdeck::app::PanelsRead { request, panels })),
            );
        }
    }
    update(&mut app, Action::Command(Command::Service));
    for c in "web".chars() {
        update(&mut app, Action::Input(c));
    }
    update(&mut app, Action::SubmitInput);
    update(&mut app, Action::Command(Command::Health));
    Ok(app)
}

fn main() -> anyhow::Result<()> {
    let screens: [(&str, &str, &[Command], bool); 7] = [
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
        (
            "services",
            "the services table",
            &[Command::Services],
            false,
        ),
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
            let mut app = demo_app(wall, WIDTH, HEIGHT)?;
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
        let app = health_page(WIDTH, HEIGHT)?;
        let picture = Picture {
            width: WIDTH,
            height: HEIGHT,
            theme: theme.clone(),
            title: format!("flowdeck: a service's health panels ({suffix})"),
        };
        let path = dir.join(format!("health-{suffix}.svg"));
        std::fs::write(&path, view_to_svg(&view::build(&app), &picture))?;
        println!("wrote {}", path.display());
    }
    let theme = Arc::new(Theme::builtin("default").ok_or_else(|| anyhow::anyhow!("no theme"))?);
    for (width, height) in OVERVIEW_SIZES {
        let app = demo_app(false, width, height)?;
        let picture = Picture {
            width,
            height,
            theme: theme.clone(),
            title: format!("flowdeck: the overview at {width}x{height} (dark)"),
        };
        let path = dir.join(format!("overview-{width}x{height}-dark.svg"));
        std::fs::write(&path, view_to_svg(&view::build(&app), &picture))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
