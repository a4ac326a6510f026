//! The CircleCI source against a local CircleCI (tests/support/circleci_server.rs): the
//! pipelines and workflows of a month worked out by hand (deployments, a failed deploy job, a
//! cancelled one, a rollback, CI runs, a pipeline that errored, one still running), the report
//! numbers they give, `page-token` paging, what an unchanged poll costs, a pipeline followed
//! until its workflows end, hostile answers, a rejected token, and `check`'s probe.

use crate::support::{circleci_server, gitlab_store};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::config::CircleciSourceConfig;
use flowdeck::metrics::{History, Rules, Scope, Window, compute};
use flowdeck::model::{DeploymentStatus, RunConclusion, RunStatus};
use flowdeck::sources::SourceError;
use flowdeck::sources::circleci::CircleciSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use wiremock::ResponseTemplate;

use circleci_server::{Circleci, Pipe, TOKEN, pipe, pipeline_id, wf};
use gitlab_store::MemoryStore;

pub const NOW: &str = "2026-03-31T00:00:00Z";
const HORIZON: &str = "2026-03-01T00:00:00Z";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

pub fn client() -> HttpClient {
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

pub fn config(base: &str) -> CircleciSourceConfig {
    toml::from_str(&format!(
        "service = \"api\"\nproject = \"gh/acme/api\"\ndeploy_workflows = [\"deploy\"]\nbase_url = {base:?}\ntoken_cmd = \"printf %s {TOKEN}\"\n"
    ))
    .unwrap()
}

fn source(cci: &Circleci) -> CircleciSource {
    CircleciSource::new(&config(&cci.uri()), client()).unwrap()
}

fn context(store: &Arc<MemoryStore>, now: &str) -> SyncContext {
    SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(now),
        backfill: chrono::Duration::days(30),
        lease: None,
    }
}

async fn sync(
    source: &CircleciSource,
    store: &Arc<MemoryStore>,
    now: &str,
) -> (SyncOutcome, UpsertCount) {
    let outcome = source.sync(&context(store, now)).await.unwrap();
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(at(now)),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    let count = store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    (outcome, count)
}

fn build(id: &str, status: &str, created: &str, minutes: i64) -> circleci_server::Wf {
    wf(id, "build", status, created, Some(minutes))
}

fn deploy(id: &str, status: &str, created: &str, minutes: Option<i64>) -> circleci_server::Wf {
    wf(id, "deploy", status, created, minutes)
}

