//! The GitLab source against a local GitLab (wiremock on 127.0.0.1) serving payloads shaped like
//! GitLab's REST v4: a month of deployments, compares, merge requests and pipelines, synced into
//! a store and measured; then polled again unchanged (304s only), restarted (resumes from the
//! watermarks), and misconfigured (clear errors, no token anywhere).

use crate::support::{gitlab_fixture, gitlab_payloads, gitlab_server, gitlab_store};

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use flowdeck::config::schema::GitlabSourceConfig;
use flowdeck::metrics::{History, ReasonKind, Rules, Scope, Window, compute};
use flowdeck::model::{DeploymentStatus, RunConclusion, RunStatus};
use flowdeck::sources::SourceError;
use flowdeck::sources::gitlab::GitlabSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use secrecy::SecretString;
use serde_json::Value;

use gitlab_fixture::{DEPLOYMENTS_QUERY, HORIZON, NOW, deploy, p};
use gitlab_payloads::{ALICE, commit, compare, deployment, sha, z};
use gitlab_server::{Gitlab, Served};
use gitlab_store::MemoryStore;

const TOKEN: &str = "glpat-TOPSECRET-0123456789abcdef";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

fn client() -> HttpClient {
    HttpClient::new(
        HttpSettings {
            user_agent: "flowdeck-test/1".into(),
            max_retries: 0,
            jitter: Jitter::Off,
            ..HttpSettings::default()
        },
        Arc::new(MemoryEtagCache::new()),
        Arc::new(SystemClock),
    )
    .unwrap()
}

fn config(gitlab: &Gitlab) -> GitlabSourceConfig {
    toml::from_str(&format!(
        "service = \"web\"\nproject = \"group/web\"\nbase_url = {:?}\n",
        gitlab.uri()
    ))
    .unwrap()
}

fn source(gitlab: &Gitlab, http: HttpClient) -> GitlabSource {
    GitlabSource::new(&config(gitlab), http)
        .unwrap()
        .with_token(SecretString::from(TOKEN))
}

fn context(store: &Arc<MemoryStore>) -> SyncContext {
    SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(NOW),
        backfill: Duration::days(gitlab_fixture::BACKFILL_DAYS),
        lease: None,
    }
}

/// One sync committed as the poller commits it.
async fn sync(source: &GitlabSource, store: &Arc<MemoryStore>) -> (SyncOutcome, UpsertCount) {
    let outcome = source.sync(&context(store)).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(at(NOW)),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    let count = store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    (outcome, count)
}

fn paths(served: &[Served]) -> Vec<String> {
    served
        .iter()
        .map(|s| s.url.split('?').next().unwrap().to_string())
        .collect()
}

