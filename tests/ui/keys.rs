//! Every key either acts or says why not: pressed on each screen, it changes what is on
//! screen, asks the runtime for something (an effect), or leaves a message.

use crate::support::headless;

use flowdeck::app::{Action, App, Command, update};
use headless::{demo_app, press, screen_text};

/// The screens a key can be pressed on, and how each is reached from the overview.
fn places() -> Vec<(&'static str, Vec<Command>, bool)> {
    vec![
        ("overview", vec![], false),
        ("overview, a strip focused", vec![Command::Panel8], false),
        ("overview, the flow row", vec![Command::Panel6], false),
        ("a measure", vec![Command::Panel3, Command::Open], false),
        (
            "a deployment",
            vec![Command::Panel7, Command::Down, Command::Open],
            false,
        ),
        (
            "an incident",
            vec![Command::Panel9, Command::Down, Command::Open],
            false,
        ),
        (
            "a pipeline run",
            vec![Command::Panel8, Command::Down, Command::Down, Command::Open],
            false,
        ),
        (
            "a commit",
            vec![Command::Panel2, Command::Open, Command::Open],
            false,
        ),
        ("the standup", vec![Command::Standup], false),
        ("the services table", vec![Command::Services], false),
        ("the wall", vec![], true),
    ]
}

/// What a press left behind that a user can see (every cell with its style: a moved
/// selection is a style) or that the runtime will do.
fn trace(app: &App) -> (ratatui::buffer::Buffer, usize) {
    let vm = flowdeck::app::view::build(app);
    let buffer =
        flowdeck::ui::render_to_buffer(&vm, &headless::theme("default"), app.width, app.height);
    (buffer, app.effects.len())
}

/// Keys that move to where the view already is (up on the first row, the panel already
/// focused) change nothing and need no words: the selection on screen already says why.
fn at_the_edge(command: Command) -> bool {
    use Command::*;
    matches!(
        command,
        Up | Left | PageUp | Top | Down | Right | PageDown | Bottom
    ) || matches!(
        command,
        Panel1 | Panel2 | Panel3 | Panel4 | Panel5 | Panel6 | Panel7 | Panel8 | Panel9
    )
}

#[test]
fn every_key_acts_or_says_why_on_every_screen() {
    let mut silent = Vec::new();
    for (place, path, wall) in places() {
        for command in Command::ALL {
            if command == Command::Quit {
                continue;
            }
            let mut app = demo_app(120, 40, wall);
            press(&mut app, &path);
            // Start from a line the key must write itself.
            app.message = None;
            app.effects.clear();
            // A list's first row: moving down and back shows the selection moved.
            let before = trace(&app);
            press(&mut app, &[command]);
            if app.prompt.is_some() {
                continue;
            }
            let after = trace(&app);
            // Esc on the wall leaves it (there is nothing behind it).
            if after == before && app.message.is_none() && !app.quit {
                silent.push((command, place));
            }
        }
    }
    let (edge, silent): (Vec<_>, Vec<_>) = silent.into_iter().partition(|(c, _)| at_the_edge(*c));
    assert!(silent.is_empty(), "silent keys: {silent:?}");
    // Moving keys are silent only where there is nowhere to go: from the first row up, from
    // the last down (a short detail list fits on screen), onto the panel already focused.
    assert!(edge.len() < 40, "edge keys: {edge:?}");
}

#[test]
fn refresh_in_demo_mode_says_the_demo_data_does_not_change() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Refresh]);
    assert!(app.effects.is_empty());
    assert!(
        screen_text(&app).contains("the demo data does not change"),
        "{}",
        screen_text(&app)
    );
}

