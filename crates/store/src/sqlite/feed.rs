//! The commits other processes make to a SQLite file, as a [`ChangeFeed`]: SQLite has no
//! notifications, but `PRAGMA data_version` on a connection changes exactly when another
//! connection committed to the file since it was last asked. The feed asks this store's own
//! connection every [`POLL`], so its own commits (the poller's syncs, which the process already
//! knows of) are not announced, and a push by `flowdeck ingest` or `serve --ingest` in another
//! process is, within one poll.
//!
//! While the connection is busy (a load, a sync) the feed skips that look rather than wait:
//! the change is still there at the next one.

use std::sync::{Arc, Mutex, TryLockError, Weak};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::{ChangeFeed, StoreChange, StoreError};

/// How often the data version is read while a reader waits.
pub const POLL: Duration = Duration::from_millis(250);

/// What a change made by another process is announced as (its source is not known).
pub const ANOTHER_PROCESS: &str = "another process";

pub(super) struct DataVersionFeed {
    conn: Weak<Mutex<Connection>>,
    last: Option<i64>,
}

impl DataVersionFeed {
    pub(super) fn new(conn: &Arc<Mutex<Connection>>) -> DataVersionFeed {
        let mut feed = DataVersionFeed {
            conn: Arc::downgrade(conn),
            last: None,
        };
        // The version now: only later commits are announced.
        if let Ok(Some(version)) = feed.version() {
            feed.last = Some(version);
        }
        feed
    }

    /// The connection's data version; None while the connection is busy.
    fn version(&self) -> Result<Option<i64>, StoreError> {
        let Some(conn) = self.conn.upgrade() else {
            return Err(StoreError::Io("the store was closed".into()));
        };
        let guard = match conn.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        };
        guard
            .query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0))
            .map(Some)
            .map_err(|e| StoreError::Io(format!("reading the history's data version: {e}")))
    }
}

impl ChangeFeed for DataVersionFeed {
    fn wait(&mut self, timeout: Duration) -> Result<Option<StoreChange>, StoreError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(version) = self.version()? {
                match self.last.replace(version) {
                    Some(last) if last != version => {
                        return Ok(Some(StoreChange {
                            source: ANOTHER_PROCESS.into(),
                        }));
                    }
                    _ => {}
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            std::thread::sleep(POLL.min(deadline - now));
        }
    }
}
