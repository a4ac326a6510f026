//! `flowdeck report`'s sync progress: on a terminal, one line on stderr while the sources sync
//! (the sources, requests sent, the rate limit left, time so far); nothing on a pipe or a file,
//! so `report | cat` and `report > file` stay clean.

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::sources::http::HttpClient;

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(120);

/// The progress line, drawn until dropped.
pub struct SyncProgress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SyncProgress {
    /// Starts the line for `sources` when stderr is a terminal; None otherwise.
    pub fn start(http: HttpClient, sources: Vec<String>) -> Option<SyncProgress> {
        if sources.is_empty() || !std::io::stderr().is_terminal() {
            return None;
        }
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let thread = std::thread::Builder::new()
            .name("sync-progress".into())
            .spawn(move || draw(&http, &sources, &flag))
            .ok()?;
        Some(SyncProgress {
            done,
            thread: Some(thread),
        })
    }
}

impl Drop for SyncProgress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn draw(http: &HttpClient, sources: &[String], done: &AtomicBool) {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    let started = Instant::now();
    let before = http.requests_sent().total;
    let names = match sources {
        [one] => one.clone(),
        many => format!("{} sources", many.len()),
    };
    while !done.load(Ordering::Relaxed) {
        let counts = http.requests_sent();
        let left: Vec<String> = counts
            .per_host
            .keys()
            .filter_map(|host| {
                let rate = http.rate(host)?;
                Some(format!("{} left of {}'s rate limit", rate.remaining?, host))
            })
            .collect();
        let mut message = format!(
            "syncing {names}: {} requests · {}s",
            counts.total.saturating_sub(before),
            started.elapsed().as_secs()
        );
        // What the backfills under way still expect to send, when they know.
        let expected: u64 = crate::sources::progress::board()
            .0
            .iter()
            .filter_map(|sync| sync.left)
            .sum();
        if expected > 0 {
            message.push_str(&format!(" · about {expected} left"));
        }
        if !left.is_empty() {
            message.push_str(" · ");
            message.push_str(&left.join(", "));
        }
        bar.set_message(crate::text::sanitize(&message));
        bar.tick();
        std::thread::sleep(TICK);
    }
    bar.finish_and_clear();
}
