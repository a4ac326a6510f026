//! Random delivery histories that exercise every rule (rollbacks, reverts by commit and by pull
//! request, hotfix refs, titles and branches, incidents naming shas, names and ids across
//! services, open incidents, uncounted deployments, ties in finish time), and a fingerprint of
//! everything a derived history shows, so two histories can be compared whole.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use super::super::*;
use crate::model::*;

/// SplitMix64: deterministic and tiny.
pub(crate) struct Mix(pub(crate) u64);

impl Mix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub(crate) fn base() -> Timestamp {
    DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) const SERVICES: [&str; 5] = ["api", "web", "db", "jobs", "edge"];

/// A 40-hex sha from a small pool, so rollbacks and redeploys happen; a letter first.
pub(crate) fn pool_sha(n: u64) -> String {
    format!("a{n:05x}{}", "c".repeat(34))
}

/// Everything a random history holds; `counter` keeps ids unique across calls.
pub(crate) struct Generator {
    pub(crate) rng: Mix,
    pub(crate) counter: u64,
}

impl Generator {
    pub(crate) fn new(seed: u64) -> Generator {
        Generator {
            rng: Mix(seed),
            counter: 0,
        }
    }

    fn time(&mut self) -> Timestamp {
        // Whole hours only now and then, so finish times tie.
        let minutes = if self.rng.chance(20) {
            self.rng.below(60 * 24) as i64 * 60
        } else {
            self.rng.below(60 * 24 * 60) as i64
        };
        base() + Duration::minutes(minutes)
    }

    fn id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(crate) fn change(&mut self, finished: Timestamp, known_shas: &[String]) -> Change {
        let n = self.id();
        let sha = if self.rng.chance(10) {
            pool_sha(self.rng.below(40))
        } else {
            format!("b{n:07x}{}", "d".repeat(32))
        };
        let authored = finished - Duration::minutes(self.rng.below(60 * 24 * 5) as i64 - 60);
        let merge = self.rng.chance(20);
        let reverts = (!known_shas.is_empty() && self.rng.chance(8)).then(|| {
            let target = self.rng.pick(known_shas).clone();
            match self.rng.below(3) {
                0 => target[..7].to_string(),
                1 => target.to_ascii_uppercase(),
                _ => target,
            }
        });
        let title = match self.rng.below(10) {
            0 => "hotfix: the checkout".to_string(),
            1 => "Revert \"cache\"".to_string(),
            _ if merge => "Merge pull request".to_string(),
            _ => format!("change {n}"),
        };
        Change {
            sha,
            authored_at: authored,
            committed_at: authored + Duration::minutes(self.rng.below(120) as i64),
            author: self.rng.pick(&["ana", "bo", "bot[bot]"]).to_string(),
            title,
            merge,
            reverts,
            pr: self.rng.chance(30).then(|| self.rng.below(30)),
        }
    }

    pub(crate) fn deployment(&mut self, known_shas: &[String]) -> Deployment {
        let n = self.id();
        let service = self.rng.pick(&SERVICES).to_string();
        let finished = self.time();
        let changes = (0..self.rng.below(5))
            .map(|_| self.change(finished, known_shas))
            .collect();
        let name = format!("v{}", self.rng.below(30));
        Deployment {
            id: format!("{service}:{n}"),
            name: self.rng.chance(90).then(|| name.clone()),
            service,
            environment: "production".into(),
            production: self.rng.chance(95),
            sha: if self.rng.chance(25) {
                pool_sha(self.rng.below(12))
            } else {
                format!("e{n:07x}{}", "f".repeat(32))
            },
            ref_name: Some(if self.rng.chance(5) {
                format!("hotfix/{n}")
            } else {
                name
            }),
            started_at: None,
            finished_at: finished,
            status: *self.rng.pick(&[
                DeploymentStatus::Success,
                DeploymentStatus::Success,
                DeploymentStatus::Success,
                DeploymentStatus::Success,
                DeploymentStatus::Failure,
            ]),
            url: None,
            changes,
        }
    }

    pub(crate) fn incident(&mut self, deployments: &[Deployment]) -> Incident {
        let n = self.id();
        let started = self.time();
        let mut services: Vec<String> = (0..self.rng.below(3))
            .map(|_| self.rng.pick(&SERVICES).to_string())
            .collect();
        if self.rng.chance(5) {
            services.clear();
        }
        let named = (!deployments.is_empty()).then(|| self.rng.pick(deployments).clone());
        let (title, labels, body) = match (named, self.rng.below(6)) {
            (Some(d), 0) => (format!("errors after {}", &d.sha[..9]), vec![], None),
            (Some(d), 1) => (
                "errors".to_string(),
                vec![format!("deployment={}", d.id)],
                None,
            ),
            (Some(d), 2) => (
                format!("errors after {}", d.name.clone().unwrap_or_default()),
                vec!["severity=page".to_string()],
                Some(format!("see deployment:{}.", d.id)),
            ),
            _ => ("latency".to_string(), vec![], None),
        };
        Incident {
            id: format!("INC-{n}"),
            source: "test".into(),
            services,
            title,
            severity: None,
            labels,
            body,
            started_at: started,
            resolved_at: self
                .rng
                .chance(85)
                .then(|| started + Duration::minutes(self.rng.below(60 * 30) as i64)),
            url: None,
        }
    }

