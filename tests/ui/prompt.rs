//! The dashboard's prompts: `W` reads a window as the config and the flags read one (the same
//! `config::window::EXAMPLES`, tests/cli/window.rs has the other two), and every prompt edits
//! like a shell line.

use crate::support::headless;

use flowdeck::app::{Action, App, Command, Edit, update};
use flowdeck::config::window::{EXAMPLES, EXAMPLES_NOW};
use headless::{demo_app, press, screen_text};

fn type_in(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Action::Input(c));
    }
}

fn typed(app: &App) -> String {
    app.prompt.as_ref().map(|p| p.text()).unwrap_or_default()
}

#[test]
fn the_window_prompt_reads_every_example_as_config_and_flags_do() {
    assert_eq!(
        headless::NOW,
        EXAMPLES_NOW,
        "the examples' clock is the demo's"
    );
    for (text, expected) in EXAMPLES {
        let mut app = demo_app(120, 40, false);
        press(&mut app, &[Command::CustomWindow]);
        type_in(&mut app, text);
        update(&mut app, Action::SubmitInput);
        match expected {
            Ok(days) => {
                assert!(app.prompt.is_none(), "{text}: {:?}", app.prompt);
                let window = app.scope.as_ref().unwrap().window;
                assert_eq!(window.days(), *days, "{text}");
            }
            Err(words) => {
                let error = app
                    .prompt
                    .as_ref()
                    .and_then(|p| p.error.clone())
                    .unwrap_or_else(|| panic!("{text} accepted"));
                assert!(error.contains(words), "{text}: {error}");
            }
        }
    }
}

#[test]
fn a_refused_window_is_cleared_by_the_next_key_not_typed_after() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::CustomWindow]);
    type_in(&mut app, "banana");
    update(&mut app, Action::SubmitInput);
    assert!(app.prompt.as_ref().unwrap().error.is_some());
    // What is typed after a refusal replaces the refused text (never "bananaW2026-...").
    type_in(&mut app, "14d");
    assert_eq!(typed(&app), "14d");
    update(&mut app, Action::SubmitInput);
    assert!(app.prompt.is_none());
    assert!(screen_text(&app).contains("last 14 days"));
}

#[test]
fn the_prompt_edits_like_a_shell_line() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Search]);
    type_in(&mut app, "checkout page");
    // Ctrl-W deletes the word before the cursor.
    update(&mut app, Action::Edit(Edit::KillWord));
    assert_eq!(typed(&app), "checkout ");
    // Ctrl-U everything before the cursor: never a typed "u".
    update(&mut app, Action::Edit(Edit::KillToStart));
    assert_eq!(typed(&app), "");
    type_in(&mut app, "gatway");
    // The cursor moves; a letter goes where it is.
    for _ in 0..3 {
        update(&mut app, Action::Edit(Edit::Left));
    }
    type_in(&mut app, "e");
    assert_eq!(typed(&app), "gateway");
    update(&mut app, Action::Edit(Edit::Start));
    update(&mut app, Action::Edit(Edit::KillToEnd));
    assert_eq!(typed(&app), "");
    type_in(&mut app, "gateway");
    update(&mut app, Action::SubmitInput);
    assert!(screen_text(&app).contains("search \"gateway\""));

    // The search prompt opens on the search in effect; up brings back what was submitted
    // before, down returns to the new text.
    press(&mut app, &[Command::Search]);
    assert_eq!(typed(&app), "gateway");
    update(&mut app, Action::Edit(Edit::KillToStart));
    type_in(&mut app, "x");
    update(&mut app, Action::Edit(Edit::Older));
    assert_eq!(typed(&app), "gateway");
    update(&mut app, Action::Edit(Edit::Newer));
    assert_eq!(typed(&app), "x");
    update(&mut app, Action::CancelInput);
    assert!(app.prompt.is_none());
}

#[test]
fn pickers_filter_as_you_type_and_say_when_nothing_matches() {
    let mut app = demo_app(120, 40, false);
    press(&mut app, &[Command::Service]);
    type_in(&mut app, "bill");
    let text = screen_text(&app);
    assert!(text.contains("billing"), "{text}");
    // Typing hides "every service": only names that match are listed.
    assert!(!text.contains("every service"), "{text}");
    update(&mut app, Action::SubmitInput);
    assert_eq!(app.filters.service.as_deref(), Some("billing"));
    // A team replaces the service, and says so.
    press(&mut app, &[Command::Team]);
    type_in(&mut app, "plat");
    update(&mut app, Action::SubmitInput);
    assert_eq!(app.filters.team.as_deref(), Some("platform"));
    assert!(app.filters.service.is_none());
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("service filter"),
        "{:?}",
        app.message
    );
    // Nothing matches: enter does not pick at random.
    press(&mut app, &[Command::Service]);
    type_in(&mut app, "zzz");
    update(&mut app, Action::SubmitInput);
    assert_eq!(app.filters.team.as_deref(), Some("platform"));
}
