//! Pull requests and their commits: the merged ones deployments ship, and the loose ones
//! (open, closed unmerged, merged but not deployed yet).
//!
//! Timelines are computed in office minutes (working time), so a pull request never opens on a
//! weekend and its numbering order is the same whatever weekday `now` is.

use flowdeck_core::model::{Change, PullRequest, Timestamp};

use super::calendar::{Grid, OFFICE_DAY};
use super::catalog::{self, BOT, Bump, FOLLOW_UPS, Profile};
use super::random::{self, DemoRng, Stream};
use super::story::{LoosePr, PrState, Start};

/// First commit to deployment stays under four working days: at most six calendar days.
const MAX_LEAD_OFFICE_MINUTES: i64 = 4 * OFFICE_DAY - 60;

/// Routine changes are at least two hours old when they ship.
const MIN_LEAD_OFFICE_MINUTES: i64 = 120;

/// A pull request before numbering. Its commits carry `pr: Some(<index of this draft>)` until
/// numbering replaces it with the number.
#[derive(Debug, Clone)]
pub(super) struct PrDraft {
    pub service: usize,
    pub pr: PullRequest,
    /// The draft index of the pull request this one reverts (GitHub's revert button).
    pub reverts: Option<usize>,
    /// Pushed commits (sha, pushed at), oldest first: what CI ran on.
    pub pushes: Vec<(String, Timestamp)>,
}

/// What to build a merged pull request from.
#[derive(Debug, Clone)]
pub(super) struct PrSpec {
    pub title: String,
    /// Title of the first commit.
    pub commit: String,
    pub branch: String,
    pub author: &'static str,
    pub reviewer: &'static str,
    pub bot: bool,
    /// A hotfix or revert: written, reviewed and merged within minutes.
    pub urgent: bool,
}

impl PrSpec {
    /// A routine pull request by someone of the team, reviewed by someone else.
    pub(super) fn routine(rng: &mut DemoRng, profile: &Profile, title: &str) -> PrSpec {
        let (author, reviewer) = pair(rng, profile.cast);
        PrSpec {
            title: title.to_string(),
            commit: title.to_string(),
            branch: catalog::branch_for(title),
            author,
            reviewer,
            bot: false,
            urgent: false,
        }
    }

    /// A dependabot bump, approved and merged by someone of the team.
    pub(super) fn bump(rng: &mut DemoRng, profile: &Profile, bump: &Bump) -> PrSpec {
        let title = format!("Bump {} from {} to {}", bump.package, bump.from, bump.to);
        let (_, reviewer) = pair(rng, profile.cast);
        PrSpec {
            commit: title.clone(),
            title,
            branch: format!("dependabot/{}/{}-{}", bump.ecosystem, bump.package, bump.to),
            author: BOT,
            reviewer,
            bot: true,
            urgent: false,
        }
    }
}

/// Two different people of a cast (author, reviewer).
pub(super) fn pair(
    rng: &mut DemoRng,
    cast: &'static [&'static str],
) -> (&'static str, &'static str) {
    let n = cast.len() as i64;
    let a = random::between(rng, 0, n - 1);
    let b = (a + random::between(rng, 1, (n - 1).max(1))) % n.max(1);
    let get = |i: i64| cast.get(i as usize).copied().unwrap_or("someone");
    (get(a), get(b))
}

