//! Wall mode for three simulated days: a tick every minute (the window moving with it), a page
//! rotation every tick, an hourly reload, a frame every tick. Memory must stay flat: the
//! resident size after day three is not above day one's by more than a little slack.
//!
//! The resident size is the whole process's, and `cargo test` runs the other tests of this
//! binary in the same process at the same time; so the test runs itself again in a child
//! process of its own (this binary, filtered to this one test) and measures there.

use crate::support::{child_test, headless};

use std::sync::Arc;

use chrono::Duration;
use flowdeck::app::{Action, Loaded, update, view};
use flowdeck::metrics::{History, Rules};
use flowdeck::sources::collect_demo;

/// Resident set size in KiB, from /proc (Linux).
fn resident_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

/// Set in the child process that does the measuring.
const ALONE: &str = "FLOWDECK_TEST_WALL_MEMORY_ALONE";

/// Runs `test` (this module's test of that name) alone in a child process of this binary and
/// fails when it fails or did not run.
fn run_alone(test: &str) {
    let name = child_test::name(module_path!(), test);
    let out = child_test::command(module_path!(), test)
        .env(ALONE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprint!("{stderr}");
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} alone in a child process:\n{stdout}{stderr}"
    );
}

#[test]
fn three_days_on_the_wall_keep_memory_flat() {
    if std::env::var_os(ALONE).is_none() {
        run_alone("three_days_on_the_wall_keep_memory_flat");
        return;
    }
    let Some(_) = resident_kib() else {
        eprintln!("no /proc/self/statm here; skipping the memory check");
        return;
    };
    let mut app = headless::demo_app(200, 60, true);
    let theme = headless::theme("default");
    let start = headless::now();
    let (events, sources) = collect_demo(start);
    let mut after_day_one = 0;
    for minute in 1..=3 * 24 * 60 {
        let now = start + Duration::minutes(minute);
        update(&mut app, Action::Tick(now));
        update(&mut app, Action::RotateWall);
        if minute % 60 == 0 {
            let history = History::derive(events.clone(), Rules::default());
            let loaded = Loaded {
                history: Arc::new(history),
                sources: sources.clone(),
                read_at: now,
            };
            update(&mut app, Action::Loaded(Box::new(loaded)));
        }
        let vm = view::build(&app);
        let buffer = flowdeck::ui::render_to_buffer(&vm, &theme, app.width, app.height);
        assert_eq!(buffer.area.width, 200);
        if minute == 24 * 60 {
            after_day_one = resident_kib().unwrap();
        }
    }
    let after_day_three = resident_kib().unwrap();
    eprintln!("resident: {after_day_one} KiB after day one, {after_day_three} KiB after day three");
    assert!(
        after_day_three <= after_day_one + 4 * 1024,
        "resident memory grew from {after_day_one} KiB to {after_day_three} KiB"
    );
    assert_eq!(app.stack.len(), 1, "nothing piles up on the screen stack");
}
