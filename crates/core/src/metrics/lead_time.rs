//! Lead time for changes (docs/METRICS.md#lead-time-for-changes).
//!
//! A change is a non-merge commit a counted deployment shipped first; its lead time is that
//! deployment's `finished_at − authored_at`, clamped at 0 (`committed_at` instead for the
//! services in `committed_time_services`). A baseline's changes are all of history before it
//! and count nowhere (docs/METRICS.md#shipped-commits-and-the-baseline). Over the changes of the
//! deployments that finished in the window: `changes`, the median (banded) and the p90.

use serde::Serialize;

use super::bands::{Band, BandTable};
use super::draft::ServiceDraft;
use super::pooled::median_and_p90_pooled;
use crate::model::Deployment;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadTime {
    pub changes: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

/// Counts each deployment's changes (batch size reads them too) and records the lead time of
/// each change of a non-baseline counted deployment, contiguous per deployment, in deploy order.
pub(crate) fn derive(draft: &mut ServiceDraft<'_, '_>) {
    let non_merge = |d: &Deployment| d.changes.iter().filter(|c| !c.merge).count() as u32;
    for p in 0..draft.members.len() as u32 {
        if !draft.facts[p as usize].counted {
            draft.facts[p as usize].changes = non_merge(draft.deployment(p));
        }
    }
    // Every deployment of a draft is of the same service.
    let committed = draft.order.first().is_some_and(|&p| {
        draft
            .rules
            .committed_time_services
            .contains(&draft.deployment(p).service)
    });
    let mut lead = Vec::new();
    for &p in &draft.order {
        let deployment = draft.deployment(p);
        let facts = &mut draft.facts[p as usize];
        facts.changes = non_merge(deployment);
        facts.lead_start = lead.len() as u32;
        if !facts.baseline {
            let finished = deployment.finished_at.timestamp();
            lead.extend(deployment.changes.iter().filter(|c| !c.merge).map(|c| {
                let start = if committed {
                    c.committed_at
                } else {
                    c.authored_at
                };
                (finished - start.timestamp()).max(0)
            }));
        }
        facts.lead_end = lead.len() as u32;
    }
    draft.lead = lead;
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
