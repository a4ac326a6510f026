//! Every metric definition of docs/METRICS.md against hand-computed expectations.
//!
//! Times are UTC unless a test says otherwise. 2026-03-02 is a Monday.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::*;
use crate::model::*;

fn at(s: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const H: f64 = 3600.0;

fn change(sha: &str, authored: &str) -> Change {
    Change {
        sha: sha.into(),
        authored_at: at(authored),
        committed_at: at(authored),
        author: "dev".into(),
        title: format!("change {sha}"),
        merge: false,
        reverts: None,
        pr: None,
    }
}

fn merge(sha: &str, authored: &str) -> Change {
    Change {
        merge: true,
        title: "Merge pull request".into(),
        ..change(sha, authored)
    }
}

fn dep(service: &str, name: &str, sha: &str, finished: &str, changes: Vec<Change>) -> Deployment {
    Deployment {
        id: format!("{service}:{name}"),
        name: Some(name.into()),
        service: service.into(),
        environment: "production".into(),
        production: true,
        sha: sha.into(),
        ref_name: Some(name.into()),
        started_at: None,
        finished_at: at(finished),
        status: DeploymentStatus::Success,
        url: None,
        changes,
    }
}

fn incident(id: &str, services: &[&str], started: &str, resolved: Option<&str>) -> Incident {
    Incident {
        id: id.into(),
        source: "test".into(),
        services: services.iter().map(|s| s.to_string()).collect(),
        title: format!("incident {id}"),
        severity: None,
        labels: vec![],
        body: None,
        started_at: at(started),
        resolved_at: resolved.map(at),
        url: None,
    }
}

/// A 40-hex sha whose 7-digit prefix always has a letter (bare numbers never match).
fn sha(n: u32) -> String {
    format!("a{n:06x}{}", "e".repeat(33))
}

fn events(deployments: Vec<Deployment>, incidents: Vec<Incident>) -> EventSet {
    EventSet {
        services: vec![
            Service {
                name: "api".into(),
                team: Some("payments".into()),
            },
            Service {
                name: "web".into(),
                team: Some("storefront".into()),
            },
        ],
        deployments,
        incidents,
        ..EventSet::default()
    }
}

fn window(from: &str, to: &str) -> Window {
    Window::new(at(from), at(to))
}

/// The measures over everything for [from, to), with now = to.
fn measure(history: &History, from: &str, to: &str) -> MetricSet {
    let w = window(from, to);
    compute(history, &Scope::all(history), &w, w.to)
}

fn facts<'a>(history: &'a History, id: &str) -> &'a DeploymentFacts {
    let i = history
        .events
        .deployments
        .iter()
        .position(|d| d.id == id)
        .unwrap();
    &history.deployments[i]
}

fn reasons(reasons: &[Reason]) -> Vec<(&'static str, &str)> {
    reasons
        .iter()
        .map(|r| (r.kind.as_str(), r.reference.as_str()))
        .collect()
}

/// A baseline before the window so later deployments have predecessors.
fn baseline(service: &str) -> Deployment {
    dep(
        service,
        "v0",
        &sha(0xb0),
        "2026-02-01T10:00:00Z",
        vec![change(&sha(0xb1), "2025-01-01T00:00:00Z")],
    )
}

#[test]
fn an_empty_window_gives_nulls_not_zeros() {
    let history = History::derive(events(vec![baseline("api")], vec![]), Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.deployment_frequency.deployments, 0);
    assert_eq!(m.deployment_frequency.per_day, Some(0.0));
    assert_eq!(m.deployment_frequency.deploy_days, 0);
    // Four whole weeks with no deploy-day each: the median is a real 0, and that is low.
    assert_eq!(
        m.deployment_frequency.median_deploy_days_per_week,
        Some(0.0)
    );
    assert_eq!(m.deployment_frequency.band, Some(Band::Low));
    assert_eq!(m.lead_time_for_changes.changes, 0);
    assert_eq!(m.lead_time_for_changes.median_seconds, None);
    assert_eq!(m.lead_time_for_changes.p90_seconds, None);
    assert_eq!(m.lead_time_for_changes.band, None);
    assert_eq!(m.change_failure_rate.rate, None);
    assert_eq!(m.change_failure_rate.band, None);
    assert_eq!(m.failed_deployment_recovery_time.median_seconds, None);
    assert_eq!(m.failed_deployment_recovery_time.band, None);
    assert_eq!(m.time_to_restore.median_seconds, None);
    assert_eq!(m.deployment_rework_rate.rate, None);
    assert_eq!(m.ci.success_rate, None);
    assert_eq!(m.ci.median_duration_seconds, None);
    assert_eq!(m.pr_cycle_time.median_seconds, None);
    assert_eq!(m.batch_size.median_changes, None);
    assert_eq!(m.wip.open_prs, 0);
    assert_eq!(m.wip.median_age_seconds, None);
}

