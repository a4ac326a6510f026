//! The shared PostgreSQL store: one database on an existing server, written by one or more
//! collectors (`flowdeck collect`, one per group of sources) and read by any number of
//! dashboards and reports, with the same semantics as the embedded SQLite store (the shared
//! `codec`: the same keys, bodies, counts and load order, so the same history gives the same
//! report from either).
//!
//! - `connect`: the URL of `[general] store`, the password, TLS (see [`connect`]);
//! - `migrations`: a versioned schema in the `flowdeck` namespace, migrated under an advisory
//!   lock;
//! - `events`: upserts safe with several writers at once, and the history read back;
//! - `status`, `cache`: statuses, watermarks, the ETag cache;
//! - `leases`: the sources' leases of collectors sharing the store, and fenced commits;
//! - `notify`: NOTIFY inside each sync that changed something, and the LISTEN feed;
//! - `driver`: the thread the connections run on, so the synchronous trait is safe to call
//!   from plain threads and from inside tokio runtimes alike.
//!
//! One connection behind a Mutex serves the trait's calls, as in SQLite: a sync is one
//! transaction of milliseconds, and a process rarely does two things at once. Other
//! processes have their own connections, and the server runs them side by side. A dropped
//! connection fails the call in progress (`Unreachable`, retryable) and the next call connects
//! again. (A sync whose COMMIT was sent but whose answer was lost may be stored: the next sync
//! sends it again and finds it unchanged.)

mod cache;
pub mod connect;
mod driver;
mod errors;
mod events;
mod leases;
mod migrations;
mod notify;
mod status;
mod usable;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio_postgres::Client;

use super::codec::EventKind;
use super::lease::{Holder, Lease, Leases, Member};
use super::{
    BatchCount, CachedResponse, ChangeFeed, Notified, Store, StoreError, StoredCompare,
    StoredStatus, UpsertCount,
};
use connect::Settings;
use driver::{Driver, block_on};
use errors::mapper;
use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventSet, Timestamp};

pub use connect::{
    CONNECT_TIMEOUT, ConnectOptions, LOCK_TIMEOUT, PGPASSWORD, check_url, server_label,
};
pub use migrations::LATEST as SCHEMA_VERSION;
pub use notify::{CHANNEL, PostgresFeed};

/// The history in a PostgreSQL database.
pub struct PostgresStore {
    settings: Settings,
    driver: Arc<Driver>,
    /// None after a connection was found closed and before the next one is made.
    conn: Mutex<Option<Client>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("server", &self.settings.server())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database `url` names (see [`connect`] for the URL, the password and
    /// TLS) and brings its schema to the latest version.
    ///
    /// A server that cannot be reached is `Unreachable`; a refused login `LoginRefused`; a
    /// missing database, a TLS failure or a `flowdeck` schema of another program `Open`; a
    /// schema written by a newer flowdeck `TooNew` (left untouched). No error holds the
    /// password: they name the server as `user@host:port/database`.
    pub fn connect(url: &str, options: &ConnectOptions) -> Result<PostgresStore, StoreError> {
        let settings = Settings::parse(url, options)?;
        let driver = Driver::start()?;
        let mut client = settings.connect(&driver, None, None)?;
        migrations::migrate(&mut client, settings.server())?;
        usable::check_shape(&client, settings.server())?;
        Ok(PostgresStore {
            settings,
            driver,
            conn: Mutex::new(Some(client)),
        })
    }

    /// `user@host:port/database`: the server and database, without the password.
    pub fn server(&self) -> &str {
        self.settings.server()
    }

    /// How many events of each kind are stored, without reading their bodies.
    pub fn counts(&self) -> Result<Vec<(EventKind, u64)>, StoreError> {
        self.with_client(|client, server| events::counts(client, server))
    }

    /// One sync or batch in one transaction; with a `fence`, only while that lease still has
    /// its generation (checked first, under a lock held until the commit).
    fn commit(
        &self,
        fence: Option<&Lease>,
        source: &str,
        events: &EventSet,
        removals: &[EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<BatchCount, StoreError> {
        self.with_client(|client, server| {
            let tx = block_on(client.transaction())
                .map_err(mapper(server, "starting to store a sync"))?;
            if let Some(lease) = fence {
                leases::fence(&tx, server, lease)?;
            }
            let upserts = events::upsert(&tx, server, source, events)?;
            let removed = events::remove(&tx, server, removals)?;
            status::put_watermarks(&tx, server, source, watermarks)?;
            if let Some(status) = status {
                status::put_status(&tx, server, status)?;
            }
            if upserts.inserted + upserts.updated + removed > 0 {
                notify::announce(&tx, server, source)?;
            }
            // Dropping `tx` on any error above rolls the whole sync back.
            block_on(tx.commit()).map_err(mapper(server, "committing a sync"))?;
            Ok(BatchCount { upserts, removed })
        })
    }

    /// Runs `f` on the connection, connecting again first if the last one was closed.
    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client, &str) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.conn();
        let client = match guard.take() {
            Some(client) if !client.is_closed() => guard.insert(client),
            _ => guard.insert(self.settings.connect(&self.driver, None, None)?),
        };
        f(client, self.settings.server())
    }

    /// The connection slot. A panic while it was held cannot have left a transaction open
    /// (a dropped tokio-postgres transaction rolls back), so a poisoned lock is still usable.
    fn conn(&self) -> MutexGuard<'_, Option<Client>> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for PostgresStore {
    fn load(&self) -> Result<EventSet, StoreError> {
        self.with_client(|client, server| events::load(client, server))
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
        self.commit(None, source, events, removals, watermarks, status)
    }

    fn put_status(&self, status: &StoredStatus) -> Result<(), StoreError> {
        self.with_client(|client, server| status::put_status(client, server, status))
    }

    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
        self.with_client(|client, server| status::statuses(client, server))
    }

