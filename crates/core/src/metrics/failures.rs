//! Failed deployments by rollback (c) and revert (d), and when each failure was recovered.

use rustc_hash::{FxHashMap, FxHashSet};

use super::history::{History, Reason, ReasonKind};
use super::shipped::{Shippers, deploy_order_before};
use crate::model::Timestamp;

/// Adds a reason unless the same one is already there.
pub fn push_reason(reasons: &mut Vec<Reason>, reason: Reason) {
    if !reasons.contains(&reason) {
        reasons.push(reason);
    }
}

fn earliest(current: Option<Timestamp>, candidate: Timestamp) -> Option<Timestamp> {
    Some(current.map_or(candidate, |c| c.min(candidate)))
}

/// (c) A later deployment R deploys the sha of an earlier deployment E (the latest with that sha)
/// that is not R's immediate predecessor: every deployment strictly between failed, and R is
/// their rollback. Redeploying the live sha is not a rollback.
pub fn mark_rollbacks(history: &mut History) {
    let History {
        events,
        services,
        deployments: facts,
        ..
    } = history;
    for service in services.iter() {
        let mut latest: FxHashMap<&str, usize> = FxHashMap::default();
        for (r, &rd) in service.deployments.iter().enumerate() {
            let rollback = &events.deployments[rd as usize];
            if let Some(&e) = latest.get(rollback.sha.as_str())
                && e + 1 < r
            {
                let target = &events.deployments[service.deployments[e] as usize];
                for &between in &service.deployments[e + 1..r] {
                    let f = &mut facts[between as usize];
                    push_reason(
                        &mut f.failure_reasons,
                        Reason::new(ReasonKind::Rollback, &rollback.id),
                    );
                    f.undone_at = earliest(f.undone_at, rollback.finished_at);
                }
                push_reason(
                    &mut facts[rd as usize].rework_reasons,
                    Reason::new(ReasonKind::Rollback, &target.id),
                );
            }
            latest.insert(rollback.sha.as_str(), r);
        }
    }
}

/// (d) A later deployment ships a revert of one of a deployment's shipped commits: a commit
/// saying "This reverts commit <sha>", or a merged "Revert …" PR whose body says
/// "Reverts owner/repo#N" for a PR whose merge sha the deployment shipped. A revert shipped in
/// the same deployment as its target fails nothing and is not rework; a revert of a commit
/// shipped before the known history is rework with no deployment to fail.
pub fn mark_reverts(history: &mut History, shippers: &Shippers) {
    let mut marked: FxHashSet<(u32, u32)> = FxHashSet::default();
    for revert in &shippers.reverts {
        apply_revert(
            history,
            &mut marked,
            revert.deployment,
            revert.target_shipper,
            &revert.sha,
        );
    }

    let events = &history.events;
    let wanted: FxHashSet<u64> = events
        .pull_requests
        .iter()
        .filter_map(|pr| pr.reverts_pr)
        .collect();
    if wanted.is_empty() {
        return;
    }
    let by_number: FxHashMap<(&str, u64), usize> = events
        .pull_requests
        .iter()
        .enumerate()
        .filter(|(_, pr)| wanted.contains(&pr.number))
        .map(|(i, pr)| ((pr.service.as_str(), pr.number), i))
        .collect();
    let pairs: Vec<(u32, Option<u32>, String)> = events
        .pull_requests
        .iter()
        .enumerate()
        .filter_map(|(i, pr)| {
            let target = by_number.get(&(pr.service.as_str(), pr.reverts_pr?))?;
            let shipped_by = shippers.pr_merge[i]?;
            Some((
                shipped_by,
                shippers.pr_merge[*target],
                format!("#{}", pr.number),
            ))
        })
        .collect();
    for (reverting, target_shipper, reference) in pairs {
        apply_revert(history, &mut marked, reverting, target_shipper, &reference);
    }
}

fn apply_revert(
    history: &mut History,
    marked: &mut FxHashSet<(u32, u32)>,
    reverting: u32,
    target_shipper: Option<u32>,
    reference: &str,
) {
    match target_shipper {
        Some(target) if target == reverting => {}
        Some(target) if deploy_order_before(history, target, reverting) => {
            let finished = history.events.deployments[reverting as usize].finished_at;
            if marked.insert((target, reverting)) {
                let f = &mut history.deployments[target as usize];
                push_reason(
                    &mut f.failure_reasons,
                    Reason::new(ReasonKind::Revert, reference),
                );
                f.undone_at = earliest(f.undone_at, finished);
            }
            push_reason(
                &mut history.deployments[reverting as usize].rework_reasons,
                Reason::new(ReasonKind::Revert, reference),
            );
        }
        // The target shipped after its revert: inconsistent data, blame nobody.
        Some(_) => {}
        None => push_reason(
            &mut history.deployments[reverting as usize].rework_reasons,
            Reason::new(ReasonKind::Revert, reference),
        ),
    }
}

/// recovered_at = the earlier of (the latest resolved_at of its attributed incidents, once all
/// are resolved) and (the first rollback or revert deployment that undid it).
pub fn mark_recoveries(history: &mut History) {
    // Per deployment: whether every attributed incident is resolved, and the latest resolution.
    let mut incident_state: FxHashMap<u32, (bool, Option<Timestamp>)> = FxHashMap::default();
    for (incident, attributions) in history.events.incidents.iter().zip(&history.attributions) {
        for attribution in attributions {
            let state = incident_state
                .entry(attribution.deployment)
                .or_insert((true, None));
            match incident.resolved_at {
                Some(resolved) => state.1 = Some(state.1.map_or(resolved, |t| t.max(resolved))),
                None => state.0 = false,
            }
        }
    }
    for (d, facts) in history.deployments.iter_mut().enumerate() {
        if !facts.failed() {
            continue;
        }
        let by_incidents = match incident_state.get(&(d as u32)) {
            Some((true, resolved)) => *resolved,
            _ => None,
        };
        facts.recovered_at = match (by_incidents, facts.undone_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}
