//! The polled part of a run: the store the config names, the sources polled into it, and what
//! the store holds turned into events and status lines. Only opened when the config has polled
//! sources (GitHub, GitLab, Prometheus, PagerDuty, Opsgenie), when `collect` reads git sources
//! into it, or when a git-only run finds a store a collector may have filled (a PostgreSQL one,
//! or a SQLite file that exists): a git-only or demo run never creates a data folder.

use std::sync::Arc;

use super::CommandError;
use super::context::Context;
use crate::config::schema::General;
use crate::model::{EventSet, Timestamp};
use crate::poller::{self, SyncReport};
use crate::sources::live::Source;
use crate::sources::{registry, shipped};
use crate::status::{SourceState, SourceStatus};
use crate::store::{OpenError, OpenOptions, Store, StoreError, StoreLocation, StoredStatus};

/// How a polled source with no stored status yet is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYetSynced {
    /// A poller is running: its first sync is on the way (the dashboard).
    Syncing,
    /// Nothing will sync it in this run (`report --offline`, or its sync failed before any
    /// status could be stored).
    Missing,
    /// This run reads a store another process keeps current (`flowdeck collect`), and that
    /// process has not synced the source yet.
    Collector,
}

impl NotYetSynced {
    /// How a run that reads the store without polling shows a source not synced yet.
    pub fn when_reading(polling: bool, offline: bool) -> NotYetSynced {
        match (polling, offline) {
            (true, false) => NotYetSynced::Syncing,
            (false, false) => NotYetSynced::Collector,
            (_, true) => NotYetSynced::Missing,
        }
    }
}

/// Whether a run writes to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writes {
    /// When it polls (`should_poll`).
    IfPolling,
    /// Always (`collect`).
    Always,
}

pub struct Live {
    pub store: Arc<dyn Store>,
    /// The sources this run polls: empty for a run that only reads the store, which never
    /// looks at a token.
    pub sources: Vec<Arc<dyn Source>>,
    /// Every polled source of the config (name, kind), in config order: what the status
    /// lines are about, whether or not this run polls them.
    listed: Vec<(String, String)>,
    /// Configured sources that could not be set up, with the reason.
    broken: Vec<SourceStatus>,
    /// The services whose sha-only deployments get their commits from a forge's stored
    /// compares (docs/METRICS.md#deployments-that-name-only-a-sha).
    compared: Vec<shipped::compared::Fallback>,
    pub backfill: chrono::Duration,
    /// The HTTP client the sources share: its request counts and rate limits feed the
    /// report's progress line.
    pub http: crate::sources::http::HttpClient,
}

impl Live {
    /// Opens the store and sets up the polled sources; None when the config polls nothing.
    /// A store that cannot be used (locked, damaged, newer) stops the command: nothing is
    /// replaced or written around it.
    pub fn open(ctx: &Context) -> Result<Option<Live>, CommandError> {
        Live::open_for(ctx, Writes::IfPolling)
    }

    /// `open` for a run that syncs whatever the config says (`collect`).
    pub fn open_collecting(ctx: &Context) -> Result<Option<Live>, CommandError> {
        Live::open_for(ctx, Writes::Always)
    }

    fn open_for(ctx: &Context, writes: Writes) -> Result<Option<Live>, CommandError> {
        let opens = match writes {
            Writes::IfPolling => uses_store(ctx),
            Writes::Always => collects_anything(ctx),
        };
        if !opens {
            return Ok(None);
        }
        let store = open_store(ctx)?;
        let polling =
            writes == Writes::Always || should_poll(ctx.loaded.config.general.poll, store.as_ref());
        if !polling {
            // A reader beside a collector sends no request, so it needs no credentials: a
            // teammate reads the shared store without any source's token.
            return Live::reading(ctx, store).map(Some);
        }
        // A store this run cannot write would fail every sync, while its status (not
        // writable either) kept saying "ok".
        store
            .check_writable()
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
        let mut live = Live::with_store(ctx, store)?;
        if writes == Writes::Always {
            // The collector reads the clones too, so readers of its store need none.
            live.sources.extend(registry::collected_git(
                &ctx.loaded.config,
                &ctx.loaded.base_dir,
            ));
        }
        Ok(Some(live))
    }