fn count(served: &[Served], path_tail: &str) -> usize {
    paths(served)
        .iter()
        .filter(|p| p.ends_with(path_tail))
        .count()
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

macro_rules! assert_close {
    ($actual:expr, $expected:expr) => {
        assert!(
            close($actual, $expected),
            "{} = {:?}, expected {}",
            stringify!($actual),
            $actual,
            $expected
        )
    };
}

#[tokio::test]
async fn a_first_sync_gives_the_hand_computed_dora_numbers() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());
    assert_eq!(source.name(), "gitlab:group/web");

    let (outcome, _) = sync(&source, &store).await;
    assert_eq!(outcome.covers_from, Some(at(HORIZON)));

    // The request sequence of a first sync (34 requests): the project; environments; merge
    // requests (2 pages), the open ones, commits (6: !1 has two pages) and notes (6: !1's
    // first page has no review) of the 5 merged ones; pipelines (2 pages) and the details of the
    // 5 finished ones; production deployments (2 of 3 pages), 4 compares, 4 deployment MR lists.
    let served = gitlab.served();
    assert_eq!(served.len(), 34, "{:#?}", paths(&served));
    assert!(served.iter().all(|s| s.status == 200 && !s.conditional));
    assert!(served.iter().all(|s| s.token.as_deref() == Some(TOKEN)));
    assert_eq!(count(&served, "/repository/compare"), 4);
    let mr_lists = paths(&served)
        .iter()
        .filter(|u| **u == p("/merge_requests"))
        .count();
    assert_eq!(mr_lists, 3, "two pages and the open ones");
    assert_eq!(
        count(&served, "/merge_requests") - mr_lists,
        4,
        "one per compared deployment"
    );
    assert_eq!(
        count(&served, "/deployments"),
        2,
        "page 3 is past the baseline"
    );
    assert!(!served.iter().any(|s| s.url.contains("environment=staging")));
    let details: Vec<String> = paths(&served)
        .into_iter()
        .filter(|p| p.contains("/pipelines/"))
        .collect();
    assert_eq!(
        details,
        ["2008", "2004", "2003", "2002", "2001"]
            .map(|id| p(&format!("/pipelines/{id}")))
            .to_vec(),
        "details only for finished pipelines of the backfill that are not child pipelines"
    );
    // The baseline is not compared: the first compare starts from its sha.
    assert!(
        served
            .iter()
            .filter(|s| s.url.contains("/repository/compare"))
            .all(|s| !s.url.contains(&format!("to={}", sha("base"))))
    );

    // What was stored.
    let events = store.events();
    let ids: Vec<&str> = events.deployments.iter().map(|d| d.id.as_str()).collect();
    for id in [100, 101, 102, 103, 104, 105] {
        assert!(
            ids.contains(&format!("gitlab:group/web:{id}").as_str()),
            "{ids:?}"
        );
    }
    assert_eq!(events.deployments.len(), 6, "#99 lies beyond the baseline");
    let deployment = |id: u64| {
        events
            .deployments
            .iter()
            .find(|d| d.id == format!("gitlab:group/web:{id}"))
            .unwrap()
    };
    let failed_job = deployment(102);
    assert_eq!(failed_job.status, DeploymentStatus::Failure);
    assert!(!failed_job.counts() && failed_job.changes.is_empty());
    assert!(
        deployment(100).changes.is_empty(),
        "the baseline ships nothing known"
    );
    let d5 = deployment(105);
    assert_eq!(d5.name.as_deref(), Some("v1.5.0"));
    assert_eq!(d5.ref_name.as_deref(), Some("v1.5.0"));
    assert_eq!(d5.environment, "production");
    assert_eq!(d5.finished_at, at("2026-03-20T10:00:00Z"));
    assert_eq!(
        d5.url.as_deref(),
        Some("https://gitlab.example.com/group/web/-/environments/1/deployments/15")
    );
    assert_eq!(deployment(104).name, None);
    let d1 = deployment(101);
    let shas: Vec<&str> = d1.changes.iter().map(|c| c.sha.as_str()).collect();
    assert_eq!(shas, [sha("m1"), sha("c2"), sha("c1")], "newest first");
    assert!(d1.changes[0].merge && !d1.changes[1].merge);
    assert_eq!(d1.changes[0].pr, Some(1), "See merge request group/web!1");
    assert_eq!(
        d1.changes[1].pr,
        Some(1),
        "the head sha of !1, from the deployment's MRs"
    );
    assert_eq!(d1.changes[2].pr, None);
    assert_eq!(
        d1.changes[2].authored_at,
        at("2026-03-01T10:00:00Z"),
        "+01:00 read as UTC"
    );
    let r1 = &deployment(104).changes[0];
    assert_eq!(
        r1.reverts.as_deref(),
        Some(sha("c3").as_str()),
        "git's wording"
    );
    let d5_changes: Vec<(&str, Option<u64>, Option<&str>)> = d5
        .changes
        .iter()
        .map(|c| (c.title.as_str(), c.pr, c.reverts.as_deref()))
        .collect();
    let m4 = sha("m4");
    assert_eq!(
        d5_changes,
        [
            ("Merge branch 'revert-1a2b3c4d' into 'main'", Some(6), None),
            ("Revert \"Speed up search\"", Some(6), Some(m4.as_str())),
            ("Fix typo", Some(7), None),
        ],
        "GitLab's \"This reverts merge request !4\" resolves to !4's merge sha; head and squash shas link !6 and !7"
    );

    let mut numbers: Vec<u64> = events.pull_requests.iter().map(|pr| pr.number).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        [1, 2, 3, 4, 5, 6, 7, 8],
        "!9 lies before the horizon; !5 is open"
    );
    let pr = |n: u64| {
        events
            .pull_requests
            .iter()
            .find(|pr| pr.number == n)
            .unwrap()
    };
    assert_eq!(
        pr(1).first_commit_at,
        Some(at("2026-03-01T10:00:00Z")),
        "on page 2"
    );
    assert_eq!(
        pr(1).first_review_at,
        Some(at("2026-03-01T15:00:00Z")),
        "not the author's note"
    );
    assert_eq!(
        pr(2).first_review_at,
        Some(at("2026-03-04T16:00:00Z")),
        "an approval"
    );
    assert_eq!(
        pr(6).first_review_at,
        None,
        "a self-approval and a bot are no review"
    );
    assert_eq!(pr(6).reverts_pr, Some(4));
    assert_eq!(pr(7).merge_sha.as_deref(), Some(sha("c5").as_str()));
    assert_eq!(pr(3).closed_at, Some(at("2026-03-04T09:00:00Z")));
    assert_eq!(pr(3).merged_at, None);
    assert_eq!(pr(5).first_commit_at, None, "open: no commits read");
    assert_eq!(pr(1).author, ALICE.username);
    assert_eq!(pr(1).head_branch.as_deref(), Some("search"));

    let mut runs: Vec<&str> = events.pipeline_runs.iter().map(|r| r.id.as_str()).collect();
    runs.sort_unstable();
    assert_eq!(runs.len(), 8, "{runs:?}");
    let run = |id: u64| {
        events
            .pipeline_runs
            .iter()
            .find(|r| r.id == format!("gitlab:group/web:pipeline:{id}"))
            .unwrap()
    };
    assert_eq!(
        (run(2006).status, run(2006).conclusion),
        (RunStatus::Completed, Some(RunConclusion::ActionRequired))
    );
    assert_eq!(
        (run(2007).status, run(2007).conclusion),
        (RunStatus::InProgress, None)
    );
    assert_eq!(run(2004).conclusion, Some(RunConclusion::Cancelled));
    assert_eq!(run(2004).started_at, Some(at("2026-03-08T10:09:00Z")));
    assert_eq!(run(2005).conclusion, Some(RunConclusion::Skipped));
    assert_eq!(run(2008).workflow, "push");

    // The measures over [2026-03-01, 2026-03-31).
    let history = History::derive(events, Rules::default());
    let window = Window::new(at(HORIZON), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));

    // Deployments in the window: D1 03-02, D3 03-05, D4 03-10, D5 03-20 (D2 failed, D0 before).
    // Deploy-days per whole week (Mon 2, 9, 16, 23): 2, 1, 1, 0 → median 1.
    let f = &m.deployment_frequency;
    assert_eq!((f.deployments, f.deploy_days), (4, 4));
    assert_close!(f.per_day, 4.0 / 30.0);
    assert_close!(f.median_deploy_days_per_week, 1.0);

    // Lead times (finished − authored), merges left out:
    //   D1: c1 03-01 10:00 → 03-02 10:00 = 86400; c2 04:00 → 10:00 = 21600
    //   D3: c3 03-04 12:00 → 03-05 12:00 = 86400
    //   D4: c4 03-08 10:00 → 03-10 10:00 = 172800; r1 08:00 → 10:00 = 7200
    //   D5: c5 03-19 11:00 → 03-20 10:00 = 82800; r2 08:00 → 10:00 = 7200
    // sorted 7200 7200 21600 82800 86400 86400 172800: median 82800;
    // p90 at rank 0.9 × 6 = 5.4: 86400 + 0.4 × 86400 = 120960.
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 7);
    assert_close!(l.median_seconds, 82_800.0);
    assert_close!(l.p90_seconds, 120_960.0);

    // Failures: D3 (c3 reverted by r1, shipped by D4) and D4 (!4's merge m4 reverted by r2 and by
    // the revert MR !6, shipped by D5): 2 of 4.
    let c = &m.change_failure_rate;
    assert_eq!((c.deployments, c.failed), (4, 2));
    assert_close!(c.rate, 0.5);
    let facts = |id: u64| {
        let i = history
            .events
            .deployments
            .iter()
            .position(|d| d.id == format!("gitlab:group/web:{id}"))
            .unwrap();
        &history.deployments[i]
    };
    assert!(
        facts(103)
            .failure_reasons
            .iter()
            .all(|r| r.kind == ReasonKind::Revert)
    );
    assert!(
        facts(104)
            .failure_reasons
            .iter()
            .any(|r| r.kind == ReasonKind::Revert && r.reference == sha("r2"))
    );
    assert!(!facts(101).failed() && !facts(105).failed());

    // Recovery: D3 03-05 12:00 → D4 03-10 10:00 = 424800; D4 03-10 10:00 → D5 03-20 10:00 =
    // 864000. Median 644400; p90 424800 + 0.9 × 439200 = 820080.
    let r = &m.failed_deployment_recovery_time;
    assert_eq!((r.failed, r.recovered, r.unrecovered), (2, 2, 0));
    assert_close!(r.median_seconds, 644_400.0);
    assert_close!(r.p90_seconds, 820_080.0);

    // Rework: D4 and D5 ship reverts: 2 of 4.
    let w = &m.deployment_rework_rate;
    assert_eq!((w.deployments, w.rework), (4, 2));
    assert_close!(w.rate, 0.5);
    assert_eq!(m.time_to_restore.incidents, 0);
    assert_eq!(m.time_to_restore.median_seconds, None);

    // CI: success P1 P3 P8, failure P2 (canceled, skipped, manual, running left out): 3 of 4.
    // Durations 600 840 900 1200: median 870, p90 900 + 0.7 × 300 = 1110.
    // Queues of every run that started (P4 canceled included): 120 60 180 240 90 → median 120.
    let ci = &m.ci;
    assert_eq!((ci.runs, ci.succeeded), (4, 3));
    assert_close!(ci.success_rate, 0.75);
    assert_close!(ci.median_duration_seconds, 870.0);
    assert_close!(ci.p90_duration_seconds, 1110.0);
    assert_close!(ci.median_queue_seconds, 120.0);

    // Merged in the window: !1 !2 !4 !6 !7 (first commit → opened → first review → merged →
    // deployed):
    //   !1 03-01 10:00 → 12:00 → 15:00 → 03-02 09:30 → D1 10:00: 7200 10800 66600 1800, 86400
    //   !2 03-04 12:00 → 13:00 → 16:00 → 03-05 10:00 → D3 12:00: 3600 10800 64800 7200, 86400
    //   !4 03-08 10:00 → 11:00 → 15:00 → 03-09 10:00 → D4 03-10 10:00: 3600 14400 68400 86400, 172800
    //   !6 03-20 08:00 → 08:05 → (none) → 09:00 → D5 10:00: 300 – – 3600, 7200
    //   !7 03-19 09:00 → 10:30 → 10:45 → 11:00 → D5 03-20 10:00: 5400 900 900 82800, 90000
    // cycle 7200 86400 86400 90000 172800: median 86400, p90 90000 + 0.6 × 82800 = 139680;
    // coding median 3600; pickup (900 10800 10800 14400) 10800; review (900 64800 66600 68400)
    // 65700; deploy (1800 3600 7200 82800 86400) 7200.
    let pr_time = &m.pr_cycle_time;
    assert_eq!(pr_time.prs, 5);
    assert_close!(pr_time.median_seconds, 86_400.0);
    assert_close!(pr_time.p90_seconds, 139_680.0);
    assert_close!(pr_time.coding_median_seconds, 3600.0);
    assert_close!(pr_time.pickup_median_seconds, 10_800.0);
    assert_close!(pr_time.review_median_seconds, 65_700.0);
    assert_close!(pr_time.deploy_median_seconds, 7200.0);

    // Batch size: D1 2, D3 1, D4 2, D5 2 → 2. WIP at 03-31: !8 (3 days) and !5 (80 days).
    assert_close!(m.batch_size.median_changes, 2.0);
    assert_eq!(m.wip.open_prs, 2);
    assert_close!(m.wip.median_age_seconds, (259_200.0 + 6_912_000.0) / 2.0);
}

