//! Sources that are polled over the network and remembered in the store (GitHub, GitLab,
//! Prometheus, PagerDuty, Opsgenie). Each turns provider pages into model events; the poller runs
//! them, one request chain at a time per source, and commits what they return.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::SourceError;
use flowdeck_core::model::{EventSet, Timestamp};
use flowdeck_store::Store;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a sync may read: the store (its own watermarks and what it stored before), the time,
/// and how far back a first sync reaches.
pub struct SyncContext {
    pub store: Arc<dyn Store>,
    pub now: Timestamp,
    /// The first sync backfills this far (plus one older deployment, for a predecessor).
    pub backfill: chrono::Duration,
    /// The lease the sync runs under on a shared store: what the sync commits in parts while
    /// it runs (`Round::commit_part`) is fenced by it, as the poller's final commit is.
    pub lease: Option<flowdeck_store::Lease>,
}

/// What one sync found.
#[derive(Debug, Clone, Default)]
pub struct SyncOutcome {
    /// New and changed events (upserted by stable id; unchanged ones may be included).
    pub events: EventSet,
    /// Events to remove, atomically with the rest (`"deleted": true` lines of a followed file).
    pub removals: Vec<flowdeck_core::events::EventKey>,
    /// Watermarks to store with the events, atomically (e.g. "deployments" → newest id).
    pub watermarks: Vec<(String, String)>,
    /// Data is complete from this time on (the backfill horizon); None for all history.
    pub covers_from: Option<Timestamp>,
    /// What this sync could not read although its events are good (Prometheus without its
    /// Alertmanager): shown on the source's status line. None when it read everything.
    pub degraded: Option<String>,
    /// What the sync already committed in parts while it ran (a long backfill commits its
    /// pages as they come, `polled::Round::commit_part`): added to what the final commit
    /// counts, so the report of the sync says everything it wrote.
    pub committed: flowdeck_store::UpsertCount,
}

/// What `check` found when it probed a source: one line for people.
pub type ProbeReport = String;

/// A polled source.
pub trait Source: Send + Sync {
    /// The name it is shown and stored under, e.g. "github:acme/api".
    fn name(&self) -> &str;

    fn kind(&self) -> &'static str;

    /// How often it is polled.
    fn interval(&self) -> std::time::Duration;

    /// Reads what is new since the watermarks in the store (everything within the backfill
    /// on a first sync).
    fn sync<'a>(&'a self, ctx: &'a SyncContext) -> BoxFuture<'a, Result<SyncOutcome, SourceError>>;

    /// Reachable, authenticated (without showing the token), the rate-limit budget left, how
    /// much it finds.
    fn probe<'a>(&'a self, ctx: &'a SyncContext)
    -> BoxFuture<'a, Result<ProbeReport, SourceError>>;

    /// Whether its sync reads what other sources stored (a forge comparing other sources'
    /// deployments, `shipped::compared`), so a round syncs it after the others.
    fn reads_others(&self) -> bool {
        false
    }
}