    fn watermark(&self, source: &str, key: &str) -> Result<Option<String>, StoreError> {
        self.with_client(|client, server| status::watermark(client, server, source, key))
    }

    fn forget_watermarks(
        &self,
        source: &str,
        prefix: &str,
        before: &str,
    ) -> Result<u64, StoreError> {
        self.with_client(|client, server| {
            status::forget_watermarks(client, server, source, prefix, before)
        })
    }

    fn cached_response(&self, url: &str) -> Result<Option<CachedResponse>, StoreError> {
        self.with_client(|client, server| cache::get(client, server, url))
    }

    fn put_cached_response(&self, url: &str, response: &CachedResponse) -> Result<(), StoreError> {
        self.with_client(|client, server| cache::put(client, server, url, response))
    }

    fn prune_cached_responses(&self, fetched_before: Timestamp) -> Result<u64, StoreError> {
        self.with_client(|client, server| cache::prune(client, server, fetched_before))
    }

    fn notified(&self) -> Result<Vec<Notified>, StoreError> {
        self.with_client(|client, server| {
            let doing = "reading what was notified";
            let sql = crate::notified::for_postgres(crate::notified::SELECT);
            let rows = block_on(client.query(&sql, &[])).map_err(mapper(server, doing))?;
            rows.iter()
                .map(|row| {
                    Ok(Notified {
                        kind: row.try_get(0)?,
                        item: row.try_get(1)?,
                        state: row.try_get(2)?,
                    })
                })
                .collect::<Result<Vec<_>, tokio_postgres::Error>>()
                .map_err(mapper(server, doing))
        })
    }

    fn compare(
        &self,
        scope: &str,
        base: &str,
        head: &str,
    ) -> Result<Option<StoredCompare>, StoreError> {
        let body: Option<String> = self.with_client(|client, server| {
            let doing = "reading a stored compare";
            let sql = crate::compares::for_postgres(crate::compares::SELECT);
            let row = block_on(client.query_opt(&sql, &[&scope, &base, &head]))
                .map_err(mapper(server, doing))?;
            row.map(|row| row.try_get(0))
                .transpose()
                .map_err(mapper(server, doing))
        })?;
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
        self.with_client(|client, server| {
            let sql = crate::compares::for_postgres(crate::compares::UPSERT);
            block_on(client.execute(&sql, &[&scope, &base, &head, &body, &fetched_at]))
                .map(|_| ())
                .map_err(mapper(server, "keeping a compare"))
        })
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
        self.with_client(|client, server| {
            let changed = match previous {
                None => {
                    let sql = crate::notified::for_postgres(crate::notified::INSERT);
                    block_on(client.execute(&sql, &[&kind, &item, &state, &at]))
                }
                Some(previous) => {
                    let sql = crate::notified::for_postgres(crate::notified::UPDATE);
                    block_on(client.execute(&sql, &[&kind, &item, &state, &at, &previous]))
                }
            }
            .map_err(mapper(server, "recording a notification"))?;
            Ok(changed == 1)
        })
    }

    fn subscribe(&self) -> Result<Option<Box<dyn ChangeFeed>>, StoreError> {
        let feed = PostgresFeed::subscribe(&self.settings, Arc::clone(&self.driver))?;
        Ok(Some(Box::new(feed)))
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        self.with_client(|client, server| usable::check_writable(client, server))
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn leases(&self) -> Option<&dyn Leases> {
        Some(self)
    }
}

impl Leases for PostgresStore {
    fn heartbeat(&self, me: &Member, ttl: Duration) -> Result<Vec<String>, StoreError> {
        self.with_client(|client, server| leases::heartbeat(client, server, me, ttl))
    }

    fn acquire(
        &self,
        me: &Member,
        source: &str,
        ttl: Duration,
    ) -> Result<Option<Lease>, StoreError> {
        self.with_client(|client, server| leases::acquire(client, server, me, source, ttl))
    }

    fn renew(&self, me: &Member, lease: &Lease, ttl: Duration) -> Result<bool, StoreError> {
        self.with_client(|client, server| leases::renew(client, server, me, lease, ttl))
    }

    fn release(&self, me: &Member, lease: &Lease) -> Result<(), StoreError> {
        self.with_client(|client, server| leases::release(client, server, me, lease))
    }

    fn leave(&self, me: &Member) -> Result<(), StoreError> {
        self.with_client(|client, server| leases::leave(client, server, me))
    }

    fn holders(&self) -> Result<Vec<Holder>, StoreError> {
        self.with_client(|client, server| leases::holders(client, server))
    }

    fn commit_held(
        &self,
        lease: &Lease,
        events: &EventSet,
        removals: &[EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<BatchCount, StoreError> {
        let source = lease.source.as_str();
        self.commit(Some(lease), source, events, removals, watermarks, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_and_its_feed_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        fn sent<T: Send>() {}
        shared::<PostgresStore>();
        sent::<PostgresFeed>();
    }
}