#[tokio::test]
async fn an_unchanged_project_costs_four_conditional_requests_answered_304() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());
    sync(&source, &store).await;
    let before = store.events();
    gitlab.clear_log();

    let (outcome, count) = sync(&source, &store).await;

    // environments, merge requests page 1, pipelines page 1, production deployments page 1.
    let served = gitlab.served();
    assert_eq!(served.len(), 4, "{:#?}", paths(&served));
    assert!(
        served.iter().all(|s| s.conditional && s.status == 304),
        "{served:#?}"
    );
    assert_eq!(outcome.events, Default::default());
    assert_eq!(count.inserted + count.updated, 0);
    assert_eq!(store.events(), before);
    assert_eq!(
        store.loads(),
        0,
        "an ordinary poll reads nothing back from the store"
    );
}

#[tokio::test]
async fn a_restart_resumes_from_the_watermarks_without_a_new_backfill() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    sync(&source(&gitlab, client()), &store).await;
    let marks = store.watermarks("gitlab:group/web");
    let keys: Vec<&str> = marks.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "deployments:last",
            "deployments:production",
            "horizon",
            "merge_requests",
            "pipelines",
            "project"
        ]
    );
    let mark = |key: &str| marks.iter().find(|(k, _)| k == key).unwrap().1.clone();
    assert_eq!(mark("horizon"), "2026-03-01T00:00:00.000Z");
    assert_eq!(
        mark("deployments:production"),
        "2026-03-20T10:00:00.000Z 105"
    );
    assert_eq!(mark("pipelines"), "2026-03-30T23:05:00.000Z 2007");
    assert!(mark("deployments:last").contains(&sha("m6")));

    // A new process: a new HTTP client (no ETags yet) and a new source over the same store.
    gitlab.clear_log();
    let restarted = source(&gitlab, client());
    let (outcome, count) = sync(&restarted, &store).await;
    let served = gitlab.served();
    assert_eq!(served.len(), 4, "{:#?}", paths(&served));
    assert!(served.iter().all(|s| s.status == 200));
    for url in &served {
        assert!(!url.url.contains("&page="), "first pages only: {}", url.url);
        assert!(
            !url.url.contains("state=opened"),
            "no backfill: {}",
            url.url
        );
    }
    assert_eq!(outcome.events, Default::default());
    assert_eq!(count, UpsertCount::default());

    // A deployment after the restart: compared with the newest stored one, nothing else.
    let d6 = flowdeck_d6();
    gitlab
        .page(
            &p("/deployments"),
            &DEPLOYMENTS_QUERY,
            1,
            3,
            8,
            vec![
                deployment(&d6),
                deployment(&deploy(
                    105,
                    "m6",
                    "v1.5.0",
                    "success",
                    "2026-03-20T10:00:00",
                )),
                deployment(&deploy(104, "r1", "main", "success", "2026-03-10T10:00:00")),
            ],
            1,
        )
        .await;
    gitlab
        .object(
            &p("/repository/compare"),
            &[
                ("from", &sha("m6")),
                ("to", &sha("c6")),
                ("straight", "false"),
            ],
            compare(vec![c6()]),
        )
        .await;
    gitlab
        .list(
            &p("/deployments/106/merge_requests"),
            &[("per_page", "100")],
            vec![],
        )
        .await;
    gitlab.clear_log();
    let (outcome, count) = sync(&restarted, &store).await;
    let served = gitlab.served();
    assert_eq!(count.inserted, 1);
    assert_eq!(outcome.events.deployments.len(), 1);
    let stored = &outcome.events.deployments[0];
    assert_eq!(stored.id, "gitlab:group/web:106");
    assert_eq!(stored.changes.len(), 1);
    assert_eq!(stored.changes[0].sha, sha("c6"));
    assert_eq!(count_urls(&served, "/repository/compare"), 1);
    assert_eq!(store.loads(), 0);
    let last = store
        .watermarks("gitlab:group/web")
        .into_iter()
        .find(|(k, _)| k == "deployments:last")
        .unwrap()
        .1;
    assert!(last.contains("gitlab:group/web:106"), "{last}");
}

