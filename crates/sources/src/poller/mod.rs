//! Runs the polled sources: each on its interval with jitter, one request chain in flight per
//! source (a source's syncs never overlap), a failed sync retried with backoff, every result
//! committed to the store atomically with its watermarks and status. `report` runs one round;
//! the dashboard, `collect` and `serve` keep a poller running.
//!
//! Every sync logs one line (`synced` or `sync failed`) with the source, what it wrote
//! (inserted / updated / unchanged), how long it took and when the source polls next.
//!
//! Stopping is graceful ([`PollerHandle::stop`]): each source's task is cancelled at its next
//! await point and waited for. A commit runs without awaiting, so a commit in progress always
//! completes; an HTTP request in flight is dropped, and a sync cut short stores nothing of its
//! events since its last part (a source that commits in parts, `Round::commit_part`, keeps
//! the parts and their cursors; the response cache may keep pages it fetched).
//!
//! On a store several processes poll into (PostgreSQL), each source is polled by one of them
//! at a time, under a lease (`sharing`), and every write for it is fenced by that lease.

mod sharing;
mod spread;

pub use sharing::{lease_ttl, member};

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::sync::Notify;

use crate::SourceError;
use crate::live::{Source, SyncContext, SyncOutcome};
use flowdeck_core::model::Timestamp;
use flowdeck_store::{Lease, Member, Store, StoreError, StoredStatus, UpsertCount};
use sharing::Sharing;

/// How one sync of one source ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncReport {
    Synced {
        source: String,
        count: UpsertCount,
    },
    Failed {
        source: String,
        error: String,
        retryable: bool,
    },
}

impl SyncReport {
    pub fn changed_something(&self) -> bool {
        match self {
            SyncReport::Synced { count, .. } => count.inserted + count.updated > 0,
            // A new failure changes the status line.
            SyncReport::Failed { .. } => true,
        }
    }
}

/// The status to store after a sync, from the outcome and the previous status.
fn status_after(
    source: &dyn Source,
    previous: Option<&StoredStatus>,
    outcome: &Result<SyncOutcome, SourceError>,
    now: Timestamp,
    next_retry_at: Timestamp,
) -> StoredStatus {
    match outcome {
        Ok(outcome) => StoredStatus {
            name: source.name().to_string(),
            kind: source.kind().to_string(),
            status: "ok".into(),
            last_success_at: Some(now),
            // Good data, but a part could not be read (Prometheus without its Alertmanager).
            error: outcome.degraded.clone(),
            covers_from: outcome.covers_from,
            next_retry_at: Some(next_retry_at),
        },
        Err(error) => {
            let last_success_at = previous.and_then(|p| p.last_success_at);
            StoredStatus {
                name: source.name().to_string(),
                kind: source.kind().to_string(),
                // Data that once arrived and now does not is stale; data that never did is an error.
                status: if last_success_at.is_some() {
                    "stale"
                } else {
                    "error"
                }
                .into(),
                last_success_at,
                error: Some(error.to_string()),
                covers_from: previous.and_then(|p| p.covers_from),
                next_retry_at: Some(next_retry_at),
            }
        }
    }
}

fn previous_status(store: &dyn Store, name: &str) -> Option<StoredStatus> {
    store
        .statuses()
        .ok()
        .and_then(|all| all.into_iter().find(|s| s.name == name))
}

