//! Deployments: from the Deployments API (each production environment listed newest first,
//! each new deployment's statuses read once), or from runs of deploy workflows; then the
//! commits each successful one shipped first, from a compare with its predecessor.

use std::collections::HashSet;

use chrono::Duration;

use serde::{Deserialize, Serialize};

use super::api::{Api, PER_PAGE};
use super::known::Known;
use super::pass::Pass;
use super::payload;
use super::setup::Settings;
use super::state;
use super::translate::{self, DeployOutcome, is_final};
use super::walk::{self, Steps, runs_now};
use crate::SourceError;
use crate::http::PageWalk;
use crate::polled::Watermarks;
use flowdeck_core::model::{Change, Deployment, DeploymentStatus, Timestamp};

/// Pages of one environment's deployment list read at most in one sync (10,000 deployments);
/// the rest is read at the next sync.
const MAX_LIST_PAGES: usize = 100;
/// Deployments older than the backfill horizon whose statuses are read to find one that
/// succeeded (the predecessor of the first deployment inside the horizon).
const MAX_OLDER_CHECKS: usize = 10;
/// Pages of statuses of one deployment (a deployment rarely has more than a handful).
const MAX_STATUS_PAGES: usize = 5;
/// Pages of one compare (100 commits each).
const MAX_COMPARE_PAGES: usize = 30;
/// Deployments still in progress are looked at again for this long after they started.
const RECHECK_DAYS: i64 = 7;

/// A deployment found in this sync, and whether its shipped commits are still to be read.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub deployment: Deployment,
    pub needs_changes: bool,
}

impl Pending {
    pub(super) fn new(deployment: Deployment) -> Pending {
        Pending {
            needs_changes: deployment.counts(),
            deployment,
        }
    }
}

/// The environments to list: the configured ones, and (found once, on the first sync) any other
/// environment GitHub flags as `production_environment`.
async fn environments(
    api: &Api,
    settings: &Settings,
    marks: &mut Watermarks,
) -> Result<Vec<String>, SourceError> {
    let mut envs = settings.deploy_environments.clone();
    let discovered: Vec<String> = match marks.get(state::ENVIRONMENTS)? {
        Some(value) => serde_json::from_str(&value).unwrap_or_default(),
        None => {
            let url = api.url(&["deployments"], &[("per_page", PER_PAGE)]);
            let page = api.get::<Vec<payload::Deployment>>(url).await?;
            let mut found: Vec<String> = Vec::new();
            for d in page.body {
                if d.production_environment == Some(true)
                    && !settings.is_configured_environment(&d.environment)
                    && !found.contains(&d.environment)
                {
                    found.push(d.environment);
                }
            }
            marks.set(
                state::ENVIRONMENTS,
                serde_json::to_string(&found).unwrap_or_else(|_| "[]".into()),
            );
            found
        }
    };
    for env in discovered {
        if !envs.iter().any(|e| e.eq_ignore_ascii_case(&env)) {
            envs.push(env);
        }
    }
    Ok(envs)
}

/// The statuses of one deployment, newest first as GitHub lists them.
async fn statuses(api: &Api, id: u64) -> Result<Vec<payload::DeploymentStatus>, SourceError> {
    let id = id.to_string();
    let mut url = Some(api.url(&["deployments", &id, "statuses"], &[("per_page", PER_PAGE)]));
    let mut all = Vec::new();
    let mut walk = url.as_ref().map(|first| {
        PageWalk::new(
            first,
            format!("statuses of deployment {id} of {}", api.repo()),
            MAX_STATUS_PAGES,
        )
    });
    while let Some(next) = url.take() {
        // A deployment deleted since it was listed has no statuses to read.
        let Some(page) = api
            .get_if_found::<Vec<payload::DeploymentStatus>>(next)
            .await?
        else {
            break;
        };
        all.extend(page.body);
        url = match walk.as_mut().and_then(|walk| walk.after_page(page.next)) {
            Some(link) => Some(api.follow(link.as_str())?),
            None => None,
        };
    }
    Ok(all)
}

pub(super) fn to_model(
    settings: &Settings,
    production_envs: &[String],
    d: &payload::Deployment,
    outcome: DeployOutcome,
) -> Deployment {
    let sha = d.sha.to_ascii_lowercase();
    Deployment {
        id: settings.deployment_id(d.id),
        name: translate::tag_name(&d.git_ref, &d.sha),
        service: settings.service.clone(),
        environment: d.environment.clone(),
        production: d.production_environment == Some(true)
            || production_envs
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&d.environment)),
        ref_name: Some(d.git_ref.clone()),
        started_at: Some(d.created_at),
        finished_at: outcome.finished_at,
        status: outcome.status,
        url: outcome.url.or_else(|| Some(settings.commit_url(&sha))),
        sha,
        changes: Vec::new(),
    }
}

