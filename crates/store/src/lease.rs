//! Leases: how several collectors on one shared store split the sources so that each source is
//! polled by one of them at a time (docs/ARCHITECTURE.md#collectors-that-fail-over).
//!
//! A lease is a row per source naming its holder, with an expiry in the server's clock that
//! the holder renews while it lives, and a generation that grows at every change of holder.
//! Every write a holder makes for the source is fenced: it is committed only if the lease
//! still has the generation the holder took it with, checked in the same transaction as the
//! write. So a holder that was paused (SIGSTOP) or cut off long enough for another to take
//! the source can never write over what the new holder wrote.

use std::time::Duration;

use crate::{BatchCount, StoreError, StoredStatus};
use flowdeck_core::events::EventKey;
use flowdeck_core::model::EventSet;

/// One process taking part: a name people read (`host:pid` or `collect --name`) and a token
/// no other process has (two collectors given the same name by mistake still never share a
/// lease).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub token: String,
}

/// A lease this process holds: the source and the generation it was taken with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub source: String,
    pub generation: i64,
}

/// Who holds a source, as `check` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub source: String,
    /// The holder's name.
    pub collector: String,
    pub generation: i64,
    /// How long the lease still runs; None when it has expired (nobody polls the source
    /// until a collector takes it).
    pub expires_in: Option<Duration>,
}

/// What the collectors alive see of each other, and how each takes, keeps and gives back the
/// sources' leases. Times are the server's, so collectors on hosts whose clocks disagree
/// still agree on when a lease ends.
pub trait Leases: Send + Sync {
    /// Says `me` is alive for `ttl` more, and lists the tokens of every member alive now
    /// (`me` included), sorted.
    fn heartbeat(&self, me: &Member, ttl: Duration) -> Result<Vec<String>, StoreError>;

    /// Takes the lease of `source` for `ttl` when it is free (never taken, expired or given
    /// back) or already `me`'s; None when another member holds it.
    fn acquire(
        &self,
        me: &Member,
        source: &str,
        ttl: Duration,
    ) -> Result<Option<Lease>, StoreError>;

    /// Extends `lease` by `ttl`; false when it is no longer `me`'s (another took it).
    fn renew(&self, me: &Member, lease: &Lease, ttl: Duration) -> Result<bool, StoreError>;

    /// Gives `lease` back at once, so another member can take it without waiting for it to
    /// expire.
    fn release(&self, me: &Member, lease: &Lease) -> Result<(), StoreError>;

    /// Gives back every lease of `me` and leaves the members (a collector stopping).
    fn leave(&self, me: &Member) -> Result<(), StoreError>;

    /// Every source's lease, by source.
    fn holders(&self) -> Result<Vec<Holder>, StoreError>;

    /// `Store::commit_batch`, fenced: stored only if `lease` still has its generation, checked
    /// in the same transaction; else nothing is stored and the error is `LeaseLost`.
    fn commit_held(
        &self,
        lease: &Lease,
        events: &EventSet,
        removals: &[EventKey],
        watermarks: &[(String, String)],
        status: Option<&StoredStatus>,
    ) -> Result<BatchCount, StoreError>;
}