fn count_urls(served: &[Served], tail: &str) -> usize {
    count(served, tail)
}

fn flowdeck_d6() -> gitlab_payloads::Deploy {
    deploy(106, "c6", "main", "success", "2026-03-30T12:00:00")
}

fn c6() -> Value {
    commit(
        "c6",
        "Warm the cache",
        "",
        ALICE,
        &z("2026-03-30T10:00:00"),
        &z("2026-03-30T10:00:00"),
        &["m6"],
    )
}

#[tokio::test]
async fn a_late_deployment_is_fitted_into_the_stored_order() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());
    sync(&source, &store).await;

    // #110 finished 03-15, between D4 (03-10) and D5 (03-20), but shows up only now (updated
    // 03-30): it ships "late" after D4's r1, and D5 now ships only what came after it.
    let mut late = deploy(110, "late", "main", "success", "2026-03-15T10:00:00");
    late.updated = z("2026-03-30T00:00:00");
    gitlab
        .page(
            &p("/deployments"),
            &DEPLOYMENTS_QUERY,
            1,
            3,
            8,
            vec![
                deployment(&late),
                deployment(&deploy(
                    105,
                    "m6",
                    "v1.5.0",
                    "success",
                    "2026-03-20T10:00:00",
                )),
                deployment(&deploy(104, "r1", "main", "success", "2026-03-10T10:00:00")),
            ],
            1,
        )
        .await;
    let late_commit = commit(
        "late",
        "Tune the pool",
        "",
        ALICE,
        &z("2026-03-15T09:00:00"),
        &z("2026-03-15T09:00:00"),
        &["r1"],
    );
    gitlab
        .object(
            &p("/repository/compare"),
            &[
                ("from", &sha("r1")),
                ("to", &sha("late")),
                ("straight", "false"),
            ],
            compare(vec![late_commit]),
        )
        .await;
    gitlab
        .object(
            &p("/repository/compare"),
            &[
                ("from", &sha("late")),
                ("to", &sha("m6")),
                ("straight", "false"),
            ],
            compare(["r2", "m6"].iter().map(|n| gitlab_fixture::c(n)).collect()),
        )
        .await;
    gitlab
        .list(
            &p("/deployments/110/merge_requests"),
            &[("per_page", "100")],
            vec![],
        )
        .await;

    let (outcome, _) = sync(&source, &store).await;
    assert_eq!(
        store.loads(),
        1,
        "only a late arrival reads the stored deployments"
    );
    let ids: Vec<&str> = outcome
        .events
        .deployments
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(ids, ["gitlab:group/web:110", "gitlab:group/web:105"]);
    let d5 = &outcome.events.deployments[1];
    let titles: Vec<&str> = d5.changes.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Merge branch 'revert-1a2b3c4d' into 'main'",
            "Revert \"Speed up search\""
        ]
    );
    assert_eq!(
        d5.changes[1].reverts.as_deref(),
        Some(sha("m4").as_str()),
        "what was resolved when D5 was first stored is kept"
    );
    assert_eq!(d5.changes[0].pr, Some(6));
    let events = store.events();
    assert_eq!(events.deployments.iter().filter(|d| d.counts()).count(), 6);
}

