//! Random histories for the laws (`laws.rs`): services with teams; deployments with changes,
//! shas (few per service, so redeploys and rollbacks happen), statuses and refs; changes that
//! revert others or came through pull requests; incidents that name deployments (by tag, sha
//! or id) or only services; pipeline runs; pull requests, some of them reverts.
//!
//! A history is drawn as plain numbers (`HistorySpec`) and built into events by `build`, so a
//! failing case shrinks to few, small items. Times are hours from `T0` over 30 days, so ties
//! (two events at one instant) are common.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;

use crate::model::*;

/// Monday 2 March 2026, 00:00 UTC: hour 0 of every drawn history.
pub(super) fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// The span, in hours, that drawn events fall in.
pub(super) const SPAN_HOURS: u32 = 30 * 24;

pub(super) fn hour(h: i64) -> Timestamp {
    t0() + Duration::hours(h)
}

#[derive(Debug, Clone)]
pub(super) struct ChangeSpec {
    authored_offset_hours: i64,
    merge: bool,
    /// 0, 1: a plain title; 2: "hotfix: …"; 3: "Revert …".
    title: u8,
    /// Reverts change `.1` of deployment `.0` (indices taken modulo what exists).
    reverts: Option<(usize, usize)>,
    pr: Option<u64>,
}

#[derive(Debug, Clone)]
pub(super) struct DeploySpec {
    service: usize,
    finished: u32,
    sha: u8,
    /// 0..=5 success, 6 failure, 7 cancelled.
    status: u8,
    production: bool,
    /// 0: none, 1: "main", 2: "hotfix/…", 3: its tag name.
    ref_kind: u8,
    changes: Vec<ChangeSpec>,
}

#[derive(Debug, Clone)]
pub(super) struct IncidentSpec {
    /// Bit i: names service i.
    services: u8,
    started: u32,
    resolved_after_hours: Option<u32>,
    /// 0: names nothing; 1: a tag name; 2: `deployment:<id>` in the body; 3: a sha prefix;
    /// 4: a `deployment=<id>` label; 0 and 5.. name nothing.
    mention: u8,
    target: usize,
}

#[derive(Debug, Clone)]
pub(super) struct RunSpec {
    service: usize,
    created: u32,
    /// Index into `RUN_OUTCOMES`.
    outcome: usize,
    queue_minutes: Option<u32>,
    duration_minutes: u32,
}

#[derive(Debug, Clone)]
pub(super) struct PrSpec {
    service: usize,
    created: u32,
    first_commit_before_hours: Option<u32>,
    review_after_hours: Option<u32>,
    merged_after_hours: Option<u32>,
    closed_unmerged: bool,
    /// Its merge sha: change `.1` of deployment `.0`.
    merge_sha: Option<(usize, usize)>,
    reverts_pr: Option<u64>,
    hotfix_branch: bool,
    bot: bool,
}

#[derive(Debug, Clone)]
pub(super) struct HistorySpec {
    /// Per service: 0 no team, else team `t{n}`.
    pub(super) teams: Vec<u8>,
    deployments: Vec<DeploySpec>,
    incidents: Vec<IncidentSpec>,
    runs: Vec<RunSpec>,
    prs: Vec<PrSpec>,
}

impl HistorySpec {
    pub(super) fn service_count(&self) -> usize {
        self.teams.len()
    }
}

const RUN_OUTCOMES: &[(RunStatus, Option<RunConclusion>)] = &[
    (RunStatus::Completed, Some(RunConclusion::Success)),
    (RunStatus::Completed, Some(RunConclusion::Success)),
    (RunStatus::Completed, Some(RunConclusion::Failure)),
    (RunStatus::Completed, Some(RunConclusion::TimedOut)),
    (RunStatus::Completed, Some(RunConclusion::StartupFailure)),
    (RunStatus::Completed, Some(RunConclusion::Cancelled)),
    (RunStatus::Completed, Some(RunConclusion::Skipped)),
    (RunStatus::InProgress, None),
    (RunStatus::Queued, None),
];

fn change_spec() -> impl Strategy<Value = ChangeSpec> {
    (
        -96i64..6,
        prop::bool::weighted(0.15),
        0u8..4,
        prop::option::weighted(0.2, (0usize..64, 0usize..3)),
        prop::option::weighted(0.4, 1u64..8),
    )
        .prop_map(
            |(authored_offset_hours, merge, title, reverts, pr)| ChangeSpec {
                authored_offset_hours,
                merge,
                title,
                reverts,
                pr,
            },
        )
}

fn deploy_spec() -> impl Strategy<Value = DeploySpec> {
    (
        0usize..4,
        0..SPAN_HOURS,
        0u8..4,
        0u8..8,
        prop::bool::weighted(0.9),
        0u8..4,
        prop::collection::vec(change_spec(), 0..4),
    )
        .prop_map(
            |(service, finished, sha, status, production, ref_kind, changes)| DeploySpec {
                service,
                finished,
                sha,
                status,
                production,
                ref_kind,
                changes,
            },
        )
}