/// When to try again after a failure: when the provider said its rate limit resets (never
/// sooner, however short the interval); else doubling from 30 s per consecutive failure, never
/// later than the normal interval (a config error waits the interval: the user has to act).
fn retry_delay(error: &SourceError, failures: u32, interval: Duration, now: Timestamp) -> Duration {
    if let Some(until) = error.retry_at() {
        return (until - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .max(Duration::from_secs(1));
    }
    if !error.is_retryable() {
        return interval;
    }
    let backoff = Duration::from_secs(30).saturating_mul(1u32 << failures.min(10));
    backoff.min(interval)
}

/// Syncs one source once and commits the result. Never panics; a store failure is reported
/// as the sync's failure. Returns the report and how long to wait before the next sync.
pub async fn sync_source(
    source: &dyn Source,
    store: &Arc<dyn Store>,
    backfill: chrono::Duration,
    failures: u32,
    now: Timestamp,
) -> (SyncReport, Duration) {
    let run = Run {
        backfill,
        failures,
        now,
        jitter: 1.0,
        held: None,
        limit: None,
    };
    sync_and_log(source, store, run).await
}

/// How long a round of syncs may take in all (`report --max-wait`): a sync still running at
/// the deadline is dropped (it stores nothing) and fails with a transient error saying so.
#[derive(Debug, Clone, Copy)]
pub struct WaitLimit {
    deadline: tokio::time::Instant,
    limit: Duration,
}

impl WaitLimit {
    /// A deadline `limit` from now.
    pub fn from_now(limit: Duration) -> WaitLimit {
        WaitLimit {
            deadline: tokio::time::Instant::now() + limit,
            limit,
        }
    }

    fn gave_up(&self) -> String {
        format!(
            "{GAVE_UP} {} s (the longest this run waits for its sources)",
            self.limit.as_secs_f64()
        )
    }
}

/// How the error of a sync cut at a [`WaitLimit`] begins.
const GAVE_UP: &str = "gave up waiting after";

/// Whether a failed sync's error says it was cut at a [`WaitLimit`].
pub fn gave_up(error: &str) -> bool {
    error.starts_with(GAVE_UP)
}

/// The lease a sync runs under, with the process's leases (to drop one found lost).
type Held<'a> = (&'a Sharing, &'a Lease);

/// Commits a sync's result: fenced by the lease when there is one.
fn commit(
    store: &Arc<dyn Store>,
    held: Option<Held<'_>>,
    source: &str,
    outcome: &SyncOutcome,
    status: &StoredStatus,
) -> Result<UpsertCount, StoreError> {
    let fenced = held.and_then(|(sharing, lease)| Some((sharing, lease, store.leases()?)));
    let batch = match fenced {
        Some((sharing, lease, leases)) => leases
            .commit_held(
                lease,
                &outcome.events,
                &outcome.removals,
                &outcome.watermarks,
                Some(status),
            )
            .inspect_err(|error| {
                if matches!(error, StoreError::LeaseLost { .. }) {
                    sharing.lost(lease);
                }
            })?,
        None if outcome.removals.is_empty() => {
            return store.commit_sync(source, &outcome.events, &outcome.watermarks, status);
        }
        None => store.commit_batch(
            source,
            &outcome.events,
            &outcome.removals,
            &outcome.watermarks,
            Some(status),
        )?,
    };
    // A removal changes the history as an update does: readers reload.
    let mut count = batch.upserts;
    count.updated += batch.removed;
    Ok(count)
}

/// Records a failed sync's status: fenced by the lease when there is one.
fn record_failure(
    store: &Arc<dyn Store>,
    held: Option<Held<'_>>,
    status: &StoredStatus,
) -> Result<(), StoreError> {
    let fenced = held.and_then(|(sharing, lease)| Some((sharing, lease, store.leases()?)));
    match fenced {
        Some((sharing, lease, leases)) => leases
            .commit_held(
                lease,
                &flowdeck_core::model::EventSet::default(),
                &[],
                &[],
                Some(status),
            )
            .map(|_| ())
            .inspect_err(|error| {
                if matches!(error, StoreError::LeaseLost { .. }) {
                    sharing.lost(lease);
                }
            }),
        None => store.put_status(status),
    }
}

/// How one sync runs: besides the source and the store, everything `sync_and_log` needs.
struct Run<'a> {
    backfill: chrono::Duration,
    /// Failures in a row before this sync (for the backoff).
    failures: u32,
    now: Timestamp,
    /// The wait before the next sync is scaled by it (0.9 to 1.1).
    jitter: f64,
    /// The lease the sync runs under, on a shared store.
    held: Option<Held<'a>>,
    /// The deadline of a round (`report --max-wait`).
    limit: Option<&'a WaitLimit>,
}

