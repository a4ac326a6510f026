//! The event history between runs: events upserted by stable id (polling the same page twice
//! changes nothing), watermarks for incremental polling, the ETag cache of the HTTP layer, and
//! each source's last status. SQLite is the embedded default; PostgreSQL is the shared
//! server-backed store (one collector writing, any number of dashboards reading), behind the
//! same trait.

mod codec;
mod compares;
pub mod derived;
pub mod lease;
mod locate;
mod notified;
pub mod postgres;
mod shape;
pub mod sqlite;
pub mod watch;

pub use codec::canonical_order;
pub use compares::StoredCompare;
pub use lease::{Holder, Lease, Leases, Member};
pub use locate::{OpenError, OpenOptions, StoreLocation};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventSet, Timestamp};

/// A cached HTTP response for conditional requests (If-None-Match; a 304 reuses the body).
/// The largest response body the ETag cache keeps: a larger page is fetched unconditionally
/// each time rather than kept (40 pages of 30 MB once wrote 598 MB into the store).
pub const ETAG_CACHE_MAX_BODY: usize = 4 * 1024 * 1024;

/// The most body bytes the ETag cache holds in all: past it, the responses fetched longest
/// ago are dropped first. SQLite reuses the freed pages, so the file stops growing there.
pub const ETAG_CACHE_MAX_TOTAL: i64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedResponse {
    pub etag: String,
    pub body: Vec<u8>,
    /// rel="next" of the cached page, so a 304 can still page on.
    pub next: Option<String>,
    pub fetched_at: Timestamp,
}

/// How a source fared last, persisted so the dashboard can show "stale since" after a restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredStatus {
    pub name: String,
    pub kind: String,
    pub status: String,
    pub last_success_at: Option<Timestamp>,
    pub error: Option<String>,
    pub covers_from: Option<Timestamp>,
    /// When the next poll is due (shown by `check` and the dashboard).
    pub next_retry_at: Option<Timestamp>,
}

/// What one sync of one source wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCount {
    /// Events that did not exist before.
    pub inserted: u64,
    /// Events whose stored form changed.
    pub updated: u64,
    /// Events sent again exactly as stored (no write).
    pub unchanged: u64,
}

/// What one batch of ingested events wrote ([`Store::commit_batch`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCount {
    pub upserts: UpsertCount,
    /// Stored events the batch removed (a removal of an event not stored counts nothing).
    pub removed: u64,
}

/// The last state notified for one item: ("deployment", "github:acme/api:7", "failed").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    pub kind: String,
    pub item: String,
    pub state: String,
}

/// Which state of the events a store is in: changed, in the same transaction, by every commit
/// that changed an event, so equal generations mean equal events. A derived history stamped
/// with one ([`Generation::stamp`]) describes the store exactly while the store's is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The schema version the store is at (a migration may change what events mean).
    pub schema: i64,
    /// How many commits changed events (for people reading logs; the token decides).
    pub counter: i64,
    /// Random bytes drawn again by every such commit: two copies of one store that went apart
    /// never share them.
    pub token: Vec<u8>,
}

impl Generation {
    /// The bytes that identify this generation.
    pub fn stamp(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.token.len());
        out.extend_from_slice(&self.schema.to_le_bytes());
        out.extend_from_slice(&self.counter.to_le_bytes());
        out.extend_from_slice(&self.token);
        out
    }
}

/// Why the history cannot be read or written. None of these is ever "fixed" by replacing the
/// database: a corrupt or locked file is reported and left alone.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the history database {path} is locked by another process (another flowdeck?); close it or wait, then retry"
    )]
    Locked { path: PathBuf },
    #[error(
        "the history database {path} is damaged ({detail}); it was left untouched: move it aside to start a new history"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the history database {path} was written by a newer flowdeck (schema version {found}, this one knows up to {known}); upgrade flowdeck"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot open the history database {path}: {detail}")]
    Open { path: PathBuf, detail: String },
    /// A history server (PostgreSQL) that cannot be reached or dropped the connection:
    /// `server` is `user@host:port/database`, never the password.
    #[error("cannot reach the history server {server}: {detail}")]
    Unreachable { server: String, detail: String },
    /// A history server that refused the login (wrong password, unknown role, no pg_hba
    /// entry): retrying with the same settings cannot help.
    #[error("the history server {server} refused the login: {detail}")]
    LoginRefused { server: String, detail: String },
    #[error("the history database failed: {0}")]
    Io(String),
    #[error("a stored event could not be read back ({0}); the history database may be damaged")]
    Decode(String),
    /// A write for a source whose lease this collector no longer holds (it was paused or cut
    /// off past the lease, and another collector took the source): nothing was stored.
    #[error(
        "the lease of {name} was taken over by collector {holder}; this collector's write was not stored"
    )]
    LeaseLost { name: String, holder: String },
}

