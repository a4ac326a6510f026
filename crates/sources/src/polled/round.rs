//! One sync (or probe) of one source: the time, how far a first sync reaches back, the
//! watermarks, and the backfill horizon every source keeps the same way.

use std::sync::Arc;

use chrono::SecondsFormat;

use super::{Found, Watermarks};
use crate::SourceError;
use crate::live::{SyncContext, SyncOutcome};
use flowdeck_core::model::{EventSet, Timestamp};
use flowdeck_store::{Lease, Store, UpsertCount};

/// The watermark that holds the first sync's backfill horizon, and how its time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub key: &'static str,
    pub precision: SecondsFormat,
}

impl Horizon {
    /// `backfill.from`, RFC 3339 in whole seconds.
    pub const DEFAULT: Horizon = Horizon {
        key: "backfill.from",
        precision: SecondsFormat::Secs,
    };
}

/// What a provider's `sync` and `probe` work with.
pub struct Round {
    /// The time of this sync (a fixed `--now` in reports and tests).
    pub now: Timestamp,
    /// How far back a first sync reads.
    pub backfill: chrono::Duration,
    /// The data is complete from here on: the first sync's `now - backfill`, remembered.
    pub covers_from: Timestamp,
    /// The source's watermarks: what is stored, and what this sync sets.
    pub marks: Watermarks,
    store: Arc<dyn Store>,
    /// The lease that fences `commit_part` on a shared store.
    lease: Option<Lease>,
    /// What `commit_part` stored so far.
    committed: UpsertCount,
}

impl Round {
    /// Reads the backfill horizon (a first sync sets it to `now - backfill`; one that cannot be
    /// read is set again).
    pub(crate) fn open(
        ctx: &SyncContext,
        source: &str,
        horizon: Horizon,
    ) -> Result<Round, SourceError> {
        let mut marks = Watermarks::new(ctx.store.clone(), source);
        let covers_from = match marks.timestamp(horizon.key)? {
            Some(from) => from,
            None => {
                let from = ctx.now - ctx.backfill;
                marks.set(horizon.key, from.to_rfc3339_opts(horizon.precision, true));
                from
            }
        };
        Ok(Round {
            now: ctx.now,
            backfill: ctx.backfill,
            covers_from,
            marks,
            store: ctx.store.clone(),
            lease: ctx.lease.clone(),
            committed: UpsertCount::default(),
        })
    }

    /// Commits a part of this sync now, in one transaction: `events` and the watermarks set so
    /// far (their cursors), without a status. A long backfill commits its pages as they come,
    /// so one stopped by a rate limit, a fault or Ctrl-C continues from its cursors at the next
    /// sync instead of from scratch; the poller still commits the rest and the status at the end.
    pub fn commit_part(&mut self, events: &EventSet) -> Result<(), SourceError> {
        let watermarks = self.marks.take_updates();
        let written = match (&self.lease, self.store.leases()) {
            // A collector that lost its lease (paused past it) stores nothing of this part.
            (Some(lease), Some(leases)) => {
                leases.commit_held(lease, events, &[], &watermarks, None)
            }
            _ => self
                .store
                .commit_batch(self.marks.source(), events, &[], &watermarks, None),
        }
        .map_err(super::store_error)?;
        self.committed.inserted += written.upserts.inserted;
        self.committed.updated += written.upserts.updated;
        self.committed.unchanged += written.upserts.unchanged;
        crate::progress::committed();
        Ok(())
    }

    /// Everything the store holds (every source's), for a source that must see what it stored
    /// before.
    pub fn stored_events(&self) -> Result<EventSet, SourceError> {
        self.store.load().map_err(super::store_error)
    }

    /// The store itself, for what is kept outside the sync's commit (a forge's compares).
    pub(crate) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// What the poller commits: the events, the watermarks set, the horizon.
    pub(crate) fn finish(self, found: Found) -> SyncOutcome {
        SyncOutcome {
            events: found.events,
            removals: found.removals,
            watermarks: self.marks.into_updates(),
            covers_from: Some(self.covers_from),
            degraded: found.degraded,
            committed: self.committed,
        }
    }
}
