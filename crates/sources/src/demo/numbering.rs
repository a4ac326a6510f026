//! Gives pull requests their numbers (in order of opening, with the gaps issues leave) and
//! rewrites what refers to them: commit `pr` fields, merge commit titles, revert links, URLs.

use std::collections::BTreeMap;

use super::catalog::PROFILES;
use super::pulls::PrDraft;
use super::random::{self, Stream};
use super::ship::Shipped;

pub(super) fn number(shipped: &mut Shipped) {
    // Draft index -> number, per service in order of opening.
    let mut numbers: BTreeMap<usize, u64> = BTreeMap::new();
    for (service, profile) in PROFILES.iter().enumerate() {
        let mut order: Vec<usize> = (0..shipped.drafts.len())
            .filter(|&i| shipped.drafts.get(i).is_some_and(|d| d.service == service))
            .collect();
        order.sort_by_key(|&i| shipped.drafts.get(i).map(|d| (d.pr.created_at, i)));
        let mut rng = random::rng(Stream::Numbering, service as u64, 0);
        let mut next = profile.pr_base;
        for i in order {
            numbers.insert(i, next);
            // Issues share the sequence: now and then a number goes to one.
            next += 1 + u64::from(random::chance(&mut rng, 0.3))
                * random::between(&mut rng, 1, 3) as u64;
        }
    }

    let snapshot: Vec<(Option<String>, String)> = shipped
        .drafts
        .iter()
        .map(|d| (d.pr.head_branch.clone(), repo_url(d)))
        .collect();
    for (i, draft) in shipped.drafts.iter_mut().enumerate() {
        let number = numbers.get(&i).copied().unwrap_or_default();
        draft.pr.number = number;
        draft.pr.url = Some(format!("{}/pull/{number}", repo_url(draft)));
        if let Some(target) = draft.reverts {
            let target_number = numbers.get(&target).copied();
            draft.pr.reverts_pr = target_number;
            // GitHub's revert button names the branch after the reverted pull request.
            if let (Some(n), Some((Some(branch), _))) = (target_number, snapshot.get(target)) {
                draft.pr.head_branch = Some(format!("revert-{n}-{branch}"));
            }
        }
    }

    let branches: BTreeMap<usize, String> = shipped
        .drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (i, d.pr.head_branch.clone().unwrap_or_default()))
        .collect();
    for deployment in &mut shipped.deployments {
        for change in &mut deployment.changes {
            let Some(index) = change.pr.map(|p| p as usize) else {
                continue;
            };
            let number = numbers.get(&index).copied();
            change.pr = number;
            if change.merge {
                let branch = branches.get(&index).map(String::as_str).unwrap_or("main");
                change.title = format!(
                    "Merge pull request #{} from acme/{branch}",
                    number.unwrap_or_default()
                );
            }
        }
    }
}

fn repo_url(draft: &PrDraft) -> String {
    PROFILES
        .get(draft.service)
        .map(|p| p.repo_url())
        .unwrap_or_default()
}
