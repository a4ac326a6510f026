//! The schema, as ordered migrations. `PRAGMA user_version` holds the number of migrations
//! applied; each migration runs in the same write transaction as the version bump, so a
//! database is always at a whole version. Never edit a shipped migration: add the next one.
//!
//! The SQL is kept portable (plain types, composite primary keys, `ON CONFLICT ... DO UPDATE`,
//! `RETURNING`), so a server-backed store can run the same statements; `BLOB` is its only
//! SQLite-specific word (BYTEA elsewhere).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::errors::{Phase, mapper};
use crate::StoreError;

/// Marks a file as a flowdeck history (`PRAGMA application_id`, "FLOW"), so that flowdeck never
/// migrates, and so never alters, another program's SQLite database given by mistake.
pub(crate) const APPLICATION_ID: i32 = 0x464c_4f57;

/// Version 1: events by (kind, id) with their JSON body; watermarks; the ETag cache; source
/// statuses. Times in columns are Unix nanoseconds (BIGINT).
///
/// events: `body` is the event (a deployment with its changes) and the only truth; `service`
/// and `at` (its main time, see `codec::EncodedEvent`) are copies for indexes; `source` is the
/// source that last changed it; `revision` counts its versions (1 = as first stored).
const V1: &str = "
CREATE TABLE events (
    kind     TEXT   NOT NULL,
    id       TEXT   NOT NULL,
    source   TEXT   NOT NULL,
    service  TEXT,
    at       BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    body     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX events_kind_at ON events (kind, at);
CREATE INDEX events_kind_service ON events (kind, service);

CREATE TABLE watermarks (
    source TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE etags (
    url        TEXT   NOT NULL PRIMARY KEY,
    etag       TEXT   NOT NULL,
    body       BLOB   NOT NULL,
    next       TEXT,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX etags_fetched_at ON etags (fetched_at);

CREATE TABLE statuses (
    name            TEXT NOT NULL PRIMARY KEY,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_success_at BIGINT,
    error           TEXT,
    covers_from     BIGINT,
    next_retry_at   BIGINT
);
";

/// Version 2: what was notified, so a restart, a reload or a second process sends nothing
/// twice: the last state notified per (kind, item), e.g. ("incident", "pagerduty:P1") is
/// "open" (see `Store::mark_notified`). `sent_at` in Unix nanoseconds.
const V2: &str = "
CREATE TABLE notifications (
    kind    TEXT   NOT NULL,
    item    TEXT   NOT NULL,
    state   TEXT   NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (kind, item)
);
";

/// Version 3: the compares a forge answered for deployments that name only a sha (see
/// `Store::compare`): `body` is the `StoredCompare` as JSON, `fetched_at` Unix nanoseconds.
const V3: &str = "
CREATE TABLE compares (
    scope      TEXT   NOT NULL,
    base       TEXT   NOT NULL,
    head       TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (scope, base, head)
);
";

/// Version 4: the leases of collectors sharing a store (see the PostgreSQL store's version
/// 4). A SQLite store has one writer at a time (its file lock) and so one collector: it takes
/// no leases and these tables stay empty; they exist so that versions 1 to 4 mean the same
/// tables in both stores (`shape::TABLES`).
const V4: &str = "
CREATE TABLE leases (
    source     TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT   NOT NULL,
    collector  TEXT   NOT NULL,
    generation BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE collectors (
    token       TEXT   NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    backend_pid BIGINT,
    expires_at  BIGINT NOT NULL
);
";

/// Version 5: the store's generation, so a derived history kept beside the store (the
/// binary's derived-history cache) can tell whether it still describes the events. One row:
/// `counter` counts the commits that changed events, `token` is 16 random bytes drawn again by
/// each of them (`generation::bump`, in the commit's transaction), so two copies of a store
/// that went apart never share a generation. SQLite only (a PostgreSQL store has no cache),
/// so PostgreSQL's latest version is 4.
const V5: &str = "
CREATE TABLE generation (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    counter BIGINT  NOT NULL,
    token   BLOB    NOT NULL
);
INSERT INTO generation (id, counter, token) VALUES (1, 1, randomblob(16));
";

/// The migrations in order; migration `i` brings a database to version `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this build writes and reads.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`LATEST`]. A database already there is only read (no write lock is
/// taken, so opening beside a busy writer works); otherwise the version is read again inside an
/// IMMEDIATE transaction, so two processes opening a new file at once migrate it once.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn, path)?;
    check_not_newer(found, path)?;
    if found == LATEST {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(mapper(path, Phase::Open, "starting the schema migration"))?;
    let found = user_version(&tx, path)?;
    check_not_newer(found, path)?;
    if found == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(mapper(
                path,
                Phase::Open,
                "marking the file as a flowdeck history",
            ))?;
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = index as i64 + 1;
        let doing = format!("migrating the schema to version {version}");
        tx.execute_batch(sql)
            .map_err(mapper(path, Phase::Open, &doing))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(mapper(path, Phase::Open, &doing))?;
    }
    tx.commit()
        .map_err(mapper(path, Phase::Open, "committing the schema migration"))
}

pub(crate) fn user_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(mapper(path, Phase::Open, "reading the schema version"))
}

pub(crate) fn check_not_newer(found: i64, path: &Path) -> Result<(), StoreError> {
    if found > LATEST {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: LATEST,
        });
    }
    Ok(())
}
