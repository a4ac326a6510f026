//! CI and deploy pipeline runs: `ci.yml` on every push and on main after every merge, a nightly
//! `ci.yml` on main for the gateway, `deploy.yml` for every deploy job, and a few runs live at
//! `now` (one in progress, one queued).

use chrono::TimeDelta;

use flowdeck_core::model::{DeploymentStatus, PipelineRun, RunConclusion, RunStatus, Timestamp};

use super::calendar::{Grid, Slot};
use super::catalog::{self, PROFILES};
use super::plan::HISTORY_DAYS;
use super::pulls::fnv;
use super::random::{self, DemoRng, Stream};
use super::ship::Shipped;
use super::story::{self, NightlyOutcome};

/// A run before ids are given.
struct Draft {
    service: &'static str,
    workflow: &'static str,
    branch: String,
    sha: String,
    conclusion: RunConclusion,
    attempt: u32,
    created_at: Timestamp,
    queue_seconds: i64,
    duration_seconds: i64,
    /// Forced live state at `now` (the now cluster).
    live: Option<RunStatus>,
}

pub(super) fn runs(grid: &Grid, shipped: &Shipped) -> Vec<PipelineRun> {
    let mut drafts = Vec::new();
    pushes_and_merges(shipped, &mut drafts);
    deploys(shipped, &mut drafts);
    nightly(grid, &mut drafts);
    now_cluster(grid, &mut drafts);
    finish(grid, drafts)
}

fn service_name(index: usize) -> &'static str {
    PROFILES.get(index).map(|p| p.name).unwrap_or("unknown")
}

/// Queue time: seconds usually, minutes when runners are busy.
fn queue(rng: &mut DemoRng) -> i64 {
    random::log_normal(rng, 25.0, 1.1, 2.0, 9.0 * 60.0) as i64
}

/// `ci.yml` duration: minutes.
fn ci_duration(rng: &mut DemoRng) -> i64 {
    random::log_normal(rng, 7.0 * 60.0, 0.35, 3.0 * 60.0, 25.0 * 60.0) as i64
}

fn pushes_and_merges(shipped: &Shipped, out: &mut Vec<Draft>) {
    for draft in &shipped.drafts {
        let mut rng = random::rng(Stream::Ci, draft.service as u64, draft.pr.number);
        let service = service_name(draft.service);
        let branch = draft.pr.head_branch.clone().unwrap_or_default();
        let last = draft.pushes.len().saturating_sub(1);
        for (k, (sha, pushed_at)) in draft.pushes.iter().enumerate() {
            // Earlier pushes fail now and then and get fixed; the last one passes, sometimes on
            // a re-run of a flaky job.
            // Open pull requests may still be red.
            let failure_chance = if k < last {
                0.3
            } else if draft.pr.merged_at.is_none() {
                0.25
            } else {
                0.0
            };
            let (conclusion, attempt) = if random::chance(&mut rng, failure_chance) {
                (RunConclusion::Failure, 1)
            } else if random::chance(&mut rng, 0.06) {
                (RunConclusion::Success, 2)
            } else {
                (RunConclusion::Success, 1)
            };
            out.push(Draft {
                service,
                workflow: "ci.yml",
                branch: branch.clone(),
                sha: sha.clone(),
                conclusion,
                attempt,
                created_at: *pushed_at + TimeDelta::seconds(random::between(&mut rng, 3, 40)),
                queue_seconds: queue(&mut rng),
                duration_seconds: ci_duration(&mut rng),
                live: None,
            });
        }
        if let (Some(merged_at), Some(merge_sha)) = (draft.pr.merged_at, &draft.pr.merge_sha) {
            let roll = random::between(&mut rng, 0, 99);
            let conclusion = match roll {
                0..=5 => RunConclusion::Failure,
                6..=8 => RunConclusion::Cancelled,
                _ => RunConclusion::Success,
            };
            out.push(Draft {
                service,
                workflow: "ci.yml",
                branch: "main".to_string(),
                sha: merge_sha.clone(),
                conclusion,
                attempt: 1,
                created_at: merged_at + TimeDelta::seconds(random::between(&mut rng, 2, 20)),
                queue_seconds: queue(&mut rng),
                duration_seconds: ci_duration(&mut rng),
                live: None,
            });
        }
    }
}

fn deploys(shipped: &Shipped, out: &mut Vec<Draft>) {
    for d in &shipped.deployments {
        let Some(started_at) = d.started_at else {
            continue;
        };
        let mut rng = random::rng(Stream::Ci, 1_000, fnv(&d.id));
        let service = catalog::profile(&d.service)
            .map(|(_, p)| p.name)
            .unwrap_or("unknown");
        let queue_seconds = random::between(&mut rng, 4, 90);
        out.push(Draft {
            service,
            workflow: "deploy.yml",
            branch: d.ref_name.clone().unwrap_or_default(),
            sha: d.sha.clone(),
            conclusion: match d.status {
                DeploymentStatus::Success => RunConclusion::Success,
                DeploymentStatus::Cancelled => RunConclusion::Cancelled,
                _ => RunConclusion::Failure,
            },
            attempt: 1,
            created_at: started_at - TimeDelta::seconds(queue_seconds),
            queue_seconds,
            duration_seconds: (d.finished_at - started_at).num_seconds(),
            live: None,
        });
    }
}