/// `sync_source` with the wait scaled by `jitter` (the poller spreads sources sharing a host),
/// so the stored next poll and the log line say when the source really polls next.
async fn sync_and_log(
    source: &dyn Source,
    store: &Arc<dyn Store>,
    run: Run<'_>,
) -> (SyncReport, Duration) {
    let Run {
        backfill,
        failures,
        now,
        jitter,
        held,
        limit,
    } = run;
    let started = Instant::now();
    let ctx = SyncContext {
        store: store.clone(),
        now,
        backfill,
        lease: held.map(|(_, lease)| lease.clone()),
    };
    let sync = crate::http::on_behalf_of(source.name(), source.sync(&ctx));
    let outcome = match limit {
        None => sync.await,
        Some(limit) => tokio::time::timeout_at(limit.deadline, sync)
            .await
            .unwrap_or_else(|_| Err(SourceError::Transient(limit.gave_up()))),
    };
    let previous = previous_status(store.as_ref(), source.name());
    let interval = source.interval();
    let wait = match &outcome {
        Ok(_) => interval.mul_f64(jitter),
        // Real time, not the sync's (a fixed --now): the wait is a real sleep and a rate
        // limit's reset is a real instant, never brought forward by the jitter.
        Err(error) => {
            let delay = retry_delay(error, failures, interval, Utc::now());
            match error.retry_at() {
                Some(_) => delay.mul_f64(jitter.max(1.0)),
                None => delay.mul_f64(jitter),
            }
        }
    };
    let next = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
    let status = status_after(source, previous.as_ref(), &outcome, now, next);
    let next_poll = next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let report = match outcome {
        Ok(outcome) => {
            let committed = commit(store, held, source.name(), &outcome, &status);
            match committed {
                Ok(mut count) => {
                    // What the sync committed in parts while it ran counts as written too.
                    count.inserted += outcome.committed.inserted;
                    count.updated += outcome.committed.updated;
                    count.unchanged += outcome.committed.unchanged;
                    tracing::info!(
                        source = source.name(),
                        inserted = count.inserted,
                        updated = count.updated,
                        unchanged = count.unchanged,
                        duration_seconds = seconds(started.elapsed()),
                        next_poll = next_poll.as_str(),
                        next_poll_in_seconds = wait.as_secs(),
                        "synced"
                    );
                    SyncReport::Synced {
                        source: source.name().to_string(),
                        count,
                    }
                }
                Err(error) => {
                    tracing::warn!(
                        source = source.name(),
                        %error,
                        duration_seconds = seconds(started.elapsed()),
                        "could not store the sync"
                    );
                    SyncReport::Failed {
                        source: source.name().to_string(),
                        retryable: error.is_retryable(),
                        error: error.to_string(),
                    }
                }
            }
        }
        Err(error) => {
            tracing::warn!(
                source = source.name(),
                %error,
                retryable = error.is_retryable(),
                duration_seconds = seconds(started.elapsed()),
                next_poll = next_poll.as_str(),
                next_poll_in_seconds = wait.as_secs(),
                "sync failed"
            );
            if let Err(store_error) = record_failure(store, held, &status) {
                tracing::warn!(%store_error, "could not record the failed sync");
            }
            SyncReport::Failed {
                source: source.name().to_string(),
                retryable: error.is_retryable(),
                error: error.to_string(),
            }
        }
    };
    (report, wait)
}

/// Seconds to the millisecond, for log lines.
fn seconds(elapsed: Duration) -> f64 {
    (elapsed.as_secs_f64() * 1000.0).round() / 1000.0
}

/// Cached responses unused this long are dropped: list URLs with a moving `since=` day never
/// repeat, so without pruning the cache only grows. A stable URL whose entry is pruned costs
/// one unconditional request.
const ETAG_RETENTION_DAYS: i64 = 14;

fn prune_etag_cache(store: &dyn Store, now: Timestamp) {
    match store.prune_cached_responses(now - chrono::Duration::days(ETAG_RETENTION_DAYS)) {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "old cached responses dropped"),
        Err(error) => tracing::warn!(%error, "could not prune the response cache"),
    }
}

/// One round at `now`: every source synced once, concurrently across sources; those that
/// read what the others store (`Source::reads_others`) after the others, so one round (a
/// `report`) gives them everything; all of it within `limit` when there is one.
pub(crate) async fn sync_all(
    sources: &[Arc<dyn Source>],
    store: &Arc<dyn Store>,
    backfill: chrono::Duration,
    now: Timestamp,
    limit: Option<Duration>,
) -> Vec<SyncReport> {
    let limit = limit.map(WaitLimit::from_now);
    prune_etag_cache(store.as_ref(), now);
    let mut reports: Vec<(usize, SyncReport)> = Vec::new();
    for later in [false, true] {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, source) in sources.iter().enumerate() {
            if source.reads_others() != later {
                continue;
            }
            let source = source.clone();
            let store = store.clone();
            tasks.spawn(async move {
                let run = Run {
                    backfill,
                    failures: 0,
                    now,
                    jitter: 1.0,
                    held: None,
                    limit: limit.as_ref(),
                };
                let report = sync_and_log(source.as_ref(), &store, run).await.0;
                (i, report)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(report) => reports.push(report),
                Err(error) => tracing::error!(%error, "a sync task ended abnormally"),
            }
        }
    }
    reports.sort_by_key(|(i, _)| *i);
    reports.into_iter().map(|(_, r)| r).collect()
}

/// One round, from synchronous code (the `report` command), within `limit` in all.
pub fn sync_all_blocking(
    sources: &[Arc<dyn Source>],
    store: &Arc<dyn Store>,
    backfill: chrono::Duration,
    now: Timestamp,
    limit: Option<Duration>,
) -> Result<Vec<SyncReport>, std::io::Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok(runtime.block_on(sync_all(sources, store, backfill, now, limit)))
}

