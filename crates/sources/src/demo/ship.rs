//! Production deployments (and their failed deploy jobs and staging runs) with the commits and
//! pull requests they ship.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use flowdeck_core::model::{Change, Deployment, DeploymentStatus};

use super::calendar::{Grid, Slot};
use super::catalog::{PROFILES, Profile};
use super::plan::{self, Planned};
use super::pulls::{self, PrDraft, PrSpec};
use super::random::{self, DemoRng, Stream};
use super::story::{self, StoryDeploy};

/// What a story deployment became, for the parts of the story that refer to it.
#[derive(Debug, Clone, Default)]
pub(super) struct Keyed {
    /// Index into [`Shipped::deployments`].
    pub deployment: usize,
    /// The draft index of its story pull request.
    pub story_pr: Option<usize>,
    /// Its story pull request's first commit (sha, title).
    pub story_commit: Option<(String, String)>,
}

#[derive(Debug, Default)]
pub(super) struct Shipped {
    pub deployments: Vec<Deployment>,
    pub drafts: Vec<PrDraft>,
    pub keyed: BTreeMap<&'static str, Keyed>,
}

impl Shipped {
    /// The deployment a story key names.
    pub(super) fn deployment(&self, key: &str) -> Option<&Deployment> {
        self.keyed
            .get(key)
            .and_then(|k| self.deployments.get(k.deployment))
    }
}

/// Ships the whole history of every service.
pub(super) fn ship(grid: &Grid) -> Shipped {
    let mut out = Shipped::default();
    for (service, profile) in PROFILES.iter().enumerate() {
        ship_service(grid, service, profile, &mut out);
    }
    add_staging(grid, &mut out);
    out
}

fn ship_service(grid: &Grid, service: usize, profile: &Profile, out: &mut Shipped) {
    let mut version = profile.version;
    let mut title_cursor = service * 3;
    let planned = plan::plan(service, profile);
    let mut previous: Option<Slot> = None;
    for p in planned {
        let mut rng = random::rng(
            Stream::Ship,
            service as u64,
            u64::from(p.at.day) * 1440 + u64::from(p.at.minute),
        );
        if !p.baseline {
            version = next_version(&mut rng, version, p.story);
        }
        let name = format!("v{}.{}.{}", version.0, version.1, version.2);
        // Merges shipped by the baseline happened in the days before it.
        let prev = previous.unwrap_or(Slot {
            day: p.at.day + 3,
            minute: 9 * 60,
        });
        let changes = changes_for(
            grid,
            &mut rng,
            (service, profile),
            &p,
            prev,
            &mut title_cursor,
            out,
        );
        let deployment = deployment(grid, &mut rng, profile, &p, &name, changes, out);
        if let Some(story) = p.story {
            if story.failed_attempt {
                out.deployments.push(failed_attempt(&deployment));
            }
            out.keyed.entry(story.key).or_default().deployment = out.deployments.len();
        }
        out.deployments.push(deployment);
        previous = Some(p.at);
    }
}

/// The next version: story minor bumps, patches for hotfixes, rollbacks and reverts, else mostly
/// patches with the odd minor release.
fn next_version(
    rng: &mut DemoRng,
    (major, minor, patch): (u32, u32, u32),
    story: Option<&StoryDeploy>,
) -> (u32, u32, u32) {
    let minor_bump = match story {
        Some(s) if s.minor_bump => true,
        Some(s)
            if s.rollback_to.is_some()
                || s.ref_name.is_some()
                || s.reverts_commit_of.is_some()
                || s.reverts_pr_of.is_some() =>
        {
            false
        }
        _ => random::chance(rng, 0.22),
    };
    if minor_bump {
        (major, minor + 1, 0)
    } else {
        (major, minor, patch + 1)
    }
}

