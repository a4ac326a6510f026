//! Following a store that other processes write (a collector feeding PostgreSQL): a thread that
//! waits on the store's [`ChangeFeed`] and says when to read it again, falling back to reading
//! it every `fallback_every` while no feed is to be had (a store that cannot announce commits,
//! or a notification connection that dropped), and subscribing again on each fallback tick.
//!
//! Readers (the dashboard, `serve`) reload on what it says; they never poll the sources.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{ChangeFeed, Store, StoreChange};

/// Why a reader should read the store again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// A commit was announced.
    Changed(StoreChange),
    /// No announcements can be had (or they may have been missed while the feed was down):
    /// read again in case something changed.
    Periodic,
    /// The feed works again after it was down (read again: commits may have been missed).
    Resumed,
    /// The feed broke; reads fall back to every `fallback_every` until it is back.
    FeedLost(String),
}

/// Told of every event; returns false when nobody listens any more (the watcher then stops).
pub type StoreEventSink = Arc<dyn Fn(StoreEvent) -> bool + Send + Sync>;

/// A running watcher; it stops when dropped (within a second).
pub struct WatchHandle {
    stop: Arc<AtomicBool>,
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How long one wait on the feed lasts before the stop flag is looked at again.
const WAIT_SLICE: Duration = Duration::from_millis(500);

/// Starts watching `store` on a thread of its own.
pub fn watch(
    store: Arc<dyn Store>,
    fallback_every: Duration,
    sink: StoreEventSink,
) -> std::io::Result<WatchHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("flowdeck-store-watch".into())
        .spawn(move || run(store.as_ref(), fallback_every, sink.as_ref(), &flag))?;
    Ok(WatchHandle { stop })
}

fn subscribe(store: &dyn Store) -> Result<Option<Box<dyn ChangeFeed>>, String> {
    store.subscribe().map_err(|e| e.to_string())
}

