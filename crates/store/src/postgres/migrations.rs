//! The schema, as ordered migrations, in a PostgreSQL schema (namespace) of its own,
//! `flowdeck`, so that a database shared with other programs keeps its tables apart.
//!
//! `flowdeck.schema_version` holds one row per applied migration; the highest is the version.
//! Each migration runs in the same transaction as its row (PostgreSQL's DDL is
//! transactional), so a database is always at a whole version. Opening takes a transaction
//! advisory lock first, so several processes starting at once on a new database migrate it
//! once: the others wait, then find it done. A database at the latest version is only read.
//! Never edit a shipped migration: add the next one.
//!
//! The tables mirror the SQLite schema column for column (see `sqlite::migrations`): times as
//! Unix nanoseconds in BIGINT (TIMESTAMPTZ keeps only microseconds), bodies as TEXT (exactly
//! the codec's JSON, compared byte for byte), cached bodies as BYTEA. Keys are `COLLATE "C"`,
//! so they compare bytewise as in SQLite whatever the database's collation.

use tokio_postgres::Client;

use super::driver::block_on;
use super::errors::mapper;
use crate::StoreError;

/// The advisory lock key migrations take ("FLOWDECK" as bytes, as a bigint).
const MIGRATION_LOCK: i64 = 0x464c_4f57_4445_434b;