    /// Sets up the polled sources around a store already open (tokens are read here).
    pub fn with_store(ctx: &Context, store: Arc<dyn Store>) -> Result<Live, CommandError> {
        let config = &ctx.loaded.config;
        let http = registry::http_client(store.clone())
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
        let polled = registry::build(config, &ctx.loaded.base_dir, &http);
        Ok(Live {
            store,
            sources: polled.sources,
            listed: listed(ctx),
            broken: polled.broken,
            compared: shipped::compared::fallbacks(config),
            backfill: config.general.backfill.as_chrono(),
            http,
        })
    }

    /// A run that only reads what the store holds: no source is set up, no token read.
    pub fn reading(ctx: &Context, store: Arc<dyn Store>) -> Result<Live, CommandError> {
        // The client sends nothing here; it is built so a reader and a poller look alike.
        let http = registry::http_client(store.clone())
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
        Ok(Live {
            http,
            store,
            sources: Vec::new(),
            listed: listed(ctx),
            broken: Vec::new(),
            compared: shipped::compared::fallbacks(&ctx.loaded.config),
            backfill: ctx.loaded.config.general.backfill.as_chrono(),
        })
    }

    /// Configured sources that could not be set up, with the reason.
    pub fn broken(&self) -> &[SourceStatus] {
        &self.broken
    }

    /// Whether this run polls the sources itself, or reads what another process (a
    /// `flowdeck collect`) keeps writing: see [`should_poll`].
    pub fn should_poll(&self, ctx: &Context) -> bool {
        should_poll(ctx.loaded.config.general.poll, self.store.as_ref())
    }

    /// Whether the store announces commits made by other processes (a PostgreSQL store's
    /// change feed, a SQLite file's data version): a reader that polls its sources itself
    /// still follows the store then, so pushes (`flowdeck ingest`, `serve --ingest`) in
    /// another process show up without a reload.
    pub fn announces_commits(&self) -> bool {
        matches!(self.store.subscribe(), Ok(Some(_)))
    }

    /// Syncs every source once at `now`, within `limit` in all, each failure logged and kept
    /// in its status (a sync cut at the limit stores nothing and fails as stale).
    pub fn sync_round(
        &self,
        now: Timestamp,
        limit: Option<std::time::Duration>,
    ) -> Result<Vec<SyncReport>, CommandError> {
        let reports =
            poller::sync_all_blocking(&self.sources, &self.store, self.backfill, now, limit)
                .map_err(|e| {
                    CommandError::Runtime(
                        anyhow::Error::new(e).context("could not start the poller"),
                    )
                })?;
        Ok(reports)
    }

    /// Everything stored, and one status line per polled source (config order). Deployments
    /// that name only a sha get their commits from the stored compares of the service's
    /// GitHub or GitLab source, when it has no git source (what is missing is said on the
    /// status lines of the sources that found them).
    pub fn read(&self, not_yet: NotYetSynced) -> Result<(EventSet, Vec<SourceStatus>), StoreError> {
        let mut events = self.store.load()?;
        let notes = shipped::compared::apply(&self.compared, self.store.as_ref(), &mut events)?;
        let mut statuses = self.statuses(not_yet)?;
        for note in &notes {
            if let Some(fallback) = self.compared.iter().find(|f| f.service == note.service) {
                shipped::annotate_named(&fallback.shown_on, note, &mut statuses);
            }
        }
        Ok((events, statuses))
    }

