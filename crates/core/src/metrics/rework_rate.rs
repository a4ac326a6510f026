//! Deployment rework rate (docs/METRICS.md#deployment-rework-rate).
//!
//! `rate = rework / deployments` over the counted deployments that finished in the window. A
//! deployment is rework when it is a rollback (rule (c)) or ships a revert (rule (d)), both
//! marked with the failures they cause in `failure_rate.rs`; when it matches `hotfix_pattern`;
//! or when it finished while an incident of its service was open. Each adds a reason. No band.
//!
//! `hotfix_pattern` is tried on the deployment's ref, then on the first line of its changes
//! (merges and reverts left out), then on the head branch of a pull request one of its commits
//! came through; the first match is the reason. A baseline's changes are the whole history
//! before it, not what it shipped, so only its ref is tried. Revert commits are left to the
//! revert rule even when their first line matches (the default pattern matches "Revert"): a
//! revert shipped with its target is not rework.

use serde::Serialize;

use super::draft::{ChangeScan, Hotfix, ServiceDraft};
use super::facts::{History, Reason, ReasonKind, push_reason};
use super::stats::rate;
use crate::model::Timestamp;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReworkRate {
    pub deployments: u64,
    pub rework: u64,
    pub rate: Option<f64>,
}

pub(crate) fn measure(rework: u64, deployments: u64) -> ReworkRate {
    ReworkRate {
        deployments,
        rework,
        rate: rate(rework, deployments),
    }
}

/// A change whose first line, a deploy ref, or the head branch of a PR a change came through
/// matches `hotfix_pattern` (found in the draft's pass over the commits, `scan`).
pub(crate) fn mark_hotfixes(draft: &mut ServiceDraft<'_, '_>, scan: &ChangeScan<'_>) {
    for (facts, hotfix) in draft.facts.iter_mut().zip(&scan.hotfix) {
        let reason = match *hotfix {
            Hotfix::None => continue,
            Hotfix::Ref(name) => Reason::new(ReasonKind::Hotfix, name),
            Hotfix::Title(sha) => Reason::new(ReasonKind::Hotfix, sha),
            Hotfix::Branch(number) => Reason::new(ReasonKind::Hotfix, format!("#{number}")),
        };
        push_reason(&mut facts.rework_reasons, reason);
    }
}

/// A deployment that finished while an incident of its service was open
/// (started_at ≤ finished_at < resolved_at; an open incident is open forever). For the
/// `services` given (every one, or those `History::apply` derived again).
pub(crate) fn mark_deployments_during_incidents(history: &mut History, services: &[u32]) {
    let incidents = &history.events.incidents;
    for &s in services {
        let service = &history.services[s as usize];
        if service.incidents.is_empty() {
            continue;
        }
        let mut open = service.incidents.clone();
        // Ties at one instant are ordered by id, so the incident named never depends on the
        // input order (docs/METRICS.md#deployment-rework-rate).
        open.sort_by(|&a, &b| {
            let (a, b) = (&incidents[a as usize], &incidents[b as usize]);
            a.started_at
                .cmp(&b.started_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        // Sweep in time order, keeping the latest end among incidents started so far.
        let mut next = 0;
        let mut latest_end: Option<(Option<Timestamp>, u32)> = None;
        for (&d, &finished) in service.deployments.iter().zip(&service.deployment_finished) {
            while next < open.len() && incidents[open[next] as usize].started_at <= finished {
                let i = open[next];
                let end = incidents[i as usize].resolved_at;
                let later = match latest_end {
                    None => true,
                    Some((None, _)) => false,
                    Some((Some(current), _)) => end.is_none_or(|e| e > current),
                };
                if later {
                    latest_end = Some((end, i));
                }
                next += 1;
            }
            if let Some((end, i)) = latest_end
                && end.is_none_or(|e| finished < e)
            {
                push_reason(
                    &mut history.deployments[d as usize].rework_reasons,
                    Reason::new(ReasonKind::DuringIncident, &incidents[i as usize].id),
                );
            }
        }
    }
}