#[test]
fn lead_time_median_of_an_even_count_and_p90_interpolation() {
    let d1 = dep(
        "api",
        "v1",
        &sha(1),
        "2026-03-03T12:00:00Z",
        vec![
            change(&sha(0x11), "2026-03-03T11:00:00Z"), // 1h
            change(&sha(0x12), "2026-03-03T10:00:00Z"), // 2h
            change(&sha(0x13), "2026-03-03T09:00:00Z"), // 3h
            change(&sha(0x14), "2026-03-03T08:00:00Z"), // 4h
            merge(&sha(0x15), "2026-03-01T00:00:00Z"),  // merges are not changes
        ],
    );
    let history = History::derive(events(vec![baseline("api"), d1], vec![]), Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let lead = &m.lead_time_for_changes;
    assert_eq!(lead.changes, 4);
    // Median of 1h,2h,3h,4h = (2h+3h)/2.
    assert_eq!(lead.median_seconds, Some(2.5 * H));
    // p90: rank 0.9 × 3 = 2.7 → 3h + 0.7 × (4h − 3h) = 3.7h.
    assert!((lead.p90_seconds.unwrap() - 3.7 * H).abs() < 1e-6);
    assert_eq!(lead.band, Some(Band::Elite));
    assert_eq!(m.batch_size.median_changes, Some(4.0));
}

#[test]
fn lead_time_is_clamped_at_zero_and_can_use_committed_time() {
    let mut late = change(&sha(0x21), "2026-03-03T13:00:00Z"); // authored after the deploy
    late.committed_at = at("2026-03-03T13:30:00Z");
    let mut early = change(&sha(0x22), "2026-03-01T12:00:00Z");
    early.committed_at = at("2026-03-03T11:00:00Z");
    let d1 = dep(
        "api",
        "v1",
        &sha(2),
        "2026-03-03T12:00:00Z",
        vec![late, early],
    );
    let evs = events(vec![baseline("api"), d1], vec![]);

    let history = History::derive(evs.clone(), Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    // Authored: 0 (clamped) and 48h → median 24h.
    assert_eq!(m.lead_time_for_changes.median_seconds, Some(24.0 * H));

    let mut rules = Rules::default();
    rules.committed_time_services.insert("api".into());
    let history = History::derive(evs, rules);
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    // Committed: 0 (clamped) and 1h → median 0.5h.
    assert_eq!(m.lead_time_for_changes.median_seconds, Some(0.5 * H));
}

#[test]
fn the_first_deployment_is_a_baseline_that_counts_everywhere_but_lead_time_and_batch() {
    let d0 = dep(
        "api",
        "v1",
        &sha(1),
        "2026-03-03T12:00:00Z",
        vec![
            change(&sha(0x31), "2020-01-01T00:00:00Z"),
            change(&sha(0x32), "2026-03-03T11:00:00Z"),
        ],
    );
    let d1 = dep(
        "api",
        "v2",
        &sha(2),
        "2026-03-04T12:00:00Z",
        vec![change(&sha(0x33), "2026-03-04T10:00:00Z")],
    );
    let history = History::derive(events(vec![d0, d1], vec![]), Rules::default());
    assert!(facts(&history, "api:v1").baseline);
    assert!(!facts(&history, "api:v2").baseline);
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.deployment_frequency.deployments, 2);
    assert_eq!(m.change_failure_rate.deployments, 2);
    assert_eq!(m.lead_time_for_changes.changes, 1);
    assert_eq!(m.lead_time_for_changes.median_seconds, Some(2.0 * H));
    assert_eq!(m.batch_size.median_changes, Some(1.0));
}

#[test]
fn two_tags_on_the_same_commit_are_a_redeploy_not_a_rollback() {
    let d1 = dep(
        "api",
        "v1",
        &sha(1),
        "2026-03-03T12:00:00Z",
        vec![change(&sha(0x41), "2026-03-03T11:00:00Z")],
    );
    // The git source gives the second tag on a shipped commit no changes.
    let d2 = dep("api", "v1-again", &sha(1), "2026-03-03T12:00:00Z", vec![]);
    let history = History::derive(
        events(vec![baseline("api"), d2, d1], vec![]),
        Rules::default(),
    );
    // Same finished_at: ordered by id bytewise, "api:v1" < "api:v1-again".
    let order: Vec<&str> = history.services[0]
        .deployments
        .iter()
        .map(|&d| history.events.deployments[d as usize].id.as_str())
        .collect();
    assert_eq!(order, vec!["api:v0", "api:v1", "api:v1-again"]);
    assert!(!facts(&history, "api:v1-again").failed());
    assert!(!facts(&history, "api:v1-again").rework());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.deployment_frequency.deployments, 2);
    assert_eq!(m.deployment_frequency.deploy_days, 1);
    assert_eq!(m.change_failure_rate.failed, 0);
    // Batch sizes 1 and 0.
    assert_eq!(m.batch_size.median_changes, Some(0.5));
}

fn two_deployments() -> Vec<Deployment> {
    vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![]),
        dep("api", "v2", &sha(2), "2026-03-05T12:00:00Z", vec![]),
    ]
}