/// Whether a stored deployment needs nothing more from the API: its status is final, and it
/// is not a counted one without its commits (a webhook delivery stores a deployment before
/// this source compared it; the compare is made when the listing brings it).
fn settled(stored: &Deployment) -> bool {
    is_final(stored.status) && !(stored.counts() && stored.changes.is_empty())
}

/// The numeric GitHub id at the end of one of this source's deployment ids.
fn numeric_id(settings: &Settings, id: &str) -> Option<u64> {
    id.strip_prefix(&settings.id_prefix())?.parse().ok()
}

/// Where one environment's listing is (`deployments.walk:<env>`): the next page, what it
/// listed and has not read yet, the newest id it saw, and where it stops.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EnvWalk {
    next: Option<String>,
    /// Listed, statuses not read yet, newest first.
    items: Vec<payload::Deployment>,
    /// Listed beyond the horizon (a first sync): candidates for the predecessor.
    older: Vec<payload::Deployment>,
    older_checked: usize,
    /// The newest id seen; stored as the environment's newest once the walk ends.
    top: Option<u64>,
    /// The newest id stored before the walk began: it ends there (None: at the horizon).
    stop_at: Option<u64>,
    /// No page left to read.
    listed: bool,
}

impl EnvWalk {
    fn start(first: String, stop_at: Option<u64>) -> EnvWalk {
        EnvWalk {
            next: Some(first),
            items: Vec::new(),
            older: Vec::new(),
            older_checked: 0,
            top: stop_at,
            stop_at,
            listed: false,
        }
    }

    /// Sorts one page's deployments into those to read, those past the horizon, and whether
    /// the listing ends here.
    fn take_page(&mut self, page: Vec<payload::Deployment>, horizon: Timestamp) {
        let mut done = false;
        for d in page {
            self.top = Some(self.top.map_or(d.id, |n| n.max(d.id)));
            match self.stop_at {
                Some(seen) if d.id <= seen => done = true,
                Some(_) => self.items.push(d),
                // A zeroed or impossible date says nothing about where the listing is:
                // the item is refused after translation (with a warning), and paging goes
                // on, where it once ended the first sync after page 1.
                None if d.created_at >= horizon
                    || d.created_at < flowdeck_core::plausible::earliest() =>
                {
                    self.items.push(d)
                }
                None => self.older.push(d),
            }
        }
        if done || !self.older.is_empty() {
            self.listed = true;
            self.next = None;
        }
    }

    /// Requests this walk still needs, roughly: a status read per deployment listed and not
    /// read, and for the pages not listed yet, as many deployments as the pace of ids so far
    /// suggests (one status and one compare each, one list page per hundred).
    fn requests_left(
        &self,
        listed_so_far: u64,
        oldest: Option<Timestamp>,
        newest: Option<Timestamp>,
        horizon: Timestamp,
    ) -> u64 {
        let known = self.items.len() as u64 * 2;
        if self.listed || self.next.is_none() {
            return known;
        }
        let guess = match (oldest, newest) {
            (Some(oldest), Some(newest)) if newest > oldest && oldest > horizon => {
                let per_second = listed_so_far as f64 / (newest - oldest).num_seconds() as f64;
                (per_second * (oldest - horizon).num_seconds() as f64) as u64
            }
            _ => 100,
        };
        known + guess * 2 + guess.div_ceil(100)
    }
}