fn run(
    store: &dyn Store,
    fallback_every: Duration,
    sink: &(dyn Fn(StoreEvent) -> bool + Send + Sync),
    stop: &AtomicBool,
) {
    let fallback_every = fallback_every.max(Duration::from_secs(1));
    let mut feed = match subscribe(store) {
        Ok(feed) => feed,
        Err(error) => {
            tracing::warn!(%error, "cannot follow the store's commits; reading it periodically");
            if !sink(StoreEvent::FeedLost(error)) {
                return;
            }
            None
        }
    };
    let mut next_tick = Instant::now() + fallback_every;
    while !stop.load(Ordering::Relaxed) {
        match feed.as_mut() {
            Some(live) => match live.wait(WAIT_SLICE) {
                Ok(Some(change)) => {
                    if !sink(StoreEvent::Changed(change)) {
                        return;
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "the store's commit feed dropped; reading it periodically");
                    feed = None;
                    next_tick = Instant::now() + fallback_every;
                    if !sink(StoreEvent::FeedLost(error.to_string())) {
                        return;
                    }
                }
            },
            None => {
                let now = Instant::now();
                if now < next_tick {
                    std::thread::sleep(WAIT_SLICE.min(next_tick - now));
                    continue;
                }
                next_tick = now + fallback_every;
                // Try to get announcements back; read once either way, since commits made while
                // there was no feed were not announced.
                let (resubscribed, event) = match subscribe(store) {
                    Ok(Some(live)) => (Some(live), StoreEvent::Resumed),
                    Ok(None) | Err(_) => (None, StoreEvent::Periodic),
                };
                if resubscribed.is_some() {
                    tracing::info!("following the store's commits again");
                }
                feed = resubscribed;
                if !sink(event) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::Mutex;
    use std::sync::mpsc;

    use super::*;
    use crate::{CachedResponse, StoreError, StoredStatus, UpsertCount};
    use flowdeck_core::model::{EventSet, Timestamp};

    /// A feed whose announcements (or breakage) the test sends.
    struct ScriptedFeed(mpsc::Receiver<Result<String, String>>);

    impl ChangeFeed for ScriptedFeed {
        fn wait(&mut self, timeout: Duration) -> Result<Option<StoreChange>, StoreError> {
            match self.0.recv_timeout(timeout) {
                Ok(Ok(source)) => Ok(Some(StoreChange { source })),
                Ok(Err(e)) => Err(StoreError::Io(e)),
                Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
                Err(mpsc::RecvTimeoutError::Disconnected) => Err(StoreError::Io("gone".into())),
            }
        }
    }

    /// A store handing out the scripted feeds in order, then None.
    struct FeedStore(Mutex<Vec<ScriptedFeed>>);

    impl Store for FeedStore {
        fn load(&self) -> Result<EventSet, StoreError> {
            Ok(EventSet::default())
        }
        fn commit_sync(
            &self,
            _: &str,
            _: &EventSet,
            _: &[(String, String)],
            _: &StoredStatus,
        ) -> Result<UpsertCount, StoreError> {
            Ok(UpsertCount::default())
        }
        fn put_status(&self, _: &StoredStatus) -> Result<(), StoreError> {
            Ok(())
        }
        fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
            Ok(vec![])
        }
        fn watermark(&self, _: &str, _: &str) -> Result<Option<String>, StoreError> {
            Ok(None)
        }
        fn cached_response(&self, _: &str) -> Result<Option<CachedResponse>, StoreError> {
            Ok(None)
        }
        fn put_cached_response(&self, _: &str, _: &CachedResponse) -> Result<(), StoreError> {
            Ok(())
        }
        fn prune_cached_responses(&self, _: Timestamp) -> Result<u64, StoreError> {
            Ok(0)
        }
        fn subscribe(&self) -> Result<Option<Box<dyn ChangeFeed>>, StoreError> {
            let mut feeds = self.0.lock().unwrap();
            Ok(if feeds.is_empty() {
                None
            } else {
                Some(Box::new(feeds.remove(0)) as Box<dyn ChangeFeed>)
            })
        }
    }

    fn collect() -> (StoreEventSink, mpsc::Receiver<StoreEvent>) {
        let (sender, receiver) = mpsc::channel();
        let sink: StoreEventSink = Arc::new(move |event| sender.send(event).is_ok());
        (sink, receiver)
    }

    fn next(receiver: &mpsc::Receiver<StoreEvent>) -> StoreEvent {
        receiver.recv_timeout(Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn announcements_are_passed_on_and_a_lost_feed_is_taken_up_again() {
        let (first_tx, first_rx) = mpsc::channel();
        let (second_tx, second_rx) = mpsc::channel();
        let store = Arc::new(FeedStore(Mutex::new(vec![
            ScriptedFeed(first_rx),
            ScriptedFeed(second_rx),
        ])));
        let (sink, events) = collect();
        let _handle = watch(store, Duration::from_secs(1), sink).unwrap();

        first_tx.send(Ok("github:acme/api".into())).unwrap();
        assert_eq!(
            next(&events),
            StoreEvent::Changed(StoreChange {
                source: "github:acme/api".into()
            })
        );
        first_tx.send(Err("connection reset".into())).unwrap();
        assert!(matches!(next(&events), StoreEvent::FeedLost(e) if e.contains("connection reset")));
        // At the next fallback tick it subscribes again and asks for one read.
        assert_eq!(next(&events), StoreEvent::Resumed);
        second_tx.send(Ok("gitlab:group/web".into())).unwrap();
        assert_eq!(
            next(&events),
            StoreEvent::Changed(StoreChange {
                source: "gitlab:group/web".into()
            })
        );
    }

    #[test]
    fn a_store_without_announcements_is_read_periodically() {
        let store = Arc::new(FeedStore(Mutex::new(vec![])));
        let (sink, events) = collect();
        let _handle = watch(store, Duration::from_secs(1), sink).unwrap();
        assert_eq!(next(&events), StoreEvent::Periodic);
        assert_eq!(next(&events), StoreEvent::Periodic);
    }

    #[test]
    fn the_watcher_stops_when_nobody_listens() {
        let (tx, rx) = mpsc::channel();
        let store = Arc::new(FeedStore(Mutex::new(vec![ScriptedFeed(rx)])));
        let (sink, events) = collect();
        let handle = watch(store, Duration::from_secs(1), sink).unwrap();
        drop(events);
        // The next announcement finds no listener and ends the thread; the feed is dropped.
        tx.send(Ok("s".into())).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while tx.send(Ok("s".into())).is_ok() {
            assert!(Instant::now() < deadline, "the watcher kept its feed");
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(handle);
    }
}