/// March 2026, by hand (horizon 03-01, now 03-31):
///
/// | # | sha | created | build | deploy |
/// |---|---|---|---|---|
/// | 1 | s0 | 02-20 10:00 | success 10 m | success 10:15–10:20 (before the horizon: the predecessor) |
/// | 2 | a1 | 03-02 10:00 | success 10 m | success 10:15–10:25 |
/// | 3 | a2 | 03-05 10:00 | failed 8 m | — |
/// | 4 | a3 | 03-09 10:00 | success 10 m | failed 10:15–10:20 (a failed deploy job) |
/// | 5 | a4 | 03-10 10:00 | success 10 m | canceled 10:15–10:16 |
/// | 6 | a5 | 03-12 10:00 | success 10 m | success 10:15–10:25 |
/// | 7 | a1 | 03-20 10:00 | — | success 10:15–10:25 (back to #2's sha: a rollback) |
/// | 8 | a6 | 03-22 10:00 | errored pipeline (config error): no workflow | |
/// | 9 | a7 | 03-25 10:00 | running | on_hold (waiting for approval) |
pub fn march() -> Vec<Pipe> {
    vec![
        pipe(
            1,
            "50000000000000000000000000000000000000a0",
            "2026-02-20T10:00:00.000Z",
            vec![
                build("b1", "success", "2026-02-20T10:00:00.000Z", 10),
                deploy("d1", "success", "2026-02-20T10:15:00.000Z", Some(5)),
            ],
        ),
        pipe(
            2,
            "a100000000000000000000000000000000000001",
            "2026-03-02T10:00:00.000Z",
            vec![
                build("b2", "success", "2026-03-02T10:00:00.000Z", 10),
                deploy("d2", "success", "2026-03-02T10:15:00.000Z", Some(10)),
            ],
        ),
        pipe(
            3,
            "a200000000000000000000000000000000000002",
            "2026-03-05T10:00:00.000Z",
            vec![build("b3", "failed", "2026-03-05T10:00:00.000Z", 8)],
        ),
        pipe(
            4,
            "a300000000000000000000000000000000000003",
            "2026-03-09T10:00:00.000Z",
            vec![
                build("b4", "success", "2026-03-09T10:00:00.000Z", 10),
                deploy("d4", "failed", "2026-03-09T10:15:00.000Z", Some(5)),
            ],
        ),
        pipe(
            5,
            "a400000000000000000000000000000000000004",
            "2026-03-10T10:00:00.000Z",
            vec![
                build("b5", "success", "2026-03-10T10:00:00.000Z", 10),
                deploy("d5", "canceled", "2026-03-10T10:15:00.000Z", Some(1)),
            ],
        ),
        pipe(
            6,
            "a500000000000000000000000000000000000005",
            "2026-03-12T10:00:00.000Z",
            vec![
                build("b6", "success", "2026-03-12T10:00:00.000Z", 10),
                deploy("d6", "success", "2026-03-12T10:15:00.000Z", Some(10)),
            ],
        ),
        pipe(
            7,
            "a100000000000000000000000000000000000001",
            "2026-03-20T10:00:00.000Z",
            vec![deploy(
                "d7",
                "success",
                "2026-03-20T10:15:00.000Z",
                Some(10),
            )],
        ),
        pipe(
            8,
            "a600000000000000000000000000000000000006",
            "2026-03-22T10:00:00.000Z",
            vec![],
        )
        .errored(),
        pipe(
            9,
            "a700000000000000000000000000000000000007",
            "2026-03-25T10:00:00.000Z",
            vec![
                wf("b9", "build", "running", "2026-03-25T10:00:00.000Z", None),
                deploy("d9", "on_hold", "2026-03-25T10:00:00.000Z", None),
            ],
        ),
    ]
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

#[tokio::test]
async fn a_month_of_pipelines_gives_the_numbers_worked_out_by_hand() {
    let cci = Circleci::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, _) = sync(&source(&cci), &store, NOW).await;
    assert_eq!(outcome.covers_from, Some(at(HORIZON)));

    // One page of pipelines, the workflows of #2 … #9, then #1's (the predecessor).
    let served = cci.served();
    let paths: Vec<&str> = served.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths[0], "/api/v2/project/gh/acme/api/pipeline");
    let mut expected = vec!["/api/v2/project/gh/acme/api/pipeline".to_string()];
    expected.extend(
        (2..=9)
            .rev()
            .chain([1])
            .map(|n| format!("/api/v2/pipeline/{}/workflow", pipeline_id(n))),
    );
    assert_eq!(paths, expected);
    assert!(served.iter().all(|s| s.token.as_deref() == Some(TOKEN)));

    let events = store.events();
    let deployment = |id: &str| {
        events
            .deployments
            .iter()
            .find(|d| d.id == format!("circleci:gh/acme/api:{id}"))
            .unwrap_or_else(|| panic!("no deployment {id}"))
    };
    assert_eq!(events.deployments.len(), 7, "d1 d2 d4 d5 d6 d7 d9");
    assert_eq!(deployment("d4").status, DeploymentStatus::Failure);
    assert_eq!(deployment("d5").status, DeploymentStatus::Cancelled);
    assert_eq!(deployment("d9").status, DeploymentStatus::InProgress);
    let d2 = deployment("d2");
    assert_eq!(d2.status, DeploymentStatus::Success);
    assert_eq!(d2.sha, "a100000000000000000000000000000000000001");
    assert_eq!(d2.ref_name.as_deref(), Some("main"));
    assert_eq!(d2.environment, "production");
    assert_eq!(d2.started_at, Some(at("2026-03-02T10:15:00Z")));
    assert_eq!(d2.finished_at, at("2026-03-02T10:25:00Z"));
    assert!(
        d2.changes.is_empty(),
        "CircleCI knows the sha, not the commits it shipped"
    );
    assert_eq!(
        d2.url.as_deref(),
        Some(format!("{}/pipelines/github/acme/api/2/workflows/d2", cci.uri()).as_str())
    );

    let run = |id: &str| {
        events
            .pipeline_runs
            .iter()
            .find(|r| r.id == format!("circleci:gh/acme/api:{id}"))
            .unwrap_or_else(|| panic!("no run {id}"))
    };
    assert_eq!(
        events.pipeline_runs.len(),
        7,
        "builds of #2 … #6 and #9, #8's setup (of #1, the predecessor, only its deployment)"
    );
    assert_eq!(run("3:build").conclusion, Some(RunConclusion::Failure));
    assert_eq!(
        (run("8:pipeline").conclusion, run("8:pipeline").sha.as_str()),
        (
            Some(RunConclusion::StartupFailure),
            "a600000000000000000000000000000000000006"
        ),
        "an errored pipeline's sha comes from trigger_parameters"
    );
    assert_eq!(
        (run("9:build").status, run("9:build").conclusion),
        (RunStatus::InProgress, None)
    );

    // The measures over [03-01, 03-31).
    let history = History::derive(events, Rules::default());
    let window = Window::new(at(HORIZON), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    // Counted: d2 (03-02), d6 (03-12), d7 (03-20); d1 is the baseline before the window, d4
    // failed, d5 was cancelled, d9 is not done.
    let f = &m.deployment_frequency;
    assert_eq!((f.deployments, f.deploy_days), (3, 3));
    assert!(close(f.per_day, 3.0 / 30.0));
    // d7 deploys a1, d2's sha, and d2 is not its predecessor (d6 is): d6 failed (rollback).
    let c = &m.change_failure_rate;
    assert_eq!((c.deployments, c.failed), (3, 1));
    assert!(close(c.rate, 1.0 / 3.0));
    // d7 is rework (the rollback).
    assert_eq!(m.deployment_rework_rate.rework, 1);
    // d6 (finished 03-12 10:25) was undone by d7 (03-20 10:25): 8 days.
    let r = &m.failed_deployment_recovery_time;
    assert_eq!((r.failed, r.recovered), (1, 1));
    assert!(close(r.median_seconds, 8.0 * 86_400.0), "{r:?}");
    // No commits without a git source: lead time unknown.
    assert_eq!(m.lead_time_for_changes.changes, 0);
    assert_eq!(m.lead_time_for_changes.median_seconds, None);
    // CI: builds of #2 … #6 (4 success, 1 failed) and #8's startup failure decided; #9 runs.
    // Durations 480, 600 × 4: median 600.
    let ci = &m.ci;
    assert_eq!((ci.runs, ci.succeeded), (6, 4));
    assert!(close(ci.success_rate, 4.0 / 6.0));
    assert!(close(ci.median_duration_seconds, 600.0));
}

