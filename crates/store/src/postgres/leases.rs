//! The leases of collectors sharing the store, in `flowdeck.leases` and `flowdeck.collectors`
//! (schema version 3; see `crate::lease` for what they mean).
//!
//! Every time is the server's `clock_timestamp()` as Unix nanoseconds, so collectors whose
//! host clocks disagree agree on expiries. A lease row is never deleted: its generation must
//! only grow, or a holder paused across a delete and a new take could find its old
//! generation again.

use std::time::Duration;

use tokio_postgres::Client;

use super::driver::block_on;
use super::errors::mapper;
use crate::StoreError;
use crate::lease::{Holder, Lease, Member};

/// The server's clock now, as Unix nanoseconds.
const NOW_NS: &str = "(extract(epoch FROM clock_timestamp()) * 1000000000)::bigint";

/// How long a collector that stopped heartbeating stays listed before its row is dropped.
const FORGET_AFTER: Duration = Duration::from_secs(600);

fn nanos(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

pub(crate) fn heartbeat(
    client: &Client,
    server: &str,
    me: &Member,
    ttl: Duration,
) -> Result<Vec<String>, StoreError> {
    let doing = "recording that this collector is alive";
    block_on(client.execute(
        &format!(
            "INSERT INTO flowdeck.collectors (token, name, backend_pid, expires_at)
             VALUES ($1, $2, pg_backend_pid(), {NOW_NS} + $3)
             ON CONFLICT (token) DO UPDATE SET name = excluded.name,
                 backend_pid = excluded.backend_pid, expires_at = excluded.expires_at"
        ),
        &[&me.token, &me.name, &nanos(ttl)],
    ))
    .map_err(mapper(server, doing))?;
    block_on(client.execute(
        &format!("DELETE FROM flowdeck.collectors WHERE expires_at < {NOW_NS} - $1"),
        &[&nanos(FORGET_AFTER)],
    ))
    .map_err(mapper(server, doing))?;
    let rows = block_on(client.query(
        &format!(
            "SELECT token FROM flowdeck.collectors WHERE expires_at > {NOW_NS} ORDER BY token"
        ),
        &[],
    ))
    .map_err(mapper(server, "listing the collectors alive"))?;
    rows.iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<String>, _>>()
        .map_err(mapper(server, "listing the collectors alive"))
}

pub(crate) fn acquire(
    client: &Client,
    server: &str,
    me: &Member,
    source: &str,
    ttl: Duration,
) -> Result<Option<Lease>, StoreError> {
    // Taken when free or already ours; the generation grows whenever the holder changes, so
    // a former holder's fenced writes are refused from this commit on.
    let row = block_on(client.query_opt(
        &format!(
            "INSERT INTO flowdeck.leases AS l (source, holder, collector, generation, expires_at)
             VALUES ($1, $2, $3, 1, {NOW_NS} + $4)
             ON CONFLICT (source) DO UPDATE SET
                 generation = CASE WHEN l.holder = excluded.holder THEN l.generation
                                   ELSE l.generation + 1 END,
                 holder = excluded.holder, collector = excluded.collector,
                 expires_at = excluded.expires_at
             WHERE l.holder = excluded.holder OR l.expires_at <= {NOW_NS}
             RETURNING generation"
        ),
        &[&source, &me.token, &me.name, &nanos(ttl)],
    ))
    .map_err(mapper(server, "taking a source's lease"))?;
    row.map(|row| {
        row.try_get(0).map(|generation| Lease {
            source: source.to_string(),
            generation,
        })
    })
    .transpose()
    .map_err(mapper(server, "taking a source's lease"))
}

pub(crate) fn renew(
    client: &Client,
    server: &str,
    me: &Member,
    lease: &Lease,
    ttl: Duration,
) -> Result<bool, StoreError> {
    let changed = block_on(client.execute(
        &format!(
            "UPDATE flowdeck.leases SET expires_at = {NOW_NS} + $4
             WHERE source = $1 AND holder = $2 AND generation = $3"
        ),
        &[&lease.source, &me.token, &lease.generation, &nanos(ttl)],
    ))
    .map_err(mapper(server, "renewing a source's lease"))?;
    Ok(changed == 1)
}

pub(crate) fn release(
    client: &Client,
    server: &str,
    me: &Member,
    lease: &Lease,
) -> Result<(), StoreError> {
    block_on(client.execute(
        "UPDATE flowdeck.leases SET expires_at = 0
         WHERE source = $1 AND holder = $2 AND generation = $3",
        &[&lease.source, &me.token, &lease.generation],
    ))
    .map(|_| ())
    .map_err(mapper(server, "giving a source's lease back"))
}

pub(crate) fn leave(client: &Client, server: &str, me: &Member) -> Result<(), StoreError> {
    let doing = "giving this collector's leases back";
    block_on(client.execute(
        "UPDATE flowdeck.leases SET expires_at = 0 WHERE holder = $1",
        &[&me.token],
    ))
    .map_err(mapper(server, doing))?;
    block_on(client.execute(
        "DELETE FROM flowdeck.collectors WHERE token = $1",
        &[&me.token],
    ))
    .map(|_| ())
    .map_err(mapper(server, doing))
}

pub(crate) fn holders(client: &Client, server: &str) -> Result<Vec<Holder>, StoreError> {
    let doing = "reading who holds which source";
    let rows = block_on(client.query(
        &format!(
            "SELECT source, collector, generation, expires_at - {NOW_NS}
             FROM flowdeck.leases ORDER BY source"
        ),
        &[],
    ))
    .map_err(mapper(server, doing))?;
    rows.iter()
        .map(|row| {
            let remaining: i64 = row.try_get(3)?;
            Ok(Holder {
                source: row.try_get(0)?,
                collector: row.try_get(1)?,
                generation: row.try_get(2)?,
                expires_in: u64::try_from(remaining)
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Duration::from_nanos),
            })
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()
        .map_err(mapper(server, doing))
}

/// Inside a sync's transaction: locks the lease row until the commit (a collector taking the
/// source waits for this write, then reads its watermarks) and refuses the write unless the
/// lease still has `lease`'s generation.
pub(crate) fn fence(
    tx: &tokio_postgres::Transaction<'_>,
    server: &str,
    lease: &Lease,
) -> Result<(), StoreError> {
    let row = block_on(tx.query_opt(
        "SELECT generation, collector FROM flowdeck.leases WHERE source = $1 FOR UPDATE",
        &[&lease.source],
    ))
    .map_err(mapper(server, "checking a source's lease"))?;
    let (generation, holder): (i64, String) = match row {
        Some(row) => (
            row.try_get(0)
                .map_err(mapper(server, "checking a source's lease"))?,
            row.try_get(1)
                .map_err(mapper(server, "checking a source's lease"))?,
        ),
        None => (0, "(none)".into()),
    };
    if generation == lease.generation {
        return Ok(());
    }
    Err(StoreError::LeaseLost {
        name: lease.source.clone(),
        holder,
    })
}
