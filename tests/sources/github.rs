//! The GitHub source against a wiremock GitHub serving payloads shaped like the real REST API
//! (tests/support/github_payloads.rs): a first sync gives the hand-computed DORA numbers, an
//! unchanged poll is conditional requests answered 304 only, a restart resumes from the
//! watermarks, the token never shows, and 401/404 are configuration errors.

use crate::support::{
    github_fixture, github_generated, github_payloads, github_server, github_store,
};

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use std::sync::Arc;

use flowdeck::metrics::{History, ReasonKind, Rules, Scope, Window, compute};
use flowdeck::model::{DeploymentStatus, RunConclusion, Timestamp};
use flowdeck::sources::SourceError;
use flowdeck::sources::github::GithubSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, StoreEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use wiremock::MockServer;

use github_fixture as fx;
use github_payloads::sha;
use github_server::{Asked, asked};
use github_store::MemoryStore;

pub(crate) fn http(store: &Arc<MemoryStore>) -> HttpClient {
    HttpClient::new(
        HttpSettings {
            jitter: Jitter::Off,
            max_retries: 0,
            ..HttpSettings::default()
        },
        Arc::new(StoreEtagCache(store.clone())),
        Arc::new(SystemClock),
    )
    .unwrap()
}

fn context(store: &Arc<MemoryStore>) -> SyncContext {
    SyncContext {
        store: store.clone(),
        now: fx::now(),
        backfill: fx::backfill(),
        lease: None,
    }
}

/// One sync, committed as the poller commits it.
pub(crate) async fn sync(
    source: &GithubSource,
    store: &Arc<MemoryStore>,
) -> (SyncOutcome, UpsertCount) {
    let outcome = source.sync(&context(store)).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(fx::now()),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    let count = store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    (outcome, count)
}

pub(crate) async fn repository() -> (Leaked<MockServer>, Arc<MemoryStore>, GithubSource) {
    let server = leaked(MockServer::start().await);
    fx::mount(&server).await;
    let store = Arc::new(MemoryStore::default());
    let source = GithubSource::new(&fx::config(&server.uri()), http(&store)).unwrap();
    (server, store, source)
}

fn show(requests: &[Asked]) -> String {
    requests
        .iter()
        .map(|r| {
            format!(
                "  {}{}\n",
                if r.conditional {
                    "(if-none-match) "
                } else {
                    ""
                },
                r.show()
            )
        })
        .collect()
}