/// The commits a planned deployment ships, newest first; registers its pull requests.
fn changes_for(
    grid: &Grid,
    rng: &mut DemoRng,
    (service, profile): (usize, &Profile),
    p: &Planned,
    prev: Slot,
    title_cursor: &mut usize,
    out: &mut Shipped,
) -> Vec<Change> {
    let finished_o = p.at.office_minute();
    let story = p.story;
    if story.is_some_and(|s| s.rollback_to.is_some()) {
        return Vec::new();
    }
    let mut specs: Vec<(PrSpec, bool)> = Vec::new();
    if story.is_none_or(|s| s.routine_prs) {
        let (lo, hi) = if p.baseline {
            (2, 2)
        } else {
            profile.prs_per_deploy
        };
        for _ in 0..random::between(rng, lo, hi) {
            let title_count = profile.titles.len().max(1);
            let title = profile
                .titles
                .get(*title_cursor * 7 % title_count)
                .copied()
                .unwrap_or("Tidy up");
            *title_cursor += 1;
            specs.push((PrSpec::routine(rng, profile, title), false));
        }
        if random::chance(rng, profile.bot_chance)
            && let Some(bump) = random::pick(rng, profile.bumps)
        {
            specs.push((PrSpec::bump(rng, profile, bump), false));
        }
    }
    let urgent = story.is_some_and(|s| s.ref_name.is_some() || s.reverts_pr_of.is_some());
    if let Some(sp) = story.and_then(|s| s.pr) {
        let mut spec = PrSpec::routine(rng, profile, sp.title);
        spec.commit = sp.commit.to_string();
        spec.branch = sp.branch.to_string();
        spec.urgent = urgent;
        specs.push((spec, true));
    }
    let revert_pr_of = story
        .and_then(|s| s.reverts_pr_of)
        .and_then(|key| out.keyed.get(key))
        .and_then(|k| k.story_pr);
    if let Some(target) = revert_pr_of
        && let Some(target_pr) = out.drafts.get(target).map(|d| d.pr.clone())
    {
        let title = format!("Revert \"{}\"", target_pr.title);
        let mut spec = PrSpec::routine(rng, profile, &title);
        spec.branch = format!("revert-{}", target_pr.head_branch.unwrap_or_default());
        spec.urgent = true;
        specs.push((spec, false));
    }

    let mut changes = Vec::new();
    for (spec, is_story) in specs {
        let merged_o = if spec.urgent {
            finished_o - 20
        } else {
            merge_time(rng, prev, p.at, profile.merge_span)
        };
        let index = out.drafts.len();
        let (mut draft, commits) = pulls::shipped(
            rng,
            grid,
            profile,
            (service, index),
            &spec,
            merged_o,
            finished_o,
        );
        if spec.title.starts_with("Revert \"") {
            draft.reverts = revert_pr_of;
        }
        if is_story && let Some(key) = story.map(|s| s.key) {
            let first = commits.first().map(|c| (c.sha.clone(), c.title.clone()));
            let entry = out.keyed.entry(key).or_default();
            entry.story_pr = Some(index);
            entry.story_commit = first;
        }
        out.drafts.push(draft);
        changes.extend(commits);
    }

    // A direct revert commit, pushed to main in a hurry (no pull request).
    let revert_of = story
        .and_then(|s| s.reverts_commit_of)
        .and_then(|key| out.keyed.get(key))
        .and_then(|k| k.story_commit.clone());
    if let Some((sha, title)) = revert_of {
        let at = grid.at_office(finished_o - 35, random::between(rng, 0, 59));
        let (author, _) = pulls::pair(rng, profile.cast);
        changes.push(Change {
            sha: random::sha(rng),
            authored_at: at,
            committed_at: at,
            author: author.to_string(),
            title: format!("Revert \"{title}\""),
            merge: false,
            reverts: Some(sha),
            pr: None,
        });
    }

    // Newest first, as sources walk history.
    changes.sort_by(|a, b| {
        b.committed_at
            .cmp(&a.committed_at)
            .then(b.merge.cmp(&a.merge))
            .then(a.sha.cmp(&b.sha))
    });
    changes
}

/// A merge time (office minutes) after the previous deployment of the service and at least
/// 20 minutes before this one, at most `span` office minutes back.
fn merge_time(rng: &mut DemoRng, prev: Slot, at: Slot, span: i64) -> i64 {
    let hi = at.office_minute() - 20;
    let lo = (prev.office_minute() + 10).max(hi - span);
    random::between(rng, lo, hi)
}

/// The deployment record of a planned production deployment.
fn deployment(
    grid: &Grid,
    rng: &mut DemoRng,
    profile: &Profile,
    p: &Planned,
    name: &str,
    changes: Vec<Change>,
    out: &Shipped,
) -> Deployment {
    let finished_at = grid.at_minute(p.at.grid_minute(), random::between(rng, 0, 59));
    let started_at = finished_at - TimeDelta::seconds(random::between(rng, 4 * 60, 12 * 60));
    let rollback_sha = p
        .story
        .and_then(|s| s.rollback_to)
        .and_then(|key| out.deployment(key))
        .map(|d| d.sha.clone());
    let sha = rollback_sha
        .or_else(|| changes.first().map(|c| c.sha.clone()))
        .unwrap_or_else(|| random::sha(rng));
    Deployment {
        id: format!("demo:{}:{name}", profile.name),
        name: Some(name.to_string()),
        service: profile.name.to_string(),
        environment: "production".to_string(),
        production: true,
        sha,
        ref_name: Some(p.story.and_then(|s| s.ref_name).unwrap_or(name).to_string()),
        started_at: Some(started_at),
        finished_at,
        status: DeploymentStatus::Success,
        url: Some(format!("{}/releases/tag/{name}", profile.repo_url())),
        changes,
    }
}

/// The deploy job that failed (a timed-out rollout) before `d` went out: same sha, no changes.
fn failed_attempt(d: &Deployment) -> Deployment {
    let started = d.started_at.unwrap_or(d.finished_at) - TimeDelta::minutes(38);
    Deployment {
        id: format!("{}:attempt-1", d.id),
        started_at: Some(started),
        finished_at: started + TimeDelta::minutes(6) + TimeDelta::seconds(17),
        status: DeploymentStatus::Failure,
        changes: Vec::new(),
        ..d.clone()
    }
}

/// Release candidates deployed to staging the day before a story release.
fn add_staging(grid: &Grid, out: &mut Shipped) {
    for (key, slot) in story::STAGING {
        let Some(release) = out.deployment(key).cloned() else {
            continue;
        };
        let mut rng = random::rng(Stream::Ship, 99, u64::from(slot.day));
        let name = format!("{}-rc.1", release.name.as_deref().unwrap_or("v0.0.0"));
        let finished_at = grid.at_minute(slot.grid_minute(), random::between(&mut rng, 0, 59));
        let repo = super::catalog::profile(&release.service)
            .map(|(_, p)| p.repo_url())
            .unwrap_or_default();
        out.deployments.push(Deployment {
            id: format!("demo:{}:{name}", release.service),
            name: Some(name.clone()),
            environment: "staging".to_string(),
            production: false,
            sha: random::sha(&mut rng),
            ref_name: Some(name.clone()),
            started_at: Some(finished_at - TimeDelta::minutes(7)),
            finished_at,
            url: Some(format!("{repo}/releases/tag/{name}")),
            changes: Vec::new(),
            ..release
        });
    }
}