#[tokio::test]
async fn a_401_is_a_config_error_naming_project_and_host_without_the_token() {
    let gitlab = Gitlab::start().await;
    gitlab.fail_all(401, "401 Unauthorized").await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());

    let error = source.sync(&context(&store)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(!error.is_retryable());
    let text = error.to_string();
    assert!(text.contains("group/web"), "{text}");
    assert!(text.contains(&gitlab.host()), "{text}");
    assert!(text.contains("401"), "{text}");
    for shown in [text, format!("{error:?}"), format!("{source:?}")] {
        assert!(
            !shown.contains(TOKEN) && !shown.contains("TOPSECRET"),
            "{shown}"
        );
    }
    let probe = source.probe(&context(&store)).await.unwrap_err();
    assert!(matches!(probe, SourceError::Config(_)));
    assert!(!probe.to_string().contains("TOPSECRET"));
    assert_eq!(
        gitlab.served().len(),
        2,
        "one request each: a 401 is not retried"
    );
}

#[tokio::test]
async fn a_404_says_the_project_is_missing_or_invisible_on_that_host() {
    let gitlab = Gitlab::start().await;
    gitlab.fail_all(404, "404 Project Not Found").await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());

    let error = source.sync(&context(&store)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("has no project group/web"), "{text}");
    assert!(text.contains(&gitlab.host()), "{text}");
    assert!(text.contains("token cannot"), "{text}");
    assert!(!text.contains("TOPSECRET"));
}