fn t(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn approx(actual: Option<f64>, expected: f64) {
    let actual = actual.unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 1e-6,
        "expected {expected}, got {actual}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_gives_the_hand_computed_dora_numbers() {
    let (server, store, source) = repository().await;
    let (outcome, count) = sync(&source, &store).await;
    let requests = asked(&server).await;

    // The request sequence of a first sync (see the closing note of the module docs):
    // runs since the horizon (2 pages) + the day of the run still going (1); the unfiltered
    // deployment list (1); production (2 pages) with the statuses of its 6 deployments inside the
    // horizon and of 2 older ones until one succeeded (8); prod (1); 5 compare pages for 4
    // compares; pulls updated since the horizon (1) and open ones (1); commits + reviews of the 3
    // merged pull requests (6); incident issues since the horizon (1) and since the day of the
    // latest update (1).
    assert_eq!(requests.len(), 30, "{}", show(&requests));
    assert!(requests.iter().all(|r| !r.conditional));
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some(&*format!("Bearer {}", fx::TOKEN)))
    );
    assert_eq!(count.updated, 0);
    assert_eq!(
        count.inserted,
        // 7 deployments (100, 102..107: 101 was only read to find 100), 6 CI runs (not the
        // deploy.yml one), 6 pull requests (#0 is older than the horizon), 2 incidents (#52 is a
        // pull request).
        7 + 6 + 6 + 2,
        "{:#?}",
        outcome.events
    );
    assert_eq!(outcome.covers_from, Some(t("2026-03-01T00:00:00Z")));

    let events = store.load().unwrap();
    let deployment = |id: u64| {
        events
            .deployments
            .iter()
            .find(|d| d.id == format!("github:acme/api:{id}"))
            .unwrap_or_else(|| panic!("deployment {id} missing"))
    };
    // Deploy time is the first success status; statuses ending in failure are a failed job;
    // queued/in_progress is in progress.
    let d1 = deployment(102);
    assert_eq!(d1.status, DeploymentStatus::Success);
    assert_eq!(d1.finished_at, t("2026-03-02T10:10:00Z"));
    assert_eq!(d1.started_at, Some(t("2026-03-02T10:00:00Z")));
    assert_eq!(d1.name.as_deref(), Some("v1.1.0"));
    assert_eq!(d1.ref_name.as_deref(), Some("v1.1.0"));
    assert_eq!(d1.url.as_deref(), Some("https://api.acme.example"));
    assert!(d1.production);
    assert_eq!(deployment(103).finished_at, t("2026-03-05T12:05:00Z"));
    assert_eq!(deployment(104).status, DeploymentStatus::Failure);
    assert_eq!(deployment(107).status, DeploymentStatus::InProgress);
    assert_eq!(deployment(106).name, None, "a branch is not a version name");
    assert!(
        deployment(100).changes.is_empty(),
        "the baseline gets no compare"
    );
    // Changes, newest first, with merges marked and the revert read.
    let shipped = |id: u64| -> Vec<String> {
        deployment(id)
            .changes
            .iter()
            .map(|c| c.sha.clone())
            .collect()
    };
    assert_eq!(shipped(102), [sha("m1"), sha("c2"), sha("c1")]);
    assert_eq!(shipped(103), [sha("c4"), sha("c3")], "both compare pages");
    assert_eq!(shipped(105), [sha("c5")]);
    assert_eq!(shipped(106), [sha("m2"), sha("c7"), sha("c8")]);
    let m1 = &deployment(102).changes[0];
    assert!(m1.merge);
    assert_eq!(m1.pr, Some(1));
    assert_eq!(m1.title, "Merge pull request #1 from acme/feature/cache");
    let c1 = &deployment(102).changes[2];
    assert!(!c1.merge);
    assert_eq!(c1.author, "Alice");
    assert_eq!(c1.authored_at, t("2026-02-27T10:10:00Z"));
    assert_eq!(c1.committed_at, t("2026-02-27T10:17:00Z"));
    assert_eq!(deployment(105).changes[0].reverts, Some(sha("c3")));

    // One record per run, its latest attempt; the deploy.yml run is not CI.
    let run3 = events
        .pipeline_runs
        .iter()
        .find(|r| r.id == "github:acme/api:run:9003")
        .unwrap();
    assert_eq!(run3.attempt, 2);
    assert_eq!(run3.workflow, "ci.yml");
    assert_eq!(run3.conclusion, Some(RunConclusion::Success));
    assert!(events.pipeline_runs.iter().all(|r| r.workflow == "ci.yml"));
    // Pull requests: the author's own review is not a first review.
    let pr = |n: u64| events.pull_requests.iter().find(|p| p.number == n).unwrap();
    assert_eq!(pr(1).first_commit_at, Some(t("2026-02-27T10:10:00Z")));
    assert_eq!(pr(1).first_review_at, Some(t("2026-03-01T12:00:00Z")));
    assert_eq!(pr(1).merge_sha, Some(sha("m1")));
    assert_eq!(
        pr(2).merge_sha,
        None,
        "an unmerged PR's test merge commit is not kept"
    );
    assert_eq!(pr(7).created_at, t("2026-01-10T00:00:00Z"));
    // Incidents.
    let incident = events
        .incidents
        .iter()
        .find(|i| i.id == "github:acme/api#50")
        .unwrap();
    assert_eq!(incident.severity.as_deref(), Some("sev2"));
    assert_eq!(incident.labels, ["incident", "sev2"]);
    assert_eq!(incident.services, ["api"]);
    assert_eq!(incident.resolved_at, Some(t("2026-03-20T20:00:00Z")));
    assert!(
        events
            .incidents
            .iter()
            .all(|i| i.id != "github:acme/api#52")
    );

    // The measures over March 2026: [2026-03-01, 2026-03-31).
    let history = History::derive(events.clone(), Rules::default());
    let window = Window::new(t("2026-03-01T00:00:00Z"), t("2026-03-31T00:00:00Z"));
    let m = compute(&history, &Scope::all(&history), &window, fx::now());

    // Deployments (successful, production, finished in the window): D1 102 (03-02 10:10),
    // D2 103 (03-05 12:05), D4 105 (03-10 11:15), D5 106 (03-20 15:30) = 4. 104 failed as a
    // job, 107 is in progress, 100 finished in February (the baseline).
    // Per day: 4 / 30. Deploy-days: 03-02, 03-05, 03-10, 03-20 = 4. March 2026 starts on a
    // Sunday: whole weeks Mon 03-02, 03-09, 03-16, 03-23 hold 2, 1, 1, 0 deploy-days; median 1.
    let f = &m.deployment_frequency;
    assert_eq!(f.deployments, 4);
    approx(f.per_day, 4.0 / 30.0);
    assert_eq!(f.deploy_days, 4);
    approx(f.median_deploy_days_per_week, 1.0);

    // Lead time (authored → deployed, merges excluded):
    //   D1 10:10 03-02: c1 02-27 10:10 → 259200, c2 03-01 10:10 → 86400
    //   D2 12:05 03-05: c3 03-04 12:05 → 86400,  c4 03-05 06:05 → 21600
    //   D4 11:15 03-10: c5 03-10 09:15 → 7200
    //   D5 15:30 03-20: c8 03-19 15:30 → 86400,  c7 03-20 13:30 → 7200
    // sorted [7200, 7200, 21600, 86400, 86400, 86400, 259200]: median 86400;
    // p90 at rank 0.9 × 6 = 5.4: 86400 + 0.4 × (259200 − 86400) = 155520.
    let lead = &m.lead_time_for_changes;
    assert_eq!(lead.changes, 7);
    approx(lead.median_seconds, 86_400.0);
    approx(lead.p90_seconds, 155_520.0);
    // Batch size: 2, 2, 1, 2 changes → median 2.
    approx(m.batch_size.median_changes, 2.0);

    // Failures: D2 shipped c3, which c5 (shipped by D4) reverts → D2 failed (revert).
    // Incident #50 started 03-20 18:00, 2.5 h after D5 finished, within 24 h and before any
    // later deployment → D5 failed (incident_window). #51 (03-28) is 8 days after D5: nobody's.
    // 2 of 4 → 0.5.
    let cfr = &m.change_failure_rate;
    assert_eq!((cfr.deployments, cfr.failed), (4, 2));
    approx(cfr.rate, 0.5);
    let facts = |id: u64| {
        let i = history
            .events
            .deployments
            .iter()
            .position(|d| d.id == format!("github:acme/api:{id}"))
            .unwrap();
        &history.deployments[i]
    };
    let kinds = |reasons: &[flowdeck::metrics::Reason]| -> Vec<(ReasonKind, String)> {
        reasons
            .iter()
            .map(|r| (r.kind, r.reference.clone()))
            .collect()
    };
    assert_eq!(
        kinds(&facts(103).failure_reasons),
        [(ReasonKind::Revert, sha("c5"))]
    );
    assert_eq!(
        kinds(&facts(106).failure_reasons),
        [(ReasonKind::IncidentWindow, "github:acme/api#50".to_string())]
    );
    assert!(facts(102).failure_reasons.is_empty() && facts(105).failure_reasons.is_empty());
    assert!(facts(100).baseline);

    // Recovery: D2 is undone by D4: 03-10 11:15 − 03-05 12:05 = 4 d 23 h 10 m = 429000 s.
    // D5 recovers when #50 is resolved: 03-20 20:00 − 15:30 = 16200 s.
    // Median (16200 + 429000) / 2 = 222600; p90 = 16200 + 0.9 × 412800 = 387720.
    let recovery = &m.failed_deployment_recovery_time;
    assert_eq!(
        (recovery.failed, recovery.recovered, recovery.unrecovered),
        (2, 2, 0)
    );
    approx(recovery.median_seconds, 222_600.0);
    approx(recovery.p90_seconds, 387_720.0);

    // Time to restore: #50 18:00 → 20:00 = 7200 s; #51 is still open.
    let ttr = &m.time_to_restore;
    assert_eq!((ttr.incidents, ttr.open), (2, 1));
    approx(ttr.median_seconds, 7200.0);
    approx(ttr.p90_seconds, 7200.0);

    // Rework: D4 ships the revert; D5 ships "hotfix: guard nil user". 2 of 4.
    let rework = &m.deployment_rework_rate;
    assert_eq!((rework.deployments, rework.rework), (4, 2));
    approx(rework.rate, 0.5);
    assert_eq!(
        kinds(&facts(105).rework_reasons),
        [(ReasonKind::Revert, sha("c5"))]
    );
    assert_eq!(
        kinds(&facts(106).rework_reasons),
        [(ReasonKind::Hotfix, sha("c7"))]
    );

    // CI (ci.yml only; latest attempt): success R1 (600 s), R3 attempt 2 (300 s); failure R2
    // (1200 s), timed_out R6 (3600 s); cancelled R5 and in-progress R7 are left out.
    // 2 / 4 = 0.5. Durations [300, 600, 1200, 3600]: median 900, p90 at 2.7: 1200 + 0.7 × 2400
    // = 2880. Queue (started − created) of every started run: R1 60, R2 120, R3 3600 (the
    // re-run started an hour later), R5 60, R6 60, R7 60 → median 60.
    let ci = &m.ci;
    assert_eq!((ci.runs, ci.succeeded), (4, 2));
    approx(ci.success_rate, 0.5);
    approx(ci.median_duration_seconds, 900.0);
    approx(ci.p90_duration_seconds, 2880.0);
    approx(ci.median_queue_seconds, 60.0);

    // PR cycle time, merged in the window, bots excluded (#6 is dependabot's): #1 and #3.
    //   #1: first commit 02-27 10:10, opened 03-01 08:00, first review by someone else (bob)
    //       03-01 12:00 (alice's own comment at 09:00 does not count), merged 03-02 09:00,
    //       shipped by D1 at 10:10. cycle 259200, coding 165000, pickup 14400, review 75600,
    //       deploy 4200.
    //   #3: first commit 03-19 15:30, opened 16:00, dave 03-20 14:00 (carol's own at 03-19 17:00
    //       does not count), merged 14:30, D5 at 15:30. cycle 86400, coding 1800, pickup 79200,
    //       review 1800, deploy 3600.
    // Medians of two: cycle 172800 (p90 86400 + 0.9 × 172800 = 241920), coding 83400,
    // pickup 46800, review 38700, deploy 3900.
    let prs = &m.pr_cycle_time;
    assert_eq!(prs.prs, 2);
    approx(prs.median_seconds, 172_800.0);
    approx(prs.p90_seconds, 241_920.0);
    approx(prs.coding_median_seconds, 83_400.0);
    approx(prs.pickup_median_seconds, 46_800.0);
    approx(prs.review_median_seconds, 38_700.0);
    approx(prs.deploy_median_seconds, 3_900.0);

    // WIP at 03-31 00:00: #5 (opened 03-25 10:00, 482400 s) and #7 (opened 01-10, only in the
    // open list: 22 days to 02-01 + 28 + 30 = 80 days = 6912000 s). Median 3697200.
    assert_eq!(m.wip.open_prs, 2);
    approx(m.wip.median_age_seconds, 3_697_200.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_poll_sends_only_conditional_requests_answered_304() {
    let (server, store, source) = repository().await;
    sync(&source, &store).await;
    let before = asked(&server).await.len();

    let (outcome, count) = sync(&source, &store).await;
    let requests = asked(&server).await.split_off(before);

    // deployments to production (page 1) and prod, the statuses of the one still in progress,
    // runs since the day of the run still going, pulls by update, incidents since the day of the
    // latest update: 6 requests, all conditional.
    assert_eq!(requests.len(), 6, "{}", show(&requests));
    assert!(
        requests.iter().all(|r| r.conditional),
        "{}",
        show(&requests)
    );
    let paths: Vec<String> = requests.iter().map(Asked::show).collect();
    assert!(
        paths.contains(&"/repos/acme/api/deployments/107/statuses?per_page=100".to_string()),
        "{paths:?}"
    );
    assert_eq!(count.inserted + count.updated, 0, "{count:?}");
    assert!(outcome.events.deployments.is_empty());
    assert!(outcome.events.pull_requests.is_empty());
    assert_eq!(
        count.unchanged as usize,
        outcome.events.pipeline_runs.len() + outcome.events.incidents.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sees_every_request_of_an_unchanged_poll_answered_304() {
    let server = leaked(MockServer::start().await);
    fx::mount(&server).await;
    let store = Arc::new(MemoryStore::default());
    let client = http(&store);
    let source = GithubSource::new(&fx::config(&server.uri()), client.clone()).unwrap();
    sync(&source, &store).await;
    let first = client.requests_sent();
    assert_eq!(first.total, 30);
    sync(&source, &store).await;
    let poll = client.requests_sent().since(&first);
    assert_eq!(poll.total, 6);
    assert_eq!(poll.conditional, 6);
    assert_eq!(poll.not_modified, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_from_the_watermarks_without_a_new_backfill() {
    let (server, store, source) = repository().await;
    sync(&source, &store).await;
    drop(source);
    let marks = store.watermarks("github:acme/api");
    assert_eq!(
        marks.get("runs.created_since").map(String::as_str),
        Some("2026-03-30")
    );
    assert_eq!(
        marks.get("issues.since:incident").map(String::as_str),
        Some("2026-03-29T00:00:00Z")
    );
    assert_eq!(
        marks.get("pulls.updated_since").map(String::as_str),
        Some("2026-03-29T10:00:00Z")
    );
    assert_eq!(
        marks
            .get("deployments.newest_id:production")
            .map(String::as_str),
        Some("107")
    );
    assert_eq!(
        marks.get("backfill.from").map(String::as_str),
        Some("2026-03-01T00:00:00Z")
    );

    // Meanwhile v1.5.0 was deployed.
    fx::mount_new_deployment(&server).await;
    let before = asked(&server).await.len();
    let restarted = GithubSource::new(&fx::config(&server.uri()), http(&store)).unwrap();
    let (outcome, count) = sync(&restarted, &store).await;
    let requests = asked(&server).await.split_off(before);

    // No backfill: no run listing from the horizon, no unfiltered deployment list, no list of
    // open pull requests, no statuses or compares of what is stored.
    assert_eq!(requests.len(), 8, "{}", show(&requests));
    for r in &requests {
        assert_ne!(r.param("created"), Some(">=2026-03-01"), "{}", r.show());
        assert_ne!(r.param("state"), Some("open"), "{}", r.show());
        if r.path.ends_with("/deployments") {
            assert!(r.param("environment").is_some(), "{}", r.show());
        }
    }
    let runs: Vec<&Asked> = requests
        .iter()
        .filter(|r| r.path.ends_with("/actions/runs"))
        .collect();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].param("created"), Some(">=2026-03-30"));
    let issues: Vec<&Asked> = requests
        .iter()
        .filter(|r| r.path.ends_with("/issues"))
        .collect();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].param("since"), Some("2026-03-29T00:00:00Z"));
    let statuses: Vec<&str> = requests
        .iter()
        .filter(|r| r.path.ends_with("/statuses"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "/repos/acme/api/deployments/108/statuses",
            "/repos/acme/api/deployments/107/statuses"
        ]
    );
    // The new deployment's predecessor (D5, m2) comes from the store.
    let compares: Vec<&str> = requests
        .iter()
        .filter(|r| r.path.contains("/compare/"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        compares,
        [format!(
            "/repos/acme/api/compare/{}...{}",
            sha("m2"),
            sha("c9")
        )]
    );
    // Everything but the new deployment was asked before, and the ETag cache lives in the
    // store: a new client sends those requests conditionally.
    let new = |r: &Asked| {
        r.path.contains("108")
            || r.path.contains("/compare/")
            || (r.path.ends_with("/deployments") && r.param("environment") == Some("production"))
    };
    let unconditional: Vec<&Asked> = requests.iter().filter(|r| !r.conditional).collect();
    assert!(unconditional.iter().all(|r| new(r)), "{unconditional:#?}");
    assert_eq!(unconditional.len(), 2, "{unconditional:#?}");

    assert_eq!(outcome.events.deployments.len(), 1);
    let d7 = &outcome.events.deployments[0];
    assert_eq!(d7.id, "github:acme/api:108");
    assert_eq!(d7.finished_at, t("2026-03-30T12:00:00Z"));
    assert_eq!(d7.changes.len(), 1);
    assert_eq!(d7.changes[0].pr, Some(8));
    assert_eq!((count.inserted, count.updated), (1, 0));
    assert_eq!(outcome.covers_from, Some(t("2026-03-01T00:00:00Z")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_shows() {
    let (server, store, source) = repository().await;
    let (outcome, _) = sync(&source, &store).await;
    let report = source.probe(&context(&store)).await.unwrap();
    // It was sent.
    assert!(asked(&server).await.iter().all(|r| {
        r.authorization
            .as_deref()
            .is_some_and(|a| a.contains(fx::TOKEN))
    }));
    // It shows nowhere else.
    for (what, text) in [
        ("Debug of the source", format!("{source:?}")),
        ("the outcome", format!("{outcome:?}")),
        ("the store", store.dump()),
        ("the probe", report.clone()),
    ] {
        assert!(!text.contains(fx::TOKEN), "{what}: {text}");
        assert!(!text.contains("Bearer"), "{what}");
    }
    let failing = fx::failing(401, "Bad credentials").await;
    let bad = GithubSource::new(&fx::config(&failing.uri()), http(&store)).unwrap();
    for error in [
        bad.sync(&context(&store)).await.unwrap_err(),
        bad.probe(&context(&store)).await.unwrap_err(),
    ] {
        assert!(!error.to_string().contains(fx::TOKEN));
        assert!(!format!("{error:?}").contains(fx::TOKEN));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_reports_access_budget_and_counts() {
    let (server, store, source) = repository().await;
    let report = source.probe(&context(&store)).await.unwrap();
    let host = server.uri().trim_start_matches("http://").to_string();
    assert_eq!(
        report,
        format!(
            "acme/api on {host} (private, token accepted); 4,987 of 5,000 requests left (resets 08:20 UTC); 5+ deployments to production, 0 deployments to prod, 7 workflow runs in the last 30 days"
        )
    );
}

async fn config_error(status: u16, message: &str) -> (String, String) {
    let server = fx::failing(status, message).await;
    let store = Arc::new(MemoryStore::default());
    let source = GithubSource::new(&fx::config(&server.uri()), http(&store)).unwrap();
    let host = server.uri().trim_start_matches("http://").to_string();
    for error in [
        source.sync(&context(&store)).await.unwrap_err(),
        source.probe(&context(&store)).await.unwrap_err(),
    ] {
        assert!(matches!(error, SourceError::Config(_)), "{error:?}");
        assert!(!error.is_retryable());
        let text = error.to_string();
        assert!(text.contains("acme/api"), "{text}");
        assert!(text.contains(&host), "{text}");
    }
    // Not retried in a loop: one request per attempt.
    assert_eq!(asked(&server).await.len(), 2);
    (
        source.sync(&context(&store)).await.unwrap_err().to_string(),
        host,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_is_a_config_error_naming_repo_and_host() {
    let (text, host) = config_error(401, "Bad credentials").await;
    assert_eq!(
        text,
        format!(
            "GitHub at {host} rejected the token for acme/api (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / GH_TOKEN"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_is_a_config_error_naming_repo_and_host() {
    let (text, host) = config_error(404, "Not Found").await;
    assert_eq!(
        text,
        format!(
            "GitHub at {host} does not show acme/api (404 Not Found): check `repo` and `base_url`, and that the token can read the repository (a private repository looks missing without access)"
        )
    );
}

fn generated_config(base: &str, repo: &str) -> flowdeck::config::schema::GithubSourceConfig {
    let mut config = fx::config(base);
    config.repo = format!("acme/{repo}");
    config.ci_workflows = Vec::new();
    config
}

fn generated_context(store: &Arc<MemoryStore>) -> SyncContext {
    SyncContext {
        store: store.clone(),
        now: t(github_generated::NOW),
        backfill: chrono::Duration::days(github_generated::BACKFILL_DAYS),
        lease: None,
    }
}

async fn generated_sync(source: &GithubSource, store: &Arc<MemoryStore>) -> UpsertCount {
    let outcome = source.sync(&generated_context(store)).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: None,
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    let mut count = store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    // What the sync committed in parts while it ran.
    count.inserted += outcome.committed.inserted;
    count.updated += outcome.committed.updated;
    count
}

/// The figure for the closing note: a repository with 1,000 deployments in the backfill.
/// First sync: runs 1 + unfiltered deployments 1 + production 11 pages (1,001 deployments, the
/// last one before the horizon) + statuses 1,001 + prod 1 + compares 1,000 + pulls 2 +
/// issues 1 = 2,018. An unchanged poll: production, prod, runs, pulls, issues = 5, all 304.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_deployments_cost_2018_requests_then_5_conditional_ones_per_poll() {
    let server = github_generated::start().await;
    let store = Arc::new(MemoryStore::default());
    let client = http(&store);
    let source =
        GithubSource::new(&generated_config(&server.uri(), "big"), client.clone()).unwrap();

    let count = generated_sync(&source, &store).await;
    let first = client.requests_sent();
    assert_eq!(first.total, 2018, "{first:?}");
    assert_eq!(count.inserted, 1001);
    let events = store.load().unwrap();
    assert_eq!(events.deployments.len(), 1001);
    assert_eq!(
        events
            .deployments
            .iter()
            .filter(|d| d.changes.len() == 1)
            .count(),
        1000
    );

    let count = generated_sync(&source, &store).await;
    let poll = client.requests_sent().since(&first);
    assert_eq!(
        (poll.total, poll.conditional, poll.not_modified),
        (5, 5, 5),
        "{poll:?}"
    );
    assert_eq!(count.inserted + count.updated, 0);
}

/// 20 repositories polled when nothing changed: 5 conditional requests each, all 304.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_unchanged_repositories_cost_100_conditional_requests_per_poll() {
    let server = github_generated::start().await;
    let store = Arc::new(MemoryStore::default());
    let client = http(&store);
    let sources: Vec<GithubSource> = (0..20)
        .map(|i| {
            GithubSource::new(
                &generated_config(&server.uri(), &format!("r{i}")),
                client.clone(),
            )
            .unwrap()
        })
        .collect();
    for source in &sources {
        generated_sync(source, &store).await;
    }
    let first = client.requests_sent();
    for source in &sources {
        let count = generated_sync(source, &store).await;
        assert_eq!(count.inserted + count.updated, 0);
    }
    let poll = client.requests_sent().since(&first);
    assert_eq!(
        (poll.total, poll.conditional, poll.not_modified),
        (100, 100, 100),
        "{poll:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncommitted_sync_is_not_lost_when_its_pages_come_back_304() {
    let (_server, store, source) = repository().await;
    // The sync ran (and its pages were cached) but its outcome never reached the store.
    let lost = source.sync(&context(&store)).await.unwrap();
    let (outcome, count) = sync(&source, &store).await;
    assert_eq!(count.inserted, 21);
    let ids = |o: &SyncOutcome| -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = o
            .events
            .deployments
            .iter()
            .map(|d| (d.id.clone(), d.changes.len()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&outcome), ids(&lost));
    assert_eq!(
        outcome.events.pull_requests.len(),
        lost.events.pull_requests.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_workflow_runs_are_deployments_when_configured() {
    use github_server::serve;
    let (server, store, _) = repository().await;
    let base = server.uri();
    // The latest successful deploy run before the horizon: the baseline.
    serve(
        &server,
        "/repos/acme/api/actions/workflows/deploy.yml/runs",
        &[
            ("status", "success"),
            ("created", "<2026-03-01"),
            ("per_page", "1"),
        ],
        github_payloads::workflow_runs(
            12,
            vec![github_payloads::workflow_run(
                &base,
                "api",
                8001,
                "Deploy",
                "deploy.yml",
                &fx::Shas::s0(),
                "completed",
                Some("success"),
                "2026-02-20T10:00:00Z",
                "2026-02-20T10:00:05Z",
                "2026-02-20T10:05:00Z",
                1,
            )],
        ),
        None,
    )
    .await;
    let range = format!("/repos/acme/api/compare/{}...{}", fx::Shas::s0(), sha("c4"));
    let commits = vec![
        fx::c1(&base),
        fx::c2(&base),
        fx::m1(&base),
        fx::c3(&base),
        fx::c4(&base),
    ];
    serve(
        &server,
        &range,
        &[("per_page", "100")],
        github_payloads::comparison(&base, "api", &fx::Shas::s0(), &sha("c4"), 5, commits),
        None,
    )
    .await;

    let mut config = fx::config(&server.uri());
    config.deploy_workflows = vec![".github/workflows/deploy.yml".into()];
    let source = GithubSource::new(&config, http(&store)).unwrap();
    let (outcome, _) = sync(&source, &store).await;
    let requests = asked(&server).await;
    assert!(
        requests.iter().all(|r| !r.path.contains("/deployments")),
        "{}",
        show(&requests)
    );

    let mut deployments = outcome.events.deployments.clone();
    deployments.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(deployments.len(), 2);
    let (baseline, deploy) = (&deployments[0], &deployments[1]);
    assert_eq!(baseline.id, "github:acme/api:run:8001");
    assert!(baseline.changes.is_empty());
    assert_eq!(deploy.id, "github:acme/api:run:9004");
    assert_eq!(deploy.status, DeploymentStatus::Success);
    assert_eq!(deploy.environment, "production");
    assert!(deploy.production);
    assert_eq!(deploy.sha, sha("c4"));
    assert_eq!(deploy.started_at, Some(t("2026-03-05T12:00:10Z")));
    assert_eq!(deploy.finished_at, t("2026-03-05T12:06:00Z"));
    assert_eq!(deploy.changes.len(), 5);
    assert_eq!(deploy.changes[0].sha, sha("c4"));
    // The deploy workflow is not CI (ci_workflows = ["ci.yml"]).
    assert!(
        outcome
            .events
            .pipeline_runs
            .iter()
            .all(|r| r.workflow == "ci.yml")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environments_github_flags_as_production_are_listed_too() {
    use github_server::serve;
    let (server, store, source) = repository().await;
    let base = server.uri();
    let eu = |id| {
        github_payloads::deployment(
            &base,
            "api",
            id,
            &sha("c5"),
            "v1.3.1",
            "production-eu",
            "2026-03-12T10:00:00Z",
            true,
        )
    };
    {
        use wiremock::matchers::{method, path, query_param, query_param_is_missing};
        wiremock::Mock::given(method("GET"))
            .and(path("/repos/acme/api/deployments"))
            .and(query_param("per_page", "100"))
            .and(query_param_is_missing("environment"))
            .respond_with(github_server::Page::new(
                &serde_json::json!([eu(300), fx::d(&base, 107)]),
                None,
            ))
            .with_priority(1)
            .mount(&server)
            .await;
    }
    serve(
        &server,
        "/repos/acme/api/deployments",
        &[("environment", "production-eu"), ("per_page", "100")],
        serde_json::json!([eu(300)]),
        None,
    )
    .await;
    serve(
        &server,
        "/repos/acme/api/deployments/300/statuses",
        &[("per_page", "100")],
        serde_json::json!([github_payloads::deployment_status(
            &base,
            "api",
            300,
            3001,
            "success",
            "production-eu",
            "2026-03-12T10:30:00Z",
            "https://eu.acme.example"
        )]),
        None,
    )
    .await;
    sync(&source, &store).await;
    assert_eq!(
        store
            .watermarks("github:acme/api")
            .get("deployments.environments")
            .map(String::as_str),
        Some(r#"["production-eu"]"#)
    );
    let events = store.load().unwrap();
    let eu = events
        .deployments
        .iter()
        .find(|d| d.id == "github:acme/api:300")
        .unwrap();
    assert!(eu.production);
    assert_eq!(eu.environment, "production-eu");
    // The same sha as the deployment before it (105): it ships nothing new.
    assert!(eu.changes.is_empty());
    // And 106 is compared with it, the same sha: its changes are unchanged.
    let d5 = events
        .deployments
        .iter()
        .find(|d| d.id == "github:acme/api:106")
        .unwrap();
    assert_eq!(d5.changes.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_beyond_the_1000_result_cap_are_read_in_day_ranges() {
    use github_server::serve_with_priority;
    let (server, store, source) = repository().await;
    let base = server.uri();
    let runs = fx::runs(&base);
    let at = "/repos/acme/api/actions/runs";
    // GitHub answers at most 1,000 runs for a `created` filter: the whole range claims 1,500.
    serve_with_priority(
        &server,
        at,
        &[("per_page", "100"), ("created", ">=2026-03-01")],
        github_payloads::workflow_runs(1500, runs[..4].to_vec()),
        None,
        1,
    )
    .await;
    serve_with_priority(
        &server,
        at,
        &[("per_page", "100"), ("created", "2026-03-01..2026-03-16")],
        github_payloads::workflow_runs(6, runs[1..].to_vec()),
        None,
        1,
    )
    .await;
    serve_with_priority(
        &server,
        at,
        &[("per_page", "100"), ("created", ">=2026-03-17")],
        github_payloads::workflow_runs(1, runs[..1].to_vec()),
        None,
        1,
    )
    .await;
    let (outcome, _) = sync(&source, &store).await;
    let mut ids: Vec<&str> = outcome
        .events
        .pipeline_runs
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "github:acme/api:run:9001",
            "github:acme/api:run:9002",
            "github:acme/api:run:9003",
            "github:acme/api:run:9005",
            "github:acme/api:run:9006",
            "github:acme/api:run:9007"
        ]
    );
    let created: Vec<String> = asked(&server)
        .await
        .iter()
        .filter(|r| r.path == at)
        .filter_map(|r| r.param("created").map(str::to_string))
        .collect();
    assert_eq!(
        created,
        [
            ">=2026-03-01",
            "2026-03-01..2026-03-16",
            ">=2026-03-17",
            ">=2026-03-30"
        ]
    );
}

/// The same against the SQLite store in a file: a restart (the file reopened, a new client and
/// source) resumes from the stored watermarks with every request conditional (the ETag cache is
/// in the file too) and answered 304, and the token is nowhere in the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_the_sqlite_store_polls_with_304s_only() {
    use flowdeck::store::SqliteStore;
    let server = leaked(MockServer::start().await);
    fx::mount(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.sqlite");
    let client_on = |store: &Arc<SqliteStore>| {
        HttpClient::new(
            HttpSettings {
                jitter: Jitter::Off,
                max_retries: 0,
                ..HttpSettings::default()
            },
            Arc::new(StoreEtagCache(store.clone())),
            Arc::new(SystemClock),
        )
        .unwrap()
    };
    let run = |source: GithubSource, store: Arc<SqliteStore>| async move {
        let ctx = SyncContext {
            store: store.clone(),
            now: fx::now(),
            backfill: fx::backfill(),
            lease: None,
        };
        let outcome = source.sync(&ctx).await.unwrap();
        let status = StoredStatus {
            name: source.name().to_string(),
            kind: source.kind().to_string(),
            status: "ok".into(),
            last_success_at: Some(fx::now()),
            error: None,
            covers_from: outcome.covers_from,
            next_retry_at: None,
        };
        store
            .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
            .unwrap()
    };

    let store = Arc::new(SqliteStore::open(&file).unwrap());
    let source = GithubSource::new(&fx::config(&server.uri()), client_on(&store)).unwrap();
    let first = run(source, store.clone()).await;
    assert_eq!(first.inserted, 21);
    drop(store);

    let store = Arc::new(SqliteStore::open(&file).unwrap());
    let client = client_on(&store);
    let source = GithubSource::new(&fx::config(&server.uri()), client.clone()).unwrap();
    let again = run(source, store.clone()).await;
    assert_eq!((again.inserted, again.updated), (0, 0), "{again:?}");
    let sent = client.requests_sent();
    assert_eq!(
        (sent.total, sent.conditional, sent.not_modified),
        (6, 6, 6),
        "{sent:?}"
    );
    drop(store);

    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(fx::TOKEN));
}

/// Page 1 of the production deployments, answered with `body` and the raw Link header `link`.
async fn override_production_page_one(
    server: &MockServer,
    body: serde_json::Value,
    link: Option<String>,
) {
    github_server::serve_with_priority(
        server,
        "/repos/acme/api/deployments",
        &[("environment", "production"), ("per_page", "100")],
        body,
        link,
        1,
    )
    .await;
}

fn production_listing_requests(requests: &[wiremock::Request]) -> usize {
    requests
        .iter()
        .filter(|r| {
            r.url.path().ends_with("/deployments")
                && r.url
                    .query()
                    .unwrap_or("")
                    .contains("environment=production")
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_back_to_a_page_already_read_ends_the_listing_and_says_so() {
    let (server, store, source) = repository().await;
    let base = server.uri();
    let page1: Vec<serde_json::Value> = [107, 106, 105, 104, 103]
        .iter()
        .map(|&i| fx::d(&base, i))
        .collect();
    // The "next" page is the first page again.
    let first = format!("{base}/repos/acme/api/deployments?environment=production&per_page=100");
    override_production_page_one(
        &server,
        serde_json::json!(page1),
        Some(format!("<{first}>; rel=\"next\"")),
    )
    .await;
    let (outcome, _) = sync(&source, &store).await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        production_listing_requests(&requests),
        1,
        "{}",
        show(&asked(&server).await)
    );
    let degraded = outcome.degraded.unwrap_or_default();
    assert!(
        degraded.contains("leads back to a page already read"),
        "{degraded}"
    );
    assert_eq!(store.load().unwrap().deployments.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_link_header_is_said_not_dropped() {
    let (server, store, source) = repository().await;
    let base = server.uri();
    let page1: Vec<serde_json::Value> = [107, 106].iter().map(|&i| fx::d(&base, i)).collect();
    override_production_page_one(
        &server,
        serde_json::json!(page1),
        Some("https://api.example.com/page2; rel=\"next\"".to_string()),
    )
    .await;
    let (outcome, _) = sync(&source, &store).await;
    let degraded = outcome.degraded.unwrap_or_default();
    assert!(
        degraded.contains("Link header naming a next page that cannot be read"),
        "{degraded}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_dated_1970_is_refused_and_the_listing_goes_on() {
    let (server, store, source) = repository().await;
    let base = server.uri();
    let zeroed = github_payloads::deployment(
        &base,
        "api",
        999,
        &sha("c9"),
        "v0.0.0",
        "production",
        "1970-01-01T00:00:00Z",
        true,
    );
    let mut page1: Vec<serde_json::Value> =
        [107, 106, 105].iter().map(|&i| fx::d(&base, i)).collect();
    page1.push(zeroed);
    page1.extend([104, 103].iter().map(|&i| fx::d(&base, i)));
    let rest = format!(
        "{base}/repositories/{}/deployments?environment=production&per_page=100",
        github_payloads::REPO_ID
    );
    override_production_page_one(
        &server,
        serde_json::json!(page1),
        github_server::link(&rest, 1, 2),
    )
    .await;
    let (outcome, _) = sync(&source, &store).await;
    let ids: Vec<String> = store
        .load()
        .unwrap()
        .deployments
        .iter()
        .map(|d| d.id.clone())
        .collect();
    // Page 2's deployments are there: the zeroed date no longer ends the first sync.
    for id in [100, 102, 103, 107] {
        assert!(ids.contains(&format!("github:acme/api:{id}")), "{ids:?}");
    }
    assert!(!ids.contains(&"github:acme/api:999".to_string()), "{ids:?}");
    let degraded = outcome.degraded.unwrap_or_default();
    assert!(
        degraded.contains("deployment github:acme/api:999 refused")
            && degraded.contains("1970-01-01"),
        "{degraded}"
    );
}
