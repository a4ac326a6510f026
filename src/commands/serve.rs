//! `flowdeck serve --metrics ADDR`: the measures as a Prometheus scrape target.
//!
//! Where the data comes from, as for the dashboard: the demo data (`--demo`), git sources read
//! in place, and the store the polled sources are kept in. Whether `serve` polls those sources
//! itself is `live::should_poll`: yes on an embedded store (unless `[general] poll = false`),
//! no on a shared one, which a `flowdeck collect` keeps current; it then reloads when the
//! store announces a commit (`Store::subscribe`), and every refresh interval while it cannot
//! (no feed, or the feed broke; it subscribes again meanwhile).
//!
//! The exposition is recomputed when the data changes (a sync that wrote something, a store
//! notification), the source lines when a sync only touched its status, and the measures when
//! the window moves (every refresh interval, unless the clock is fixed with `--now`); a scrape
//! never computes. SIGTERM or SIGINT stops the poller gracefully and exits 0.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use super::CommandError;
use super::context::Context;
use super::live::{Live, NotYetSynced};
use crate::cli::ServeArgs;
use crate::config::HumanDuration;
use crate::metrics::{History, Window};
use crate::model::Timestamp;
use crate::poller::{self, PollerHandle, ReportSink};
use crate::serve::{
    Exposition, Family, MetricsServer, Published, measure_families, source_families,
};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use crate::sources::{SourceStatus, registry};
use crate::store::Store;

pub fn run(ctx: Context, args: &ServeArgs) -> Result<ExitCode, CommandError> {
    let config = ctx.loaded.config.clone();
    if !ctx.demo && config.sources.is_empty() {
        // The same usage error and hint `report` gives.
        ctx.history(None)?;
    }
    let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(|e| {
        CommandError::Runtime(anyhow::Error::new(e).context("could not listen for SIGTERM"))
    })?;
    let live = Live::open(&ctx)?.map(Arc::new);
    let polling = live.as_ref().is_some_and(|l| l.should_poll(&ctx));
    let window = args.window.unwrap_or(config.general.window);
    let refresh = config.general.refresh.as_std().max(Duration::from_secs(1));

    let published = Arc::new(Published::default());
    let server = MetricsServer::start(args.metrics, published.clone()).map_err(|e| {
        CommandError::Runtime(
            anyhow::Error::new(e).context(format!("could not serve metrics on {}", args.metrics)),
        )
    })?;
    let mut refresher = Refresher::new(ctx, live.clone(), window, polling);
    refresher.reload()?;
    published.publish(refresher.exposition());
    tracing::info!(
        address = %server.local_addr(),
        window = crate::serve::window_label(window).as_str(),
        polling,
        "serving metrics at /metrics"
    );

    let (triggers, received) = mpsc::channel();
    let feed_ok = Arc::new(AtomicBool::new(false));
    if let Some(live) = &live {
        spawn_store_watch(
            live.store.clone(),
            triggers.clone(),
            feed_ok.clone(),
            refresh,
        );
    }
    let poller = match (&live, polling) {
        (Some(live), true) => Some(start_poller(live, &refresher.ctx, triggers.clone())?),
        _ => None,
    };
    drop(triggers);
    let _refresh_loop = {
        let published = published.clone();
        std::thread::Builder::new()
            .name("flowdeck-metrics".into())
            .spawn(move || refresh_forever(refresher, received, &published, &feed_ok, refresh))
            .map_err(|e| CommandError::Runtime(e.into()))?
    };

    let signal = signals.forever().next();
    tracing::info!(
        signal = signal.map_or("none", super::collect::signal_name),
        "stopping"
    );
    if let Some(poller) = poller {
        poller.stop();
    }
    server.shutdown();
    // The refresher only reads; it ends with the process (a reload in progress is dropped).
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn start_poller(
    live: &Live,
    ctx: &Context,
    triggers: Sender<Trigger>,
) -> Result<PollerHandle, CommandError> {
    let sink: ReportSink = Arc::new(move |report| {
        triggers
            .send(Trigger::Synced {
                changed: report.changed_something(),
            })
            .is_ok()
    });
    poller::spawn(
        live.sources.clone(),
        live.store.clone(),
        live.backfill,
        sink,
        ctx.fixed_now.then_some(ctx.now),
    )
    .map_err(|e| CommandError::Runtime(anyhow::Error::new(e).context("could not start the poller")))
}

/// Why the exposition should be brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// A sync of this process's poller ended; `changed`: it wrote events (or a new failure).
    Synced { changed: bool },
    /// The store announced a commit (another process's or ours).
    StoreChanged,
}