    pub(crate) fn pull_request(&mut self, shas: &[String]) -> PullRequest {
        let number = self.rng.below(30);
        let created = self.time();
        let merged = self.rng.chance(80);
        PullRequest {
            service: self.rng.pick(&SERVICES).to_string(),
            number,
            title: "pr".into(),
            author: self.rng.pick(&["ana", "bo", "bot[bot]"]).to_string(),
            url: None,
            head_branch: Some(if self.rng.chance(10) {
                "hotfix/x".into()
            } else {
                "feature".into()
            }),
            created_at: created,
            first_commit_at: self.rng.chance(70).then(|| created - Duration::hours(2)),
            first_review_at: self.rng.chance(70).then(|| created + Duration::hours(1)),
            merged_at: merged.then(|| created + Duration::hours(5)),
            merge_sha: (merged && !shas.is_empty()).then(|| self.rng.pick(shas).clone()),
            closed_at: merged.then(|| created + Duration::hours(5)),
            reverts_pr: self.rng.chance(10).then(|| self.rng.below(30)),
        }
    }

    pub(crate) fn run(&mut self) -> PipelineRun {
        let n = self.id();
        let created = self.time();
        let started = self.rng.chance(90).then(|| created + Duration::minutes(3));
        PipelineRun {
            id: format!("run-{n}"),
            service: self.rng.pick(&SERVICES).to_string(),
            workflow: "ci".into(),
            branch: None,
            sha: String::new(),
            status: *self.rng.pick(&[
                RunStatus::Completed,
                RunStatus::Completed,
                RunStatus::InProgress,
            ]),
            conclusion: Some(*self.rng.pick(&[
                RunConclusion::Success,
                RunConclusion::Failure,
                RunConclusion::Cancelled,
                RunConclusion::TimedOut,
            ])),
            attempt: 1,
            created_at: created,
            started_at: started,
            finished_at: started.map(|s| s + Duration::minutes(10)),
            url: None,
        }
    }

    /// A whole random history.
    pub(crate) fn events(&mut self, deployments: usize) -> EventSet {
        let mut events = EventSet {
            services: vec![
                Service {
                    name: "api".into(),
                    team: Some("payments".into()),
                },
                Service {
                    name: "web".into(),
                    team: Some("payments".into()),
                },
                Service {
                    name: "db".into(),
                    team: Some("platform".into()),
                },
            ],
            ..EventSet::default()
        };
        let mut shas: Vec<String> = Vec::new();
        for _ in 0..deployments {
            let d = self.deployment(&shas);
            shas.extend(d.changes.iter().map(|c| c.sha.clone()));
            events.deployments.push(d);
        }
        for _ in 0..deployments / 3 {
            let i = self.incident(&events.deployments);
            events.incidents.push(i);
        }
        for _ in 0..deployments / 2 {
            let p = self.pull_request(&shas);
            events.pull_requests.push(p);
        }
        for _ in 0..deployments / 2 {
            let r = self.run();
            events.pipeline_runs.push(r);
        }
        events
    }
}

/// Rules with something configured in each: a timezone with DST, one service timed from
/// committed_at.
pub(crate) fn rules() -> Rules {
    let mut rules = Rules {
        timezone: chrono_tz::Europe::Berlin,
        ..Rules::default()
    };
    rules.committed_time_services.insert("db".to_string());
    rules
}

/// Everything a derived history shows: every deployment's facts and lead times, every
/// incident's attributions, every pull request's facts, and the measures of every scope over
/// several windows.
pub(crate) fn fingerprint(history: &History) -> String {
    let mut out = String::new();
    for s in &history.services {
        writeln!(out, "service {} {:?} {:?}", s.name, s.team, s.deployments).unwrap();
    }
    for (d, facts) in history.deployments.iter().enumerate() {
        writeln!(
            out,
            "deployment {d} {} {} {} fail {:?} rework {:?} recovered {:?} lead {:?}",
            facts.baseline,
            facts.local_day,
            facts.changes,
            facts.failure_reasons,
            facts.rework_reasons,
            facts.recovered_at,
            history.lead_times(d as u32)
        )
        .unwrap();
    }
    for (i, a) in history.attributions.iter().enumerate() {
        writeln!(out, "incident {i} {a:?}").unwrap();
    }
    for (i, p) in history.prs.iter().enumerate() {
        writeln!(out, "pr {i} {p:?}").unwrap();
    }
    let now = base() + Duration::days(70);
    let windows = [
        Window::new(base() - Duration::days(10), base() + Duration::days(80)),
        Window::new(base() + Duration::days(7), base() + Duration::days(37)),
        Window::ending(now, Duration::days(7)),
    ];
    let mut scopes = vec![("all".to_string(), Scope::all(history))];
    for s in 0..history.services.len() as u32 {
        scopes.push((format!("service {s}"), Scope::services(history, &[s])));
    }
    for (team, members) in history.teams() {
        scopes.push((format!("team {team}"), Scope::services(history, &members)));
    }
    for window in &windows {
        for (name, scope) in &scopes {
            let set = compute(history, scope, window, now);
            writeln!(out, "{name} {window:?} {set:?}").unwrap();
            let mut listed = deployments_in(history, scope, window);
            listed.sort_unstable();
            writeln!(out, "{name} {window:?} listed {listed:?}").unwrap();
        }
    }
    out
}

/// Writes the fingerprints of a few random histories to $FLOWDECK_FINGERPRINTS (a check kept
/// for comparing two builds of the engine by hand; does nothing without the variable).
#[test]
fn write_fingerprints_for_comparison() {
    let Some(dir) = std::env::var_os("FLOWDECK_FINGERPRINTS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for seed in 0..40u64 {
        let events = Generator::new(seed).events(20 + seed as usize * 5);
        let history = History::derive(events, rules());
        std::fs::write(dir.join(format!("{seed}.txt")), fingerprint(&history)).unwrap();
    }
}