/// New deployments of the production environments with their final or current status, and
/// stored ones that were still in progress with their new status, handed to the pass as
/// they are read. Deployments already stored with a final status are not read again. Returns
/// whether every environment's listing is complete (the compares wait until then: a
/// predecessor may still be unread).
pub(super) async fn from_deployments_api(pass: &mut Pass<'_>) -> Result<bool, SourceError> {
    let (api, settings) = (pass.api, pass.settings);
    let envs = environments(api, settings, &mut pass.round.marks).await?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut complete = true;
    for env in &envs {
        let walk_key = state::deployments_walk(env);
        let newest_key = state::deployments_newest(env);
        let stored_walk = walk::usable(
            pass.api,
            pass.round.marks.json::<EnvWalk>(&walk_key)?,
            |w| w.next.as_deref(),
        );
        let newest: Option<u64> = pass.round.marks.read(&newest_key, |v| v.parse().ok())?;
        if !runs_now(stored_walk.is_some(), newest.is_some(), pass.resuming) {
            continue;
        }
        let mut walk = match stored_walk {
            Some(walk) => walk,
            None => EnvWalk::start(
                api.url(
                    &["deployments"],
                    &[("environment", env.as_str()), ("per_page", PER_PAGE)],
                )
                .to_string(),
                newest,
            ),
        };
        if walk.stop_at.is_none() {
            crate::progress::backfilling(true);
        }
        let result = walk_environment(pass, &envs, env, &mut walk, &mut seen).await;
        let finished = walk.listed && walk.items.is_empty() && walk.older.is_empty();
        if finished {
            // An environment without deployments yet is marked 0: later syncs are incremental.
            let top = walk.top.unwrap_or(0);
            if Some(top) != newest {
                pass.round.marks.set(newest_key, top.to_string());
            }
            pass.round.marks.clear(walk_key);
        } else {
            complete = false;
            pass.round.marks.set_json(walk_key, &walk);
        }
        result?;
    }

    // Stored deployments still in progress: their statuses may have moved on.
    if pass.resuming {
        return Ok(complete);
    }
    let recent = pass.round.now - Duration::days(RECHECK_DAYS);
    let mut waiting: Vec<Deployment> = pass
        .known
        .deployments
        .values()
        .filter(|k| !is_final(k.status) && k.started_at.unwrap_or(k.finished_at) >= recent)
        .filter(|k| !seen.contains(&k.id))
        .cloned()
        .collect();
    waiting.sort_by(|a, b| a.id.cmp(&b.id));
    for stored in waiting {
        let Some(number) = numeric_id(settings, &stored.id) else {
            continue;
        };
        let list = statuses(api, number).await?;
        let fallback = payload::Deployment {
            id: number,
            sha: stored.sha.clone(),
            git_ref: stored.ref_name.clone().unwrap_or_default(),
            environment: stored.environment.clone(),
            created_at: stored.started_at.unwrap_or(stored.finished_at),
            updated_at: stored.finished_at,
            production_environment: Some(stored.production),
        };
        let outcome = translate::deploy_outcome(&fallback, &list);
        let mut updated = stored.clone();
        updated.status = outcome.status;
        updated.finished_at = outcome.finished_at;
        if let Some(url) = outcome.url {
            updated.url = Some(url);
        }
        if updated != stored {
            pass.deployment(Pending::new(updated));
        }
    }
    Ok(complete)
}

/// Reads one environment's walk on from where it is: the deployments listed and not read
/// yet, then page after page, each deployment's statuses once; on a first sync, past the
/// horizon, the statuses of older ones until one succeeded (the predecessor). The walk says
/// where it stopped, whatever happened.
async fn walk_environment(
    pass: &mut Pass<'_>,
    envs: &[String],
    env: &str,
    walk: &mut EnvWalk,
    seen: &mut HashSet<String>,
) -> Result<(), SourceError> {
    let (api, settings) = (pass.api, pass.settings);
    let horizon = pass.round.now - pass.round.backfill;
    let key = state::deployments_walk(env);
    let mut steps = Steps::new(
        format!("deployments of {} to {env}", api.repo()),
        MAX_LIST_PAGES,
    );
    let (mut listed, mut newest_at, mut oldest_at) = (0u64, None, None);
    loop {
        while let Some(d) = walk.items.first().cloned() {
            let id = settings.deployment_id(d.id);
            let final_known = pass.known.deployments.get(&id).is_some_and(settled);
            if seen.insert(id) && !final_known {
                let outcome = translate::deploy_outcome(&d, &statuses(api, d.id).await?);
                pass.deployment(Pending::new(to_model(settings, envs, &d, outcome)));
            }
            walk.items.remove(0);
        }
        // The first sync reaches one successful deployment past the horizon, so the first one
        // inside it has a predecessor to compare with.
        while let Some(d) = walk.older.first().cloned() {
            let id = settings.deployment_id(d.id);
            let counted_known = pass.known.deployments.get(&id).is_some_and(|k| k.counts());
            if counted_known || walk.older_checked >= MAX_OLDER_CHECKS {
                walk.older.clear();
                break;
            }
            let outcome = translate::deploy_outcome(&d, &statuses(api, d.id).await?);
            walk.older_checked += 1;
            walk.older.remove(0);
            if outcome.status == DeploymentStatus::Success && seen.insert(id) {
                pass.deployment(Pending::new(to_model(settings, envs, &d, outcome)));
                walk.older.clear();
            }
        }
        pass.round.marks.set_json(key.clone(), &*walk);
        pass.checkpoint()?;
        let Some(url) = steps.next(api, &mut walk.next)? else {
            if walk.next.is_none() {
                walk.listed = true;
            }
            return Ok(());
        };
        let page = api.get::<Vec<payload::Deployment>>(url).await?;
        listed += page.body.len() as u64;
        newest_at = newest_at.max(page.body.first().map(|d| d.created_at));
        oldest_at = page.body.last().map(|d| d.created_at).or(oldest_at);
        walk.next = walk::next_link(api, page.next)?;
        walk.take_page(page.body, horizon);
        crate::progress::estimate(
            walk.requests_left(listed, oldest_at, newest_at, horizon)
                + pass.changes_pending.len() as u64,
        );
    }
}