/// What a batch of triggers asks for.
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    /// Read everything again.
    reload: bool,
    /// Read the source statuses again.
    statuses: bool,
    /// Measure again at the current time (the window moved).
    measures: bool,
}

impl Work {
    fn add(&mut self, trigger: Trigger) {
        match trigger {
            Trigger::Synced { changed: true } | Trigger::StoreChanged => self.reload = true,
            Trigger::Synced { changed: false } => self.statuses = true,
        }
    }
}

fn refresh_forever(
    mut refresher: Refresher,
    triggers: Receiver<Trigger>,
    published: &Published,
    feed_ok: &AtomicBool,
    refresh: Duration,
) {
    let mut next_tick = Instant::now() + refresh;
    loop {
        let mut work = Work::default();
        let trigger =
            match triggers.recv_timeout(next_tick.saturating_duration_since(Instant::now())) {
                Ok(trigger) => Some(trigger),
                Err(RecvTimeoutError::Timeout) => None,
                // Nothing can trigger any more (demo data, git only): the clock alone moves things.
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(next_tick.saturating_duration_since(Instant::now()));
                    None
                }
            };
        match trigger {
            Some(trigger) => work.add(trigger),
            None => {
                next_tick = Instant::now() + refresh;
                if refresher.reloads_on_tick(feed_ok.load(Ordering::Relaxed)) {
                    work.reload = true;
                } else {
                    work.statuses = refresher.live.is_some();
                    work.measures = !refresher.ctx.fixed_now;
                }
            }
        }
        // A burst (every source of a round, a stream of notifications) is one recomputation.
        while let Ok(more) = triggers.try_recv() {
            work.add(more);
        }
        if !(work.reload || work.statuses || work.measures) {
            continue;
        }
        let started = Instant::now();
        let done = if work.reload {
            refresher.reload().map_err(|e| e.to_string())
        } else {
            let statuses = if work.statuses {
                refresher.restatus().map_err(|e| e.to_string())
            } else {
                Ok(())
            };
            if work.measures {
                refresher.remeasure();
            }
            statuses
        };
        match done {
            Ok(()) => {
                published.publish(refresher.exposition());
                tracing::debug!(
                    reload = work.reload,
                    duration_seconds = started.elapsed().as_secs_f64(),
                    "metrics recomputed"
                );
            }
            Err(error) => {
                // The last exposition stays up; its source lines and timestamps show its age.
                tracing::warn!(%error, "could not read the history; serving the previous metrics");
            }
        }
    }
}

/// Keeps the history, statuses and rendered families between recomputations.
struct Refresher {
    ctx: Context,
    live: Option<Arc<Live>>,
    window: chrono::Duration,
    window_label: String,
    polling: bool,
    /// Sources read in place on every reload (git, the demo data): the clock alone can change
    /// what they say.
    reads_in_place: bool,
    history: Option<History>,
    statuses: Vec<SourceStatus>,
    measures: Vec<Family>,
    sources: Vec<Family>,
}

