//! Lead time for changes (docs/METRICS.md#lead-time-for-changes).
//!
//! A change is a non-merge commit a counted deployment shipped first; its lead time is that
//! deployment's `finished_at − authored_at`, clamped at 0 (`committed_at` instead for the
//! services in `committed_time_services`). A baseline's changes are all of history before it
//! and count nowhere (docs/METRICS.md#shipped-commits-and-the-baseline). Over the changes of the
//! deployments that finished in the window: `changes`, the median (banded) and the p90.

use serde::Serialize;

use super::bands::{Band, BandTable};
use super::facts::History;
use super::stats::median_and_p90;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadTime {
    pub changes: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

/// Counts each deployment's changes (batch size reads them too) and records the lead time of
/// each change of a non-baseline counted deployment, contiguous per deployment.
pub(crate) fn derive(history: &mut History) {
    let total: usize = history
        .events
        .deployments
        .iter()
        .map(|d| d.changes.len())
        .sum();
    history.lead_seconds.reserve(total);
    for (deployment, facts) in history
        .events
        .deployments
        .iter()
        .zip(&mut history.deployments)
    {
        facts.changes = deployment.changes.iter().filter(|c| !c.merge).count() as u32;
        facts.lead_start = history.lead_seconds.len() as u32;
        if facts.counted && !facts.baseline {
            let committed = history
                .rules
                .committed_time_services
                .contains(&deployment.service);
            let finished = deployment.finished_at.timestamp();
            history
                .lead_seconds
                .extend(deployment.changes.iter().filter(|c| !c.merge).map(|c| {
                    let start = if committed {
                        c.committed_at
                    } else {
                        c.authored_at
                    };
                    (finished - start.timestamp()).max(0)
                }));
        }
        facts.lead_end = history.lead_seconds.len() as u32;
    }
}

/// `lead`: the lead times (seconds) of the window's changes, reordered.
pub(crate) fn measure(lead: &mut [u32], bands: &BandTable) -> LeadTime {
    let (median_seconds, p90_seconds) = median_and_p90(lead);
    LeadTime {
        changes: lead.len() as u64,
        median_seconds,
        p90_seconds,
        band: bands.lead_time(median_seconds),
    }
}