#[test]
fn an_incident_inside_the_attribution_window_fails_the_deployment() {
    let history = History::derive(
        events(
            two_deployments(),
            vec![incident(
                "inc-1",
                &["api"],
                "2026-03-04T11:59:59Z",
                Some("2026-03-04T13:59:59Z"),
            )],
        ),
        Rules::default(),
    );
    let v1 = facts(&history, "api:v1");
    assert_eq!(
        reasons(&v1.failure_reasons),
        vec![("incident_window", "inc-1")]
    );
    assert_eq!(v1.recovered_at, Some(at("2026-03-04T13:59:59Z")));
    assert_eq!(history.attributions[0][0].deployment_id, "api:v1");
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.change_failure_rate.failed, 1);
    assert_eq!(m.change_failure_rate.rate, Some(0.5));
    assert_eq!(m.change_failure_rate.band, Some(Band::Low));
    // Recovery: deployed 03-03 12:00, resolved 03-04 13:59:59.
    assert_eq!(
        m.failed_deployment_recovery_time.median_seconds,
        Some((26.0 * H) - 1.0)
    );
}

#[test]
fn an_incident_at_the_window_edge_or_beyond_is_not_attributed() {
    let history = History::derive(
        events(
            two_deployments(),
            vec![
                // Exactly finished_at + 24h: the window is half-open.
                incident(
                    "edge",
                    &["api"],
                    "2026-03-04T12:00:00Z",
                    Some("2026-03-04T13:00:00Z"),
                ),
                // Long after the last deployment.
                incident(
                    "late",
                    &["api"],
                    "2026-03-07T12:00:00Z",
                    Some("2026-03-07T13:00:00Z"),
                ),
            ],
        ),
        Rules::default(),
    );
    assert!(history.attributions.iter().all(Vec::is_empty));
    assert!(!facts(&history, "api:v1").failed());
    assert!(!facts(&history, "api:v2").failed());
}

#[test]
fn the_next_deployment_ends_the_attribution_window() {
    let mut deployments = two_deployments();
    deployments.push(dep("api", "v3", &sha(3), "2026-03-05T14:00:00Z", vec![]));
    let history = History::derive(
        events(
            deployments,
            vec![incident("inc", &["api"], "2026-03-05T14:00:00Z", None)],
        ),
        Rules::default(),
    );
    // v2 finished 12:00; v3 at 14:00 is the latest with finished_at ≤ started_at.
    assert_eq!(history.attributions[0][0].deployment_id, "api:v3");
    assert!(!facts(&history, "api:v2").failed());
}

#[test]
fn an_incident_before_any_deployment_is_attributed_to_nothing() {
    let history = History::derive(
        events(
            vec![dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![])],
            vec![incident(
                "early",
                &["api"],
                "2026-03-02T12:00:00Z",
                Some("2026-03-02T13:00:00Z"),
            )],
        ),
        Rules::default(),
    );
    assert!(history.attributions[0].is_empty());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.change_failure_rate.failed, 0);
    assert_eq!(m.time_to_restore.incidents, 1);
    assert_eq!(m.time_to_restore.median_seconds, Some(H));
}

#[test]
fn an_explicit_link_wins_over_the_time_window() {
    let mut deployments = two_deployments();
    deployments.push(dep("web", "w1", &sha(0x99), "2026-03-05T12:00:00Z", vec![]));
    let mut by_name = incident("by-name", &["api"], "2026-03-05T13:00:00Z", None);
    by_name.title = "Errors since v1 went out".into();
    let mut by_sha = incident("by-sha", &["api"], "2026-03-05T13:00:00Z", None);
    by_sha.body = Some(format!("Bisected to {}", &sha(1)[..9]));
    let mut by_id = incident("by-id", &["api"], "2026-03-05T13:00:00Z", None);
    by_id.labels = vec!["deployment=api:v1".into()];
    // A sha of another service: attributed there, by rule (a), any service.
    let mut other = incident("other", &["api"], "2026-03-05T13:00:00Z", None);
    other.title = format!("web {} broke the api", &sha(0x99)[..7]);
    // "error 500" never names a deployment called "500".
    let mut number = incident("number", &["api"], "2026-03-05T13:00:00Z", None);
    number.title = "error 500".into();
    let mut deployments_with_500 = deployments;
    deployments_with_500.push(dep(
        "api",
        "500",
        &sha(0x500),
        "2026-03-01T12:00:00Z",
        vec![],
    ));

    let history = History::derive(
        events(
            deployments_with_500,
            vec![by_name, by_sha, by_id, other, number],
        ),
        Rules::default(),
    );
    for i in 0..3 {
        let a = &history.attributions[i];
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].deployment_id, "api:v1");
        assert_eq!(a[0].reason, ReasonKind::IncidentLink);
    }
    assert_eq!(history.attributions[3][0].deployment_id, "web:w1");
    // "number" falls back to the time rule: v2 at 12:00 the same day.
    assert_eq!(history.attributions[4][0].deployment_id, "api:v2");
    assert_eq!(
        history.attributions[4][0].reason,
        ReasonKind::IncidentWindow
    );
    assert_eq!(
        reasons(&facts(&history, "api:v1").failure_reasons),
        vec![
            ("incident_link", "by-name"),
            ("incident_link", "by-sha"),
            ("incident_link", "by-id")
        ]
    );
}