#[tokio::test]
async fn an_unchanged_poll_reads_one_page_and_the_running_pipelines() {
    let cci = Circleci::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&cci);
    sync(&source, &store, NOW).await;

    cci.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T00:05:00Z").await;
    let paths: Vec<String> = cci.served().iter().map(|s| s.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/project/gh/acme/api/pipeline".to_string(),
            format!("/api/v2/pipeline/{}/workflow", pipeline_id(9)),
        ],
        "the listing stops at the newest pipeline read; #9 still runs"
    );
    assert_eq!(count.inserted, 0);

    // #9's build passes and its deploy is approved and succeeds; a new pipeline #10 arrives.
    cci.upsert(&[
        pipe(
            9,
            "a700000000000000000000000000000000000007",
            "2026-03-25T10:00:00.000Z",
            vec![
                build("b9", "success", "2026-03-25T10:00:00.000Z", 10),
                deploy("d9", "success", "2026-03-25T10:00:00.000Z", Some(8 * 60)),
            ],
        ),
        pipe(
            10,
            "a800000000000000000000000000000000000008",
            "2026-03-31T00:06:00.000Z",
            vec![build("b10", "success", "2026-03-31T00:06:00.000Z", 3)],
        ),
    ]);
    cci.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T00:10:00Z").await;
    assert_eq!(cci.served().len(), 3, "the page, #10's and #9's workflows");
    assert_eq!(
        (count.inserted, count.updated),
        (1, 2),
        "#10's build; d9 and #9's build"
    );
    let events = store.events();
    let d9 = events
        .deployments
        .iter()
        .find(|d| d.id == "circleci:gh/acme/api:d9")
        .unwrap();
    assert_eq!(d9.status, DeploymentStatus::Success);
    assert_eq!(d9.finished_at, at("2026-03-25T18:00:00Z"));

    cci.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T00:15:00Z").await;
    assert_eq!(cci.served().len(), 1, "nothing runs: one request");
    assert_eq!(count.inserted + count.updated, 0);
}