#[test]
fn search_on_the_overview_filters_the_strips_and_follows_a_drill_down() {
    let mut app = demo_app(200, 60, false);
    press(&mut app, &[Command::Search]);
    for c in "gateway".chars() {
        update(&mut app, Action::Input(c));
    }
    update(&mut app, Action::SubmitInput);
    let strips = |app: &App| flowdeck::app::screens::list(app, app.screen()).rows.len();
    let _ = strips;
    let text = screen_text(&app);
    assert!(text.contains("search \"gateway\""), "{text}");
    // The pipelines strip lists gateway's runs only.
    let pipelines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Pipelines"))
        .skip(2)
        .take(5)
        .collect();
    for line in &pipelines {
        let cell = line.split('│').nth(3).unwrap_or("");
        assert!(
            cell.trim().is_empty() || cell.contains("gateway"),
            "{line}\n{text}"
        );
    }
    // A drill-down keeps the search.
    press(&mut app, &[Command::Panel1, Command::Open]);
    let text = screen_text(&app);
    assert!(text.contains("search \"gateway\""), "{text}");
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.cells.iter().any(|c| c.text.contains("gateway"))),
        "{text}"
    );
}

#[test]
fn enter_opens_flowdecks_own_screens_and_o_the_browser() {
    // A pipeline run: Enter is the run's screen, never the browser.
    let mut app = demo_app(120, 40, false);
    press(
        &mut app,
        &[Command::Panel8, Command::Down, Command::Down, Command::Open],
    );
    assert!(app.effects.is_empty(), "{:?}", app.effects);
    let text = screen_text(&app);
    assert!(text.contains("Pipeline run"), "{text}");
    press(&mut app, &[Command::OpenUrl]);
    assert!(matches!(
        app.effects.as_slice(),
        [flowdeck::app::Effect::OpenUrl(_)]
    ));
    // The standup's CI rows open the same screen.
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Standup]);
    let rows = flowdeck::app::screens::list(&app, app.screen()).rows;
    let ci = rows
        .iter()
        .position(|r| r.cells.iter().any(|c| c.text.contains("ci.yml")));
    if let Some(ci) = ci {
        for _ in 0..ci {
            press(&mut app, &[Command::Down]);
        }
        press(&mut app, &[Command::Open]);
        assert!(app.effects.is_empty(), "{:?}", app.effects);
    }
}

#[test]
fn ages_never_run_backwards_on_a_tick_or_a_reload() {
    let mut app = demo_app(120, 40, false);
    let later = app.now + chrono::Duration::minutes(2);
    update(&mut app, Action::Tick(later));
    let before = screen_text(&app);
    assert!(before.contains("open 2h 16m"), "{before}");
    // A late tick and a reload read earlier change nothing on screen.
    update(&mut app, Action::Tick(later - chrono::Duration::minutes(3)));
    let loaded = flowdeck::app::Loaded {
        history: app.data.history.clone(),
        sources: app.data.sources.clone(),
        read_at: later - chrono::Duration::minutes(2),
    };
    update(&mut app, Action::Loaded(Box::new(loaded)));
    assert!(screen_text(&app).contains("open 2h 16m"));
}

