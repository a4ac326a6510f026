//! Deployments: from the Deployments API (each production environment listed newest first,
//! each new deployment's statuses read once), or from runs of deploy workflows; then the
//! commits each successful one shipped first, from a compare with its predecessor.

use std::collections::HashSet;

use chrono::Duration;

use super::api::{Api, PER_PAGE};
use super::known::Known;
use super::payload;
use super::setup::Settings;
use super::state;
use super::translate::{self, DeployOutcome, is_final};
use crate::SourceError;
use crate::http::PageWalk;
use crate::polled::Watermarks;
use flowdeck_core::model::{Change, Deployment, DeploymentStatus, Timestamp};

/// Pages of one environment's deployment list read at most in one sync (10,000 deployments).
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
    fn new(deployment: Deployment) -> Pending {
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

/// One environment's deployments that are new since `newest` (all of them back to the horizon
/// on a first sync), newest first, and on a first sync the ones just older than the horizon.
struct Listing {
    new: Vec<payload::Deployment>,
    older: Vec<payload::Deployment>,
    newest_id: Option<u64>,
}

async fn list_environment(
    api: &Api,
    environment: &str,
    newest: Option<u64>,
    horizon: Timestamp,
) -> Result<Listing, SourceError> {
    let mut listing = Listing {
        new: Vec::new(),
        older: Vec::new(),
        newest_id: newest,
    };
    let mut url = Some(api.url(
        &["deployments"],
        &[("environment", environment), ("per_page", PER_PAGE)],
    ));
    let mut walk = url.as_ref().map(|first| {
        PageWalk::new(
            first,
            format!("deployments of {} to {environment}", api.repo()),
            MAX_LIST_PAGES,
        )
    });
    while let Some(next) = url.take() {
        let page = api.get::<Vec<payload::Deployment>>(next).await?;
        let mut done = false;
        for d in page.body {
            // The environment filter matches case-insensitively; keep GitHub's spelling.
            listing.newest_id = Some(listing.newest_id.map_or(d.id, |n| n.max(d.id)));
            match newest {
                Some(seen) if d.id <= seen => done = true,
                Some(_) => listing.new.push(d),
                // A zeroed or impossible date says nothing about where the listing is:
                // the item is refused after translation (with a warning), and paging goes
                // on, where it once ended the first sync after page 1.
                None if d.created_at >= horizon
                    || d.created_at < flowdeck_core::plausible::earliest() =>
                {
                    listing.new.push(d)
                }
                None => listing.older.push(d),
            }
        }
        if newest.is_some() && done {
            break;
        }
        if newest.is_none() && !listing.older.is_empty() {
            break;
        }
        url = match walk.as_mut().and_then(|walk| walk.after_page(page.next)) {
            Some(link) => Some(api.follow(link.as_str())?),
            None => None,
        };
    }
    Ok(listing)
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

/// New deployments of the production environments with their final or current status, and
/// stored ones that were still in progress with their new status. Deployments already stored
/// with a final status are not read again.
pub(super) async fn from_deployments_api(
    api: &Api,
    settings: &Settings,
    known: &Known,
    marks: &mut Watermarks,
    now: Timestamp,
    horizon: Timestamp,
) -> Result<Vec<Pending>, SourceError> {
    let envs = environments(api, settings, marks).await?;
    let mut found: Vec<Pending> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for env in &envs {
        let key = state::deployments_newest(env);
        let newest = marks.read(&key, |v| v.parse().ok())?;
        let listing = list_environment(api, env, newest, horizon).await?;
        // An environment without deployments yet is marked 0: later syncs are incremental.
        let seen_newest = listing.newest_id.unwrap_or(0);
        if Some(seen_newest) != newest {
            marks.set(key, seen_newest.to_string());
        }
        for d in &listing.new {
            let id = settings.deployment_id(d.id);
            if !seen.insert(id.clone()) {
                continue;
            }
            if known.deployments.get(&id).is_some_and(settled) {
                continue;
            }
            let outcome = translate::deploy_outcome(d, &statuses(api, d.id).await?);
            found.push(Pending::new(to_model(settings, &envs, d, outcome)));
        }
        // The first sync reaches one successful deployment past the horizon, so the first one
        // inside it has a predecessor to compare with.
        for d in listing.older.iter().take(MAX_OLDER_CHECKS) {
            let id = settings.deployment_id(d.id);
            if let Some(k) = known.deployments.get(&id)
                && k.counts()
            {
                break;
            }
            let outcome = translate::deploy_outcome(d, &statuses(api, d.id).await?);
            if outcome.status == DeploymentStatus::Success && seen.insert(id) {
                found.push(Pending::new(to_model(settings, &envs, d, outcome)));
                break;
            }
        }
    }

    // Stored deployments still in progress: their statuses may have moved on.
    let recent = now - Duration::days(RECHECK_DAYS);
    let mut waiting: Vec<&Deployment> = known
        .deployments
        .values()
        .filter(|k| !is_final(k.status) && k.started_at.unwrap_or(k.finished_at) >= recent)
        .filter(|k| !seen.contains(&k.id))
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
        if updated != *stored {
            found.push(Pending::new(updated));
        }
    }
    Ok(found)
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
