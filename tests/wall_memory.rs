//! Wall mode for three simulated days: a tick every minute (the window moving with it), a page
//! rotation every tick, an hourly reload, a frame every tick. Memory must stay flat: the
//! resident size after day three is not above day one's by more than a little slack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/headless.rs"]
mod headless;

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

#[test]
fn three_days_on_the_wall_keep_memory_flat() {
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
