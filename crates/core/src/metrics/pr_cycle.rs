//! PR cycle time (docs/METRICS.md#pr-cycle-time).
//!
//! Over the pull (merge) requests merged in the window whose author does not match
//! `exclude_authors`. A pull request is deployed by the first counted deployment of its service,
//! in deploy order, that shipped its merge sha. Cycle time runs from its first commit (its
//! opening when that is unknown) to deployed; its parts are coding (first commit → opened),
//! pickup (opened → first review), review (first review → merged) and deploy (merged →
//! deployed). Each is clamped at 0, and each median is over the pull requests for which both its
//! ends are known; `prs` counts every merged one. No band.

use serde::Serialize;

use super::draft::{Interned, ServiceDraft};
use super::facts::{History, ServiceFacts};
use super::rows::{MergedRow, NONE, ServiceRows, between, nanos};
use super::shipped::Shippers;
use super::stats::{median, median_and_p90};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrCycleTime {
    pub prs: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub coding_median_seconds: Option<f64>,
    pub pickup_median_seconds: Option<f64>,
    pub review_median_seconds: Option<f64>,
    pub deploy_median_seconds: Option<f64>,
}

/// Which pull requests are left out (their author matches `exclude_authors`), and the deploy
/// part of PR cycle time: the counted deployment that shipped the merge sha.
pub(crate) fn link_deployments(draft: &mut ServiceDraft<'_, '_>, shippers: &Shippers<'_>) {
    let rules = draft.rules;
    let mut excluded = Interned::new(|author: &str| rules.author_excluded(author));
    for (i, &p) in draft.prs.iter().enumerate() {
        let pr = &draft.events.pull_requests[p as usize];
        let shipped =
            shippers.pr_merge[i].map(|d| (draft.members[d as usize], draft.deployment(d)));
        let facts = &mut draft.pr_facts[i];
        facts.excluded = excluded.get(&pr.author);
        if let Some((d, deployment)) = shipped {
            facts.deployment = Some(d);
            facts.deployed_at = Some(deployment.finished_at);
        }
    }
}

/// The rows of one service's merged pull requests, by merged_at.
pub(crate) fn fill_rows(history: &History, service: &ServiceFacts, out: &mut ServiceRows) {
    for &p in &service.merged_prs {
        let facts = &history.prs[p as usize];
        if facts.excluded {
            continue;
        }
        let pr = &history.events.pull_requests[p as usize];
        let Some(merged_at) = pr.merged_at else {
            continue;
        };
        let opened = Some(pr.created_at);
        out.merged_time.push(nanos(merged_at));
        out.merged.push(MergedRow {
            // A PR without a known first commit starts when it was opened.
            cycle: between(pr.first_commit_at.or(opened), facts.deployed_at),
            coding: between(pr.first_commit_at, opened),
            pickup: between(opened, pr.first_review_at),
            review: between(pr.first_review_at, pr.merged_at),
            deploy: between(pr.merged_at, facts.deployed_at),
        });
    }
}

/// `lists`: the rows of the pull requests merged in the window, one list per service.
pub(crate) fn measure<'a>(lists: impl IntoIterator<Item = &'a [MergedRow]>) -> PrCycleTime {
    let mut prs = 0u64;
    let (mut cycle, mut coding, mut pickup, mut review, mut deploy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let push = |values: &mut Vec<u32>, v: u32| {
        if v != NONE {
            values.push(v);
        }
    };
    for row in lists.into_iter().flatten() {
        prs += 1;
        push(&mut cycle, row.cycle);
        push(&mut coding, row.coding);
        push(&mut pickup, row.pickup);
        push(&mut review, row.review);
        push(&mut deploy, row.deploy);
    }
    let (median_seconds, p90_seconds) = median_and_p90(&mut cycle);
    PrCycleTime {
        prs,
        median_seconds,
        p90_seconds,
        coding_median_seconds: median(&mut coding),
        pickup_median_seconds: median(&mut pickup),
        review_median_seconds: median(&mut review),
        deploy_median_seconds: median(&mut deploy),
    }
}