impl StoreError {
    /// Whether trying again later can succeed (a lock is released, a server comes back;
    /// damage or a refused login does not go away).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::Locked { .. } | StoreError::Io(_) | StoreError::Unreachable { .. }
        )
    }
}

/// A commit to a shared store, as another process (or this one) announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChange {
    /// The source whose sync was committed.
    pub source: String,
}

/// Announcements of commits to a store shared by several processes (PostgreSQL LISTEN/NOTIFY):
/// how a dashboard reading a collector's store learns of new events without polling sources.
pub trait ChangeFeed: Send {
    /// Waits up to `timeout` for the next commit that inserted or updated events. `Ok(None)`:
    /// nothing within the timeout. `Err`: the feed is broken (the connection dropped); the
    /// caller falls back to periodic reads and may subscribe again later.
    fn wait(&mut self, timeout: Duration) -> Result<Option<StoreChange>, StoreError>;
}

/// The history, however it is kept.
///
/// Semantics every implementation keeps (see `codec`, which they share): events are keyed by
/// (kind, id) and stored as their JSON body; an upsert whose body equals the stored one writes
/// nothing and counts as unchanged; nothing is ever deleted by a sync (only a batch's explicit removals, `commit_batch`); `load` returns the
/// canonical order of [`codec::canonical_order`].
pub trait Store: Send + Sync {
    /// Everything stored, as one history, in the canonical order (services by name;
    /// deployments by finished_at then id; pull requests by created_at, service, number; runs
    /// by created_at then id; incidents by started_at then id).
    fn load(&self) -> Result<EventSet, StoreError>;

    /// [`Store::load`], with the generation of the very snapshot the events were read from
    /// (None: this store keeps no generation, so nothing derived from it is kept either).
    fn load_stamped(&self) -> Result<(EventSet, Option<Generation>), StoreError> {
        self.load().map(|events| (events, None))
    }

    /// The store's generation now (None: it keeps none).
    fn generation(&self) -> Result<Option<Generation>, StoreError> {
        Ok(None)
    }

    /// Where a derived history of this store may be kept (`derived`): beside a store file;
    /// None for a store in memory or on a server.
    fn derived_cache_path(&self) -> Option<PathBuf> {
        None
    }

    /// One sync's results, atomically: the events (upserted by stable id: deployments by id,
    /// with their changes; pull requests by (service, number); pipeline runs by id; incidents
    /// by id; services by name), the source's new watermarks, and its status. Either all of it
    /// is stored or none of it.
    fn commit_sync(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
        status: &StoredStatus,
    ) -> Result<UpsertCount, StoreError>;

