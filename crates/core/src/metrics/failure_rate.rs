//! Change failure rate (docs/METRICS.md#change-failure-rate).
//!
//! `rate = failed / deployments` over the counted deployments that finished in the window. A
//! deployment has failed when one of four rules says so, each adding a reason `{kind, ref}`
//! (never the same one twice):
//! (a) an incident names it, (b) an incident of its service started within the attribution
//!     window after it: incident attribution, in `attribution.rs`;
//! (c) rollback: a later deployment R of its service deploys the sha of an earlier deployment E
//!     (the latest with that sha) that is not R's immediate predecessor; every deployment
//!     strictly between E and R failed, and R is rework (docs/METRICS.md#rule-c-rollback);
//! (d) revert: a later deployment of its service ships a revert of one of its commits, by
//!     "This reverts commit <sha>" or a merged revert pull request; the reverting deployment is
//!     rework (docs/METRICS.md#rule-d-revert).
//! A failure's facts are taken from everything known, also after the window. The rate is banded.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::bands::{Band, BandTable};
use super::draft::ServiceDraft;
use super::facts::{Reason, ReasonKind, push_reason};
use super::shipped::Shippers;
use super::stats::rate;
use crate::model::Timestamp;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChangeFailureRate {
    pub deployments: u64,
    pub failed: u64,
    pub rate: Option<f64>,
    pub band: Option<Band>,
}

pub(crate) fn measure(failed: u64, deployments: u64, bands: &BandTable) -> ChangeFailureRate {
    let failure_rate = rate(failed, deployments);
    ChangeFailureRate {
        deployments,
        failed,
        rate: failure_rate,
        band: bands.change_failure_rate(failure_rate),
    }
}

fn earliest(current: Option<Timestamp>, candidate: Timestamp) -> Option<Timestamp> {
    Some(current.map_or(candidate, |c| c.min(candidate)))
}

/// (c) A later deployment R deploys the sha of an earlier deployment E (the latest with that sha)
/// that is not R's immediate predecessor: every deployment strictly between failed, and R is
/// their rollback. Redeploying the live sha is not a rollback.
pub(crate) fn mark_rollbacks(draft: &mut ServiceDraft<'_, '_>) {
    let events = draft.events;
    let members = &draft.members;
    let deployment = |p: u32| &events.deployments[members[p as usize] as usize];
    let mut latest: FxHashMap<&str, usize> = FxHashMap::default();
    for r in 0..draft.order.len() {
        let rollback = deployment(draft.order[r]);
        if let Some(&e) = latest.get(rollback.sha.as_str())
            && e + 1 < r
        {
            let target = deployment(draft.order[e]);
            for &between in &draft.order[e + 1..r] {
                let f = &mut draft.facts[between as usize];
                push_reason(
                    &mut f.failure_reasons,
                    Reason::new(ReasonKind::Rollback, &rollback.id),
                );
                f.undone_at = earliest(f.undone_at, rollback.finished_at);
            }
            push_reason(
                &mut draft.facts[draft.order[r] as usize].rework_reasons,
                Reason::new(ReasonKind::Rollback, &target.id),
            );
        }
        latest.insert(rollback.sha.as_str(), r);
    }
}

/// (d) A later deployment ships a revert of one of a deployment's shipped commits: a commit
/// saying "This reverts commit <sha>", or a merged "Revert …" PR whose body says
/// "Reverts owner/repo#N" for a PR whose merge sha the deployment shipped. A revert shipped in
/// the same deployment as its target fails nothing and is not rework; a revert of a commit
/// shipped before the known history is rework with no deployment to fail.
pub(crate) fn mark_reverts(draft: &mut ServiceDraft<'_, '_>, shippers: &Shippers<'_>) {
    let mut marked: FxHashSet<(u32, u32)> = FxHashSet::default();
    for revert in &shippers.reverts {
        apply_revert(
            draft,
            &mut marked,
            revert.deployment,
            revert.target_shipper,
            revert.sha,
        );
    }

    let prs = &draft.events.pull_requests;
    if !draft
        .prs
        .iter()
        .any(|&p| prs[p as usize].reverts_pr.is_some())
    {
        return;
    }
    // The service's pull requests by number (the last one, should numbers repeat).
    let by_number: FxHashMap<u64, usize> = draft
        .prs
        .iter()
        .enumerate()
        .map(|(i, &p)| (prs[p as usize].number, i))
        .collect();
    let pairs: Vec<(u32, Option<u32>, String)> = draft
        .prs
        .iter()
        .enumerate()
        .filter_map(|(i, &p)| {
            let pr = &prs[p as usize];
            let target = by_number.get(&pr.reverts_pr?)?;
            let shipped_by = shippers.pr_merge[i]?;
            Some((
                shipped_by,
                shippers.pr_merge[*target],
                format!("#{}", pr.number),
            ))
        })
        .collect();
    for (reverting, target_shipper, reference) in pairs {
        apply_revert(draft, &mut marked, reverting, target_shipper, &reference);
    }
}

fn apply_revert(
    draft: &mut ServiceDraft<'_, '_>,
    marked: &mut FxHashSet<(u32, u32)>,
    reverting: u32,
    target_shipper: Option<u32>,
    reference: &str,
) {
    match target_shipper {
        Some(target) if target == reverting => {}
        Some(target) if draft.deployed_before(target, reverting) => {
            let finished = draft.deployment(reverting).finished_at;
            if marked.insert((target, reverting)) {
                let f = &mut draft.facts[target as usize];
                push_reason(
                    &mut f.failure_reasons,
                    Reason::new(ReasonKind::Revert, reference),
                );
                f.undone_at = earliest(f.undone_at, finished);
            }
            push_reason(
                &mut draft.facts[reverting as usize].rework_reasons,
                Reason::new(ReasonKind::Revert, reference),
            );
        }
        // The target shipped after its revert: inconsistent data, blame nobody.
        Some(_) => {}
        None => push_reason(
            &mut draft.facts[reverting as usize].rework_reasons,
            Reason::new(ReasonKind::Revert, reference),
        ),
    }
}