/// Reads the shipped commits of the deployments waiting for them, oldest first, each
/// handed to the pass as soon as its compare is read (a cut keeps the rest waiting).
pub(super) async fn read_pending_changes(pass: &mut Pass<'_>) -> Result<(), SourceError> {
    let mut waiting: Vec<(Timestamp, String)> = pass
        .changes_pending
        .iter()
        .filter_map(|id| {
            pass.known
                .deployments
                .get(id)
                .map(|d| (d.finished_at, id.clone()))
        })
        .collect();
    waiting.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    // Ids no longer stored have nothing to read.
    pass.changes_pending = waiting.iter().map(|(_, id)| id.clone()).collect();
    for (_, id) in waiting {
        let Some(deployment) = pass.known.deployments.get(&id).cloned() else {
            continue;
        };
        let mut found = [Pending::new(deployment)];
        found[0].needs_changes = true;
        attach_changes(pass.api, pass.known, &mut found).await?;
        let [done] = found;
        pass.changes_pending.retain(|p| *p != id);
        pass.put_deployment(done.deployment);
        crate::progress::estimate(pass.changes_pending.len() as u64);
        pass.checkpoint()?;
    }
    Ok(())
}

/// A deploy workflow run's status as a deployment status.
fn run_deploy_status(run: &payload::WorkflowRun) -> DeploymentStatus {
    match (run.status.as_deref(), run.conclusion.as_deref()) {
        (Some("completed"), Some("success")) => DeploymentStatus::Success,
        (Some("completed"), Some("failure" | "timed_out" | "startup_failure")) => {
            DeploymentStatus::Failure
        }
        (Some("completed"), _) => DeploymentStatus::Cancelled,
        _ => DeploymentStatus::InProgress,
    }
}

/// A deploy workflow run as a deployment to the first configured production environment.
pub(super) fn run_deployment(settings: &Settings, run: &payload::WorkflowRun) -> Deployment {
    let sha = run.head_sha.to_ascii_lowercase();
    let branch = run.head_branch.clone();
    Deployment {
        id: settings.run_deployment_id(run.id),
        name: branch
            .as_deref()
            .and_then(|b| translate::tag_name(b, &run.head_sha)),
        service: settings.service.clone(),
        environment: settings
            .deploy_environments
            .first()
            .cloned()
            .unwrap_or_else(|| "production".into()),
        production: true,
        ref_name: branch,
        started_at: Some(run.run_started_at.unwrap_or(run.created_at)),
        // A completed run was last updated when it finished.
        finished_at: run.updated_at,
        status: run_deploy_status(run),
        url: run
            .html_url
            .clone()
            .or_else(|| Some(settings.commit_url(&sha))),
        sha,
        changes: Vec::new(),
    }
}

/// Deployments from runs of the deploy workflows seen in this sync's run listing: new ones and
/// ones whose status moved on.
pub(super) fn from_runs(
    settings: &Settings,
    known: &Known,
    runs: &[payload::WorkflowRun],
) -> Vec<Pending> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for run in runs {
        if !settings.is_deploy_workflow(run) || !seen.insert(run.id) {
            continue;
        }
        let deployment = run_deployment(settings, run);
        match known.deployments.get(&deployment.id) {
            Some(stored) if settled(stored) => {}
            Some(stored)
                if stored.status == deployment.status
                    && stored.finished_at == deployment.finished_at => {}
            _ => found.push(Pending::new(deployment)),
        }
    }
    found
}