/// A merged pull request shipped by a deployment that finishes at `finished_o`, merged at
/// `merged_o` (office minutes). Returns the draft and its commits, the merge commit last.
pub(super) fn shipped(
    rng: &mut DemoRng,
    grid: &Grid,
    profile: &Profile,
    (service, index): (usize, usize),
    spec: &PrSpec,
    merged_o: i64,
    finished_o: i64,
) -> (PrDraft, Vec<Change>) {
    let (first_commit_o, created_o, review_o) = timeline(rng, profile, spec, merged_o, finished_o);
    let pr_ref = Some(index as u64);

    // Commit times (office minutes), oldest first, with their titles.
    let count = if spec.bot || spec.urgent {
        1
    } else {
        weighted_count(rng)
    };
    let mut commits: Vec<(i64, String)> = vec![(first_commit_o, spec.commit.clone())];
    for k in 1..count {
        if k == count - 1 && random::chance(rng, 0.5) && merged_o - review_o > 4 {
            let at = random::between(rng, review_o + 1, merged_o - 2);
            commits.push((at, "Address review comments".to_string()));
        } else {
            let at = random::between(rng, first_commit_o + 1, created_o.max(first_commit_o + 1));
            let title = random::pick(rng, FOLLOW_UPS)
                .copied()
                .unwrap_or("Add tests");
            commits.push((at, title.to_string()));
        }
    }
    commits.sort_by_key(|(at, _)| *at);

    let mut changes = Vec::with_capacity(count + 1);
    let mut pushes = Vec::with_capacity(count);
    let rebased = !spec.bot && random::chance(rng, 0.25);
    let rebase_o = merged_o - random::between(rng, 1, 4);
    for (at, title) in commits {
        let authored_at = grid.at_office(at, random::between(rng, 0, 59));
        let committed_at = if rebased && rebase_o > at {
            grid.at_office(rebase_o, 0).max(authored_at)
        } else {
            authored_at
        };
        let sha = random::sha(rng);
        if pushes.last().map(|(_, t)| *t) != Some(committed_at) {
            pushes.push((sha.clone(), committed_at));
        } else if let Some(last) = pushes.last_mut() {
            last.0 = sha.clone();
        }
        changes.push(Change {
            sha,
            authored_at,
            committed_at,
            author: spec.author.to_string(),
            title,
            merge: false,
            reverts: None,
            pr: pr_ref,
        });
    }

    let merged_at = grid.at_office(merged_o, random::between(rng, 0, 59));
    let merge_sha = random::sha(rng);
    changes.push(Change {
        sha: merge_sha.clone(),
        authored_at: merged_at,
        committed_at: merged_at,
        author: if spec.bot { spec.reviewer } else { spec.author }.to_string(),
        // Named once the pull request has its number.
        title: String::new(),
        merge: true,
        reverts: None,
        pr: pr_ref,
    });

    let first_commit_at = changes.first().map(|c| c.authored_at);
    let created_at = grid.at_office(created_o, random::between(rng, 0, 59));
    let first_review_at = grid.at_office(review_o, random::between(rng, 0, 59));
    let draft = PrDraft {
        service,
        pr: PullRequest {
            service: profile.name.to_string(),
            number: 0,
            title: spec.title.clone(),
            author: spec.author.to_string(),
            url: None,
            head_branch: Some(spec.branch.clone()),
            created_at,
            first_commit_at,
            first_review_at: Some(first_review_at),
            merged_at: Some(merged_at),
            merge_sha: Some(merge_sha),
            closed_at: Some(merged_at),
            reverts_pr: None,
        },
        reverts: None,
        pushes,
    };
    (draft, changes)
}

/// (first commit, opened, first review) in office minutes for a pull request merged at `merged_o`.
fn timeline(
    rng: &mut DemoRng,
    profile: &Profile,
    spec: &PrSpec,
    merged_o: i64,
    finished_o: i64,
) -> (i64, i64, i64) {
    if spec.urgent {
        return (merged_o - 8, merged_o - 6, merged_o - 3);
    }
    let review = random::log_normal(rng, profile.review_hours * 60.0, 0.9, 8.0, 1440.0) as i64;
    let pickup = random::log_normal(rng, profile.pickup_hours * 60.0, 0.9, 5.0, 1440.0) as i64;
    let mut coding = if spec.bot {
        1
    } else {
        random::log_normal(rng, profile.coding_hours * 60.0, 0.8, 20.0, 2880.0) as i64
    };
    let waiting = finished_o - merged_o;
    let mut parts = [review, pickup, coding];
    let budget = MAX_LEAD_OFFICE_MINUTES - waiting;
    let total: i64 = parts.iter().sum();
    if total > budget && total > 0 {
        for part in &mut parts {
            *part = (*part * budget / total).max(1);
        }
    }
    let [review, pickup, c] = parts;
    coding = c;
    let lead = waiting + review + pickup + coding;
    if lead < MIN_LEAD_OFFICE_MINUTES {
        coding += MIN_LEAD_OFFICE_MINUTES - lead;
    }
    let review_o = merged_o - review;
    let created_o = review_o - pickup;
    (created_o - coding, created_o, review_o)
}