    /// One batch of `flowdeck.events/v1` events (`flowdeck ingest`, a push, a followed file),
    /// atomically, as `commit_sync` stores a sync: the upserts, the removals (`"deleted":
    /// true`: the events with those keys are deleted), the source's watermarks and, when given,
    /// its status. The batch holds each key once (`events::parse` makes it so), so the order of
    /// upserts and removals does not matter. Either all of it is stored or none of it.
    fn commit_batch(
        &self,
        source: &str,
        events: &EventSet,
        removals: &[EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<BatchCount, StoreError> {
        // Real stores implement it; a test double that keeps only syncs can still take a
        // batch without removals that carries a status.
        match status {
            Some(status) if removals.is_empty() => self
                .commit_sync(source, events, watermarks, status)
                .map(|upserts| BatchCount {
                    upserts,
                    removed: 0,
                }),
            _ => Err(StoreError::Io(
                "this store cannot take a batch of events with removals or without a status".into(),
            )),
        }
    }

    /// The stored events with these keys (a key not stored is left out), for a caller that
    /// merges one item into what is stored (a webhook delivery). The default reads the whole
    /// history; SQLite reads only the rows asked for.
    fn events_with_keys(&self, keys: &[EventKey]) -> Result<EventSet, StoreError> {
        let wanted: std::collections::HashSet<(flowdeck_core::model::EventKind, &str)> =
            keys.iter().map(|k| (k.kind, k.id.as_str())).collect();
        let mut all = self.load()?;
        use flowdeck_core::model::EventKind as K;
        all.services
            .retain(|s| wanted.contains(&(K::Service, s.name.as_str())));
        all.deployments
            .retain(|d| wanted.contains(&(K::Deployment, d.id.as_str())));
        all.pull_requests.retain(|p| {
            let id = codec::pull_request_id(&p.service, p.number);
            wanted.contains(&(K::PullRequest, id.as_str()))
        });
        all.pipeline_runs
            .retain(|r| wanted.contains(&(K::PipelineRun, r.id.as_str())));
        all.incidents
            .retain(|i| wanted.contains(&(K::Incident, i.id.as_str())));
        Ok(all)
    }

    /// Records a failed sync's status without touching its events or watermarks.
    fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError>;

    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError>;

    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError>;

    /// Deletes `source`'s watermarks whose key starts with `prefix` and whose value sorts
    /// before `before`, returning how many: how the webhook routes forget delivery ids once no
    /// provider would deliver them again. The default (test doubles) forgets nothing.
    fn forget_watermarks(
        &self,
        source: &str,
        prefix: &str,
        before: &str,
    ) -> Result<u64, StoreError> {
        let _ = (source, prefix, before);
        Ok(0)
    }

    fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError>;

    /// Keeps `response` for `url`, within the cache's bounds: a body over
    /// [`ETAG_CACHE_MAX_BODY`] is not kept (and the URL's older entry dropped), and past
    /// [`ETAG_CACHE_MAX_TOTAL`] the oldest entries go.
    fn put_cached_response(&self, url: &str, response: &CachedResponse) -> Result<(), StoreError>;

    /// Drops cached responses fetched before `fetched_before`, returning how many. URLs with
    /// a moving `since=` parameter never repeat, so without pruning the cache only grows. The
    /// default prunes nothing (test doubles); real stores implement it.
    fn prune_cached_responses(&self, fetched_before: Timestamp) -> Result<u64, StoreError> {
        let _ = fetched_before;
        Ok(0)
    }

    /// What a forge said about `base...head` in the repository `scope` (the `compares`
    /// table), if it was asked before. The default (test doubles) keeps nothing.
    fn compare(
        &self,
        scope: &str,
        base: &str,
        head: &str,
    ) -> Result<Option<StoredCompare>, StoreError> {
        let _ = (scope, base, head);
        Ok(None)
    }

    /// Keeps a forge's compare of `base...head` in `scope`, outside any sync's transaction:
    /// the commits between two shas never change, so a compare kept is never asked again,
    /// whatever becomes of the sync that asked. The default (test doubles) keeps nothing.
    fn put_compare(
        &self,
        scope: &str,
        base: &str,
        head: &str,
        compare: &StoredCompare,
    ) -> Result<(), StoreError> {
        let _ = (scope, base, head, compare);
        Ok(())
    }

    /// Every item's last notified state (the `notifications` table).
    fn notified(&self) -> Result<Vec<Notified>, StoreError> {
        Ok(Vec::new())
    }

    /// Records that `kind`/`item` is now `state`, only if its stored state is still
    /// `previous` (None: never notified): a compare-and-set, so of several processes seeing
    /// one transition exactly one gets true and sends it. The default (test doubles) records
    /// nothing and always wins.
    fn mark_notified(
        &self,
        kind: &str,
        item: &str,
        previous: Option<&str>,
        state: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let _ = (kind, item, previous, state, at);
        Ok(true)
    }

    /// Subscribes to the commits of every process writing this store. `None` when the store
    /// cannot announce them (SQLite: a process learns of its own commits from its poller).
    fn subscribe(&self) -> Result<Option<Box<dyn ChangeFeed>>, StoreError> {
        Ok(None)
    }

    /// Whether this process may write what a sync writes. SQLite finds out when the file is
    /// opened (a read-only file is refused there); a server-backed store asks the server, for
    /// the runs that will sync (a reader needs no write privilege).
    fn check_writable(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// The leases collectors sharing this store split the sources with; None for a store that
    /// has a single writer (SQLite: its file lock lets one process write at a time).
    fn leases(&self) -> Option<&dyn Leases> {
        None
    }

    /// Whether other processes are expected to keep this store current (a shared server-backed
    /// store fed by a collector), so a dashboard or report reads it instead of polling the
    /// sources itself, unless `[general] poll` says otherwise.
    fn is_shared(&self) -> bool {
        false
    }
}