/// On a first sync, the latest successful run of each deploy workflow created before the
/// horizon: the predecessor of the first deployment inside it.
pub(super) async fn older_deploy_runs(
    api: &Api,
    settings: &Settings,
    horizon: Timestamp,
) -> Result<Vec<payload::WorkflowRun>, SourceError> {
    let created = format!("<{}", horizon.format("%Y-%m-%d"));
    let mut runs = Vec::new();
    for workflow in &settings.deploy_workflows {
        // The API names a workflow by its file name ("deploy.yml"), not its path.
        let file = super::setup::workflow_basename(workflow);
        let url = api.url(
            &["actions", "workflows", file, "runs"],
            &[
                ("status", "success"),
                ("created", &created),
                ("per_page", "1"),
            ],
        );
        // A workflow file that does not exist (yet) has no runs.
        if let Some(page) = api.get_if_found::<payload::WorkflowRuns>(url).await? {
            runs.extend(page.body.workflow_runs.into_iter().take(1));
        }
    }
    Ok(runs)
}

/// The commits of `base...head` (reachable from head, not from base), oldest first; None when
/// GitHub no longer knows one of the shas.
async fn compare(api: &Api, base: &str, head: &str) -> Result<Option<Vec<Change>>, SourceError> {
    let range = format!("{base}...{head}");
    let mut url = Some(api.url(&["compare", &range], &[("per_page", PER_PAGE)]));
    let mut changes = Vec::new();
    let mut pages = 0;
    while let Some(next) = url.take() {
        let Some(page) = api.get_if_found::<payload::Comparison>(next).await? else {
            tracing::warn!(repo = api.repo(), %range, "compare not found; no changes recorded");
            return Ok(None);
        };
        changes.extend(page.body.commits.iter().filter_map(translate::change));
        pages += 1;
        if pages >= MAX_COMPARE_PAGES {
            tracing::warn!(
                repo = api.repo(),
                %range,
                total = page.body.total_commits,
                "compare cut at {MAX_COMPARE_PAGES} pages"
            );
            break;
        }
        url = match page.next {
            Some(link) => Some(api.follow(link.as_str())?),
            None => None,
        };
    }
    Ok(Some(changes))
}

/// Fills in the commits each new successful deployment shipped first: the compare between the
/// previous successful production deployment of the service (stored, or found in this sync) and
/// it, less the commits an earlier deployment already shipped (a deployment after a rollback
/// ships again only what is new). The first deployment of the service is a baseline: it gets no
/// compare. A redeploy of the previous sha ships nothing.
pub(super) async fn attach_changes(
    api: &Api,
    known: &Known,
    found: &mut [Pending],
) -> Result<(), SourceError> {
    // The counted deployments of the service in deploy order: finished_at, then id.
    let found_ids: HashSet<&str> = found.iter().map(|p| p.deployment.id.as_str()).collect();
    let mut timeline: Vec<(Timestamp, String, String, Option<usize>)> = known
        .deployments
        .values()
        .filter(|d| d.counts() && !found_ids.contains(d.id.as_str()))
        .map(|d| (d.finished_at, d.id.clone(), d.sha.clone(), None))
        .collect();
    timeline.extend(found.iter().enumerate().filter_map(|(i, p)| {
        let d = &p.deployment;
        d.counts()
            .then(|| (d.finished_at, d.id.clone(), d.sha.clone(), Some(i)))
    }));
    timeline.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
    });

    let mut shipped_now: HashSet<String> = HashSet::new();
    for position in 0..timeline.len() {
        let Some(i) = timeline[position].3 else {
            continue;
        };
        let pending = &mut found[i];
        if !pending.needs_changes {
            continue;
        }
        pending.needs_changes = false;
        let Some(previous) = position.checked_sub(1).map(|p| &timeline[p]) else {
            continue;
        };
        let (base, head) = (previous.2.as_str(), pending.deployment.sha.as_str());
        if base.eq_ignore_ascii_case(head) {
            continue;
        }
        let Some(commits) = compare(api, base, head).await? else {
            continue;
        };
        let mut changes: Vec<Change> = commits
            .into_iter()
            .filter(|c| !known.shipped.contains(&c.sha) && !shipped_now.contains(&c.sha))
            .collect();
        shipped_now.extend(changes.iter().map(|c| c.sha.clone()));
        // Newest first, as the model keeps them.
        changes.reverse();
        pending.deployment.changes = changes;
    }
    Ok(())
}
