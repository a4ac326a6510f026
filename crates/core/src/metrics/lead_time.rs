//! Lead time for changes (docs/METRICS.md#lead-time-for-changes).
//!
//! A change is a non-merge commit a counted deployment shipped first; its lead time is that
//! deployment's `finished_at − authored_at`, clamped at 0 (`committed_at` instead for the
//! services in `committed_time_services`). A baseline's changes are all of history before it
//! and count nowhere (docs/METRICS.md#shipped-commits-and-the-baseline). Over the changes of the
//! deployments that finished in the window: `changes`, the median (banded) and the p90.

use serde::Serialize;

use super::bands::{Band, BandTable};
use super::pooled::median_and_p90_pooled;
use crate::model::Change;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadTime {
    pub changes: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

/// The lead time of one change of a deployment that finished at `finished` (Unix seconds):
/// from authored_at, or committed_at for the services in `committed_time_services`; clamped at
/// 0. Each deployment's change count and lead times are gathered in `ServiceDraft`'s one pass
/// over the shipped commits, in deploy order, so a window's lead times are contiguous.
pub(crate) fn lead_seconds(change: &Change, committed: bool, finished: i64) -> i64 {
    let start = if committed {
        change.committed_at
    } else {
        change.authored_at
    };
    (finished - start.timestamp()).max(0)
}

/// `lead`: the lead times (seconds) of the window's changes, one slice per service.
pub(crate) fn measure(lead: &[&[u32]], bands: &BandTable) -> LeadTime {
    let (median_seconds, p90_seconds) = median_and_p90_pooled(lead);
    LeadTime {
        changes: lead.iter().map(|l| l.len() as u64).sum(),
        median_seconds,
        p90_seconds,
        band: bands.lead_time(median_seconds),
    }
}
