//! What the runtime observes becomes actions `update` applies: loads, sync results, store
//! changes and signals change the state here, never in the event loop.

use std::sync::Arc;

use super::update;
use crate::app::action::{Action, Command};
use crate::app::data::{Data, Loaded};
use crate::app::state::{App, AppOptions, Effect};
use flowdeck_core::metrics::{History, Rules};
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::SourceStatus;

fn now() -> Timestamp {
    "2026-11-20T14:30:00Z".parse().unwrap()
}

fn demo() -> (Arc<History>, Vec<SourceStatus>) {
    let (events, sources) = flowdeck_sources::collect_demo(now());
    (Arc::new(History::derive(events, Rules::default())), sources)
}

fn app() -> App {
    let (history, sources) = demo();
    let data = Data {
        history,
        sources,
        loaded_at: now(),
        loaded: true,
    };
    App::new(data, now(), AppOptions::default())
}

fn synced(source: &str, ok: bool, changed: bool) -> Action {
    Action::Synced {
        source: source.into(),
        ok,
        changed,
    }
}

#[test]
fn a_sync_reloads_when_it_stored_something_or_a_source_changed_state() {
    let mut app = app();
    let cases = [
        (synced("github", true, false), true, "a source's first sync"),
        (synced("github", true, false), false, "an unchanged poll"),
        (synced("github", true, true), true, "new events"),
        (
            synced("gitlab", true, false),
            true,
            "another source's first sync",
        ),
        (synced("github", false, false), true, "a failure"),
        (synced("github", false, false), true, "another failure"),
        (synced("github", true, false), true, "a recovery"),
        (synced("github", true, false), false, "unchanged again"),
    ];
    for (action, reloads, what) in cases {
        update(&mut app, action);
        let expected = if reloads {
            vec![Effect::Reload]
        } else {
            Vec::new()
        };
        assert_eq!(app.take_effects(), expected, "{what}");
    }
}

#[test]
fn a_store_change_asks_for_a_reload() {
    let mut app = app();
    update(&mut app, Action::StoreChanged);
    assert_eq!(app.take_effects(), vec![Effect::Reload]);
    assert!(app.take_effects().is_empty(), "each effect is taken once");
}

#[test]
fn a_signal_quits_whatever_is_open() {
    let mut app = app();
    update(&mut app, Action::Command(Command::Help));
    update(&mut app, Action::Command(Command::Search));
    assert!(app.help && !app.quit);
    update(&mut app, Action::Quit);
    assert!(app.quit);
}

#[test]
fn a_finished_load_replaces_the_data_and_the_scope() {
    let mut app = app();
    let scope_before = app.scope_key.clone();
    update(&mut app, Action::Loading);
    assert!(app.loading);
    let (history, sources) = demo();
    let read_at = now() + chrono::Duration::minutes(1);
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded {
            history: history.clone(),
            sources,
            read_at,
        })),
    );
    assert!(!app.loading && app.load_error.is_none());
    assert!(Arc::ptr_eq(&app.data.history, &history));
    assert_eq!(app.data.loaded_at, read_at);
    assert_ne!(app.scope_key, scope_before, "the scope is computed again");
}

#[test]
fn a_failed_reload_keeps_what_worked_on_screen() {
    let mut app = app();
    let shown = app.data.history.clone();
    let (history, mut sources) = demo();
    sources[0].error = Some("connection refused".into());
    sources[0].status = flowdeck_core::status::SourceState::Error;
    update(
        &mut app,
        Action::Loaded(Box::new(Loaded {
            history,
            sources,
            read_at: now(),
        })),
    );
    assert!(Arc::ptr_eq(&app.data.history, &shown));
    assert_eq!(
        app.data.sources[0].error.as_deref(),
        Some("connection refused")
    );
    update(&mut app, Action::LoadFailed("no config".into()));
    assert_eq!(app.load_error.as_deref(), Some("no config"));
    assert!(Arc::ptr_eq(&app.data.history, &shown));
}

#[test]
fn an_alert_shows_its_note_and_asks_for_bell_and_desktop_with_inert_text() {
    let mut app = app();
    app.take_effects();
    update(
        &mut app,
        Action::Alert(crate::app::action::Alert {
            note: "flowdeck: deployment failed: api \u{1b}]0;pwn\u{7}v1".into(),
            bell: true,
            desktop: vec!["incident \u{1b}[2Jopened\u{9c}".into()],
        }),
    );
    let message = app.message.clone().unwrap_or_default();
    assert!(!message.contains('\u{1b}') && message.contains("deployment failed"));
    let effects = app.take_effects();
    assert_eq!(effects[0], Effect::Bell);
    match &effects[1] {
        Effect::Desktop(text) => {
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(text.contains("opened"));
        }
        other => panic!("{other:?}"),
    }
    // A silenced alert (quiet hours) only shows its note.
    update(
        &mut app,
        Action::Alert(crate::app::action::Alert {
            note: "quiet".into(),
            ..Default::default()
        }),
    );
    assert!(app.take_effects().is_empty());
    assert_eq!(app.message.as_deref(), Some("quiet"));
}