#[test]
fn a_rollback_fails_every_deployment_it_skips_back_over() {
    let deployments = vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T10:00:00Z", vec![]),
        dep("api", "v2", &sha(2), "2026-03-03T12:00:00Z", vec![]),
        dep("api", "v3", &sha(3), "2026-03-03T14:00:00Z", vec![]),
        // Redeploys v1's sha: v2 and v3 are rolled back.
        dep("api", "v4", &sha(1), "2026-03-03T15:00:00Z", vec![]),
        // Redeploying the live sha is not a rollback.
        dep("api", "v5", &sha(1), "2026-03-03T16:00:00Z", vec![]),
    ];
    let history = History::derive(events(deployments, vec![]), Rules::default());
    for id in ["api:v2", "api:v3"] {
        assert_eq!(
            reasons(&facts(&history, id).failure_reasons),
            vec![("rollback", "api:v4")]
        );
        assert_eq!(
            facts(&history, id).recovered_at,
            Some(at("2026-03-03T15:00:00Z"))
        );
    }
    assert!(!facts(&history, "api:v1").failed());
    assert_eq!(
        reasons(&facts(&history, "api:v4").rework_reasons),
        vec![("rollback", "api:v1")]
    );
    assert!(!facts(&history, "api:v5").rework());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.change_failure_rate.deployments, 5);
    assert_eq!(m.change_failure_rate.failed, 2);
    assert_eq!(m.change_failure_rate.rate, Some(0.4));
    assert_eq!(m.deployment_rework_rate.rework, 1);
    assert_eq!(m.deployment_rework_rate.rate, Some(0.2));
    // Recoveries 3h (v2) and 1h (v3): median 2h, p90 = 1h + 0.9 × 2h = 2.8h.
    let r = &m.failed_deployment_recovery_time;
    assert_eq!((r.failed, r.recovered, r.unrecovered), (2, 2, 0));
    assert_eq!(r.median_seconds, Some(2.0 * H));
    assert!((r.p90_seconds.unwrap() - 2.8 * H).abs() < 1e-6);
    assert_eq!(r.band, Some(Band::High));
}

#[test]
fn a_revert_fails_the_deployment_that_shipped_its_target() {
    let target = change(&sha(0x51), "2026-03-03T09:00:00Z");
    let mut revert = change(&sha(0x52), "2026-03-04T09:00:00Z");
    revert.title = "Revert \"change\"".into();
    revert.reverts = reverted_sha(&format!("Revert\n\nThis reverts commit {}.", sha(0x51)));
    // A revert shipped together with its target fails nothing and is not rework.
    let same_target = change(&sha(0x53), "2026-03-05T09:00:00Z");
    let mut same_revert = change(&sha(0x54), "2026-03-05T10:00:00Z");
    same_revert.reverts = Some(sha(0x53));
    // Its title matches hotfix_pattern too, but a revert's rework is the revert rule's call.
    same_revert.title = "Revert \"change\"".into();
    let deployments = vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![target]),
        dep("api", "v2", &sha(2), "2026-03-04T12:00:00Z", vec![revert]),
        dep(
            "api",
            "v3",
            &sha(3),
            "2026-03-05T12:00:00Z",
            vec![same_revert, same_target],
        ),
    ];
    let history = History::derive(events(deployments, vec![]), Rules::default());
    let v1 = facts(&history, "api:v1");
    assert_eq!(
        reasons(&v1.failure_reasons),
        vec![("revert", sha(0x52).as_str())]
    );
    assert_eq!(v1.recovered_at, Some(at("2026-03-04T12:00:00Z")));
    assert_eq!(
        reasons(&facts(&history, "api:v2").rework_reasons),
        vec![("revert", sha(0x52).as_str())]
    );
    assert!(!facts(&history, "api:v3").failed());
    assert!(!facts(&history, "api:v3").rework());
}

#[test]
fn a_reverted_pull_request_fails_the_deployment_that_shipped_it() {
    let pr = |number: u64, merge_sha: String, reverts_pr: Option<u64>| PullRequest {
        service: "api".into(),
        number,
        title: if reverts_pr.is_some() {
            "Revert \"Add cache\"".into()
        } else {
            "Add cache".into()
        },
        author: "dev".into(),
        url: None,
        head_branch: Some(format!("branch-{number}")),
        created_at: at("2026-03-02T09:00:00Z"),
        first_commit_at: None,
        first_review_at: None,
        merged_at: Some(at("2026-03-03T09:00:00Z")),
        merge_sha: Some(merge_sha),
        closed_at: Some(at("2026-03-03T09:00:00Z")),
        reverts_pr,
    };
    let mut evs = events(
        vec![
            baseline("api"),
            dep(
                "api",
                "v1",
                &sha(1),
                "2026-03-03T12:00:00Z",
                vec![merge(&sha(0x61), "2026-03-03T09:00:00Z")],
            ),
            dep(
                "api",
                "v2",
                &sha(2),
                "2026-03-04T12:00:00Z",
                vec![merge(&sha(0x62), "2026-03-04T09:00:00Z")],
            ),
        ],
        vec![],
    );
    evs.pull_requests = vec![pr(7, sha(0x61), None), pr(8, sha(0x62), Some(7))];
    let history = History::derive(evs, Rules::default());
    assert_eq!(
        reasons(&facts(&history, "api:v1").failure_reasons),
        vec![("revert", "#8")]
    );
    assert_eq!(
        reasons(&facts(&history, "api:v2").rework_reasons),
        vec![("revert", "#8")]
    );
}