fn incident_spec() -> impl Strategy<Value = IncidentSpec> {
    (
        0u8..16,
        0..SPAN_HOURS,
        prop::option::weighted(0.8, 0u32..48),
        // Half of them name nothing, for rule (b).
        0u8..9,
        0usize..64,
    )
        .prop_map(
            |(services, started, resolved_after_hours, mention, target)| IncidentSpec {
                services,
                started,
                resolved_after_hours,
                mention,
                target,
            },
        )
}

fn run_spec() -> impl Strategy<Value = RunSpec> {
    (
        0usize..4,
        0..SPAN_HOURS,
        0..RUN_OUTCOMES.len(),
        prop::option::weighted(0.9, 0u32..30),
        0u32..120,
    )
        .prop_map(
            |(service, created, outcome, queue_minutes, duration_minutes)| RunSpec {
                service,
                created,
                outcome,
                queue_minutes,
                duration_minutes,
            },
        )
}

fn pr_spec() -> impl Strategy<Value = PrSpec> {
    (
        (
            0usize..4,
            0..SPAN_HOURS,
            prop::option::of(0u32..72),
            prop::option::of(0u32..24),
            prop::option::weighted(0.7, 0u32..72),
        ),
        (
            prop::bool::weighted(0.1),
            prop::option::weighted(0.7, (0usize..64, 0usize..3)),
            prop::option::weighted(0.15, 1u64..8),
            prop::bool::weighted(0.15),
            prop::bool::weighted(0.1),
        ),
    )
        .prop_map(
            |(
                (service, created, first_commit_before_hours, review_after_hours, merged),
                (closed_unmerged, merge_sha, reverts_pr, hotfix_branch, bot),
            )| PrSpec {
                service,
                created,
                first_commit_before_hours,
                review_after_hours,
                merged_after_hours: merged,
                closed_unmerged,
                merge_sha,
                reverts_pr,
                hotfix_branch,
                bot,
            },
        )
}

/// A history of `services` services (a range), with up to `events` deployments and a few of
/// every other kind.
pub(super) fn history_spec(
    services: std::ops::RangeInclusive<usize>,
    events: usize,
) -> impl Strategy<Value = HistorySpec> {
    (
        prop::collection::vec(0u8..3, services),
        prop::collection::vec(deploy_spec(), 0..events),
        prop::collection::vec(incident_spec(), 0..events / 2 + 1),
        prop::collection::vec(run_spec(), 0..6),
        prop::collection::vec(pr_spec(), 0..8),
    )
        .prop_map(|(teams, deployments, incidents, runs, prs)| HistorySpec {
            teams,
            deployments,
            incidents,
            runs,
            prs,
        })
}

/// The names of one history, so two histories can be built that share nothing: no service,
/// team, deployment id or name, sha or incident id of one can be named by the other.
#[derive(Debug, Clone, Copy)]
pub(super) struct Namespace {
    /// Prefixes every name and id.
    pub(super) prefix: &'static str,
    /// First hex digit of every deployed sha, and of every change sha.
    deploy_sha: char,
    change_sha: char,
}

pub(super) const MAIN: Namespace = Namespace {
    prefix: "",
    deploy_sha: 'a',
    change_sha: 'b',
};

pub(super) const UNRELATED: Namespace = Namespace {
    prefix: "u",
    deploy_sha: 'd',
    change_sha: 'e',
};

impl Namespace {
    pub(super) fn service(&self, s: usize) -> String {
        format!("{}s{s}", self.prefix)
    }

    fn team(&self, t: u8) -> String {
        format!("{}t{t}", self.prefix)
    }

    fn deployment_sha(&self, service: usize, sha: u8) -> String {
        format!("{}{service:x}{sha:05x}{}", self.deploy_sha, "0".repeat(33))
    }

    fn change_sha(&self, deployment: usize, change: usize) -> String {
        format!(
            "{}{deployment:04x}{change:02x}{}",
            self.change_sha,
            "1".repeat(33)
        )
    }
}