#[test]
fn the_wall_pages_by_hand_and_shows_its_timer() {
    let mut app = demo_app(120, 40, true);
    let page = |app: &App| {
        let text = screen_text(app);
        text.lines()
            .next()
            .and_then(|l| l.split("page ").nth(1))
            .and_then(|l| l.split(' ').next())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(page(&app), "1/9");
    press(&mut app, &[Command::Right]);
    assert_eq!(page(&app), "2/9");
    // Left goes back a page, and from the first to the last.
    press(&mut app, &[Command::Left, Command::Left]);
    assert_eq!(page(&app), "9/9");
    // The thin line under the scope name fills as the page's time runs out.
    let trace = |app: &App| {
        let vm = flowdeck::app::view::build(app);
        flowdeck::ui::render_to_buffer(&vm, &headless::theme("default"), app.width, app.height)
    };
    let start = trace(&app);
    update(
        &mut app,
        Action::WallElapsed(std::time::Duration::from_secs(10)),
    );
    assert_ne!(trace(&app), start, "the timer line moved");
}

#[test]
fn every_item_of_the_flow_row_opens_its_measure_batch_size_too() {
    use flowdeck::app::state::{Measure, Screen};
    let expected = [
        Measure::Ci,
        Measure::PullRequests,
        Measure::TimeToRestore,
        Measure::BatchSize,
    ];
    for (steps, measure) in expected.into_iter().enumerate() {
        let mut app = demo_app(120, 40, false);
        press(&mut app, &[Command::Panel6]);
        for _ in 0..steps {
            press(&mut app, &[Command::Right]);
        }
        press(&mut app, &[Command::Open]);
        assert!(
            matches!(app.screen(), Screen::Measure { measure: m, .. } if *m == measure),
            "{steps} steps right: {:?}",
            app.screen()
        );
    }
}

#[test]
fn drill_down_lists_open_on_what_makes_the_number_and_a_shows_the_rest() {
    let rows = |app: &App| {
        // These lists have no headings: every row is an item.
        flowdeck::app::screens::list(app, app.screen()).rows.len()
    };
    // Failure rate 4 of 58, recovery 3 recovered and 1 failing of the 4, rework 2 of 58.
    for (panel, made_of) in [
        (Command::Panel3, 4),
        (Command::Panel4, 4),
        (Command::Panel5, 2),
    ] {
        let mut app = demo_app(120, 40, false);
        press(&mut app, &[panel, Command::Open]);
        assert_eq!(rows(&app), made_of, "{panel:?}");
        let text = screen_text(&app);
        assert!(
            text.contains(&format!("{made_of} of 58 · a: all 58")),
            "{text}"
        );
        press(&mut app, &[Command::ToggleAll]);
        assert_eq!(rows(&app), 58, "{panel:?} with a");
        press(&mut app, &[Command::ToggleAll]);
        assert_eq!(rows(&app), made_of, "{panel:?} back");
    }
}

#[test]
fn help_and_quit_always_show_and_tile_numbers_are_never_cut() {
    for (place, path, wall) in places() {
        if wall {
            continue;
        }
        for (width, height) in [(60, 20), (80, 24), (120, 40), (160, 45), (200, 60)] {
            let mut app = demo_app(width, height, false);
            press(&mut app, &path);
            let text = screen_text(&app);
            let bar = text.lines().last().unwrap_or("");
            assert!(
                bar.contains("? help") && bar.contains("q quit"),
                "{place} at {width}x{height}: {bar:?}"
            );
            // A trend is whole: its amount and unit, never "+2h 1" or "↑ +"; a value keeps
            // its unit ("5/wk", never "5 days/we…"); the header's dates keep their year.
            for line in text.lines() {
                assert!(
                    !line.contains("+…") && !line.contains("−…") && !line.contains("/we…"),
                    "{place} at {width}x{height}: {line}"
                );
            }
            let header = text.lines().next().unwrap_or("");
            assert!(
                header.contains("2026") || !header.contains(" – "),
                "{place} at {width}x{height}: {header}"
            );
        }
    }
}

#[test]
fn the_services_table_sorts_by_any_measure_and_enter_scopes_to_a_row() {
    use flowdeck::app::state::Screen;
    let mut app = demo_app(200, 60, false);
    press(&mut app, &[Command::Services]);
    // Columns: service, team, deploys, ...: sort by deploys, most first.
    press(
        &mut app,
        &[Command::SortNext, Command::SortNext, Command::SortNext],
    );
    press(&mut app, &[Command::SortReverse]);
    let text = screen_text(&app);
    assert!(text.contains("by Deploys ↓"), "{text}");
    let first = flowdeck::app::screens::list(&app, app.screen()).rows[0].cells[0]
        .text
        .clone();
    assert_eq!(first, "api", "api deploys most: {text}");
    press(&mut app, &[Command::Open]);
    assert!(matches!(app.screen(), Screen::Overview));
    assert_eq!(app.filters.service.as_deref(), Some("api"));
    // Tab shows teams; Enter scopes to the team and ends the service filter.
    press(
        &mut app,
        &[Command::Services, Command::NextPanel, Command::Open],
    );
    assert!(app.filters.team.is_some());
    assert!(app.filters.service.is_none());
}
