//! Deployments to production environments (GitLab's production tier, or a name config lists),
//! and the commits each one shipped first.
//!
//! Per production environment the deployment list is walked newest-updated first (any status:
//! failed deploy jobs are kept as failures, running ones as in progress) down to the
//! environment's cursor; the first sync walks down to the backfill horizon and on to the newest
//! successful deployment older than it, the baseline (one across all production environments).
//!
//! Changes: the successful deployments of all production environments form one deploy order
//! (finished_at, then id bytewise, as the metric engine orders them). Each new one is compared
//! with its predecessor (GET repository/compare?from=PREV&to=SHA&straight=false: the commits
//! reachable from SHA and not from PREV, so a rollback ships nothing); the baseline is not
//! compared. The predecessor is the `deployments:last` watermark, so an ordinary poll reads
//! nothing from the store; a deployment that sorts before the newest stored one (a late
//! arrival) loads the stored deployments of this project, fits it in, and recomputes the
//! changes of the stored deployment that now follows it.
//!
//! Merge requests: GET deployments/:id/merge_requests lists what GitLab linked to a deployment;
//! each change whose sha is an MR's merge, squash or head sha gets that MR as its `pr` (commit
//! messages with "See merge request …!N" already name it). The metric engine links an MR to the
//! deployment whose changes contain the MR's merge sha, which compare always lists; an MR GitLab
//! links to a deployment of another production environment that did not ship it first stays
//! with the deployment that did.

use std::collections::HashMap;

use super::context::Cx;
use super::merge_requests::MergeShas;
use super::payload::{Compare, Deployment as Payload, Environment, MergeRequest};
use super::state::{self, LAST_DEPLOYMENT, LastDeployment};
use super::translate;
use super::walk::{Cursor, walk};
use crate::SourceError;
use crate::live::SyncOutcome;
use flowdeck_core::model::{Change, Deployment, Timestamp};

/// Deploy order: finished_at, then id bytewise.
type Order = (Timestamp, String);

fn order_of(d: &Deployment) -> Order {
    (d.finished_at, d.id.clone())
}

pub(super) async fn sync(
    cx: &Cx<'_>,
    environments: &[Environment],
    merge_shas: &mut MergeShas,
    out: &mut SyncOutcome,
) -> Result<(), SourceError> {
    let mut production: Vec<&str> = environments
        .iter()
        .filter(|e| cx.settings.is_production(&e.name, e.tier.as_deref()))
        .map(|e| e.name.as_str())
        .collect();
    production.sort_unstable();
    production.dedup();
    let last: Option<LastDeployment> = cx.round.marks.json(LAST_DEPLOYMENT)?;

    let mut fresh: Vec<Payload> = Vec::new();
    let mut baseline: Option<Payload> = None;
    for environment in &production {
        let (items, watermark) = read_environment(cx, environment, last.is_none()).await?;
        out.watermarks.push(watermark);
        for (d, role) in items {
            match role {
                Role::Fresh => fresh.push(d),
                Role::Candidate => {
                    let newer = baseline
                        .as_ref()
                        .is_none_or(|b| order_key(cx, &d) > order_key(cx, b));
                    if newer {
                        baseline = Some(d);
                    }
                }
            }
        }
    }
    fresh.sort_by_key(|d| d.id);
    fresh.dedup_by_key(|d| d.id);

    let mut counted: Vec<&Payload> = Vec::new();
    for d in &fresh {
        if translate::deployment_status(&d.status)
            == flowdeck_core::model::DeploymentStatus::Success
        {
            counted.push(d);
        } else {
            out.events
                .deployments
                .push(translate::deployment(&cx.scope, d, Vec::new()));
        }
    }
    counted.sort_by_key(|d| order_key(cx, d));

    let mut chain = Chain {
        cx,
        merge_shas,
        compares: 0,
    };
    let mut previous = last.clone();
    if let Some(b) = &baseline {
        let model = translate::deployment(&cx.scope, b, Vec::new());
        previous = Some(last_of(&model));
        out.events.deployments.push(model);
    }
    let in_order = match (&last, counted.first()) {
        (Some(l), Some(first)) => {
            let key = order_key(cx, first);
            key.1 != l.id && key > (l.finished_at, l.id.clone())
        }
        _ => true,
    };
    if in_order {
        for d in counted {
            let changes = match &previous {
                Some(p) => chain.shipped(&p.sha, d).await?,
                // The first deployment ever seen, with no older one: the baseline.
                None => Vec::new(),
            };
            let model = translate::deployment(&cx.scope, d, changes);
            previous = Some(last_of(&model));
            out.events.deployments.push(model);
        }
    } else {
        previous = chain.fit_in(&counted, out).await?.or(previous);
    }
    if let Some(p) = previous.filter(|p| Some(p) != last.as_ref()) {
        out.watermarks
            .push((LAST_DEPLOYMENT.to_string(), state::json(&p)));
    }
    tracing::info!(
        source = %cx.scope.project,
        environments = production.len(),
        deployments = fresh.len() + usize::from(baseline.is_some()),
        compares = chain.compares,
        "GitLab deployments read"
    );
    Ok(())
}