#[tokio::test]
async fn the_token_is_sent_but_never_stored_shown_or_probed() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());
    sync(&source, &store).await;
    let report = source.probe(&context(&store)).await.unwrap();

    assert!(
        gitlab
            .served()
            .iter()
            .all(|s| s.token.as_deref() == Some(TOKEN))
    );
    assert!(
        report.contains("4 successful deployments to production"),
        "{report}"
    );
    assert!(report.contains("9 pipelines since 2026-03-01"), "{report}");
    assert!(
        report.contains("authenticated as @flowdeck-reader"),
        "{report}"
    );
    assert!(report.contains("(private project)"), "{report}");
    assert!(report.contains("1990 of 2000 requests left"), "{report}");
    let everything = [
        serde_json::to_string(&store.events()).unwrap(),
        format!("{:?}", store.watermarks("gitlab:group/web")),
        format!("{:?}", store.statuses().unwrap()),
        report,
        format!("{source:?}"),
    ];
    for shown in everything {
        assert!(!shown.contains("TOPSECRET"), "{shown}");
    }
}

#[tokio::test]
async fn a_failing_request_fails_the_whole_sync_and_the_next_one_stores_everything_once() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    // The compare of D3 answers 502 with an HTML page once (retries are off in these tests).
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(p("/repository/compare")))
        .and(wiremock::matchers::query_param("to", sha("m2")))
        .respond_with(
            wiremock::ResponseTemplate::new(502)
                .set_body_raw("<html><body>502 Bad Gateway</body></html>", "text/html"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&gitlab.server)
        .await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());

    let error = source.sync(&context(&store)).await.unwrap_err();
    assert!(matches!(error, SourceError::Transient(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("compare") && text.contains("group/web"),
        "{text}"
    );
    assert!(
        text.contains(&gitlab.host()) && text.contains("502"),
        "{text}"
    );
    assert!(
        store.watermarks("gitlab:group/web").is_empty(),
        "nothing half-done is kept"
    );

    let (_, count) = sync(&source, &store).await;
    assert_eq!(count.updated, 0);
    let events = store.events();
    assert_eq!(events.deployments.len(), 6);
    assert_eq!(events.pull_requests.len(), 8);
    assert_eq!(events.pipeline_runs.len(), 8);
}

#[tokio::test]
async fn a_page_cached_by_a_failed_sync_is_still_read_after_its_304() {
    let gitlab = Gitlab::start().await;
    gitlab_fixture::mount(&gitlab).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&gitlab, client());
    sync(&source, &store).await;

    // D6 appears; the sync that first sees it fails at D6's compare (after page 1 was cached).
    gitlab
        .page(
            &p("/deployments"),
            &DEPLOYMENTS_QUERY,
            1,
            3,
            8,
            vec![
                deployment(&flowdeck_d6()),
                deployment(&deploy(
                    105,
                    "m6",
                    "v1.5.0",
                    "success",
                    "2026-03-20T10:00:00",
                )),
                deployment(&deploy(104, "r1", "main", "success", "2026-03-10T10:00:00")),
            ],
            1,
        )
        .await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(p("/repository/compare")))
        .and(wiremock::matchers::query_param("to", sha("c6")))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&gitlab.server)
        .await;
    gitlab
        .object(
            &p("/repository/compare"),
            &[
                ("from", &sha("m6")),
                ("to", &sha("c6")),
                ("straight", "false"),
            ],
            compare(vec![c6()]),
        )
        .await;
    gitlab
        .list(
            &p("/deployments/106/merge_requests"),
            &[("per_page", "100")],
            vec![],
        )
        .await;
    let error = source.sync(&context(&store)).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");

    // The next poll gets 304 for that page, and still ships D6.
    gitlab.clear_log();
    let (outcome, _) = sync(&source, &store).await;
    let deployments_page = gitlab
        .served()
        .into_iter()
        .find(|s| s.url.starts_with(&p("/deployments?")))
        .unwrap();
    assert_eq!(deployments_page.status, 304);
    assert_eq!(outcome.events.deployments.len(), 1);
    assert_eq!(outcome.events.deployments[0].id, "gitlab:group/web:106");
    assert_eq!(outcome.events.deployments[0].changes.len(), 1);
}
