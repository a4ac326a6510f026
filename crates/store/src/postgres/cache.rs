//! The ETag cache of the HTTP layer: one cached response per URL, bodies as BYTEA.

use tokio_postgres::Client;

use super::driver::block_on;
use super::errors::mapper;
use crate::codec::{exact_nanos, from_nanos, index_nanos};
use crate::{CachedResponse, ETAG_CACHE_MAX_BODY, ETAG_CACHE_MAX_TOTAL, StoreError};
use flowdeck_core::model::Timestamp;

pub(crate) fn get(
    client: &Client,
    server: &str,
    url: &str,
) -> Result<Option<CachedResponse>, StoreError> {
    let doing = "reading the ETag cache";
    let row = block_on(client.query_opt(
        "SELECT etag, body, next, fetched_at FROM flowdeck.etags WHERE url = $1",
        &[&url],
    ))
    .map_err(mapper(server, doing))?;
    row.map(|row| {
        Ok(CachedResponse {
            etag: row.try_get(0)?,
            body: row.try_get(1)?,
            next: row.try_get(2)?,
            fetched_at: from_nanos(row.try_get(3)?),
        })
    })
    .transpose()
    .map_err(mapper(server, doing))
}

pub(crate) fn put(
    client: &Client,
    server: &str,
    url: &str,
    response: &CachedResponse,
) -> Result<(), StoreError> {
    let fetched_at = exact_nanos(response.fetched_at)?;
    if response.body.len() > ETAG_CACHE_MAX_BODY {
        // Not kept; an older, smaller body for the URL would answer a 304 for the wrong page.
        return block_on(client.execute("DELETE FROM flowdeck.etags WHERE url = $1", &[&url]))
            .map(|_| ())
            .map_err(mapper(server, "writing the ETag cache"));
    }
    block_on(client.execute(
        "INSERT INTO flowdeck.etags (url, etag, body, next, fetched_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (url) DO UPDATE SET
             etag = excluded.etag, body = excluded.body, next = excluded.next,
             fetched_at = excluded.fetched_at",
        &[
            &url,
            &response.etag,
            &response.body,
            &response.next,
            &fetched_at,
        ],
    ))
    .map(|_| ())
    .map_err(mapper(server, "writing the ETag cache"))?;
    trim(client, server)
}

/// Drops the entries fetched longest ago until the bodies fit in [`ETAG_CACHE_MAX_TOTAL`].
fn trim(client: &Client, server: &str) -> Result<(), StoreError> {
    block_on(client.execute(
        "DELETE FROM flowdeck.etags WHERE url IN (
             SELECT url FROM (
                 SELECT url, SUM(octet_length(body)) OVER (
                     ORDER BY fetched_at DESC, url DESC ROWS UNBOUNDED PRECEDING
                 ) AS running
                 FROM flowdeck.etags
             ) AS sized WHERE running > $1
         )",
        &[&ETAG_CACHE_MAX_TOTAL],
    ))
    .map(|_| ())
    .map_err(mapper(server, "trimming the ETag cache"))
}

pub(crate) fn prune(client: &Client, server: &str, before: Timestamp) -> Result<u64, StoreError> {
    // A cut-off beyond the storable range prunes everything or nothing, as it says.
    let before = index_nanos(before);
    block_on(client.execute(
        "DELETE FROM flowdeck.etags WHERE fetched_at < $1",
        &[&before],
    ))
    .map_err(mapper(server, "pruning the ETag cache"))
}
