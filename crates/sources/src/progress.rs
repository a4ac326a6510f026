//! How far each running sync is, for the dashboard's progress bars: requests sent, the
//! provider's estimate of those left, the rate-limit budget, whether it backfills, and how
//! many parts it committed (each one is new data to show).
//!
//! Like `cuts`, the tracking is task-local: the poller runs each sync inside [`tracking`], the
//! HTTP origin counts its requests with [`request_sent`], a provider says what is left with
//! [`estimate`] and [`backfilling`], `Round::commit_part` calls [`committed`]. What every
//! tracked sync has reached is kept on one board per process ([`board`]), which the
//! dashboard reads when [`version`] moves; a finished sync leaves the board.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use crate::http::RateInfo;
use flowdeck_core::progress::SyncProgress;

tokio::task_local! {
    static TRACKER: RefCell<Tracker>;
}

struct Tracker {
    progress: SyncProgress,
    started: Instant,
}

#[derive(Default)]
struct Board {
    syncs: BTreeMap<String, SyncProgress>,
    /// Parts committed by every sync since the process started.
    parts: u64,
}

fn shared() -> &'static Mutex<Board> {
    static BOARD: OnceLock<Mutex<Board>> = OnceLock::new();
    BOARD.get_or_init(|| Mutex::new(Board::default()))
}

static VERSION: AtomicU64 = AtomicU64::new(0);

fn publish(update: impl FnOnce(&mut Board)) {
    let mut board = shared().lock().unwrap_or_else(|e| e.into_inner());
    update(&mut board);
    VERSION.fetch_add(1, Ordering::Relaxed);
}

/// Moves whenever the board changes: a reader redraws only then.
pub fn version() -> u64 {
    VERSION.load(Ordering::Relaxed)
}

/// The syncs under way (by source name), and the parts committed by every sync so far.
pub fn board() -> (Vec<SyncProgress>, u64) {
    let board = shared().lock().unwrap_or_else(|e| e.into_inner());
    (board.syncs.values().cloned().collect(), board.parts)
}

/// Runs `sync` of `source` with its progress on the board; it leaves the board when done.
pub(crate) async fn tracking<F: Future>(source: &str, sync: F) -> F::Output {
    let tracker = Tracker {
        progress: SyncProgress {
            source: source.to_string(),
            requests: 0,
            left: None,
            rate_remaining: None,
            rate_reset_at: None,
            backfilling: false,
            elapsed: std::time::Duration::ZERO,
        },
        started: Instant::now(),
    };
    let output = TRACKER.scope(RefCell::new(tracker), sync).await;
    publish(|board| {
        board.syncs.remove(source);
    });
    output
}

fn update(change: impl FnOnce(&mut SyncProgress)) {
    let _ = TRACKER.try_with(|tracker| {
        let mut tracker = tracker.borrow_mut();
        tracker.progress.elapsed = tracker.started.elapsed();
        change(&mut tracker.progress);
        let progress = tracker.progress.clone();
        publish(|board| {
            board.syncs.insert(progress.source.clone(), progress);
        });
    });
}

/// One request sent (answered or not), and the host's budget after it.
pub(crate) fn request_sent(rate: Option<RateInfo>) {
    update(|p| {
        p.requests += 1;
        p.left = p.left.map(|left| left.saturating_sub(1));
        if let Some(rate) = rate {
            p.rate_remaining = rate.remaining.or(p.rate_remaining);
            p.rate_reset_at = rate.reset_at.or(p.rate_reset_at);
        }
    });
}

/// The provider's estimate of the requests still to send.
pub(crate) fn estimate(left: u64) {
    update(|p| p.left = Some(left));
}

/// Whether this sync backfills (the numbers it feeds are incomplete until it ends).
pub(crate) fn backfilling(yes: bool) {
    update(|p| p.backfilling = yes);
}

/// A part of the sync was committed: new data to read.
pub(crate) fn committed() {
    publish(|board| board.parts += 1);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_sync_is_on_the_board_while_it_runs_and_leaves_it_when_done() {
        let before = version();
        tracking("test:progress", async {
            backfilling(true);
            estimate(10);
            request_sent(Some(RateInfo {
                limit: Some(5000),
                remaining: Some(42),
                reset_at: None,
            }));
            let (syncs, _) = board();
            let mine = syncs.iter().find(|p| p.source == "test:progress").unwrap();
            assert_eq!(
                (
                    mine.requests,
                    mine.left,
                    mine.rate_remaining,
                    mine.backfilling
                ),
                (1, Some(9), Some(42), true)
            );
        })
        .await;
        assert!(version() > before);
        assert!(board().0.iter().all(|p| p.source != "test:progress"));
    }

    #[test]
    fn outside_a_sync_nothing_is_tracked() {
        request_sent(None);
        estimate(3);
        assert!(board().0.iter().all(|p| !p.source.is_empty()));
    }
}
