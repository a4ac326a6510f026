//! Synthetic delivery history at company scale, for benchmarks: deterministic, in memory.
//!
//! 1,000 services in 50 teams over 180 days: 1M deployments carrying 5M changes (a fifth of
//! them merges, some reverts and hotfixes, a rollback every ~200 deployments), 200k pull
//! requests, 2M CI runs and 20k incidents (some naming a deployment, 1% still open).

use chrono::{DateTime, Duration, Utc};
use flowdeck::model::*;

pub struct Shape {
    pub services: usize,
    pub teams: usize,
    pub deployments: usize,
    pub changes: usize,
    pub incidents: usize,
    pub runs: usize,
    pub prs: usize,
    pub days: i64,
}

impl Shape {
    pub const COMPANY: Shape = Shape {
        services: 1_000,
        teams: 50,
        deployments: 1_000_000,
        changes: 5_000_000,
        incidents: 20_000,
        runs: 2_000_000,
        prs: 200_000,
        days: 180,
    };
}

/// SplitMix64: tiny, fast and deterministic; good enough to scatter benchmark data.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn sha(&mut self) -> String {
        format!(
            "{:016x}{:016x}{:08x}",
            self.next(),
            self.next(),
            self.next() as u32
        )
    }
}

const AUTHORS: [&str; 8] = [
    "ana",
    "bo",
    "chen",
    "dara",
    "eli",
    "fatima",
    "gus",
    "dependabot[bot]",
];

