//! The embedded SQLite store: one file (by default `history.sqlite` in the XDG data dir) in WAL
//! mode, schema versioned by `PRAGMA user_version` (see `migrations`).
//!
//! One connection behind a Mutex is enough here. SQLite allows one writer per file at a time
//! whatever the number of connections, and flowdeck's writes are small (one transaction per
//! sync, milliseconds); the only long operation is `load()`, done at start and after data
//! changes, during which a sync waits its turn rather than failing. Other processes (a second
//! dashboard, `report`) open their own connections: WAL lets them read while this one writes,
//! and a writer waits up to [`open::BUSY_TIMEOUT`] for another writer before `Locked`. A pool
//! would add concurrent readers inside one process, which nothing needs yet.
//!
//! Every method blocks on disk I/O; async callers run it on `spawn_blocking`.

mod cache;
mod errors;
mod events;
mod feed;
mod generation;
mod migrations;
mod open;
mod status;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::codec::EventKind;
use super::{
    BatchCount, CachedResponse, ChangeFeed, Generation, Notified, Store, StoreError, StoredCompare,
    StoredStatus, UpsertCount,
};
use errors::{Phase, mapper};
use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventSet, Timestamp};

pub use feed::{ANOTHER_PROCESS, POLL as CHANGE_POLL};
pub use migrations::LATEST as SCHEMA_VERSION;
pub use open::BUSY_TIMEOUT;

/// Where the history lives when the config does not say: `history.sqlite` in the XDG data dir
/// (`~/.local/share/flowdeck` on Linux). None when no home directory is known.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "flowdeck")
        .map(|dirs| dirs.data_dir().join("history.sqlite"))
}

