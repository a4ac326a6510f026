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

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::draft::ServiceDraft;
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
/// matches `hotfix_pattern`.
pub(crate) fn mark_hotfixes(draft: &mut ServiceDraft<'_, '_>) {
    let pattern = &draft.rules.hotfix_pattern;
    let prs = &draft.events.pull_requests;
    let hotfix_prs: FxHashSet<u64> = draft
        .prs
        .iter()
        .map(|&p| &prs[p as usize])
        .filter(|pr| {
            pr.head_branch
                .as_deref()
                .is_some_and(|b| pattern.is_match(b))
        })
        .map(|pr| pr.number)
        .collect();
    for p in 0..draft.members.len() {
        if !draft.facts[p].counted {
            continue;
        }
        let deployment = draft.deployment(p as u32);
        let facts = &mut draft.facts[p];
        if let Some(name) = deployment
            .ref_name
            .as_deref()
            .filter(|r| pattern.is_match(r))
        {
            push_reason(
                &mut facts.rework_reasons,
                Reason::new(ReasonKind::Hotfix, name),
            );
            continue;
        }
        if facts.baseline {
            continue;
        }
        let by_title = deployment
            .changes
            .iter()
            .find(|c| !c.merge && c.reverts.is_none() && pattern.is_match(&c.title));
        if let Some(change) = by_title {
            push_reason(
                &mut facts.rework_reasons,
                Reason::new(ReasonKind::Hotfix, &change.sha),
            );
            continue;
        }
        if hotfix_prs.is_empty() {
            continue;
        }
        let by_branch = deployment
            .changes
            .iter()
            .find_map(|c| c.pr.filter(|n| hotfix_prs.contains(n)));
        if let Some(number) = by_branch {
            push_reason(
                &mut facts.rework_reasons,
                Reason::new(ReasonKind::Hotfix, format!("#{number}")),
            );
        }
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
        open.sort_by_key(|&i| incidents[i as usize].started_at);
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
