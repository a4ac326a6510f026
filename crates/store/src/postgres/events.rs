//! Events: idempotent upserts by (kind, id), safe with several writers at once, and the
//! whole history read back.
//!
//! A sync's events are encoded by the codec (services merged with the stored ones first),
//! sorted by (kind, id) and upserted in batches, one statement per batch of up to [`BATCH`]
//! rows sent as arrays. Sorting gives every writer the same lock order, so two collectors
//! committing overlapping events wait for each other instead of deadlocking. A key sent twice
//! in one sync (a page repeating an event) starts a new batch, because one statement cannot
//! touch a row twice; the copies keep their order, so the last one wins as in SQLite.
//!
//! Events stored exactly as sent are left out first, by a plain read (no row lock, no write of
//! any kind: a collector sending a page again costs reads only). The rest go through
//! `INSERT … ON CONFLICT … DO UPDATE … WHERE body IS DISTINCT FROM excluded.body RETURNING
//! revision`, which tells the outcomes apart race-free: no row back = unchanged, 1 = inserted,
//! more = updated. A writer inserting a key another transaction inserted and has not committed
//! yet waits for it, then sees its row: an event two collectors send at once is inserted once
//! and counted once, as inserted by one and unchanged (or updated) by the other. (An event the
//! read found equal and another writer changes meanwhile counts as unchanged, as if this sync
//! had committed first; the other writer's version stays.)
//!
//! Services merge with what is stored (a source that knows no team keeps the stored team), a
//! read-then-write that would race; each service's name is locked first with a transaction
//! advisory lock (in key order, before any row lock), so two writers of one service take
//! turns.

use std::collections::HashMap;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Transaction};

use super::driver::block_on;
use super::errors::{map, mapper};
use crate::codec::{self, EncodedEvent, EventKind};
use crate::{StoreError, UpsertCount};
use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventSet, Service};

/// Rows per upsert statement, and per decoding batch on load.
pub(crate) const BATCH: usize = 1000;

/// The first key of the advisory locks taken on service names ("FLOW").
const SERVICE_LOCKS: i32 = 0x464c_4f57;

const UPSERT: &str = r#"
WITH incoming AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int8[], $6::text[])
        WITH ORDINALITY AS u(kind, id, service, at, body, n)
), differing AS (
    SELECT i.* FROM incoming i
    LEFT JOIN flowdeck.events s ON s.kind = i.kind AND s.id = i.id
    WHERE s.body IS DISTINCT FROM i.body
)
INSERT INTO flowdeck.events AS e (kind, id, source, service, at, body, revision)
SELECT kind, id, $1, service, at, body, 1 FROM differing ORDER BY n
ON CONFLICT (kind, id) DO UPDATE SET
    source = excluded.source,
    service = excluded.service,
    at = excluded.at,
    body = excluded.body,
    revision = e.revision + 1
WHERE e.body IS DISTINCT FROM excluded.body
RETURNING e.revision"#;

/// One encoded event, owned (the codec lends each body only until the next event).
struct Owned {
    kind: EventKind,
    id: String,
    service: Option<String>,
    at: i64,
    body: String,
}

/// Deletes the events `removals` names inside `tx` (in key order, as upserts lock), returning
/// how many were stored.
pub(crate) fn remove(
    tx: &Transaction<'_>,
    server: &str,
    removals: &[EventKey],
) -> Result<u64, StoreError> {
    if removals.is_empty() {
        return Ok(0);
    }
    let mut keys: Vec<(&str, &str)> = removals
        .iter()
        .map(|k| (k.kind.as_str(), k.id.as_str()))
        .collect();
    keys.sort_unstable();
    let kinds: Vec<&str> = keys.iter().map(|k| k.0).collect();
    let ids: Vec<&str> = keys.iter().map(|k| k.1).collect();
    let deleted = block_on(tx.execute(
        "DELETE FROM flowdeck.events e USING unnest($1::text[], $2::text[]) AS r(kind, id) \
         WHERE e.kind = r.kind AND e.id = r.id",
        &[&kinds, &ids],
    ))
    .map_err(mapper(server, "removing events"))?;
    Ok(deleted)
}

