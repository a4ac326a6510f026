//! Several pollers on one shared store (PostgreSQL), each source polled by one of them at a
//! time (docs/ARCHITECTURE.md#collectors-that-fail-over).
//!
//! A keeper thread per process, every third of the lease's time to live:
//! 1. heartbeats (`Leases::heartbeat`), which lists the members alive;
//! 2. for each of its sources, asks which member should hold it (`spread::assign`) and
//!    renews the lease it holds, hands a lease over to the member that should hold it (never
//!    in the middle of a sync), or takes a free one it should hold. A source whose preferred
//!    member has not taken it for longer than a lease (another collector without that source
//!    in its config) is taken by whoever sees it free, and kept.
//!
//! A source's poll loop syncs only while its slot holds a lease ([`Sharing::take`]) and
//! commits fenced by that lease (`Leases::commit_held`), so a holder paused or cut off past
//! its lease writes nothing once another member has taken the source. On a clean stop the
//! keeper gives every lease back (`Leases::leave`) and the others take over at their next
//! tick; a collector killed or paused loses its leases when they expire.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::Notify;

use super::spread;
use crate::live::Source;
use flowdeck_store::{Lease, Leases, Member, Store, StoreError};

/// The shortest and longest time a lease lives unrenewed: the shortest poll interval of the
/// process's sources, within these. A takeover comes at most a lease and a keeper's tick
/// (a third of a lease) after the holder's last renewal, so within two poll intervals.
const SHORTEST_LEASE: Duration = Duration::from_secs(1);
const LONGEST_LEASE: Duration = Duration::from_secs(30);

/// Keeper ticks a source may stay free with its preferred member alive before anyone else
/// takes it.
const FALLBACK_TICKS: u32 = 4;

/// This process as a member: `name` as given (`collect --name`, else `host:pid`), the token
/// the name plus the pid and the start time in nanoseconds, which no other process has.
pub fn member(name: &str) -> Member {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    Member {
        name: name.to_string(),
        token: format!("{name}/{}/{started}", std::process::id()),
    }
}

/// How long this process's leases live unrenewed (see [`SHORTEST_LEASE`]).
pub fn lease_ttl(sources: &[Arc<dyn Source>]) -> Duration {
    sources
        .iter()
        .map(|s| s.interval())
        .min()
        .unwrap_or(LONGEST_LEASE)
        .clamp(SHORTEST_LEASE, LONGEST_LEASE)
}

/// One source's share of the work as this process sees it.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    /// Woken when this process takes the source's lease.
    taken: Notify,
}

#[derive(Debug, Default)]
struct SlotState {
    lease: Option<Lease>,
    /// A sync is running under the lease: it is not handed over now.
    syncing: bool,
    /// Taken though another member should hold it: kept, not handed over.
    fallback: bool,
    /// Ticks it was not held here while another member should hold it.
    free_ticks: u32,
}