/// The history in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    /// Shared with the change feed ([`feed`]), which reads the data version through it.
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the history at `path`, creating the file and its directories if missing.
    ///
    /// A file that is not a database or fails `PRAGMA quick_check` is `Corrupt`, one written by
    /// a newer flowdeck is `TooNew`, another program's database is `Open`: in each case the
    /// file is left byte for byte as it was. A file another process keeps locked past
    /// [`BUSY_TIMEOUT`] (only possible when it needs migrating) is `Locked`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = open::open_file(path)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    /// An empty history in memory, gone when dropped (tests).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = open::open_memory(&path)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    /// The file this store reads and writes (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many events of each kind are stored, without reading their bodies.
    pub fn counts(&self) -> Result<Vec<(EventKind, u64)>, StoreError> {
        events::counts(&self.conn(), &self.path)
    }

    /// The connection. A panic while it was held cannot have left a transaction open
    /// (rusqlite rolls back on drop), so a poisoned lock is still a usable connection.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for SqliteStore {
    fn load(&self) -> Result<EventSet, StoreError> {
        events::load(&self.conn(), &self.path)
    }

    fn load_stamped(&self) -> Result<(EventSet, Option<Generation>), StoreError> {
        let path = &self.path;
        let mut conn = self.conn();
        // One read transaction: the generation and the events come from the same snapshot,
        // so a commit between the two reads cannot stamp old events with its generation.
        let tx =
            conn.transaction()
                .map_err(mapper(path, Phase::Use, "starting to read the history"))?;
        let generation = generation::read(&tx, path).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the store's generation cannot be read; nothing derived is kept");
            None
        });
        let events = events::load(&tx, path)?;
        tx.commit()
            .map_err(mapper(path, Phase::Use, "finishing reading the history"))?;
        Ok((events, generation))
    }

    fn generation(&self) -> Result<Option<Generation>, StoreError> {
        generation::read(&self.conn(), &self.path)
    }

    fn derived_cache_path(&self) -> Option<PathBuf> {
        (self.path != Path::new(":memory:")).then(|| open::sibling(&self.path, ".derived"))
    }

    fn commit_sync(
        &self,
        source: &str,
        events: &EventSet,
        watermarks: &[(String, String)],
        status: &StoredStatus,
    ) -> Result<UpsertCount, StoreError> {
        self.commit_batch(source, events, &[], watermarks, Some(status))
            .map(|count| count.upserts)
    }

    fn commit_batch(
        &self,
        source: &str,
        events: &EventSet,
        removals: &[EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<BatchCount, StoreError> {
        let path = &self.path;
        let mut conn = self.conn();
        // IMMEDIATE takes the write lock up front (waiting up to the busy timeout): a deferred
        // transaction upgrading from read to write could fail at once with SQLITE_BUSY.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(mapper(path, Phase::Use, "starting to store a sync"))?;
        let upserts = events::upsert(&tx, path, source, events)?;
        let removed = events::remove(&tx, path, removals)?;
        if upserts.inserted + upserts.updated + removed > 0 {
            generation::bump(&tx, path)?;
        }
        status::put_watermarks(&tx, path, source, watermarks)?;
        if let Some(status) = status {
            status::put_status(&tx, path, status)?;
        }
        // Dropping `tx` on any error above rolls the whole sync back.
        tx.commit()
            .map_err(mapper(path, Phase::Use, "committing a sync"))?;
        Ok(BatchCount { upserts, removed })
    }

    fn events_with_keys(&self, keys: &[EventKey]) -> Result<EventSet, StoreError> {
        events::with_keys(&self.conn(), &self.path, keys)
    }

    /// Commits by other processes (`PRAGMA data_version`, see [`feed`]); none for a store in
    /// memory, which no other process can write.
    fn subscribe(&self) -> Result<Option<Box<dyn ChangeFeed>>, StoreError> {
        if self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        Ok(Some(Box::new(feed::DataVersionFeed::new(&self.conn))))
    }

    fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
        status::put_status(&self.conn(), &self.path, status)
    }

    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
        status::statuses(&self.conn(), &self.path)
    }

    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
        status::watermark(&self.conn(), &self.path, source, key)
    }

    fn forget_watermarks(
        &self,
        source: &str,
        prefix: &str,
        before: &str,
    ) -> Result<u64, StoreError> {
        status::forget_watermarks(&self.conn(), &self.path, source, prefix, before)
    }

    fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
        cache::get(&self.conn(), &self.path, url)
    }

    fn put_cached_response(&self, url: &str, response: &CachedResponse) -> Result<(), StoreError> {
        cache::put(&self.conn(), &self.path, url, response)
    }

    fn prune_cached_responses(&self, fetched_before: Timestamp) -> Result<u64, StoreError> {
        cache::prune(&self.conn(), &self.path, fetched_before)
    }

    fn compare(
        &self,
        scope: &str,
        base: &str,
        head: &str,
    ) -> Result<Option<StoredCompare>, StoreError> {
        let body: Option<String> = self
            .conn()
            .prepare_cached(crate::compares::SELECT)
            .and_then(|mut stmt| {
                stmt.query_row(rusqlite::params![scope, base, head], |row| row.get(0))
                    .optional()
            })
            .map_err(mapper(&self.path, Phase::Use, "reading a stored compare"))?;
        body.as_deref().map(StoredCompare::decode).transpose()
    }

    fn put_compare(
        &self,
        scope: &str,
        base: &str,
        head: &str,
        compare: &StoredCompare,
    ) -> Result<(), StoreError> {
        let body = compare.encode()?;
        let fetched_at = crate::codec::exact_nanos(compare.fetched_at)?;
        self.conn()
            .prepare_cached(crate::compares::UPSERT)
            .and_then(|mut stmt| {
                stmt.execute(rusqlite::params![scope, base, head, body, fetched_at])
            })
            .map(|_| ())
            .map_err(mapper(&self.path, Phase::Use, "keeping a compare"))
    }

    fn notified(&self) -> Result<Vec<Notified>, StoreError> {
        let conn = self.conn();
        conn.prepare_cached(crate::notified::SELECT)
            .and_then(|mut stmt| {
                stmt.query_map([], |row| {
                    Ok(Notified {
                        kind: row.get(0)?,
                        item: row.get(1)?,
                        state: row.get(2)?,
                    })
                })?
                .collect()
            })
            .map_err(mapper(&self.path, Phase::Use, "reading what was notified"))
    }

    fn mark_notified(
        &self,
        kind: &str,
        item: &str,
        previous: Option<&str>,
        state: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let at = crate::codec::index_nanos(at);
        let conn = self.conn();
        let changed = match previous {
            None => conn
                .prepare_cached(crate::notified::INSERT)
                .and_then(|mut stmt| stmt.execute(rusqlite::params![kind, item, state, at])),
            Some(previous) => conn
                .prepare_cached(crate::notified::UPDATE)
                .and_then(|mut stmt| {
                    stmt.execute(rusqlite::params![kind, item, state, at, previous])
                }),
        }
        .map_err(mapper(&self.path, Phase::Use, "recording a notification"))?;
        Ok(changed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(store: &SqliteStore, name: &str) -> String {
        store
            .conn()
            .pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
            .map(|v| match v {
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Integer(i) => i.to_string(),
                other => format!("{other:?}"),
            })
            .unwrap()
    }

    #[test]
    fn the_connection_is_configured_as_documented() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("h.sqlite")).unwrap();
        assert_eq!(pragma(&store, "journal_mode"), "wal");
        // NORMAL is 1.
        assert_eq!(pragma(&store, "synchronous"), "1");
        assert_eq!(pragma(&store, "foreign_keys"), "1");
        assert_eq!(
            pragma(&store, "busy_timeout"),
            BUSY_TIMEOUT.as_millis().to_string()
        );
        assert_eq!(pragma(&store, "user_version"), SCHEMA_VERSION.to_string());
        // Checkpoints on close are allowed again once the file was found sound.
        let no_checkpoint = store
            .conn()
            .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE)
            .unwrap_or(true);
        assert!(!no_checkpoint);
    }

    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<SqliteStore>();
        let store: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(SqliteStore::in_memory().unwrap());
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || store.watermark("s", &i.to_string()))
            })
            .collect();
        for handle in handles {
            assert!(matches!(handle.join(), Ok(Ok(None))));
        }
    }
}