/// Upserts every event of `events` inside `tx`.
pub(crate) fn upsert(
    tx: &Transaction<'_>,
    server: &str,
    source: &str,
    events: &EventSet,
) -> Result<UpsertCount, StoreError> {
    let mut stored = lock_services(tx, server, &events.services)?;
    let mut rows: Vec<Owned> = Vec::with_capacity(total(events));
    let merge = |service: &Service| {
        let merged = codec::merge_service(stored.remove(&service.name), service);
        // A later copy of the same service in this sync merges with this one.
        stored.insert(merged.name.clone(), merged.clone());
        Ok(merged)
    };
    codec::encode_each(events, merge, |event: EncodedEvent<'_>| {
        rows.push(Owned {
            kind: event.kind,
            id: event.id.into_owned(),
            service: event.service.map(str::to_string),
            at: event.at,
            body: event.body.to_string(),
        });
        Ok(())
    })?;
    // Stable: copies of one key keep their order.
    rows.sort_by(|a, b| (a.kind.as_str(), &a.id).cmp(&(b.kind.as_str(), &b.id)));

    let statement = block_on(tx.prepare(UPSERT)).map_err(mapper(server, "preparing the upsert"))?;
    let mut count = UpsertCount::default();
    let mut start = 0;
    while start < rows.len() {
        let mut end = start + 1;
        while end < rows.len()
            && end - start < BATCH
            && (rows[end].kind, &rows[end].id) != (rows[end - 1].kind, &rows[end - 1].id)
        {
            end += 1;
        }
        let batch = &rows[start..end];
        let kinds: Vec<&str> = batch.iter().map(|r| r.kind.as_str()).collect();
        let ids: Vec<&str> = batch.iter().map(|r| r.id.as_str()).collect();
        let services: Vec<Option<&str>> = batch.iter().map(|r| r.service.as_deref()).collect();
        let ats: Vec<i64> = batch.iter().map(|r| r.at).collect();
        let bodies: Vec<&str> = batch.iter().map(|r| r.body.as_str()).collect();
        let params: [&(dyn ToSql + Sync); 6] = [&source, &kinds, &ids, &services, &ats, &bodies];
        let written = block_on(tx.query(&statement, &params)).map_err(|e| {
            let doing = if batch.len() == 1 {
                format!("storing the {} {}", batch[0].kind.as_str(), batch[0].id)
            } else {
                format!("storing {} events", batch.len())
            };
            map(server, &doing, e)
        })?;
        for row in &written {
            let revision: i64 = row
                .try_get(0)
                .map_err(mapper(server, "reading what was stored"))?;
            if revision == 1 {
                count.inserted += 1;
            } else {
                count.updated += 1;
            }
        }
        count.unchanged += (batch.len() - written.len()) as u64;
        start = end;
    }
    Ok(count)
}

fn total(events: &EventSet) -> usize {
    events.services.len()
        + events.deployments.len()
        + events.pull_requests.len()
        + events.pipeline_runs.len()
        + events.incidents.len()
}

/// Locks the names of `services` for this transaction (in key order) and reads those stored.
fn lock_services(
    tx: &Transaction<'_>,
    server: &str,
    services: &[Service],
) -> Result<HashMap<String, Service>, StoreError> {
    if services.is_empty() {
        return Ok(HashMap::new());
    }
    let mut keys: Vec<i32> = services.iter().map(|s| lock_key(&s.name)).collect();
    keys.sort_unstable();
    keys.dedup();
    let doing = "waiting for another writer of the same services";
    for key in keys {
        block_on(tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&SERVICE_LOCKS, &key],
        ))
        .map_err(mapper(server, doing))?;
    }
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let doing = "reading the stored services";
    let rows = block_on(tx.query(
        "SELECT id, body FROM flowdeck.events WHERE kind = 'service' AND id = ANY($1)",
        &[&names],
    ))
    .map_err(mapper(server, doing))?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get(0).map_err(mapper(server, doing))?;
        let body: &str = row.try_get(1).map_err(mapper(server, doing))?;
        let service: Service = serde_json::from_str(body).map_err(|e| {
            StoreError::Decode(format!("the stored service {name} is not valid: {e}"))
        })?;
        stored.insert(name, service);
    }
    Ok(stored)
}

/// A service name's lock key: FNV-1a, folded to 32 bits (a collision only makes two services
/// take turns).
fn lock_key(name: &str) -> i32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    ((hash >> 32) ^ hash) as u32 as i32
}

