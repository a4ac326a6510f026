//! The ETag cache of the HTTP layer: one cached response per URL, bodies as bytes.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::errors::{Phase, mapper};
use crate::StoreError;
use crate::codec::{exact_nanos, from_nanos, index_nanos};
use crate::{CachedResponse, ETAG_CACHE_MAX_BODY, ETAG_CACHE_MAX_TOTAL};
use flowdeck_core::model::Timestamp;

pub(crate) fn get(
    conn: &Connection,
    path: &Path,
    url: &str,
) -> Result<Option<CachedResponse>, StoreError> {
    conn.prepare_cached("SELECT etag, body, next, fetched_at FROM etags WHERE url = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([url], |row| {
                Ok(CachedResponse {
                    etag: row.get(0)?,
                    body: row.get(1)?,
                    next: row.get(2)?,
                    fetched_at: from_nanos(row.get(3)?),
                })
            })
            .optional()
        })
        .map_err(mapper(path, Phase::Use, "reading the ETag cache"))
}

pub(crate) fn put(
    conn: &Connection,
    path: &Path,
    url: &str,
    response: &CachedResponse,
) -> Result<(), StoreError> {
    let fetched_at = exact_nanos(response.fetched_at)?;
    if response.body.len() > ETAG_CACHE_MAX_BODY {
        // Not kept; an older, smaller body for the URL would answer a 304 for the wrong page.
        return conn
            .prepare_cached("DELETE FROM etags WHERE url = ?1")
            .and_then(|mut stmt| stmt.execute([url]))
            .map(|_| ())
            .map_err(mapper(path, Phase::Use, "writing the ETag cache"));
    }
    conn.prepare_cached(
        "INSERT INTO etags (url, etag, body, next, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (url) DO UPDATE SET
             etag = excluded.etag, body = excluded.body, next = excluded.next,
             fetched_at = excluded.fetched_at",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            url,
            response.etag,
            response.body,
            response.next,
            fetched_at
        ])
    })
    .map(|_| ())
    .map_err(mapper(path, Phase::Use, "writing the ETag cache"))?;
    trim(conn, path)
}

/// Drops the entries fetched longest ago until the bodies fit in [`ETAG_CACHE_MAX_TOTAL`].
fn trim(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    conn.prepare_cached(
        "DELETE FROM etags WHERE url IN (
             SELECT url FROM (
                 SELECT url, SUM(length(body)) OVER (
                     ORDER BY fetched_at DESC, url DESC ROWS UNBOUNDED PRECEDING
                 ) AS running
                 FROM etags
             ) WHERE running > ?1
         )",
    )
    .and_then(|mut stmt| stmt.execute([ETAG_CACHE_MAX_TOTAL]))
    .map(|_| ())
    .map_err(mapper(path, Phase::Use, "trimming the ETag cache"))
}

pub(crate) fn prune(conn: &Connection, path: &Path, before: Timestamp) -> Result<u64, StoreError> {
    // A cut-off beyond the storable range prunes everything or nothing, as it says.
    let before = index_nanos(before);
    conn.prepare_cached("DELETE FROM etags WHERE fetched_at < ?1")
        .and_then(|mut stmt| stmt.execute([before]))
        .map(|n| n as u64)
        .map_err(mapper(path, Phase::Use, "pruning the ETag cache"))
}
