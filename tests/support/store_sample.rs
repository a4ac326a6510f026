//! The events the store tests commit: one of every kind with the awkward cases (shared by
//! tests/stores/sqlite.rs, tests/stores/postgres.rs and tests/stores/parity.rs), and the helpers
//! around it.

use chrono::{DateTime, Utc};
use flowdeck::model::*;
use flowdeck::store::StoredStatus;

pub fn ts(s: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn change(sha: &str, at: &str, title: &str) -> Change {
    Change {
        sha: sha.into(),
        authored_at: ts(at),
        committed_at: ts(at) + chrono::Duration::minutes(3),
        author: "ana".into(),
        title: title.into(),
        merge: false,
        reverts: None,
        pr: None,
    }
}

pub fn deployment(
    id: &str,
    service: &str,
    sha: &str,
    finished: &str,
    changes: Vec<Change>,
) -> Deployment {
    Deployment {
        id: id.into(),
        name: id.rsplit(':').next().map(str::to_string),
        service: service.into(),
        environment: "production".into(),
        production: true,
        sha: sha.into(),
        ref_name: Some("main".into()),
        started_at: Some(ts(finished) - chrono::Duration::minutes(4)),
        finished_at: ts(finished),
        status: DeploymentStatus::Success,
        url: Some(format!("https://ci.example/{id}")),
        changes,
    }
}

pub fn status(name: &str, state: &str) -> StoredStatus {
    StoredStatus {
        name: name.into(),
        kind: "github".into(),
        status: state.into(),
        last_success_at: Some(ts("2026-05-02T08:00:00.123456789Z")),
        error: None,
        covers_from: Some(ts("2026-02-01T00:00:00Z")),
        next_retry_at: None,
    }
}

/// One of every kind, with the awkward cases: merges, reverts, a rollback without changes, a
/// failed and an in-progress deployment, open and merged PRs, a revert PR, runs with and
/// without conclusions, an open incident with labels and body, a multi-service incident.
pub fn sample() -> EventSet {
    let mut merge = change(
        "c3",
        "2026-04-30T09:00:00Z",
        "Merge pull request #12 from acme/cache",
    );
    merge.merge = true;
    merge.pr = Some(12);
    let mut revert = change("c4", "2026-05-01T11:00:00Z", "Revert \"Tune the cache\"");
    revert.reverts = Some("c1".into());
    let mut failed = deployment(
        "github:acme/api:77",
        "api",
        "f1",
        "2026-05-01T16:00:00Z",
        vec![],
    );
    failed.status = DeploymentStatus::Failure;
    let mut running = deployment(
        "github:acme/web:78",
        "web",
        "f2",
        "2026-05-02T10:00:00Z",
        vec![],
    );
    running.status = DeploymentStatus::InProgress;
    running.production = false;
    running.environment = "staging".into();
    running.name = None;
    running.url = None;
    running.started_at = None;
    EventSet {
        services: vec![
            Service {
                name: "web".into(),
                team: None,
            },
            Service {
                name: "api".into(),
                team: Some("payments".into()),
            },
        ],
        deployments: vec![
            deployment(
                "git:api:v1.1.0",
                "api",
                "a2",
                "2026-05-01T12:00:00Z",
                vec![revert, change("c2", "2026-04-30T10:00:00Z", "Add retries")],
            ),
            deployment(
                "git:api:v1.0.0",
                "api",
                "a1",
                "2026-04-30T12:00:00Z",
                vec![
                    merge,
                    change("c1", "2026-04-29T10:00:00Z", "Tune the cache"),
                ],
            ),
            // A rollback to v1.0.0's sha ships nothing.
            deployment(
                "git:api:v1.1.1",
                "api",
                "a1",
                "2026-05-01T15:00:00Z",
                vec![],
            ),
            failed,
            running,
        ],
        pull_requests: vec![
            PullRequest {
                service: "api".into(),
                number: 12,
                title: "Tune the cache".into(),
                author: "ana".into(),
                url: Some("https://github.com/acme/api/pull/12".into()),
                head_branch: Some("cache".into()),
                created_at: ts("2026-04-29T11:00:00Z"),
                first_commit_at: Some(ts("2026-04-29T10:00:00Z")),
                first_review_at: Some(ts("2026-04-29T15:00:00Z")),
                merged_at: Some(ts("2026-04-30T09:00:00Z")),
                merge_sha: Some("c3".into()),
                closed_at: Some(ts("2026-04-30T09:00:00Z")),
                reverts_pr: None,
            },
            PullRequest {
                service: "api".into(),
                number: 13,
                title: "Revert \"Tune the cache\"".into(),
                author: "bo".into(),
                url: None,
                head_branch: Some("revert-12-cache".into()),
                created_at: ts("2026-05-01T10:30:00Z"),
                first_commit_at: None,
                first_review_at: None,
                merged_at: None,
                merge_sha: None,
                closed_at: None,
                reverts_pr: Some(12),
            },
            PullRequest {
                service: "web".into(),
                number: 12,
                title: "Same number, other repository".into(),
                author: "dependabot[bot]".into(),
                url: None,
                head_branch: None,
                created_at: ts("2026-04-29T11:00:00Z"),
                first_commit_at: None,
                first_review_at: None,
                merged_at: None,
                merge_sha: None,
                closed_at: None,
                reverts_pr: None,
            },
        ],
        pipeline_runs: vec![
            PipelineRun {
                id: "github:acme/api:run:9001".into(),
                service: "api".into(),
                workflow: "ci.yml".into(),
                branch: Some("main".into()),
                sha: "a2".into(),
                status: RunStatus::Completed,
                conclusion: Some(RunConclusion::Success),
                attempt: 2,
                created_at: ts("2026-05-01T11:05:00Z"),
                started_at: Some(ts("2026-05-01T11:06:00Z")),
                finished_at: Some(ts("2026-05-01T11:16:30.5Z")),
                url: Some("https://github.com/acme/api/actions/runs/9001".into()),
            },
            PipelineRun {
                id: "github:acme/api:run:9002".into(),
                service: "api".into(),
                workflow: "ci.yml".into(),
                branch: None,
                sha: "a3".into(),
                status: RunStatus::InProgress,
                conclusion: None,
                attempt: 1,
                created_at: ts("2026-05-02T09:00:00Z"),
                started_at: None,
                finished_at: None,
                url: None,
            },
        ],
        incidents: vec![
            Incident {
                id: "pagerduty:Q1".into(),
                source: "pagerduty".into(),
                services: vec!["api".into()],
                title: "Checkout errors after v1.1.0".into(),
                severity: Some("high".into()),
                labels: vec!["deployment=git:api:v1.1.0".into(), "sev1".into()],
                body: Some("Rolled back.\nSee deployment:git:api:v1.1.0 — «ünïcode»".into()),
                started_at: ts("2026-05-01T13:00:00Z"),
                resolved_at: None,
                url: Some("https://acme.pagerduty.com/incidents/Q1".into()),
            },
            Incident {
                id: "prometheus:api,web:HighLatency:1".into(),
                source: "prometheus".into(),
                services: vec!["api".into(), "web".into()],
                title: "HighLatency".into(),
                severity: None,
                labels: vec![],
                body: None,
                started_at: ts("2026-04-20T13:00:00Z"),
                resolved_at: Some(ts("2026-04-20T13:45:00Z")),
                url: None,
            },
        ],
    }
}

pub fn total(events: &EventSet) -> u64 {
    (events.services.len()
        + events.deployments.len()
        + events.pull_requests.len()
        + events.pipeline_runs.len()
        + events.incidents.len()) as u64
}

pub fn canonical(mut events: EventSet) -> EventSet {
    flowdeck::store::canonical_order(&mut events);
    events
}

/// The ETag cache's bounds, the same for every store: a body over the per-body bound is not
/// kept (and the URL's older entry goes with it); past the total bound the entries fetched
/// longest ago are dropped, newest first kept.
pub fn assert_the_etag_cache_is_bounded(store: &dyn flowdeck::store::Store) {
    use flowdeck::store::{CachedResponse, ETAG_CACHE_MAX_BODY, ETAG_CACHE_MAX_TOTAL};
    let at = |i: i64| ts("2026-05-01T00:00:00Z") + chrono::Duration::seconds(i);
    let response = |size: usize, i: i64| CachedResponse {
        etag: format!("\"{i}\""),
        body: vec![b'x'; size],
        next: None,
        fetched_at: at(i),
    };
    let url = |i: i64| format!("https://api.example.com/page/{i}");

    // Too large for the cache: not kept, and the smaller body kept before is dropped.
    store
        .put_cached_response(&url(-1), &response(10, -1))
        .unwrap();
    store
        .put_cached_response(&url(-1), &response(ETAG_CACHE_MAX_BODY + 1, 0))
        .unwrap();
    assert_eq!(store.cached_response(&url(-1)).unwrap(), None);

    // One MiB pages, 16 more than the total holds: the 16 fetched first go.
    let page = 1024 * 1024;
    let fits = usize::try_from(ETAG_CACHE_MAX_TOTAL).unwrap() / page;
    let pages = i64::try_from(fits + 16).unwrap();
    for i in 0..pages {
        store
            .put_cached_response(&url(i), &response(page, i))
            .unwrap();
    }
    for i in 0..pages {
        let kept = store.cached_response(&url(i)).unwrap();
        if i < 16 {
            assert_eq!(kept, None, "page {i} should have been dropped");
        } else {
            assert_eq!(kept.map(|k| k.body.len()), Some(page), "page {i}");
        }
    }
}

/// `forget_watermarks` deletes the source's keys with the prefix whose value sorts before the
/// bound, and nothing else (every store alike).
pub fn assert_watermarks_are_forgotten_by_prefix_and_age(store: &dyn flowdeck::store::Store) {
    let marks = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let empty = EventSet::default();
    let commit = |source: &str, pairs: &[(&str, &str)]| {
        store
            .commit_sync(source, &empty, &marks(pairs), &status(source, "ok"))
            .unwrap();
    };
    commit(
        "hook:github",
        &[
            ("delivery:old", "2026-03-01T10:00:00Z"),
            ("delivery:new", "2026-03-09T10:00:00Z"),
            ("cursor", "2026-01-01T00:00:00Z"),
        ],
    );
    commit("other", &[("delivery:old", "2026-03-01T10:00:00Z")]);
    let forgotten = store
        .forget_watermarks("hook:github", "delivery:", "2026-03-02T10:00:00Z")
        .unwrap();
    assert_eq!(forgotten, 1);
    assert_eq!(
        store.watermark("hook:github", "delivery:old").unwrap(),
        None
    );
    assert!(
        store
            .watermark("hook:github", "delivery:new")
            .unwrap()
            .is_some()
    );
    assert!(store.watermark("hook:github", "cursor").unwrap().is_some());
    assert!(store.watermark("other", "delivery:old").unwrap().is_some());
}