fn order_key(cx: &Cx<'_>, d: &Payload) -> Order {
    (
        translate::deployment_finished_at(d),
        translate::deployment_id(cx.scope.project, d.id),
    )
}

fn last_of(d: &Deployment) -> LastDeployment {
    LastDeployment {
        id: d.id.clone(),
        sha: d.sha.clone(),
        finished_at: d.finished_at,
    }
}

enum Role {
    /// New or changed since the last sync, inside the backfill.
    Fresh,
    /// Successful and older than the backfill horizon: may be the baseline.
    Candidate,
}

/// One production environment's new deployments and its next cursor.
async fn read_environment(
    cx: &Cx<'_>,
    environment: &str,
    wants_baseline: bool,
) -> Result<(Vec<(Payload, Role)>, (String, String)), SourceError> {
    let key = state::deployments_key(environment);
    let cursor = state::cursor(&cx.round.marks, &key)?;
    let first = cx.api.project_url(
        &["deployments"],
        &[
            ("environment", environment),
            ("order_by", "updated_at"),
            ("sort", "desc"),
            ("per_page", "100"),
        ],
    );
    let horizon = cx.horizon;
    let mut older_found = !wants_baseline;
    let walked = walk(
        cx.api,
        first,
        |d: &Payload| match &cursor {
            Some(c) => d.updated_at < c.at,
            None => {
                // finished_at ≤ updated_at: once updated_at passes the horizon, so did finished_at.
                if d.status == "success" && translate::deployment_finished_at(d) < horizon {
                    older_found = true;
                }
                d.updated_at < horizon && older_found
            }
        },
        "deployments",
    )
    .await?;
    let next = Cursor::advance(cursor.as_ref(), &walked.items)
        .map(|c| c.encode())
        .unwrap_or_else(|| state::timestamp(horizon) + " ");
    let mut items = Vec::new();
    for d in walked.items {
        let role = match &cursor {
            Some(c) if c.is_new(&d) => Role::Fresh,
            Some(_) => continue,
            None if translate::deployment_finished_at(&d) >= horizon => Role::Fresh,
            None if wants_baseline && d.status == "success" => Role::Candidate,
            None => continue,
        };
        items.push((d, role));
    }
    Ok((items, (key, next)))
}

/// Compares deployments with their predecessors.
struct Chain<'a, 'b> {
    cx: &'a Cx<'b>,
    merge_shas: &'a mut MergeShas,
    compares: usize,
}

impl Chain<'_, '_> {
    /// The commits `d` shipped first, given its predecessor's sha, newest first.
    async fn shipped(
        &mut self,
        previous_sha: &str,
        d: &Payload,
    ) -> Result<Vec<Change>, SourceError> {
        if previous_sha.eq_ignore_ascii_case(&d.sha) {
            // The live sha deployed again: nothing new ships.
            return Ok(Vec::new());
        }
        let api = self.cx.api;
        let url = api.project_url(
            &["repository", "compare"],
            &[
                ("from", previous_sha),
                ("to", &d.sha),
                ("straight", "false"),
            ],
        );
        self.compares += 1;
        let Some(compare) = api.get_optional::<Compare>(url, "compare").await? else {
            // A sha GitLab no longer has (force-pushed away): its changes are unknown.
            return Ok(Vec::new());
        };
        let mut changes: Vec<Change> = compare
            .body
            .commits
            .iter()
            .rev()
            .map(|c| translate::change(&self.cx.scope, c))
            .collect();
        if changes.is_empty() {
            return Ok(changes);
        }
        for (change, commit) in changes.iter_mut().zip(compare.body.commits.iter().rev()) {
            if change.reverts.is_none()
                && let Some(n) =
                    translate::reverted_merge_request(&commit.message, self.cx.scope.path)
            {
                change.reverts = self.merge_sha(n).await?;
            }
        }
        let id = d.id.to_string();
        let linked: Vec<MergeRequest> = api
            .get_all(
                api.project_url(
                    &["deployments", &id, "merge_requests"],
                    &[("per_page", "100")],
                ),
                "merge requests of a deployment",
            )
            .await?;
        let mut by_sha: HashMap<String, u64> = HashMap::new();
        for mr in &linked {
            for sha in [&mr.merge_commit_sha, &mr.squash_commit_sha, &mr.sha]
                .into_iter()
                .flatten()
            {
                by_sha.entry(sha.to_ascii_lowercase()).or_insert(mr.iid);
            }
            self.merge_shas
                .entry(mr.iid)
                .or_insert_with(|| translate::merged_sha(mr));
        }
        for change in &mut changes {
            if change.pr.is_none() {
                change.pr = by_sha.get(&change.sha).copied();
            }
        }
        Ok(changes)
    }