impl Refresher {
    fn new(ctx: Context, live: Option<Arc<Live>>, window: HumanDuration, polling: bool) -> Self {
        let reads_in_place = (ctx.demo && !ctx.fixed_now)
            || (!ctx.demo
                && ctx
                    .loaded
                    .config
                    .sources
                    .iter()
                    .any(|s| !registry::is_polled(s)));
        Refresher {
            ctx,
            live,
            window: window.as_chrono(),
            window_label: crate::serve::window_label(window),
            polling,
            reads_in_place,
            history: None,
            statuses: Vec::new(),
            measures: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn not_yet(&self) -> NotYetSynced {
        if self.polling {
            NotYetSynced::Syncing
        } else {
            NotYetSynced::Missing
        }
    }

    /// Whether the refresh interval's tick reads everything again: sources read in place, or
    /// a store this process does not poll and that announces nothing (or whose feed broke).
    fn reloads_on_tick(&self, feed_ok: bool) -> bool {
        self.reads_in_place || (self.live.is_some() && !self.polling && !feed_ok)
    }

    fn advance_clock(&mut self) {
        if !self.ctx.fixed_now {
            self.ctx.now = chrono::Utc::now();
        }
    }

    /// Reads every source (and the store) again and measures.
    fn reload(&mut self) -> Result<(), CommandError> {
        self.advance_clock();
        let live = self.live.as_deref().map(|l| (l, self.not_yet()));
        let (history, statuses) = self.ctx.history(live)?;
        self.measures = measures(&history, self.ctx.now, self.window, &self.window_label);
        self.sources = source_families(&statuses);
        self.history = Some(history);
        self.statuses = statuses;
        Ok(())
    }

    /// The polled sources' statuses as the store has them now.
    fn restatus(&mut self) -> Result<(), crate::store::StoreError> {
        let Some(live) = &self.live else {
            return Ok(());
        };
        for fresh in live.statuses(self.not_yet())? {
            if let Some(status) = self.statuses.iter_mut().find(|s| s.name == fresh.name) {
                *status = fresh;
            }
        }
        self.sources = source_families(&self.statuses);
        Ok(())
    }

    /// Measures the history already read at the current time.
    fn remeasure(&mut self) {
        self.advance_clock();
        if let Some(history) = &self.history {
            self.measures = measures(history, self.ctx.now, self.window, &self.window_label);
        }
    }

    fn exposition(&self) -> Exposition {
        Exposition::render(&self.measures, &self.sources)
    }
}

/// The measure families of the window of `length` ending at `now`, from the report's snapshot.
fn measures(
    history: &History,
    now: Timestamp,
    length: chrono::Duration,
    label: &str,
) -> Vec<Family> {
    let snapshot = Snapshot::build(
        history,
        SnapshotRequest {
            window: Window::ending(now, length),
            now,
            // The source lines are rendered on their own (they change more often).
            sources: Vec::new(),
            scope: ScopeFilter::All,
            environment: None,
        },
    );
    measure_families(history, &snapshot, label)
}

/// Follows the store's announcements of commits (a shared store: LISTEN/NOTIFY) and turns
/// them into triggers; `feed_ok` says whether it is subscribed. A broken feed is subscribed
/// again every `retry`, then a reload catches up on what was missed. A store that announces
/// nothing (SQLite) ends the watch at once.
fn spawn_store_watch(
    store: Arc<dyn Store>,
    triggers: Sender<Trigger>,
    feed_ok: Arc<AtomicBool>,
    retry: Duration,
) {
    let watch = move || {
        let mut first = true;
        loop {
            match store.subscribe() {
                Ok(Some(mut feed)) => {
                    feed_ok.store(true, Ordering::Relaxed);
                    if !first {
                        tracing::info!("store notifications back; catching up");
                        if triggers.send(Trigger::StoreChanged).is_err() {
                            return;
                        }
                    }
                    loop {
                        match feed.wait(retry) {
                            Ok(Some(change)) => {
                                tracing::debug!(source = change.source.as_str(), "store changed");
                                if triggers.send(Trigger::StoreChanged).is_err() {
                                    return;
                                }
                            }
                            Ok(None) => {}
                            Err(error) => {
                                tracing::warn!(%error, "store notifications lost; reading every refresh interval until they are back");
                                feed_ok.store(false, Ordering::Relaxed);
                                break;
                            }
                        }
                    }
                }
                Ok(None) => return,
                Err(error) => {
                    if first {
                        tracing::warn!(%error, "cannot subscribe to the store's notifications; reading every refresh interval");
                    }
                    feed_ok.store(false, Ordering::Relaxed);
                }
            }
            first = false;
            std::thread::sleep(retry);
        }
    };
    if let Err(error) = std::thread::Builder::new()
        .name("flowdeck-store-watch".into())
        .spawn(watch)
    {
        tracing::warn!(%error, "cannot watch the store; reading every refresh interval");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::EventSet;
    use crate::store::{
        CachedResponse, ChangeFeed, SqliteStore, StoreChange, StoreError, StoredStatus, UpsertCount,
    };
    use std::collections::VecDeque;

    /// One scripted answer of a feed's `wait`.
    enum Next {
        Change(&'static str),
        Broken,
    }

    /// A feed that plays its script, then has nothing more to say.
    struct Scripted(VecDeque<Next>);

    impl ChangeFeed for Scripted {
        fn wait(&mut self, timeout: Duration) -> Result<Option<StoreChange>, StoreError> {
            match self.0.pop_front() {
                Some(Next::Change(source)) => Ok(Some(StoreChange {
                    source: source.into(),
                })),
                Some(Next::Broken) => Err(StoreError::Io("connection dropped".into())),
                None => {
                    std::thread::sleep(timeout);
                    Ok(None)
                }
            }
        }
    }

    /// A shared store whose subscriptions are scripted: each `subscribe` takes the next.
    struct Announcing {
        inner: SqliteStore,
        feeds: std::sync::Mutex<VecDeque<Option<Scripted>>>,
    }

    impl Store for Announcing {
        fn load(&self) -> Result<EventSet, StoreError> {
            self.inner.load()
        }
        fn commit_sync(
            &self,
            source: &str,
            events: &EventSet,
            watermarks: &[(String, String)],
            status: &StoredStatus,
        ) -> Result<UpsertCount, StoreError> {
            self.inner.commit_sync(source, events, watermarks, status)
        }
        fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
            self.inner.put_status(status)
        }
        fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
            self.inner.statuses()
        }
        fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
            self.inner.watermark(source, key)
        }
        fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
            self.inner.cached_response(url)
        }
        fn put_cached_response(
            &self,
            url: &str,
            response: &CachedResponse,
        ) -> Result<(), StoreError> {
            self.inner.put_cached_response(url, response)
        }
        fn subscribe(&self) -> Result<Option<Box<dyn ChangeFeed>>, StoreError> {
            let next = self.feeds.lock().unwrap().pop_front().flatten();
            Ok(next.map(|feed| Box::new(feed) as Box<dyn ChangeFeed>))
        }
        fn is_shared(&self) -> bool {
            true
        }
    }