/// The leases of one poller's sources.
pub(crate) struct Sharing {
    me: Member,
    ttl: Duration,
    store: Arc<dyn Store>,
    slots: BTreeMap<String, Slot>,
    /// Whether the last heartbeat failed (its warning is logged once per outage).
    failing: Mutex<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Sharing {
    /// Leases for `sources` when `store` shares them between processes; None for a store with
    /// one writer (SQLite), where the poller polls every source itself.
    pub(crate) fn new(
        me: Member,
        sources: &[Arc<dyn Source>],
        store: &Arc<dyn Store>,
    ) -> Option<Arc<Sharing>> {
        store.leases()?;
        Some(Arc::new(Sharing {
            me,
            ttl: lease_ttl(sources),
            store: store.clone(),
            slots: sources
                .iter()
                .map(|s| (s.name().to_string(), Slot::default()))
                .collect(),
            failing: Mutex::new(false),
        }))
    }

    fn leases(&self) -> Option<&dyn Leases> {
        self.store.leases()
    }

    /// Waits until this process holds `source`'s lease, and marks a sync as running under
    /// it (until [`done`](Self::done)).
    pub(crate) async fn take(&self, source: &str) -> Option<Lease> {
        let slot = self.slots.get(source)?;
        loop {
            let taken = slot.taken.notified();
            tokio::pin!(taken);
            // Registered before the state is read: a take between the two still wakes us.
            taken.as_mut().enable();
            {
                let mut state = lock(&slot.state);
                if let Some(lease) = state.lease.clone() {
                    state.syncing = true;
                    return Some(lease);
                }
            }
            taken.await;
        }
    }

    /// Resolves when this process takes `source`'s lease (never, for a source it has no slot
    /// for).
    pub(crate) async fn taken(&self, source: &str) {
        match self.slots.get(source) {
            Some(slot) => slot.taken.notified().await,
            None => std::future::pending().await,
        }
    }

    /// The sync under the lease is over.
    pub(crate) fn done(&self, source: &str) {
        if let Some(slot) = self.slots.get(source) {
            lock(&slot.state).syncing = false;
        }
    }

    /// A fenced write was refused: `lease` is another's now.
    pub(crate) fn lost(&self, lease: &Lease) {
        if let Some(slot) = self.slots.get(&lease.source) {
            let mut state = lock(&slot.state);
            if state.lease.as_ref() == Some(lease) {
                state.lease = None;
            }
        }
    }

    /// One round of the keeper.
    fn tick(&self) {
        let Some(leases) = self.leases() else {
            return;
        };
        let members = match leases.heartbeat(&self.me, self.ttl) {
            Ok(members) => {
                let mut failing = lock(&self.failing);
                if *failing {
                    tracing::info!(collector = self.me.name.as_str(), "the store answers again");
                }
                *failing = false;
                members
            }
            Err(error) => {
                let mut failing = lock(&self.failing);
                if !*failing {
                    tracing::warn!(
                        collector = self.me.name.as_str(),
                        %error,
                        "cannot renew this collector's leases; another collector takes its sources if this lasts past the lease"
                    );
                }
                *failing = true;
                return;
            }
        };
        let assigned = spread::assign(self.slots.keys().map(String::as_str), &members);
        for (source, slot) in &self.slots {
            let mine = assigned.get(source.as_str()) == Some(&self.me.token.as_str());
            if let Err(error) = self.settle(leases, source, slot, mine) {
                tracing::warn!(source = source.as_str(), %error, "could not settle the source's lease");
            }
        }
    }

    /// Renews, hands over or takes one source's lease. The slot is never locked across a
    /// call to the store (a poll loop waiting in `take` must not wait for the server).
    fn settle(
        &self,
        leases: &dyn Leases,
        source: &str,
        slot: &Slot,
        mine: bool,
    ) -> Result<(), StoreError> {
        let mut state = lock(&slot.state);
        match state.lease.clone() {
            Some(lease) if !mine && !state.fallback && !state.syncing => {
                // Cleared first, so no sync starts under a lease being given back.
                state.lease = None;
                drop(state);
                leases.release(&self.me, &lease)?;
                tracing::info!(
                    source,
                    collector = self.me.name.as_str(),
                    generation = lease.generation,
                    "source handed over to the collector that should hold it"
                );
            }
            Some(lease) => {
                drop(state);
                if !leases.renew(&self.me, &lease, self.ttl)? {
                    self.lost(&lease);
                    tracing::warn!(
                        source,
                        collector = self.me.name.as_str(),
                        generation = lease.generation,
                        "lease lost: another collector took the source"
                    );
                }
            }
            None => {
                let fallback = !mine && state.free_ticks >= FALLBACK_TICKS;
                if !mine && !fallback {
                    state.free_ticks = state.free_ticks.saturating_add(1);
                    return Ok(());
                }
                drop(state);
                let taken = leases.acquire(&self.me, source, self.ttl)?;
                let mut state = lock(&slot.state);
                let Some(lease) = taken else {
                    // Another holds it: it is not free.
                    state.free_ticks = 0;
                    return Ok(());
                };
                tracing::info!(
                    source,
                    collector = self.me.name.as_str(),
                    generation = lease.generation,
                    "took the source's lease"
                );
                state.lease = Some(lease);
                state.fallback = fallback;
                state.free_ticks = 0;
                drop(state);
                slot.taken.notify_waiters();
            }
        }
        Ok(())
    }

    /// Starts the keeper thread (see the module documentation).
    pub(crate) fn start_keeper(self: &Arc<Self>) -> std::io::Result<Keeper> {
        let (stop, stopped) = mpsc::channel::<()>();
        let sharing = Arc::clone(self);
        let tick = self.ttl / 3;
        let thread = std::thread::Builder::new()
            .name("flowdeck-leases".into())
            .spawn(move || {
                loop {
                    sharing.tick();
                    match stopped.recv_timeout(tick) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                if let Some(leases) = sharing.leases() {
                    match leases.leave(&sharing.me) {
                        Ok(()) => tracing::info!(
                            collector = sharing.me.name.as_str(),
                            "leases given back"
                        ),
                        Err(error) => tracing::warn!(%error, "could not give the leases back; they expire on their own"),
                    }
                }
            })?;
        Ok(Keeper {
            stop,
            thread: Some(thread),
        })
    }
}

/// The keeper thread; stopping it gives the leases back.
pub(crate) struct Keeper {
    stop: mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Keeper {
    /// Stops the keeper and waits until it has given its leases back.
    pub(crate) fn stop(mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the lease keeper's thread ended abnormally");
        }
    }
}
