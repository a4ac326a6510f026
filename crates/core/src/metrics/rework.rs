//! Rework beyond rollbacks and reverts: hotfixes, and deployments made while an incident of
//! their service was open.
//!
//! A baseline deployment's changes are the whole history before it, not what it shipped, so
//! only its ref is matched against `hotfix_pattern`, not its commits. Revert commits are left
//! to the revert rule even when their first line matches `hotfix_pattern` (the default matches
//! "Revert"): a revert shipped with its target is not rework.

use rustc_hash::FxHashSet;

use super::failures::push_reason;
use super::history::{History, Reason, ReasonKind};
use crate::model::Timestamp;

/// A change whose first line, a deploy ref, or the head branch of a PR a change came through
/// matches `hotfix_pattern`.
pub fn mark_hotfixes(history: &mut History) {
    let pattern = &history.rules.hotfix_pattern;
    let hotfix_prs: FxHashSet<(&str, u64)> = history
        .events
        .pull_requests
        .iter()
        .filter(|pr| {
            pr.head_branch
                .as_deref()
                .is_some_and(|b| pattern.is_match(b))
        })
        .map(|pr| (pr.service.as_str(), pr.number))
        .collect();
    for (deployment, facts) in history
        .events
        .deployments
        .iter()
        .zip(history.deployments.iter_mut())
    {
        if !facts.counted {
            continue;
        }
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
        let by_branch = deployment.changes.iter().find_map(|c| {
            c.pr.filter(|n| hotfix_prs.contains(&(deployment.service.as_str(), *n)))
        });
        if let Some(number) = by_branch {
            push_reason(
                &mut facts.rework_reasons,
                Reason::new(ReasonKind::Hotfix, format!("#{number}")),
            );
        }
    }
}

/// A deployment that finished while an incident of its service was open
/// (started_at ≤ finished_at < resolved_at; an open incident is open forever).
pub fn mark_deployments_during_incidents(history: &mut History) {
    let mut per_service: Vec<Vec<u32>> = vec![Vec::new(); history.services.len()];
    for (i, services) in history.incident_services.iter().enumerate() {
        for &s in services {
            per_service[s as usize].push(i as u32);
        }
    }
    let incidents = &history.events.incidents;
    for (service, mut open) in history.services.iter().zip(per_service) {
        if open.is_empty() {
            continue;
        }
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