    /// The merge sha of merge request `iid`, from this sync's lists or GET merge_requests/:iid.
    async fn merge_sha(&mut self, iid: u64) -> Result<Option<String>, SourceError> {
        if let Some(sha) = self.merge_shas.get(&iid) {
            return Ok(sha.clone());
        }
        let api = self.cx.api;
        let number = iid.to_string();
        let mr = api
            .get_optional::<MergeRequest>(
                api.project_url(&["merge_requests", &number], &[]),
                "merge request",
            )
            .await?;
        let sha = mr.and_then(|r| translate::merged_sha(&r.body));
        self.merge_shas.insert(iid, sha.clone());
        Ok(sha)
    }

    /// Late arrivals: fits new counted deployments into the stored deploy order, computing their
    /// changes and recomputing those of stored deployments whose predecessor changed. Returns
    /// the newest counted deployment.
    async fn fit_in(
        &mut self,
        counted: &[&Payload],
        out: &mut SyncOutcome,
    ) -> Result<Option<LastDeployment>, SourceError> {
        let cx = self.cx;
        let prefix = format!("gitlab:{}:", cx.scope.project);
        let stored = cx.round.stored_events()?;
        let mut stored: Vec<Deployment> = stored
            .deployments
            .into_iter()
            .filter(|d| d.id.starts_with(&prefix) && d.service == cx.scope.service && d.counts())
            .collect();
        stored.sort_by_key(order_of);
        let stored_previous: HashMap<String, Option<String>> = stored
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i.checked_sub(1).map(|p| stored[p].id.clone())))
            .collect();
        let new_ids: HashMap<String, &Payload> = counted
            .iter()
            .map(|d| (translate::deployment_id(cx.scope.project, d.id), *d))
            .collect();
        let mut merged: Vec<(Deployment, bool)> = stored
            .iter()
            .filter(|d| !new_ids.contains_key(&d.id))
            .map(|d| (d.clone(), false))
            .collect();
        merged.extend(
            counted
                .iter()
                .map(|d| (translate::deployment(&cx.scope, d, Vec::new()), true)),
        );
        merged.sort_by_key(|(d, _)| order_of(d));

        for i in 0..merged.len() {
            let previous = i.checked_sub(1).map(|p| merged[p].0.clone());
            let (current, is_new) = &merged[i];
            let was = stored_previous.get(&current.id);
            let same_predecessor =
                was.is_some_and(|w| *w == previous.as_ref().map(|p| p.id.clone()));
            if !is_new && same_predecessor {
                continue;
            }
            let stored_same = stored
                .iter()
                .find(|s| s.id == current.id && s.sha == current.sha);
            let changes = match (stored_same, &previous) {
                (Some(s), _) if same_predecessor => s.changes.clone(),
                (_, None) => Vec::new(),
                (_, Some(p)) => match new_ids.get(&current.id) {
                    Some(payload) => self.shipped(&p.sha, payload).await?,
                    None => self.shipped_stored(&p.sha, current).await?,
                },
            };
            let mut model = current.clone();
            model.changes = changes;
            out.events.deployments.push(model);
        }
        Ok(merged.last().map(|(d, _)| last_of(d)))
    }

    /// Changes of a stored deployment whose predecessor changed (compare only; the merge
    /// requests GitLab linked were read when it was first stored and its `pr`s are kept).
    async fn shipped_stored(
        &mut self,
        previous_sha: &str,
        d: &Deployment,
    ) -> Result<Vec<Change>, SourceError> {
        if previous_sha.eq_ignore_ascii_case(&d.sha) {
            return Ok(Vec::new());
        }
        let api = self.cx.api;
        let url = api.project_url(
            &["repository", "compare"],
            &[
                ("from", previous_sha),
                ("to", &d.sha),
                ("straight", "false"),
            ],
        );
        self.compares += 1;
        let Some(compare) = api.get_optional::<Compare>(url, "compare").await? else {
            return Ok(d.changes.clone());
        };
        // What was learnt about each commit when it was first stored (its merge request, the
        // sha a "This reverts merge request !N" resolved to) is kept.
        let known: HashMap<&str, &Change> = d.changes.iter().map(|c| (c.sha.as_str(), c)).collect();
        Ok(compare
            .body
            .commits
            .iter()
            .rev()
            .map(|c| {
                let mut change = translate::change(&self.cx.scope, c);
                if let Some(before) = known.get(change.sha.as_str()) {
                    change.pr = change.pr.or(before.pr);
                    change.reverts = change.reverts.or_else(|| before.reverts.clone());
                }
                change
            })
            .collect())
    }
}
