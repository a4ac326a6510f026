//! Source statuses and watermarks.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::errors::{Phase, mapper};
use crate::codec::{exact_nanos, from_nanos};
use crate::{StoreError, StoredStatus};

pub(crate) fn put_status(
    conn: &Connection,
    path: &Path,
    status: &StoredStatus,
) -> Result<(), StoreError> {
    let time = |t: Option<flowdeck_core::model::Timestamp>| t.map(exact_nanos).transpose();
    let (last_success_at, covers_from, next_retry_at) = (
        time(status.last_success_at)?,
        time(status.covers_from)?,
        time(status.next_retry_at)?,
    );
    conn.prepare_cached(
        "INSERT INTO statuses
             (name, kind, status, last_success_at, error, covers_from, next_retry_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (name) DO UPDATE SET
             kind = excluded.kind, status = excluded.status,
             last_success_at = excluded.last_success_at, error = excluded.error,
             covers_from = excluded.covers_from, next_retry_at = excluded.next_retry_at",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            status.name,
            status.kind,
            status.status,
            last_success_at,
            status.error,
            covers_from,
            next_retry_at
        ])
    })
    .map(|_| ())
    .map_err(mapper(path, Phase::Use, "writing a source status"))
}

pub(crate) fn statuses(conn: &Connection, path: &Path) -> Result<Vec<StoredStatus>, StoreError> {
    let time = |n: Option<i64>| n.map(from_nanos);
    conn.prepare_cached(
        "SELECT name, kind, status, last_success_at, error, covers_from, next_retry_at
         FROM statuses ORDER BY name",
    )
    .and_then(|mut stmt| {
        stmt.query_map([], |row| {
            Ok(StoredStatus {
                name: row.get(0)?,
                kind: row.get(1)?,
                status: row.get(2)?,
                last_success_at: time(row.get(3)?),
                error: row.get(4)?,
                covers_from: time(row.get(5)?),
                next_retry_at: time(row.get(6)?),
            })
        })?
        .collect()
    })
    .map_err(mapper(path, Phase::Use, "reading the source statuses"))
}

pub(crate) fn put_watermarks(
    conn: &Connection,
    path: &Path,
    source: &str,
    watermarks: &[(String, String)],
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO watermarks (source, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (source, key) DO UPDATE SET value = excluded.value",
        )
        .map_err(mapper(path, Phase::Use, "writing watermarks"))?;
    for (key, value) in watermarks {
        stmt.execute(params![source, key, value]).map_err(mapper(
            path,
            Phase::Use,
            "writing watermarks",
        ))?;
    }
    Ok(())
}

pub(crate) fn watermark(
    conn: &Connection,
    path: &Path,
    source: &str,
    key: &str,
) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT value FROM watermarks WHERE source = ?1 AND key = ?2")
        .and_then(|mut stmt| stmt.query_row([source, key], |row| row.get(0)).optional())
        .map_err(mapper(path, Phase::Use, "reading a watermark"))
}

/// Deletes `source`'s watermarks whose key starts with `prefix` and whose value sorts before
/// `before`, returning how many.
pub(crate) fn forget_watermarks(
    conn: &Connection,
    path: &Path,
    source: &str,
    prefix: &str,
    before: &str,
) -> Result<u64, StoreError> {
    conn.prepare_cached(
        "DELETE FROM watermarks WHERE source = ?1 AND substr(key, 1, length(?2)) = ?2 AND value < ?3",
    )
    .and_then(|mut stmt| stmt.execute(params![source, prefix, before]))
    .map(|n| n as u64)
    .map_err(mapper(path, Phase::Use, "forgetting watermarks"))
}