#[test]
fn an_open_incident_leaves_its_deployment_unrecovered_and_counts_as_open() {
    let history = History::derive(
        events(
            two_deployments(),
            vec![
                incident("open", &["api"], "2026-03-05T13:00:00Z", None),
                incident(
                    "closed",
                    &["api"],
                    "2026-03-10T00:00:00Z",
                    Some("2026-03-10T00:30:00Z"),
                ),
            ],
        ),
        Rules::default(),
    );
    assert_eq!(facts(&history, "api:v2").recovered_at, None);
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let r = &m.failed_deployment_recovery_time;
    assert_eq!((r.failed, r.recovered, r.unrecovered), (1, 0, 1));
    assert_eq!(r.median_seconds, None);
    let t = &m.time_to_restore;
    assert_eq!((t.incidents, t.open), (2, 1));
    assert_eq!(t.median_seconds, Some(0.5 * H));
}

#[test]
fn recovery_waits_for_every_attributed_incident_or_the_first_undo() {
    let mut deployments = vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T10:00:00Z", vec![]),
        dep("api", "v2", &sha(2), "2026-03-03T12:00:00Z", vec![]),
    ];
    let mut a = incident(
        "a",
        &["api"],
        "2026-03-03T13:00:00Z",
        Some("2026-03-03T14:00:00Z"),
    );
    a.title = "v2 is slow".into();
    let mut b = incident(
        "b",
        &["api"],
        "2026-03-03T13:30:00Z",
        Some("2026-03-03T16:00:00Z"),
    );
    b.title = "v2 errors".into();
    let history = History::derive(
        events(deployments.clone(), vec![a.clone(), b]),
        Rules::default(),
    );
    // Both resolved: the latest resolution.
    assert_eq!(
        facts(&history, "api:v2").recovered_at,
        Some(at("2026-03-03T16:00:00Z"))
    );

    let mut open = incident("c", &["api"], "2026-03-03T13:30:00Z", None);
    open.title = "v2 errors".into();
    deployments.push(dep("api", "v3", &sha(1), "2026-03-03T15:00:00Z", vec![]));
    let history = History::derive(events(deployments, vec![a, open]), Rules::default());
    // One still open, but v3 rolled v2 back at 15:00.
    assert_eq!(
        facts(&history, "api:v2").recovered_at,
        Some(at("2026-03-03T15:00:00Z"))
    );
}

#[test]
fn a_deployment_while_an_incident_is_open_is_rework() {
    let deployments = vec![
        baseline("api"),
        dep("api", "v1", &sha(1), "2026-03-03T10:00:00Z", vec![]),
        dep("api", "v2", &sha(2), "2026-03-03T12:00:00Z", vec![]),
        dep("api", "v3", &sha(3), "2026-03-03T14:00:00Z", vec![]),
        dep("web", "w1", &sha(4), "2026-03-03T12:00:00Z", vec![]),
    ];
    let history = History::derive(
        events(
            deployments,
            vec![incident(
                "inc",
                &["api"],
                "2026-03-03T10:00:00Z",
                Some("2026-03-03T14:00:00Z"),
            )],
        ),
        Rules::default(),
    );
    // started_at ≤ finished_at < resolved_at.
    assert_eq!(
        reasons(&facts(&history, "api:v1").rework_reasons),
        vec![("during_incident", "inc")]
    );
    assert_eq!(
        reasons(&facts(&history, "api:v2").rework_reasons),
        vec![("during_incident", "inc")]
    );
    assert!(!facts(&history, "api:v3").rework());
    assert!(
        !facts(&history, "web:w1").rework(),
        "another service's incident"
    );
}