pub fn generate(shape: &Shape, now: DateTime<Utc>) -> EventSet {
    let mut rng = Mix(42);
    let start = now - Duration::days(shape.days);
    let span = shape.days * 86_400;
    let services: Vec<Service> = (0..shape.services)
        .map(|i| Service {
            name: format!("svc-{i:04}"),
            team: Some(format!("team-{:02}", i % shape.teams)),
        })
        .collect();

    let per_service = shape.deployments / shape.services;
    let changes_per_deployment = shape.changes / shape.deployments;
    let mut deployments = Vec::with_capacity(shape.deployments);
    let mut pull_requests = Vec::with_capacity(shape.prs);
    let step = span / per_service as i64;
    for (s, service) in services.iter().enumerate() {
        let mut shipped: Vec<String> = Vec::new();
        let mut shas: Vec<String> = Vec::new();
        for i in 0..per_service {
            let finished =
                start + Duration::seconds(i as i64 * step + rng.below(step as u64 / 2) as i64);
            // Every ~200th deployment rolls back to the one two before it.
            let rollback = i > 2 && rng.below(200) == 0;
            let sha = if rollback {
                shas[i - 2].clone()
            } else {
                rng.sha()
            };
            let mut changes = Vec::new();
            if !rollback {
                let n = 1 + rng.below(2 * changes_per_deployment as u64 - 1) as usize;
                for c in 0..n {
                    let authored =
                        finished - Duration::seconds(3_600 + rng.below(7 * 86_400) as i64);
                    let change_sha = rng.sha();
                    let merge = c % 5 == 4;
                    let roll = rng.below(1_000);
                    let reverts = (roll < 2 && !shipped.is_empty())
                        .then(|| shipped[rng.below(shipped.len() as u64) as usize].clone());
                    let title = if reverts.is_some() {
                        "Revert \"Tune the cache\"".to_string()
                    } else if roll < 12 {
                        "hotfix: null price on checkout".to_string()
                    } else if merge {
                        format!(
                            "Merge pull request #{} from acme/feature",
                            pull_requests.len()
                        )
                    } else {
                        "Tune the cache for the catalogue".to_string()
                    };
                    let pr = (merge && pull_requests.len() < shape.prs).then(|| {
                        let number = pull_requests.len() as u64;
                        let created = authored - Duration::hours(6);
                        pull_requests.push(PullRequest {
                            service: service.name.clone(),
                            number,
                            title: "Tune the cache".into(),
                            author: AUTHORS[rng.below(AUTHORS.len() as u64) as usize].into(),
                            url: None,
                            head_branch: Some(format!("feature-{number}")),
                            created_at: created,
                            first_commit_at: Some(created - Duration::hours(3)),
                            first_review_at: Some(created + Duration::hours(2)),
                            merged_at: Some(authored),
                            merge_sha: Some(change_sha.clone()),
                            closed_at: Some(authored),
                            reverts_pr: None,
                        });
                        number
                    });
                    if shipped.len() < 64 {
                        shipped.push(change_sha.clone());
                    } else {
                        let slot = rng.below(64) as usize;
                        shipped[slot] = change_sha.clone();
                    }
                    changes.push(Change {
                        sha: change_sha,
                        authored_at: authored,
                        committed_at: authored + Duration::minutes(5),
                        author: AUTHORS[rng.below(AUTHORS.len() as u64) as usize].into(),
                        title,
                        merge,
                        reverts,
                        pr,
                    });
                }
            }
            shas.push(sha.clone());
            deployments.push(Deployment {
                id: format!("{}:v{i}", service.name),
                name: Some(format!("v{i}")),
                service: service.name.clone(),
                environment: "production".into(),
                production: true,
                sha,
                ref_name: Some(format!("v{i}")),
                started_at: None,
                finished_at: finished,
                status: DeploymentStatus::Success,
                url: None,
                changes,
            });
        }
        let _ = s;
    }

    let incidents = (0..shape.incidents)
        .map(|i| {
            let s = rng.below(shape.services as u64) as usize;
            let started = start + Duration::seconds(rng.below(span as u64) as i64);
            let named = rng.below(20) == 0;
            Incident {
                id: format!("INC-{i}"),
                source: "bench".into(),
                services: vec![services[s].name.clone()],
                title: if named {
                    format!(
                        "Errors after v{} of {}",
                        rng.below(per_service as u64),
                        services[s].name
                    )
                } else {
                    "Checkout latency above SLO".into()
                },
                severity: Some("sev2".into()),
                labels: vec!["severity=page".into()],
                body: None,
                started_at: started,
                resolved_at: (rng.below(100) != 0)
                    .then(|| started + Duration::seconds(600 + rng.below(2 * 86_400) as i64)),
                url: None,
            }
        })
        .collect();

    let pipeline_runs = (0..shape.runs)
        .map(|i| {
            let s = rng.below(shape.services as u64) as usize;
            let created = start + Duration::seconds(rng.below(span as u64) as i64);
            let started = created + Duration::seconds(rng.below(300) as i64);
            let roll = rng.below(100);
            let conclusion = match roll {
                0..85 => RunConclusion::Success,
                85..95 => RunConclusion::Failure,
                95..98 => RunConclusion::Cancelled,
                98 => RunConclusion::TimedOut,
                _ => RunConclusion::Skipped,
            };
            PipelineRun {
                id: i.to_string(),
                service: services[s].name.clone(),
                workflow: "ci.yml".into(),
                branch: Some("main".into()),
                sha: String::new(),
                status: RunStatus::Completed,
                conclusion: Some(conclusion),
                attempt: 1,
                created_at: created,
                started_at: Some(started),
                finished_at: Some(started + Duration::seconds(60 + rng.below(1_800) as i64)),
                url: None,
            }
        })
        .collect();

    EventSet {
        services,
        deployments,
        pull_requests,
        pipeline_runs,
        incidents,
    }
}

/// The `n`th new deployment after the generated history, shaped like `template` (its service):
/// a new tag on a new commit that finished at `finished`, shipping one new change written an
/// hour before. What a source reports when a service deploys today.
#[allow(dead_code)]
pub fn new_deployment(template: &Deployment, n: u64, finished: DateTime<Utc>) -> Deployment {
    let mut rng = Mix(n ^ 0x5eed);
    Deployment {
        id: format!("{}:new-{n}", template.service),
        name: Some(format!("new-{n}")),
        ref_name: Some(format!("new-{n}")),
        sha: rng.sha(),
        finished_at: finished,
        changes: vec![Change {
            sha: rng.sha(),
            authored_at: finished - Duration::hours(1),
            committed_at: finished - Duration::hours(1),
            author: AUTHORS[0].into(),
            title: "Tune the cache for the catalogue".into(),
            merge: false,
            reverts: None,
            pr: None,
        }],
        ..template.clone()
    }
}
