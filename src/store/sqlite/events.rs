//! Events: idempotent upserts by (kind, id) and the whole history read back.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::errors::{Phase, mapper};
use crate::model::{EventSet, Service};
use crate::store::codec::{self, EncodedEvent, EventKind};
use crate::store::{StoreError, UpsertCount};

/// Inserts a new event or replaces a changed one; an event sent again unchanged is not written.
/// `RETURNING revision` tells the three apart in one statement, race-free even with several
/// writers: no row = unchanged, revision 1 = inserted, more = updated.
const UPSERT: &str = "
INSERT INTO events (kind, id, source, service, at, body, revision)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
ON CONFLICT (kind, id) DO UPDATE SET
    source = excluded.source,
    service = excluded.service,
    at = excluded.at,
    body = excluded.body,
    revision = events.revision + 1
WHERE events.body <> excluded.body
RETURNING revision";

const SERVICE_BODY: &str = "SELECT body FROM events WHERE kind = 'service' AND id = ?1";

/// Upserts every event of `events` on `conn` (inside the caller's transaction).
pub(crate) fn upsert(
    conn: &Connection,
    path: &Path,
    source: &str,
    events: &EventSet,
) -> Result<UpsertCount, StoreError> {
    let mut count = UpsertCount::default();
    let mut stmt = conn.prepare_cached(UPSERT).map_err(mapper(
        path,
        Phase::Use,
        "preparing the event upsert",
    ))?;
    let mut write = |event: EncodedEvent<'_>| -> Result<(), StoreError> {
        let revision: Option<i64> = stmt
            .query_row(
                params![
                    event.kind.as_str(),
                    event.id,
                    source,
                    event.service,
                    event.at,
                    event.body
                ],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| {
                let doing = format!("storing the {} {}", event.kind.as_str(), event.id);
                super::errors::map(path, Phase::Use, &doing, e)
            })?;
        match revision {
            None => count.unchanged += 1,
            Some(1) => count.inserted += 1,
            Some(_) => count.updated += 1,
        }
        Ok(())
    };
    // Services merge with what is stored (a source that knows no team keeps the stored team),
    // so they take a read first; the other kinds are replaced whole.
    let merge = |service: &Service| {
        stored_service(conn, path, &service.name).map(|s| codec::merge_service(s, service))
    };
    codec::encode_each(events, merge, &mut write)?;
    Ok(count)
}

fn stored_service(
    conn: &Connection,
    path: &Path,
    name: &str,
) -> Result<Option<Service>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached(SERVICE_BODY)
        .and_then(|mut stmt| stmt.query_row([name], |row| row.get(0)).optional())
        .map_err(mapper(path, Phase::Use, "reading a stored service"))?;
    body.map(|b| {
        serde_json::from_str(&b)
            .map_err(|e| StoreError::Decode(format!("the stored service {name} is not valid: {e}")))
    })
    .transpose()
}

/// Every stored event, in the canonical order ([`codec::canonical_order`]). Bodies are parsed
/// straight from SQLite's buffer, without an intermediate String.
pub(crate) fn load(conn: &Connection, path: &Path) -> Result<EventSet, StoreError> {
    let mut events = EventSet::default();
    let mut stmt = conn
        .prepare_cached("SELECT kind, id, body FROM events")
        .map_err(mapper(path, Phase::Use, "reading the history"))?;
    let mut rows = stmt
        .query([])
        .map_err(mapper(path, Phase::Use, "reading the history"))?;
    let mut skipped = 0u64;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                return Err(super::errors::map(
                    path,
                    Phase::Use,
                    "reading the history",
                    e,
                ));
            }
        };
        let text = |i: usize| {
            row.get_ref(i)
                .and_then(|v| v.as_str().map_err(rusqlite::Error::from))
                .map_err(mapper(path, Phase::Use, "reading the history"))
        };
        if !codec::decode_into(text(0)?, text(1)?, text(2)?, &mut events)? {
            skipped += 1;
        }
    }
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "stored events of kinds this flowdeck does not know were skipped"
        );
    }
    codec::canonical_order(&mut events);
    Ok(events)
}

/// How many events of each kind are stored (for `check` and tests).
pub(crate) fn counts(conn: &Connection, path: &Path) -> Result<Vec<(EventKind, u64)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, count(*) FROM events GROUP BY kind")
        .map_err(mapper(path, Phase::Use, "counting events"))?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(mapper(path, Phase::Use, "counting events"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, n)| EventKind::parse(&kind).map(|k| (k, n.max(0) as u64)))
        .collect())
}