/// The gateway's nightly integration suite: long, and where the timeouts happen.
fn nightly(grid: &Grid, out: &mut Vec<Draft>) {
    for day in 0..HISTORY_DAYS {
        let mut rng = random::rng(Stream::Ci, 2_000, u64::from(day));
        let outcome = story::NIGHTLY_OUTCOMES
            .iter()
            .find(|(d, _)| *d == day)
            .map(|(_, o)| *o);
        let (conclusion, duration) = match outcome {
            None => (
                RunConclusion::Success,
                random::between(&mut rng, 22 * 60, 31 * 60),
            ),
            Some(NightlyOutcome::Failure) => (
                RunConclusion::Failure,
                random::between(&mut rng, 9 * 60, 25 * 60),
            ),
            Some(NightlyOutcome::Cancelled) => (
                RunConclusion::Cancelled,
                random::between(&mut rng, 2 * 60, 8 * 60),
            ),
            Some(NightlyOutcome::TimedOut) => (RunConclusion::TimedOut, 60 * 60),
            Some(NightlyOutcome::StartupFailure) => (RunConclusion::StartupFailure, 0),
        };
        out.push(Draft {
            service: story::NIGHTLY_SERVICE,
            workflow: "ci.yml",
            branch: "main".to_string(),
            sha: random::sha(&mut rng),
            conclusion,
            attempt: 1,
            created_at: grid.at_minute(
                Slot::new(day, 2, 0).grid_minute(),
                random::between(&mut rng, 0, 40),
            ),
            queue_seconds: if conclusion == RunConclusion::StartupFailure {
                0
            } else {
                queue(&mut rng)
            },
            duration_seconds: duration,
            live: None,
        });
    }
}

/// What is happening in CI right now: the web hotfix for the open incident is building, a
/// gateway run on main waits for a runner, and the morning's runs have finished.
fn now_cluster(grid: &Grid, out: &mut Vec<Draft>) {
    let mut rng = random::rng(Stream::NowCluster, 0, 0);
    let hotfix_branch = story::LOOSE_PRS
        .iter()
        .find(|p| p.service == "web" && p.branch.is_some_and(|b| b.starts_with("hotfix/")))
        .and_then(|p| p.branch)
        .unwrap_or("main");
    let live = [
        ("api", "main", 171, RunConclusion::Success, None),
        ("billing", "main", 118, RunConclusion::Success, None),
        ("gateway", "main", 96, RunConclusion::Failure, None),
        ("search", "main", 61, RunConclusion::Success, None),
        (
            "web",
            hotfix_branch,
            4,
            RunConclusion::Success,
            Some(RunStatus::InProgress),
        ),
        (
            "gateway",
            "main",
            1,
            RunConclusion::Success,
            Some(RunStatus::Queued),
        ),
    ];
    for (service, branch, minutes_ago, conclusion, live) in live {
        out.push(Draft {
            service,
            workflow: "ci.yml",
            branch: branch.to_string(),
            sha: random::sha(&mut rng),
            conclusion,
            attempt: 1,
            created_at: grid.before_now(minutes_ago, random::between(&mut rng, 0, 30)),
            queue_seconds: random::between(&mut rng, 8, 30),
            duration_seconds: ci_duration(&mut rng),
            live,
        });
    }
}

/// Gives ids in order of creation and settles each run's state at `now`.
fn finish(grid: &Grid, mut drafts: Vec<Draft>) -> Vec<PipelineRun> {
    let now = grid.now();
    drafts.retain(|d| d.created_at <= now);
    drafts.sort_by(|a, b| {
        (a.created_at, a.service, a.workflow, &a.sha).cmp(&(
            b.created_at,
            b.service,
            b.workflow,
            &b.sha,
        ))
    });
    let mut rng = random::rng(Stream::Numbering, 1_000, 0);
    let mut id: u64 = 9_120_448_000;
    drafts
        .into_iter()
        .map(|d| {
            id += random::between(&mut rng, 1, 400) as u64;
            let started = d.created_at + TimeDelta::seconds(d.queue_seconds);
            let finished = started + TimeDelta::seconds(d.duration_seconds);
            let status = match d.live {
                Some(status) => status,
                None if started > now => RunStatus::Queued,
                None if finished > now => RunStatus::InProgress,
                None => RunStatus::Completed,
            };
            let repo = catalog::profile(d.service)
                .map(|(_, p)| p.repo_url())
                .unwrap_or_default();
            PipelineRun {
                id: format!("demo:{}:{id}", d.service),
                service: d.service.to_string(),
                workflow: d.workflow.to_string(),
                branch: Some(d.branch),
                sha: d.sha,
                status,
                conclusion: (status == RunStatus::Completed).then_some(d.conclusion),
                attempt: d.attempt,
                created_at: d.created_at,
                started_at: (status != RunStatus::Queued).then_some(started.min(now)),
                finished_at: (status == RunStatus::Completed).then_some(finished),
                url: Some(format!("{repo}/actions/runs/{id}")),
            }
        })
        .collect()
}