    #[test]
    fn store_notifications_become_reloads_and_a_broken_feed_is_subscribed_again() {
        let store = Arc::new(Announcing {
            inner: SqliteStore::in_memory().unwrap(),
            feeds: std::sync::Mutex::new(VecDeque::from([
                Some(Scripted(VecDeque::from([
                    Next::Change("github:acme/api"),
                    Next::Broken,
                ]))),
                Some(Scripted(VecDeque::from([Next::Change("gitlab:group/web")]))),
            ])),
        });
        let (sender, triggers) = mpsc::channel();
        let feed_ok = Arc::new(AtomicBool::new(false));
        spawn_store_watch(store, sender, feed_ok.clone(), Duration::from_millis(10));
        let next = || triggers.recv_timeout(Duration::from_secs(60)).unwrap();
        // The commit, then (the feed broke, subscribed again) a catch-up reload, then the
        // second feed's commit.
        assert_eq!(next(), Trigger::StoreChanged);
        assert_eq!(next(), Trigger::StoreChanged);
        assert!(feed_ok.load(Ordering::Relaxed), "subscribed again");
        assert_eq!(next(), Trigger::StoreChanged);
    }

    #[test]
    fn a_store_that_announces_nothing_ends_the_watch() {
        let store = Arc::new(Announcing {
            inner: SqliteStore::in_memory().unwrap(),
            feeds: std::sync::Mutex::new(VecDeque::new()),
        });
        let (sender, triggers) = mpsc::channel();
        let feed_ok = Arc::new(AtomicBool::new(false));
        spawn_store_watch(store, sender, feed_ok.clone(), Duration::from_millis(10));
        // The watch thread ends and drops its sender: nothing will ever come.
        assert_eq!(
            triggers.recv_timeout(Duration::from_secs(60)),
            Err(RecvTimeoutError::Disconnected)
        );
        assert!(!feed_ok.load(Ordering::Relaxed));
    }

    #[test]
    fn a_burst_of_triggers_is_one_piece_of_work() {
        let mut work = Work::default();
        work.add(Trigger::Synced { changed: false });
        assert!(work.statuses && !work.reload);
        work.add(Trigger::Synced { changed: true });
        work.add(Trigger::StoreChanged);
        assert!(work.reload);
        let mut work = Work::default();
        work.add(Trigger::StoreChanged);
        assert!(work.reload && !work.statuses && !work.measures);
    }
}