/// Version 1: events by (kind, id) with their JSON body; watermarks; the ETag cache; source
/// statuses.
const V1: &str = r#"
CREATE TABLE flowdeck.events (
    kind     TEXT COLLATE "C" NOT NULL,
    id       TEXT COLLATE "C" NOT NULL,
    source   TEXT   NOT NULL,
    service  TEXT,
    at       BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    body     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX events_kind_at ON flowdeck.events (kind, at);
CREATE INDEX events_kind_service ON flowdeck.events (kind, service);

CREATE TABLE flowdeck.watermarks (
    source TEXT COLLATE "C" NOT NULL,
    key    TEXT COLLATE "C" NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE flowdeck.etags (
    url        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    etag       TEXT   NOT NULL,
    body       BYTEA  NOT NULL,
    next       TEXT,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX etags_fetched_at ON flowdeck.etags (fetched_at);

CREATE TABLE flowdeck.statuses (
    name            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_success_at BIGINT,
    error           TEXT,
    covers_from     BIGINT,
    next_retry_at   BIGINT
);
"#;

/// Version 2: what was notified (see the SQLite store's version 2).
const V2: &str = r#"
CREATE TABLE flowdeck.notifications (
    kind    TEXT COLLATE "C" NOT NULL,
    item    TEXT COLLATE "C" NOT NULL,
    state   TEXT   NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (kind, item)
);
"#;

/// Version 3: the compares a forge answered (see the SQLite store's version 3).
const V3: &str = r#"
CREATE TABLE flowdeck.compares (
    scope      TEXT COLLATE "C" NOT NULL,
    base       TEXT COLLATE "C" NOT NULL,
    head       TEXT COLLATE "C" NOT NULL,
    body       TEXT   NOT NULL,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (scope, base, head)
);
"#;

/// Version 4: who polls which source when several collectors share the store (see
/// `postgres::leases` and docs/ARCHITECTURE.md#collectors-that-fail-over): one lease per
/// source (its holder's token and name, a generation bumped at every change of holder, the
/// expiry in the server's clock as Unix nanoseconds) and the collectors alive (a heartbeat
/// with its expiry, and the server process of its connection).
const V4: &str = r#"
CREATE TABLE flowdeck.leases (
    source     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    collector  TEXT   NOT NULL,
    generation BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE flowdeck.collectors (
    token       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    backend_pid BIGINT,
    expires_at  BIGINT NOT NULL
);
"#;

/// The migrations in order; migration `i` brings a database to version `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The schema version this build writes and reads.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

const VERSION_TABLE: &str = "
CREATE TABLE flowdeck.schema_version (
    version    BIGINT      NOT NULL PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// What the database holds of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// No `flowdeck` schema (false), or an empty one (true: made by an administrator, maybe
    /// for a role that may not create schemas).
    Nothing { schema: bool },
    /// A `flowdeck` schema with tables but no version table: not ours.
    Foreign { schema: bool },
    /// Our schema at this version.
    Version(i64),
}

/// Brings the database to [`LATEST`]; a newer one is `TooNew`, a `flowdeck` schema of
/// another program is `Open`, and neither is touched.
pub(crate) fn migrate(client: &mut Client, server: &str) -> Result<(), StoreError> {
    let found = inspect(client, server)?;
    check(found, server)?;
    if found == Found::Version(LATEST) {
        return Ok(());
    }
    let doing = "migrating the schema";
    let tx = block_on(client.transaction()).map_err(mapper(server, doing))?;
    block_on(tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])).map_err(
        mapper(server, "waiting for another flowdeck migrating the schema"),
    )?;
    // Under the lock: another process may have migrated meanwhile.
    let found = inspect(&tx, server)?;
    check(found, server)?;
    let from = match found {
        Found::Version(v) => v,
        Found::Nothing { schema } | Found::Foreign { schema } => {
            if !schema {
                block_on(tx.batch_execute("CREATE SCHEMA flowdeck"))
                    .map_err(mapper(server, "creating the schema flowdeck"))?;
            }
            block_on(tx.batch_execute(VERSION_TABLE))
                .map_err(mapper(server, "creating the schema version table"))?;
            0
        }
    };
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        let version = index as i64 + 1;
        let doing = format!("migrating the schema to version {version}");
        block_on(tx.batch_execute(sql)).map_err(mapper(server, &doing))?;
        block_on(tx.execute(
            "INSERT INTO flowdeck.schema_version (version) VALUES ($1)",
            &[&version],
        ))
        .map_err(mapper(server, &doing))?;
    }
    block_on(tx.commit()).map_err(mapper(server, "committing the schema migration"))
}

/// The version found (reads only).
fn inspect<C: tokio_postgres::GenericClient>(
    client: &C,
    server: &str,
) -> Result<Found, StoreError> {
    let doing = "reading the schema version";
    let row = block_on(client.query_one(
        // From the catalog, which everyone may read: to_regclass() would need the
        // privilege to use the schema, which another program's need not give.
        "SELECT count(*) FILTER (WHERE c.relname = 'schema_version' AND c.relkind = 'r') > 0,
                count(c.oid),
                count(n.oid) > 0
           FROM pg_catalog.pg_namespace n
           LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
          WHERE n.nspname = 'flowdeck'",
        &[],
    ))
    .map_err(mapper(server, doing))?;
    let versioned: bool = row.try_get(0).map_err(mapper(server, doing))?;
    let relations: i64 = row.try_get(1).map_err(mapper(server, doing))?;
    let schema: bool = row.try_get(2).map_err(mapper(server, doing))?;
    if !versioned {
        return Ok(if relations == 0 {
            Found::Nothing { schema }
        } else {
            Found::Foreign { schema }
        });
    }
    let row = block_on(client.query_one(
        "SELECT coalesce(max(version), 0) FROM flowdeck.schema_version",
        &[],
    ))
    .map_err(mapper(server, doing))?;
    Ok(Found::Version(
        row.try_get(0).map_err(mapper(server, doing))?,
    ))
}

fn check(found: Found, server: &str) -> Result<(), StoreError> {
    match found {
        Found::Version(version) if version > LATEST => Err(StoreError::TooNew {
            path: server.into(),
            found: version,
            known: LATEST,
        }),
        Found::Foreign { .. } => Err(StoreError::Open {
            path: server.into(),
            detail: "its schema \"flowdeck\" holds tables of another program (no \
                     flowdeck.schema_version); it was left untouched"
                .into(),
        }),
        _ => Ok(()),
    }
}