#[test]
fn hotfixes_are_rework_by_title_ref_or_pr_branch() {
    let mut by_title = change(&sha(0x71), "2026-03-03T09:00:00Z");
    by_title.title = "Hotfix: null price".into();
    let mut via_pr = change(&sha(0x72), "2026-03-04T09:00:00Z");
    via_pr.pr = Some(12);
    let mut by_ref = dep("api", "v3", &sha(3), "2026-03-05T12:00:00Z", vec![]);
    by_ref.ref_name = Some("hotfix/v3".into());
    let mut evs = events(
        vec![
            baseline("api"),
            dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![by_title]),
            dep("api", "v2", &sha(2), "2026-03-04T12:00:00Z", vec![via_pr]),
            by_ref,
            dep(
                "api",
                "v4",
                &sha(4),
                "2026-03-06T12:00:00Z",
                vec![change(&sha(0x73), "2026-03-06T09:00:00Z")],
            ),
        ],
        vec![],
    );
    evs.pull_requests = vec![PullRequest {
        service: "api".into(),
        number: 12,
        title: "Fix rounding".into(),
        author: "dev".into(),
        url: None,
        head_branch: Some("hotfix/rounding".into()),
        created_at: at("2026-03-04T08:00:00Z"),
        first_commit_at: None,
        first_review_at: None,
        merged_at: None,
        merge_sha: None,
        closed_at: None,
        reverts_pr: None,
    }];
    let history = History::derive(evs, Rules::default());
    assert_eq!(
        reasons(&facts(&history, "api:v1").rework_reasons),
        vec![("hotfix", sha(0x71).as_str())]
    );
    assert_eq!(
        reasons(&facts(&history, "api:v2").rework_reasons),
        vec![("hotfix", "#12")]
    );
    assert_eq!(
        reasons(&facts(&history, "api:v3").rework_reasons),
        vec![("hotfix", "hotfix/v3")]
    );
    assert!(!facts(&history, "api:v4").rework());
}