#[tokio::test]
async fn pages_are_read_with_the_token_handed_out() {
    // 45 pipelines, an hour apart from 03-05, each one build: three pages.
    let start = at("2026-03-05T00:00:00Z");
    let pipes: Vec<Pipe> = (1..=45u64)
        .map(|n| {
            let created = (start + chrono::Duration::hours(i64::try_from(n).unwrap()))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            pipe(
                n,
                &format!("{n:040x}"),
                &created,
                vec![build(&format!("b{n}"), "success", &created, 4)],
            )
        })
        .collect();
    let cci = Circleci::start(&pipes).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, _) = sync(&source(&cci), &store, NOW).await;
    let listing: Vec<Option<String>> = cci
        .served()
        .iter()
        .filter(|s| s.path.ends_with("/pipeline"))
        .map(|s| s.page_token.clone())
        .collect();
    assert_eq!(
        listing,
        [
            None,
            Some("AARLwwV00000020PageTok".into()),
            Some("AARLwwV00000040PageTok".into())
        ]
    );
    assert_eq!(outcome.events.pipeline_runs.len(), 45);
    assert!(outcome.events.deployments.is_empty());
}

#[tokio::test]
async fn hostile_answers_fail_the_sync_and_store_nothing() {
    let cci = Circleci::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&cci);
    let bad = [
        // No items.
        r#"{"next_page_token":null}"#,
        // Cut off.
        r#"{"items":[{"id":"5034460f","number":3,"created_at":"2026-03"#,
        // A created_at that is no time.
        r#"{"items":[{"id":"x","number":1,"created_at":"yesterday"}],"next_page_token":null}"#,
        // items of the wrong type.
        r#"{"items":{"0":1},"next_page_token":null}"#,
        "",
    ];
    for body in bad {
        cci.interrupt(
            ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"),
            1,
            false,
        )
        .await;
        let error = source.sync(&context(&store, NOW)).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{body}: {error:?}");
        assert!(error.to_string().contains(&cci.host()), "{error}");
        assert!(!error.to_string().contains("CCTOPSECRET"));
        assert!(store.events().deployments.is_empty());
        assert!(
            store.watermarks("circleci:gh/acme/api").is_empty(),
            "nothing half-stored"
        );
    }
    // A workflow with escape sequences in its name and a huge status is stored as data (the
    // screen and the reports sanitize text), and does not fail the sync.
    cci.upsert(&[pipe(
        11,
        "a900000000000000000000000000000000000009",
        "2026-03-30T10:00:00.000Z",
        vec![wf(
            "w11",
            "\u{1b}[2Jbuild\u{7}",
            &"x".repeat(100_000),
            "2026-03-30T10:00:00.000Z",
            Some(1),
        )],
    )]);
    let (outcome, _) = sync(&source, &store, NOW).await;
    let odd = outcome
        .events
        .pipeline_runs
        .iter()
        .find(|r| r.id.ends_with(":11:\u{1b}[2Jbuild\u{7}"))
        .unwrap();
    assert_eq!(
        odd.status,
        RunStatus::InProgress,
        "an unknown status is not a success"
    );
}

#[tokio::test]
async fn a_rejected_token_or_unknown_project_is_a_config_error_and_the_token_is_never_shown() {
    let cci = Circleci::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let mut wrong = config(&cci.uri());
    wrong.token_cmd = Some("printf %s WRONG-CCTOPSECRET".into());
    let source = CircleciSource::new(&wrong, client()).unwrap();
    let error = source.sync(&context(&store, NOW)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("401") && text.contains("CIRCLECI_TOKEN"),
        "{text}"
    );
    assert!(!text.contains("CCTOPSECRET") && !format!("{source:?}").contains("CCTOPSECRET"));
    assert_eq!(cci.served().len(), 1, "not retried");

    let mut other = config(&cci.uri());
    other.project = "gh/acme/nope".into();
    let error = CircleciSource::new(&other, client())
        .unwrap()
        .sync(&context(&store, NOW))
        .await
        .unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("gh/acme/nope") && error.to_string().contains("404"),
        "{error}"
    );

    for bad in ["acme/api", "gh/acme/api/x", ""] {
        let mut c = config(&cci.uri());
        c.project = bad.into();
        let error = CircleciSource::new(&c, client()).unwrap_err();
        assert!(matches!(error, SourceError::Config(_)), "{bad}");
    }
}

#[tokio::test]
async fn the_probe_says_what_it_found() {
    let cci = Circleci::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let report = source(&cci).probe(&context(&store, NOW)).await.unwrap();
    assert_eq!(
        report,
        format!(
            "project gh/acme/api on {}, token accepted; 8 pipelines since 2026-03-01T00:00:00Z; newest deploy workflow on_hold 5d 14h ago (pipeline 9)",
            cci.host()
        )
    );
}
