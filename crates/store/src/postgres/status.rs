//! Source statuses and watermarks (as in SQLite: times as Unix nanoseconds, statuses listed
//! by name compared bytewise).

use tokio_postgres::GenericClient;

use super::driver::block_on;
use super::errors::mapper;
use crate::codec::{exact_nanos, from_nanos};
use crate::{StoreError, StoredStatus};

pub(crate) fn put_status<C: GenericClient>(
    client: &C,
    server: &str,
    status: &StoredStatus,
) -> Result<(), StoreError> {
    let time = |t: Option<flowdeck_core::model::Timestamp>| t.map(exact_nanos).transpose();
    let (last_success_at, covers_from, next_retry_at) = (
        time(status.last_success_at)?,
        time(status.covers_from)?,
        time(status.next_retry_at)?,
    );
    block_on(client.execute(
        "INSERT INTO flowdeck.statuses
             (name, kind, status, last_success_at, error, covers_from, next_retry_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (name) DO UPDATE SET
             kind = excluded.kind, status = excluded.status,
             last_success_at = excluded.last_success_at, error = excluded.error,
             covers_from = excluded.covers_from, next_retry_at = excluded.next_retry_at",
        &[
            &status.name,
            &status.kind,
            &status.status,
            &last_success_at,
            &status.error,
            &covers_from,
            &next_retry_at,
        ],
    ))
    .map(|_| ())
    .map_err(mapper(server, "writing a source status"))
}

pub(crate) fn statuses<C: GenericClient>(
    client: &C,
    server: &str,
) -> Result<Vec<StoredStatus>, StoreError> {
    let doing = "reading the source statuses";
    let rows = block_on(client.query(
        "SELECT name, kind, status, last_success_at, error, covers_from, next_retry_at
         FROM flowdeck.statuses ORDER BY name",
        &[],
    ))
    .map_err(mapper(server, doing))?;
    let time = |n: Option<i64>| n.map(from_nanos);
    rows.iter()
        .map(|row| {
            Ok(StoredStatus {
                name: row.try_get(0)?,
                kind: row.try_get(1)?,
                status: row.try_get(2)?,
                last_success_at: time(row.try_get(3)?),
                error: row.try_get(4)?,
                covers_from: time(row.try_get(5)?),
                next_retry_at: time(row.try_get(6)?),
            })
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(mapper(server, doing))
}

/// One statement per watermark, in order: a key given twice keeps the last value, as in
/// SQLite (one multi-row upsert cannot touch a row twice).
pub(crate) fn put_watermarks<C: GenericClient>(
    client: &C,
    server: &str,
    source: &str,
    watermarks: &[(String, String)],
) -> Result<(), StoreError> {
    if watermarks.is_empty() {
        return Ok(());
    }
    let doing = "writing watermarks";
    let statement = block_on(client.prepare(
        "INSERT INTO flowdeck.watermarks (source, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (source, key) DO UPDATE SET value = excluded.value",
    ))
    .map_err(mapper(server, doing))?;
    for (key, value) in watermarks {
        block_on(client.execute(&statement, &[&source, key, value]))
            .map_err(mapper(server, doing))?;
    }
    Ok(())
}

pub(crate) fn watermark<C: GenericClient>(
    client: &C,
    server: &str,
    source: &str,
    key: &str,
) -> Result<Option<String>, StoreError> {
    let doing = "reading a watermark";
    block_on(client.query_opt(
        "SELECT value FROM flowdeck.watermarks WHERE source = $1 AND key = $2",
        &[&source, &key],
    ))
    .and_then(|row| row.map(|r| r.try_get(0)).transpose())
    .map_err(mapper(server, doing))
}

/// Deletes `source`'s watermarks whose key starts with `prefix` and whose value sorts before
/// `before` (bytewise, as SQLite compares), returning how many.
pub(crate) fn forget_watermarks<C: GenericClient>(
    client: &C,
    server: &str,
    source: &str,
    prefix: &str,
    before: &str,
) -> Result<u64, StoreError> {
    block_on(client.execute(
        "DELETE FROM flowdeck.watermarks WHERE source = $1 AND left(key, length($2)) = $2 \
         AND value COLLATE \"C\" < $3 COLLATE \"C\"",
        &[&source, &prefix, &before],
    ))
    .map_err(mapper(server, "forgetting watermarks"))
}