    /// What `Context::history` takes: `read`, with a store failure as a runtime error.
    pub fn read_stored(
        live: Option<&Live>,
        not_yet: NotYetSynced,
    ) -> Result<Option<(EventSet, Vec<SourceStatus>)>, CommandError> {
        live.map(|live| live.read(not_yet))
            .transpose()
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))
    }

    /// One status line per polled source (config order), as the store has them now.
    pub fn statuses(&self, not_yet: NotYetSynced) -> Result<Vec<SourceStatus>, StoreError> {
        let stored = self.store.statuses()?;
        let mut statuses: Vec<SourceStatus> = self
            .listed
            .iter()
            .map(|(name, kind)| {
                if let Some(broken) = self.broken.iter().find(|b| &b.name == name) {
                    return broken.clone();
                }
                match stored.iter().find(|s| &s.name == name) {
                    Some(status) => from_stored(status),
                    None => waiting(name, kind, not_yet),
                }
            })
            .collect();
        // A git source a collector reads into this store: its line, for a run whose clone is
        // missing (`Context::history` prefers a clone it can read).
        let collected_git: Vec<SourceStatus> = stored
            .iter()
            .filter(|s| s.kind == git_kind() && !statuses.iter().any(|l| l.name == s.name))
            .map(from_stored)
            .collect();
        statuses.extend(collected_git);
        // On a store collectors share: who polls each source now.
        if let Some(holders) = super::holders::read(self.store.as_ref()) {
            for status in &mut statuses {
                status.collector = super::holders::polling(&holders, &status.name);
            }
        }
        Ok(statuses)
    }
}

/// Whether a run polls the sources itself: as `[general] poll` says when it is set; else only
/// on a store nobody else keeps current (the embedded SQLite one). A shared store is fed by
/// `flowdeck collect`, so the dashboard, `report` and `serve` read it instead of spending the
/// sources' rate limits a second time.
pub fn should_poll(setting: Option<bool>, store: &dyn Store) -> bool {
    setting.unwrap_or(!store.is_shared())
}

/// Every polled source of the config as (name, kind), in config order.
fn listed(ctx: &Context) -> Vec<(String, String)> {
    ctx.loaded
        .config
        .sources
        .iter()
        .filter(|source| registry::is_polled(source))
        .map(|source| (source.display_name(), source.kind().to_string()))
        .collect()
}

/// Whether the run has polled sources (and so a store).
pub fn polls_anything(ctx: &Context) -> bool {
    !ctx.demo && ctx.loaded.config.sources.iter().any(registry::is_polled)
}

/// Whether `collect` has anything to read into the store: any source, git ones included.
pub fn collects_anything(ctx: &Context) -> bool {
    !ctx.demo && !ctx.loaded.config.sources.is_empty()
}

/// Whether a reading run (dashboard, report, serve) opens the store: it polls, or it has git
/// sources and a store a collector may have filled with them (a shared server, or a SQLite
/// file that already exists; a git-only run never creates one).
pub fn uses_store(ctx: &Context) -> bool {
    polls_anything(ctx)
        || (!ctx.demo && may_hold_collected_git(&ctx.loaded.config, &ctx.loaded.base_dir))
}

/// The config has git sources and names a store that exists or is shared.
pub fn may_hold_collected_git(config: &crate::config::Config, base_dir: &std::path::Path) -> bool {
    let has_git = config.sources.iter().any(|s| s.kind() == git_kind());
    has_git
        && match StoreLocation::parse(&config.general.store, base_dir) {
            Ok(StoreLocation::Postgres(_)) => true,
            Ok(StoreLocation::Sqlite(path)) => path.is_file(),
            Err(_) => false,
        }
}

fn git_kind() -> &'static str {
    crate::sources::git::collected::KIND
}

/// The store `[general] store` names. A bad setting is a config error (exit 2); a store that
/// cannot be opened is a runtime one (exit 1).
pub fn open_store(ctx: &Context) -> Result<Arc<dyn Store>, CommandError> {
    let config = &ctx.loaded.config;
    let location = StoreLocation::parse(&config.general.store, &ctx.loaded.base_dir)
        .map_err(|e| CommandError::Usage(format!("[general] {e}")))?;
    location
        .open_with(&open_options(&config.general))
        .map_err(|e| match e {
            OpenError::Locate(e) => CommandError::Usage(format!("[general] {e}")),
            OpenError::Store(e) => CommandError::Runtime(anyhow::Error::msg(e.to_string())),
        })
}

