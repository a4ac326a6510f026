//! Events: idempotent upserts by (kind, id) and the whole history read back.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::errors::{Phase, mapper};
use crate::codec::{self, EncodedEvent, EventKind};
use crate::{StoreError, UpsertCount};
use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventSet, Service};

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

/// Deletes the events `removals` names (inside the caller's transaction), returning how many
/// were stored.
pub(crate) fn remove(
    conn: &Connection,
    path: &Path,
    removals: &[EventKey],
) -> Result<u64, StoreError> {
    if removals.is_empty() {
        return Ok(0);
    }
    let mut stmt = conn
        .prepare_cached("DELETE FROM events WHERE kind = ?1 AND id = ?2")
        .map_err(mapper(path, Phase::Use, "preparing the event removal"))?;
    let mut removed = 0u64;
    for key in removals {
        let deleted = stmt
            .execute(params![key.kind.as_str(), key.id])
            .map_err(|e| {
                let doing = format!("removing the {} {}", key.kind.as_str(), key.id);
                super::errors::map(path, Phase::Use, &doing, e)
            })?;
        removed += deleted as u64;
    }
    Ok(removed)
}

/// The stored events with these keys, decoded (a key not stored is left out).
pub(crate) fn with_keys(
    conn: &Connection,
    path: &Path,
    keys: &[EventKey],
) -> Result<EventSet, StoreError> {
    let reading = "reading stored events by key";
    let mut stmt = conn
        .prepare_cached("SELECT body FROM events WHERE kind = ?1 AND id = ?2")
        .map_err(mapper(path, Phase::Use, reading))?;
    let mut events = EventSet::default();
    for key in keys {
        let body: Option<String> = stmt
            .query_row(params![key.kind.as_str(), key.id], |row| row.get(0))
            .optional()
            .map_err(mapper(path, Phase::Use, reading))?;
        if let Some(body) = body {
            codec::decode_kind_into(key.kind, &key.id, &body, &mut events)?;
        }
    }
    Ok(events)
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

/// Rows handed to a decoding thread at a time.
const BATCH: usize = 1024;

/// One stored row, copied out of SQLite's buffer for a decoding thread.
struct Row {
    kind: EventKind,
    id: String,
    body: String,
}

/// Every stored event, in the canonical order ([`codec::canonical_order`]).
///
/// Reading rows is cheap; parsing their JSON (timestamps above all) is most of the cost. A
/// history of less than one batch is parsed on this thread. A larger one is read by this
/// thread and parsed in batches by one scoped thread per core, each into its own EventSet,
/// concatenated and sorted at the end. The whole read is one statement, so one snapshot:
/// a sync committed meanwhile is either wholly in it or not at all.
pub(crate) fn load(conn: &Connection, path: &Path) -> Result<EventSet, StoreError> {
    let reading = "reading the history";
    let mut stmt = conn
        .prepare_cached("SELECT kind, id, body FROM events")
        .map_err(mapper(path, Phase::Use, reading))?;
    let mut rows = stmt.query([]).map_err(mapper(path, Phase::Use, reading))?;
    let mut events = EventSet::default();
    let mut batch: Vec<Row> = Vec::new();
    let mut skipped = 0u64;
    // Inline until the first batch is full: most histories never leave this loop.
    let mut large = false;
    while let Some(row) = rows.next().map_err(mapper(path, Phase::Use, reading))? {
        let Some(kind) = EventKind::parse(text(row, 0, path)?) else {
            skipped += 1;
            continue;
        };
        batch.push(Row {
            kind,
            id: text(row, 1, path)?.to_owned(),
            body: text(row, 2, path)?.to_owned(),
        });
        if batch.len() == BATCH {
            large = true;
            break;
        }
    }
    if large {
        events = decode_in_parallel(path, &mut rows, std::mem::take(&mut batch), &mut skipped)?;
    } else {
        for row in &batch {
            codec::decode_kind_into(row.kind, &row.id, &row.body, &mut events)?;
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

/// Column `i` of a history row as text, borrowed from SQLite's buffer.
fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize, path: &Path) -> Result<&'r str, StoreError> {
    row.get_ref(i)
        .and_then(|v| v.as_str().map_err(rusqlite::Error::from))
        .map_err(mapper(path, Phase::Use, "reading the history"))
}

fn decode_in_parallel(
    path: &Path,
    rows: &mut rusqlite::Rows<'_>,
    first: Vec<Row>,
    skipped: &mut u64,
) -> Result<EventSet, StoreError> {
    let reading = "reading the history";
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZero::get)
        .unwrap_or(1)
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(threads);
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(2);
            senders.push(tx);
            workers.push(scope.spawn(move || -> Result<EventSet, StoreError> {
                let mut part = EventSet::default();
                for batch in rx {
                    for row in &batch {
                        codec::decode_kind_into(row.kind, &row.id, &row.body, &mut part)?;
                    }
                }
                Ok(part)
            }));
        }
        let read = || -> Result<(), StoreError> {
            let mut batch = first;
            let mut next = 0usize;
            loop {
                let row = rows.next().map_err(mapper(path, Phase::Use, reading))?;
                let done = row.is_none();
                if let Some(row) = row {
                    match EventKind::parse(text(row, 0, path)?) {
                        Some(kind) => batch.push(Row {
                            kind,
                            id: text(row, 1, path)?.to_owned(),
                            body: text(row, 2, path)?.to_owned(),
                        }),
                        None => *skipped += 1,
                    }
                }
                if batch.len() == BATCH || (done && !batch.is_empty()) {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A worker that stopped on a bad row closed its channel; its error is
                    // collected below.
                    if senders[next % threads].send(full).is_err() {
                        return Ok(());
                    }
                    next += 1;
                }
                if done {
                    return Ok(());
                }
            }
        };
        let read_result = read();
        drop(senders);
        // Join every worker before looking at any result: a scope must not end with an
        // unjoined panicked thread.
        let parts: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
        read_result?;
        let mut events = EventSet::default();
        for part in parts {
            let part = part.map_err(|_| {
                StoreError::Io(format!(
                    "{}: a thread decoding the history stopped unexpectedly",
                    path.display()
                ))
            })??;
            events.services.extend(part.services);
            events.deployments.extend(part.deployments);
            events.pull_requests.extend(part.pull_requests);
            events.pipeline_runs.extend(part.pipeline_runs);
            events.incidents.extend(part.incidents);
        }
        Ok(events)
    })
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