/// The events a spec draws, named in `ns`.
pub(super) fn build(spec: &HistorySpec, ns: Namespace) -> EventSet {
    let services = spec.service_count();
    let mut events = EventSet {
        services: spec
            .teams
            .iter()
            .enumerate()
            .map(|(s, &t)| Service {
                name: ns.service(s),
                team: (t > 0).then(|| ns.team(t)),
            })
            .collect(),
        ..EventSet::default()
    };
    let deploy_count = spec.deployments.len();
    let change_ref = |(d, c): (usize, usize)| -> Option<String> {
        let d = d % deploy_count.max(1);
        let changes = spec.deployments.get(d)?.changes.len();
        (changes > 0).then(|| ns.change_sha(d, c % changes))
    };
    for (k, d) in spec.deployments.iter().enumerate() {
        let service = d.service % services;
        let name = format!("{}v{}", ns.prefix, k % 5);
        let finished = hour(i64::from(d.finished));
        let changes = d
            .changes
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let sha = ns.change_sha(k, j);
                let authored = finished - Duration::hours(c.authored_offset_hours);
                Change {
                    title: match c.title {
                        2 => format!("hotfix: change {j}"),
                        3 => format!("Revert change {j}"),
                        _ => format!("change {j}"),
                    },
                    sha,
                    authored_at: authored,
                    committed_at: authored + Duration::minutes(5),
                    author: "dev".into(),
                    merge: c.merge,
                    reverts: c.reverts.and_then(change_ref),
                    pr: c.pr,
                }
            })
            .collect();
        events.deployments.push(Deployment {
            id: format!("{}:d{k}", ns.service(service)),
            name: Some(name.clone()),
            service: ns.service(service),
            environment: if d.production {
                "production"
            } else {
                "staging"
            }
            .into(),
            production: d.production,
            sha: ns.deployment_sha(service, d.sha),
            ref_name: match d.ref_kind {
                1 => Some("main".into()),
                2 => Some(format!("hotfix/{k}")),
                3 => Some(name),
                _ => None,
            },
            started_at: Some(finished - Duration::minutes(10)),
            finished_at: finished,
            status: match d.status {
                6 => DeploymentStatus::Failure,
                7 => DeploymentStatus::Cancelled,
                _ => DeploymentStatus::Success,
            },
            url: None,
            changes,
        });
    }
    for (i, inc) in spec.incidents.iter().enumerate() {
        let target = (deploy_count > 0).then(|| &events.deployments[inc.target % deploy_count]);
        let (mut title, mut body, mut labels) = (format!("incident {i}"), None, Vec::new());
        if let Some(target) = target {
            match inc.mention {
                1 => title = format!("errors after {}.", target.name.clone().unwrap_or_default()),
                2 => body = Some(format!("see deployment:{}", target.id)),
                3 => title = format!("bad commit {}", &target.sha[..8]),
                4 => labels.push(format!("deployment={}", target.id)),
                _ => {}
            }
        }
        let started = hour(i64::from(inc.started));
        events.incidents.push(Incident {
            id: format!("{}INC-{i}", ns.prefix),
            source: "test".into(),
            services: (0..services)
                .filter(|s| inc.services & (1 << s) != 0)
                .map(|s| ns.service(s))
                .collect(),
            title,
            severity: None,
            labels,
            body,
            started_at: started,
            resolved_at: inc
                .resolved_after_hours
                .map(|h| started + Duration::hours(i64::from(h))),
            url: None,
        });
    }
    for (i, run) in spec.runs.iter().enumerate() {
        let created = hour(i64::from(run.created));
        let (status, conclusion) = RUN_OUTCOMES[run.outcome];
        let started = run
            .queue_minutes
            .map(|m| created + Duration::minutes(i64::from(m)));
        events.pipeline_runs.push(PipelineRun {
            id: format!("{}run-{i}", ns.prefix),
            service: ns.service(run.service % services),
            workflow: "ci".into(),
            branch: Some("main".into()),
            sha: ns.deployment_sha(run.service % services, 0),
            status,
            conclusion,
            attempt: 1,
            created_at: created,
            started_at: started,
            finished_at: started
                .filter(|_| status == RunStatus::Completed)
                .map(|s| s + Duration::minutes(i64::from(run.duration_minutes))),
            url: None,
        });
    }
    for (i, pr) in spec.prs.iter().enumerate() {
        let created = hour(i64::from(pr.created));
        let merged = pr
            .merged_after_hours
            .filter(|_| !pr.closed_unmerged)
            .map(|h| created + Duration::hours(i64::from(h)));
        events.pull_requests.push(PullRequest {
            service: ns.service(pr.service % services),
            // Unique per service, as every forge numbers them.
            number: i as u64 + 1,
            title: if pr.reverts_pr.is_some() {
                "Revert a change".into()
            } else {
                format!("change {i}")
            },
            author: if pr.bot { "ci[bot]" } else { "dev" }.into(),
            url: None,
            head_branch: Some(if pr.hotfix_branch {
                format!("hotfix-{i}")
            } else {
                format!("feature-{i}")
            }),
            created_at: created,
            first_commit_at: pr
                .first_commit_before_hours
                .map(|h| created - Duration::hours(i64::from(h))),
            first_review_at: pr
                .review_after_hours
                .map(|h| created + Duration::hours(i64::from(h))),
            merged_at: merged,
            merge_sha: merged.and(pr.merge_sha.and_then(change_ref)),
            closed_at: if pr.closed_unmerged {
                Some(created + Duration::hours(1))
            } else {
                merged
            },
            reverts_pr: pr.reverts_pr,
        });
    }
    events
}