/// The store for messages and logs: a SQLite file's path, or just "postgres" (the URL may hold
/// a password).
pub fn describe(location: &StoreLocation) -> String {
    match location {
        StoreLocation::Sqlite(path) => path.display().to_string(),
        StoreLocation::Postgres(url) => match crate::store::postgres::server_label(url) {
            Some(server) => format!("postgres {server}"),
            None => "postgres".into(),
        },
    }
}

/// What opening the store needs from `[general]` besides `store`.
fn open_options(general: &General) -> OpenOptions {
    OpenOptions {
        password_env: general.store_password_env.clone(),
    }
}

pub(crate) fn from_stored(status: &StoredStatus) -> SourceStatus {
    SourceStatus {
        name: status.name.clone(),
        kind: status.kind.clone(),
        status: SourceState::parse(&status.status),
        last_success_at: status.last_success_at,
        error: status.error.clone(),
        covers_from: status.covers_from,
        collector: None,
    }
}

fn waiting(name: &str, kind: &str, not_yet: NotYetSynced) -> SourceStatus {
    let (status, error) = match not_yet {
        NotYetSynced::Syncing => (SourceState::Syncing, None),
        NotYetSynced::Missing => (
            SourceState::Error,
            Some(
                "never synced: run `flowdeck report` without --offline, or the dashboard"
                    .to_string(),
            ),
        ),
        NotYetSynced::Collector => (
            SourceState::Error,
            Some(
                "never synced: no `flowdeck collect` has synced it into this store yet (or set [general] poll = true)"
                    .to_string(),
            ),
        ),
    };
    SourceStatus {
        name: name.to_string(),
        kind: kind.to_string(),
        status,
        last_success_at: None,
        error,
        covers_from: None,
        collector: None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::{CachedResponse, SqliteStore, UpsertCount};

    #[test]
    fn open_options_come_from_general() {
        let general = General {
            store_password_env: Some("FLOWDECK_DB_PASSWORD".into()),
            ..General::default()
        };
        assert_eq!(
            open_options(&general).password_env.as_deref(),
            Some("FLOWDECK_DB_PASSWORD")
        );
        assert_eq!(open_options(&General::default()), OpenOptions::default());
    }

    /// An embedded store that says it is shared, as a server-backed one does.
    struct Shared(SqliteStore);

    impl Store for Shared {
        fn load(&self) -> Result<EventSet, StoreError> {
            self.0.load()
        }
        fn commit_sync(
            &self,
            source: &str,
            events: &EventSet,
            watermarks: &[(String, String)],
            status: &StoredStatus,
        ) -> Result<UpsertCount, StoreError> {
            self.0.commit_sync(source, events, watermarks, status)
        }
        fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
            self.0.put_status(status)
        }
        fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
            self.0.statuses()
        }
        fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
            self.0.watermark(source, key)
        }
        fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
            self.0.cached_response(url)
        }
        fn put_cached_response(
            &self,
            url: &str,
            response: &CachedResponse,
        ) -> Result<(), StoreError> {
            self.0.put_cached_response(url, response)
        }
        fn is_shared(&self) -> bool {
            true
        }
    }

    #[test]
    fn an_embedded_store_is_polled_and_a_shared_one_read_unless_the_config_says() {
        let embedded = SqliteStore::in_memory().unwrap();
        let shared = Shared(SqliteStore::in_memory().unwrap());
        assert!(should_poll(None, &embedded));
        assert!(!should_poll(None, &shared));
        assert!(should_poll(Some(true), &shared));
        assert!(!should_poll(Some(false), &embedded));
        assert!(should_poll(Some(true), &embedded));
        assert!(!should_poll(Some(false), &shared));
    }
}