/// A running poller: ask it to refresh now; [`stop`](PollerHandle::stop) it gracefully. Dropping
/// it asks it to stop without waiting.
pub struct PollerHandle {
    refresh: Arc<Notify>,
    stop: Arc<Notify>,
    thread: Option<JoinHandle<()>>,
}

impl PollerHandle {
    /// Every source syncs now (a source mid-sync finishes first, then runs again).
    pub fn refresh(&self) {
        self.refresh.notify_waiters();
    }

    /// Stops every source's task at its next await point and waits until all have stopped: a
    /// commit in progress completes, an HTTP request in flight is dropped. Returns once nothing
    /// of the poller runs any more.
    pub fn stop(mut self) {
        // A stored permit: the poller's thread may not have reached its wait yet.
        self.stop.notify_one();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the poller's thread ended abnormally");
        }
    }
}

impl Drop for PollerHandle {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

/// Where a running poller sends each sync's outcome; false when nobody listens any more (the
/// poller then stops).
pub type ReportSink = Arc<dyn Fn(SyncReport) -> bool + Send + Sync>;

/// Starts polling on a thread of its own; `reports` receives every sync's outcome. With
/// `fixed_now` (a fixed clock, `--now`) every sync runs at that time. On a store that
/// processes share (`Store::leases`), `me` takes part in splitting the sources: this poller
/// polls only those it holds the lease of.
pub fn spawn(
    sources: Vec<Arc<dyn Source>>,
    store: Arc<dyn Store>,
    backfill: chrono::Duration,
    reports: ReportSink,
    fixed_now: Option<Timestamp>,
    me: Member,
) -> Result<PollerHandle, std::io::Error> {
    let sharing = Sharing::new(me, &sources, &store);
    let keeper = sharing.as_ref().map(Sharing::start_keeper).transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("flowdeck-poller")
        .enable_all()
        .build()?;
    let refresh = Arc::new(Notify::new());
    let stop = Arc::new(Notify::new());
    let stopping = stop.clone();
    let refreshing = refresh.clone();
    let thread = std::thread::Builder::new()
        .name("flowdeck-poller".into())
        .spawn(move || {
            let (refresh, stop) = (refreshing, stopping);
            runtime.block_on(async move {
                prune_etag_cache(store.as_ref(), fixed_now.unwrap_or_else(Utc::now));
                let mut tasks = tokio::task::JoinSet::new();
                for source in sources {
                    tasks.spawn(poll_forever(
                        source,
                        store.clone(),
                        backfill,
                        reports.clone(),
                        refresh.clone(),
                        fixed_now,
                        sharing.clone(),
                    ));
                }
                stop.notified().await;
                tasks.abort_all();
                // Waits for each task to stop: one inside a commit finishes it first.
                while tasks.join_next().await.is_some() {}
                // Then the leases are given back, so the others take over at once.
                if let Some(keeper) = keeper {
                    keeper.stop();
                }
                tracing::info!("poller stopped");
            });
        })?;
    Ok(PollerHandle {
        refresh,
        stop,
        thread: Some(thread),
    })
}

/// One source's loop: sync, wait its interval (± 10% jitter, so sources sharing a host do not
/// fire together) or until a refresh, repeat.
async fn poll_forever(
    source: Arc<dyn Source>,
    store: Arc<dyn Store>,
    backfill: chrono::Duration,
    reports: ReportSink,
    refresh: Arc<Notify>,
    fixed_now: Option<Timestamp>,
    sharing: Option<Arc<Sharing>>,
) {
    let seed = source
        .name()
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ Utc::now().timestamp() as u64);
    let mut failures = 0u32;
    let mut last_generation = None;
    loop {
        let lease = match &sharing {
            Some(sharing) => sharing.take(source.name()).await,
            None => None,
        };
        if let Some(lease) = &lease
            && last_generation != Some(lease.generation)
        {
            // Taken from another collector: keep the schedule it stored.
            last_generation = Some(lease.generation);
            if fixed_now.is_none() {
                tokio::time::sleep(until_due(store.as_ref(), source.as_ref())).await;
            }
        }
        let held = sharing.as_deref().zip(lease.as_ref());
        let now = fixed_now.unwrap_or_else(Utc::now);
        let jitter = rng.random_range(0.9..1.1);
        let run = Run {
            backfill,
            failures,
            now,
            jitter,
            held,
            limit: None,
        };
        let (report, wait) = sync_and_log(source.as_ref(), &store, run).await;
        if let Some(sharing) = &sharing {
            sharing.done(source.name());
        }
        failures = match report {
            SyncReport::Synced { .. } => 0,
            SyncReport::Failed { .. } => failures.saturating_add(1),
        };
        if !reports(report) {
            return;
        }
        let taken = async {
            match &sharing {
                Some(sharing) => sharing.taken(source.name()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = refresh.notified() => {}
            // Handed over and taken back while waiting: the loop's top keeps the schedule.
            () = taken => {}
        }
    }
}

/// How long until the poll a source's stored status says is due (its last holder's
/// schedule), at most its interval; zero when due or unknown.
fn until_due(store: &dyn Store, source: &dyn Source) -> Duration {
    previous_status(store, source.name())
        .and_then(|status| status.next_retry_at)
        .and_then(|due| (due - Utc::now()).to_std().ok())
        .map_or(Duration::ZERO, |wait| wait.min(source.interval()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::live::{BoxFuture, ProbeReport};
    use flowdeck_core::model::EventSet;
    use flowdeck_store::{CachedResponse, SqliteStore, StoreError};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A source that finds nothing, at once.
    struct Nothing;

    impl Source for Nothing {
        fn name(&self) -> &str {
            "nothing"
        }
        fn kind(&self) -> &'static str {
            "test"
        }
        fn interval(&self) -> Duration {
            Duration::from_secs(3_600)
        }
        fn sync<'a>(
            &'a self,
            _: &'a SyncContext,
        ) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
            Box::pin(async { Ok(SyncOutcome::default()) })
        }
        fn probe<'a>(
            &'a self,
            _: &'a SyncContext,
        ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
            Box::pin(async { Ok(String::new()) })
        }
    }