/// How many commits a human pull request has: mostly one or two.
fn weighted_count(rng: &mut DemoRng) -> usize {
    match random::between(rng, 0, 99) {
        0..=49 => 1,
        50..=79 => 2,
        80..=94 => 3,
        _ => 4,
    }
}

/// A pull request no deployment ships: open, closed unmerged, or merged after the last deploy.
pub(super) fn loose(grid: &Grid, service: usize, profile: &Profile, spec: &LoosePr) -> PrDraft {
    let mut rng = random::rng(Stream::PullRequest, service as u64, fnv(spec.title));
    let cast = profile.cast;
    let author = cast
        .get(spec.author % cast.len().max(1))
        .copied()
        .unwrap_or("someone");

    // Opened, and the first commit before it; near `now` in real minutes, else on the grid.
    let (created_at, first_commit_at, later_push) = match spec.created {
        Start::Grid(slot) => {
            let created_o = slot.office_minute();
            let coding =
                random::log_normal(&mut rng, profile.coding_hours * 60.0, 0.8, 30.0, 2880.0) as i64;
            let later = spec
                .first_review
                .map(|r| r.office_minute() + random::between(&mut rng, 20, 90));
            (
                grid.at_office(created_o, random::between(&mut rng, 0, 59)),
                grid.at_office(created_o - coding, random::between(&mut rng, 0, 59)),
                later.map(|g| grid.at_office(g, random::between(&mut rng, 0, 59))),
            )
        }
        Start::BeforeNow(minutes) => {
            let coding = random::between(&mut rng, 25, 70);
            (
                grid.before_now(minutes, 0),
                grid.before_now(minutes + coding, random::between(&mut rng, 0, 59)),
                None,
            )
        }
    };
    let mut pushes = vec![(random::sha(&mut rng), first_commit_at)];
    if let Some(at) = later_push {
        // A push answering the review, if it happened before the pull request was closed.
        let closed = match spec.state {
            PrState::Open => None,
            PrState::ClosedUnmerged(s) | PrState::MergedUndeployed(s) => Some(grid.at(s)),
        };
        if closed.is_none_or(|c| at < c) {
            pushes.push((random::sha(&mut rng), at));
        }
    }
    let first_review_at = spec
        .first_review
        .map(|slot| grid.at_office(slot.office_minute(), random::between(&mut rng, 0, 59)));
    let (merged_at, merge_sha, closed_at) = match spec.state {
        PrState::Open => (None, None, None),
        PrState::ClosedUnmerged(slot) => (None, None, Some(grid.at(slot))),
        PrState::MergedUndeployed(slot) => {
            let at = grid.at(slot);
            (Some(at), Some(random::sha(&mut rng)), Some(at))
        }
    };
    PrDraft {
        service,
        pr: PullRequest {
            service: profile.name.to_string(),
            number: 0,
            title: spec.title.to_string(),
            author: author.to_string(),
            url: None,
            head_branch: Some(
                spec.branch
                    .map(str::to_string)
                    .unwrap_or_else(|| catalog::branch_for(spec.title)),
            ),
            created_at,
            first_commit_at: Some(first_commit_at),
            first_review_at,
            merged_at,
            merge_sha,
            closed_at,
            reverts_pr: None,
        },
        reverts: None,
        pushes,
    }
}

/// FNV-1a of a string: a stable stream coordinate for items named by text.
pub(super) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