/// Every stored event, in the canonical order ([`codec::canonical_order`]).
///
/// One statement, so one snapshot: a sync committed meanwhile is wholly in it or not at all.
/// Rows are streamed; a history of less than one batch is decoded on this thread, a larger one
/// in batches by one scoped thread per core (JSON and timestamp parsing is most of the cost),
/// each into its own EventSet, concatenated and sorted at the end.
pub(crate) fn load(client: &tokio_postgres::Client, server: &str) -> Result<EventSet, StoreError> {
    let reading = "reading the history";
    let statement = block_on(client.prepare("SELECT kind, id, body FROM flowdeck.events"))
        .map_err(mapper(server, reading))?;
    let no_params: [&(dyn ToSql + Sync); 0] = [];
    let stream =
        block_on(client.query_raw(&statement, no_params)).map_err(mapper(server, reading))?;
    let mut stream = std::pin::pin!(stream);
    let mut next = || -> Result<Option<Row>, StoreError> {
        use futures_util::StreamExt;
        block_on(stream.next())
            .transpose()
            .map_err(mapper(server, reading))
    };

    let mut batch: Vec<Row> = Vec::with_capacity(BATCH);
    while batch.len() < BATCH {
        match next()? {
            Some(row) => batch.push(row),
            None => break,
        }
    }
    let (mut events, skipped) = if batch.len() < BATCH {
        let mut events = EventSet::default();
        let skipped = decode(&batch, server, &mut events)?;
        (events, skipped)
    } else {
        decode_in_parallel(server, batch, &mut next)?
    };
    if skipped > 0 {
        tracing::warn!(
            skipped,
            "stored events of kinds this flowdeck does not know were skipped"
        );
    }
    codec::canonical_order(&mut events);
    Ok(events)
}

/// Decodes `rows` into `into`, returning how many were of unknown kinds.
fn decode(rows: &[Row], server: &str, into: &mut EventSet) -> Result<u64, StoreError> {
    let reading = "reading the history";
    let mut skipped = 0;
    for row in rows {
        let kind: &str = row.try_get(0).map_err(mapper(server, reading))?;
        let id: &str = row.try_get(1).map_err(mapper(server, reading))?;
        let body: &str = row.try_get(2).map_err(mapper(server, reading))?;
        if !codec::decode_into(kind, id, body, into)? {
            skipped += 1;
        }
    }
    Ok(skipped)
}

fn decode_in_parallel(
    server: &str,
    first: Vec<Row>,
    next: &mut dyn FnMut() -> Result<Option<Row>, StoreError>,
) -> Result<(EventSet, u64), StoreError> {
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
            workers.push(scope.spawn(move || -> Result<(EventSet, u64), StoreError> {
                let mut part = EventSet::default();
                let mut skipped = 0;
                for batch in rx {
                    skipped += decode(&batch, server, &mut part)?;
                }
                Ok((part, skipped))
            }));
        }
        let read = || -> Result<(), StoreError> {
            let mut batch = first;
            let mut turn = 0usize;
            loop {
                let row = next()?;
                let done = row.is_none();
                if let Some(row) = row {
                    batch.push(row);
                }
                if batch.len() >= BATCH || (done && !batch.is_empty()) {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A worker that stopped on a bad row closed its channel; its error is
                    // collected below.
                    if senders[turn % threads].send(full).is_err() {
                        return Ok(());
                    }
                    turn += 1;
                }
                if done {
                    return Ok(());
                }
            }
        };
        let read_result = read();
        drop(senders);
        // Join every worker before looking at any result.
        let parts: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
        read_result?;
        let mut events = EventSet::default();
        let mut skipped = 0;
        for part in parts {
            let (part, part_skipped) = part.map_err(|_| {
                StoreError::Io(format!(
                    "{server}: a thread decoding the history stopped unexpectedly"
                ))
            })??;
            skipped += part_skipped;
            events.services.extend(part.services);
            events.deployments.extend(part.deployments);
            events.pull_requests.extend(part.pull_requests);
            events.pipeline_runs.extend(part.pipeline_runs);
            events.incidents.extend(part.incidents);
        }
        Ok((events, skipped))
    })
}

/// How many events of each kind are stored (for `check` and tests).
pub(crate) fn counts(
    client: &tokio_postgres::Client,
    server: &str,
) -> Result<Vec<(EventKind, u64)>, StoreError> {
    let doing = "counting events";
    let rows = block_on(client.query(
        "SELECT kind, count(*) FROM flowdeck.events GROUP BY kind",
        &[],
    ))
    .map_err(mapper(server, doing))?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in rows {
        let kind: &str = row.try_get(0).map_err(mapper(server, doing))?;
        let n: i64 = row.try_get(1).map_err(mapper(server, doing))?;
        if let Some(kind) = EventKind::parse(kind) {
            counts.push((kind, n.max(0) as u64));
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_spread() {
        // Fixed forever: two flowdeck versions must lock the same name the same way.
        assert_eq!(lock_key("api"), lock_key("api"));
        assert_ne!(lock_key("api"), lock_key("web"));
        assert_eq!(lock_key(""), (0xcbf2_9ce4_u32 ^ 0x8422_2325_u32) as i32);
    }
}