    /// A store whose commits take a while, saying when one started and when it finished.
    struct SlowCommits {
        inner: SqliteStore,
        started: AtomicBool,
        finished: AtomicBool,
    }

    impl Store for SlowCommits {
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
            self.started.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            let count = self.inner.commit_sync(source, events, watermarks, status);
            self.finished.store(true, Ordering::SeqCst);
            count
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
    }

    #[test]
    fn stop_lets_a_commit_in_progress_finish() {
        let store = Arc::new(SlowCommits {
            inner: SqliteStore::in_memory().unwrap(),
            started: AtomicBool::new(false),
            finished: AtomicBool::new(false),
        });
        let poller = spawn(
            vec![Arc::new(Nothing) as Arc<dyn Source>],
            store.clone(),
            chrono::Duration::days(1),
            Arc::new(|_| true),
            None,
            member("test"),
        )
        .unwrap();
        while !store.started.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        // Asked to stop mid-commit: stop returns only once the commit is done, and it is.
        poller.stop();
        assert!(store.finished.load(Ordering::SeqCst));
        let statuses = store.statuses().unwrap();
        assert_eq!(statuses.len(), 1);
        assert_eq!(statuses[0].status, "ok");
    }

    #[test]
    fn a_poller_stopped_before_it_waits_still_stops() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
        let poller = spawn(
            Vec::new(),
            store,
            chrono::Duration::days(1),
            Arc::new(|_| true),
            None,
            member("test"),
        )
        .unwrap();
        // No source, so the supervisor goes straight to its wait; the stop may come first.
        poller.stop();
    }

    #[test]
    fn retries_double_from_thirty_seconds_up_to_the_interval() {
        let transient = SourceError::Transient("timeout".into());
        let config = SourceError::Config("401".into());
        let interval = Duration::from_secs(300);
        let now = Utc::now();
        assert_eq!(
            retry_delay(&transient, 0, interval, now),
            Duration::from_secs(30)
        );
        assert_eq!(
            retry_delay(&transient, 2, interval, now),
            Duration::from_secs(120)
        );
        assert_eq!(retry_delay(&transient, 9, interval, now), interval);
        assert_eq!(retry_delay(&config, 0, interval, now), interval);
    }

    #[test]
    fn a_rate_limit_waits_until_its_reset_even_past_the_interval() {
        let now: Timestamp = "2026-03-31T00:00:00Z".parse().unwrap_or_default();
        let limited = SourceError::RateLimited {
            message: "rate limited".into(),
            until: now + chrono::Duration::minutes(40),
        };
        assert_eq!(
            retry_delay(&limited, 0, Duration::from_secs(60), now),
            Duration::from_secs(40 * 60)
        );
        let past = SourceError::RateLimited {
            message: "rate limited".into(),
            until: now - chrono::Duration::minutes(1),
        };
        assert_eq!(
            retry_delay(&past, 3, Duration::from_secs(60), now),
            Duration::from_secs(1)
        );
    }
}