#[test]
fn deploy_days_follow_the_configured_timezone() {
    let deployments = vec![
        baseline("api"),
        // 22:00 on Monday 2 March in New York (UTC−5 before DST).
        dep("api", "v1", &sha(1), "2026-03-03T03:00:00Z", vec![]),
        // 10:00 on Tuesday 3 March in New York.
        dep("api", "v2", &sha(2), "2026-03-03T15:00:00Z", vec![]),
    ];
    let utc = History::derive(events(deployments.clone(), vec![]), Rules::default());
    let m = measure(&utc, "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(m.deployment_frequency.deploy_days, 1);

    let ny: Tz = "America/New_York".parse().unwrap();
    let rules = Rules {
        timezone: ny,
        ..Rules::default()
    };
    let local = History::derive(events(deployments, vec![]), rules);
    // The week of Monday 2 March, New York time: 05:00Z to 05:00Z.
    let m = measure(&local, "2026-03-02T05:00:00Z", "2026-03-09T05:00:00Z");
    assert_eq!(m.deployment_frequency.deploy_days, 2);
    assert_eq!(
        m.deployment_frequency.median_deploy_days_per_week,
        Some(2.0)
    );
}

#[test]
fn weekly_deploy_day_median_counts_empty_weeks_as_zero() {
    let days = [
        // Week 1: Mon, Tue, Wed (twice on Wed).
        "2026-03-02T10:00:00Z",
        "2026-03-03T10:00:00Z",
        "2026-03-04T10:00:00Z",
        "2026-03-04T15:00:00Z",
        // Week 2: nothing. Week 3: Monday.
        "2026-03-16T10:00:00Z",
        // Week 4: Monday to Friday.
        "2026-03-23T10:00:00Z",
        "2026-03-24T10:00:00Z",
        "2026-03-25T10:00:00Z",
        "2026-03-26T10:00:00Z",
        "2026-03-27T10:00:00Z",
    ];
    let mut deployments = vec![baseline("api")];
    for (i, day) in days.iter().enumerate() {
        deployments.push(dep(
            "api",
            &format!("v{i}"),
            &sha(i as u32 + 1),
            day,
            vec![],
        ));
    }
    let history = History::derive(events(deployments, vec![]), Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let f = &m.deployment_frequency;
    assert_eq!(f.deployments, 10);
    assert_eq!(f.per_day, Some(10.0 / 28.0));
    assert_eq!(f.deploy_days, 9);
    // Weeks [3, 0, 1, 5] → median (1 + 3) / 2 = 2.
    assert_eq!(f.median_deploy_days_per_week, Some(2.0));
    assert_eq!(f.band, Some(Band::High));

    // No whole week inside: deploy-days × 7 / window days. Wed 4 to Sun 8 March: 5 days, 1 deploy-day.
    let m = measure(&history, "2026-03-04T00:00:00Z", "2026-03-09T00:00:00Z");
    assert_eq!(m.deployment_frequency.deploy_days, 1);
    assert_eq!(
        m.deployment_frequency.median_deploy_days_per_week,
        Some(7.0 / 5.0)
    );

    let dora_2021 = Rules {
        bands: BandTable::dora_2021(),
        ..Rules::default()
    };
    let history = History::derive(history.events.clone(), dora_2021);
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    // dora-2021 high: deploy-days × 30 / window days ≥ 1.
    assert_eq!(m.deployment_frequency.band, Some(Band::High));
}

#[test]
fn the_previous_window_gives_the_trend() {
    let deployments = vec![
        baseline("api"),
        dep(
            "api",
            "v1",
            &sha(1),
            "2026-03-03T12:00:00Z",
            vec![change(&sha(0x81), "2026-03-03T10:00:00Z")],
        ),
        dep(
            "api",
            "v2",
            &sha(2),
            "2026-03-04T12:00:00Z",
            vec![change(&sha(0x82), "2026-03-04T11:00:00Z")],
        ),
        dep(
            "api",
            "v3",
            &sha(3),
            "2026-03-10T12:00:00Z",
            vec![change(&sha(0x83), "2026-03-10T08:00:00Z")],
        ),
    ];
    let history = History::derive(events(deployments, vec![]), Rules::default());
    let current = window("2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z");
    let previous = current.previous();
    assert_eq!(
        previous,
        window("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z")
    );
    let scope = Scope::all(&history);
    let now = current.to;
    let c = compute(&history, &scope, &current, now);
    let p = compute(&history, &scope, &previous, now);
    assert_eq!(c.deployment_frequency.deployments, 1);
    assert_eq!(p.deployment_frequency.deployments, 2);
    assert_eq!(c.lead_time_for_changes.median_seconds, Some(4.0 * H));
    // Previous: 2h and 1h.
    assert_eq!(p.lead_time_for_changes.median_seconds, Some(1.5 * H));
}

#[test]
fn totals_pool_items_and_teams_are_unions_of_services() {
    let evs = events(
        vec![
            baseline("api"),
            baseline("web"),
            dep(
                "api",
                "v1",
                &sha(1),
                "2026-03-03T12:00:00Z",
                vec![
                    change(&sha(0x91), "2026-03-03T11:00:00Z"),
                    change(&sha(0x92), "2026-03-03T10:00:00Z"),
                    change(&sha(0x93), "2026-03-03T09:00:00Z"),
                ],
            ),
            dep(
                "web",
                "w1",
                &sha(2),
                "2026-03-03T12:00:00Z",
                vec![change(&sha(0x94), "2026-03-03T02:00:00Z")],
            ),
        ],
        vec![incident(
            "both",
            &["api", "web"],
            "2026-03-03T12:30:00Z",
            Some("2026-03-03T13:30:00Z"),
        )],
    );
    let history = History::derive(evs, Rules::default());
    let w = window("2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let api = history.service("api").unwrap();
    let web = history.service("web").unwrap();
    let total = compute(&history, &Scope::all(&history), &w, w.to);
    let api_m = compute(&history, &Scope::services(&history, &[api]), &w, w.to);
    let web_m = compute(&history, &Scope::services(&history, &[web]), &w, w.to);
    // Pooled median of 1h,2h,3h,10h is 2.5h, not the median of medians (2h, 10h).
    assert_eq!(total.lead_time_for_changes.median_seconds, Some(2.5 * H));
    assert_eq!(api_m.lead_time_for_changes.median_seconds, Some(2.0 * H));
    assert_eq!(web_m.lead_time_for_changes.median_seconds, Some(10.0 * H));
    // Counts add up across services.
    assert_eq!(
        total.deployment_frequency.deployments,
        api_m.deployment_frequency.deployments + web_m.deployment_frequency.deployments
    );
    // Distinct deploy-days across services: both deployed on 3 March.
    assert_eq!(total.deployment_frequency.deploy_days, 1);
    // The incident of two services counts once in the total, once per service.
    assert_eq!(total.time_to_restore.incidents, 1);
    assert_eq!(api_m.time_to_restore.incidents, 1);
    assert_eq!(web_m.time_to_restore.incidents, 1);
    // ...and is attributed once per service.
    assert_eq!(history.attributions[0].len(), 2);
    assert_eq!(total.change_failure_rate.failed, 2);
    let teams = history.teams();
    assert_eq!(teams.len(), 2);
    assert_eq!(teams[0].0, "payments");
    assert_eq!(teams[0].1, vec![api]);
}

fn run(
    id: &str,
    conclusion: Option<RunConclusion>,
    created: &str,
    queue_s: i64,
    duration_s: i64,
) -> PipelineRun {
    let created_at = at(created);
    let started_at = created_at + Duration::seconds(queue_s);
    PipelineRun {
        id: id.into(),
        service: "api".into(),
        workflow: "ci.yml".into(),
        branch: Some("main".into()),
        sha: sha(0x100),
        status: if conclusion.is_some() {
            RunStatus::Completed
        } else {
            RunStatus::InProgress
        },
        conclusion,
        attempt: 1,
        created_at,
        started_at: Some(started_at),
        finished_at: conclusion.map(|_| started_at + Duration::seconds(duration_s)),
        url: None,
    }
}

#[test]
fn ci_success_rate_counts_only_decided_runs() {
    let mut evs = events(vec![], vec![]);
    evs.pipeline_runs = vec![
        run(
            "1",
            Some(RunConclusion::Success),
            "2026-03-03T10:00:00Z",
            10,
            300,
        ),
        run(
            "2",
            Some(RunConclusion::Failure),
            "2026-03-03T11:00:00Z",
            20,
            100,
        ),
        run(
            "3",
            Some(RunConclusion::TimedOut),
            "2026-03-03T12:00:00Z",
            30,
            3600,
        ),
        run(
            "4",
            Some(RunConclusion::StartupFailure),
            "2026-03-03T13:00:00Z",
            40,
            0,
        ),
        run(
            "5",
            Some(RunConclusion::Cancelled),
            "2026-03-03T14:00:00Z",
            50,
            60,
        ),
        run(
            "6",
            Some(RunConclusion::Skipped),
            "2026-03-03T15:00:00Z",
            60,
            0,
        ),
        run(
            "7",
            Some(RunConclusion::Neutral),
            "2026-03-03T16:00:00Z",
            70,
            10,
        ),
        run("8", None, "2026-03-03T17:00:00Z", 80, 0),
        // Outside the window.
        run(
            "9",
            Some(RunConclusion::Failure),
            "2026-04-03T17:00:00Z",
            80,
            0,
        ),
    ];
    let history = History::derive(evs, Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let ci = &m.ci;
    assert_eq!((ci.runs, ci.succeeded), (4, 1));
    assert_eq!(ci.success_rate, Some(0.25));
    // Durations of the four decided runs: 0, 100, 300, 3600 → median 200.
    assert_eq!(ci.median_duration_seconds, Some(200.0));
    // p90: rank 2.7 → 300 + 0.7 × 3300 = 2610.
    assert!((ci.p90_duration_seconds.unwrap() - 2610.0).abs() < 1e-6);
    // Queue of every started run: 10..=80 → median 45.
    assert_eq!(ci.median_queue_seconds, Some(45.0));
}

#[test]
fn pr_cycle_time_and_its_parts() {
    let merge_commit = merge(&sha(0x201), "2026-03-03T12:00:00Z");
    let mut evs = events(
        vec![
            baseline("api"),
            dep(
                "api",
                "v1",
                &sha(1),
                "2026-03-03T14:00:00Z",
                vec![merge_commit],
            ),
        ],
        vec![],
    );
    let base = PullRequest {
        service: "api".into(),
        number: 1,
        title: "Add cache".into(),
        author: "ana".into(),
        url: None,
        head_branch: Some("cache".into()),
        created_at: at("2026-03-03T07:00:00Z"),
        first_commit_at: Some(at("2026-03-03T05:00:00Z")),
        first_review_at: Some(at("2026-03-03T08:00:00Z")),
        merged_at: Some(at("2026-03-03T12:00:00Z")),
        merge_sha: Some(sha(0x201)),
        closed_at: Some(at("2026-03-03T12:00:00Z")),
        reverts_pr: None,
    };
    let bot = PullRequest {
        number: 2,
        author: "dependabot[bot]".into(),
        merge_sha: Some(sha(0x202)),
        ..base.clone()
    };
    let open_old = PullRequest {
        number: 3,
        created_at: at("2026-03-27T00:00:00Z"),
        first_commit_at: None,
        first_review_at: None,
        merged_at: None,
        merge_sha: None,
        closed_at: None,
        ..base.clone()
    };
    let open_new = PullRequest {
        number: 4,
        created_at: at("2026-03-29T00:00:00Z"),
        ..open_old.clone()
    };
    let closed = PullRequest {
        number: 5,
        created_at: at("2026-03-20T00:00:00Z"),
        closed_at: Some(at("2026-03-21T00:00:00Z")),
        ..open_old.clone()
    };
    let bot_open = PullRequest {
        number: 6,
        author: "renovate[bot]".into(),
        ..open_old.clone()
    };
    evs.pull_requests = vec![base, bot, open_old, open_new, closed, bot_open];
    let history = History::derive(evs, Rules::default());
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    let pr = &m.pr_cycle_time;
    assert_eq!(pr.prs, 1, "the bot's PR is excluded");
    // First commit 05:00 → deployed 14:00.
    assert_eq!(pr.median_seconds, Some(9.0 * H));
    assert_eq!(pr.coding_median_seconds, Some(2.0 * H));
    assert_eq!(pr.pickup_median_seconds, Some(H));
    assert_eq!(pr.review_median_seconds, Some(4.0 * H));
    assert_eq!(pr.deploy_median_seconds, Some(2.0 * H));
    // Open at 30 March 00:00: #3 (3 days) and #4 (1 day); #5 closed; #6 a bot.
    assert_eq!(m.wip.open_prs, 2);
    assert_eq!(m.wip.median_age_seconds, Some(2.0 * 86_400.0));
}

#[test]
fn every_deployment_status_but_a_successful_production_one_is_left_out() {
    let mut failed_job = dep("api", "v1", &sha(1), "2026-03-03T12:00:00Z", vec![]);
    failed_job.status = DeploymentStatus::Failure;
    let mut staging = dep("api", "v2", &sha(2), "2026-03-03T13:00:00Z", vec![]);
    staging.production = false;
    let history = History::derive(
        events(vec![baseline("api"), failed_job, staging], vec![]),
        Rules::default(),
    );
    let m = measure(&history, "2026-03-02T00:00:00Z", "2026-03-30T00:00:00Z");
    assert_eq!(m.deployment_frequency.deployments, 0);
}

mod attribution_edges;
mod incremental;
mod laws;
mod persist;
mod random_events;
mod strategies;
mod worked_example;
