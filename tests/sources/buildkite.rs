//! The Buildkite source against a local Buildkite REST API (tests/support/buildkite_server.rs):
//! a month's hand-computed scenario, increments by `finished_from`, Link paging, rate-limit
//! headers, the fault matrix, `check`, and the request figures.

use crate::support::buildkite_server::{Build, Buildkite, TOKEN};
use crate::support::gitlab_store::MemoryStore;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::config::BuildkiteSourceConfig;
use flowdeck::model::{DeploymentStatus, RunConclusion};
use flowdeck::sources::SourceError;
use flowdeck::sources::buildkite::BuildkiteSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::store::{Store, StoredStatus};
use wiremock::ResponseTemplate;

const NOW: &str = "2026-03-31T00:00:00Z";

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

fn source(bk: &Buildkite) -> BuildkiteSource {
    let config: BuildkiteSourceConfig = toml::from_str(&format!(
        "service = \"api\"\norganization = \"acme\"\ndeploy_pipeline = \"api-deploy\"\nci_pipelines = [\"api\"]\nbase_url = {:?}\ntoken_cmd = \"printf %s {TOKEN}\"\n",
        bk.uri()
    ))
    .unwrap();
    BuildkiteSource::new(&config, client()).unwrap()
}

async fn sync(
    source: &BuildkiteSource,
    store: &Arc<MemoryStore>,
    now: &str,
) -> Result<SyncOutcome, SourceError> {
    let ctx = SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(now),
        backfill: chrono::Duration::days(30),
        lease: None,
    };
    let outcome = source.sync(&ctx).await?;
    let status = StoredStatus {
        name: source.name().to_string(),
        kind: source.kind().to_string(),
        status: "ok".into(),
        last_success_at: Some(at(now)),
        error: None,
        covers_from: outcome.covers_from,
        next_retry_at: None,
    };
    store
        .commit_sync(source.name(), &outcome.events, &outcome.watermarks, &status)
        .unwrap();
    Ok(outcome)
}

fn build(number: u64, state: &'static str, sha: char, created: &str, minutes: i64) -> Build {
    let created_at = at(created);
    Build {
        number,
        state,
        commit: sha.to_string().repeat(40),
        created_at,
        finished_at: (!matches!(state, "running" | "scheduled"))
            .then(|| created_at + chrono::Duration::minutes(minutes)),
    }
}

/// #1 passed before the horizon (the predecessor), #2 failed before it (passed over);
/// March: #3 passed, #4 failed, #5 canceled, #6 passed, #7 passed (a rollback to #3's sha),
/// #8 running.
pub(crate) fn deploys() -> Vec<Build> {
    vec![
        build(1, "passed", 'a', "2026-02-20T12:00:00Z", 5),
        build(2, "failed", 'b', "2026-02-25T12:00:00Z", 5),
        build(3, "passed", 'c', "2026-03-05T12:00:00Z", 5),
        build(4, "failed", 'd', "2026-03-10T12:00:00Z", 5),
        build(5, "canceled", 'd', "2026-03-11T12:00:00Z", 5),
        build(6, "passed", 'd', "2026-03-12T12:00:00Z", 5),
        build(7, "passed", 'c', "2026-03-15T12:00:00Z", 5),
        build(8, "running", 'e', "2026-03-30T12:00:00Z", 5),
    ]
}

pub(crate) fn ci() -> Vec<Build> {
    vec![
        build(90, "passed", 'c', "2026-03-04T10:00:00Z", 3),
        build(91, "failed", 'd', "2026-03-09T12:00:00Z", 3),
        build(92, "skipped", 'd', "2026-03-09T12:30:00Z", 0),
    ]
}

fn status(events: &flowdeck::model::EventSet, n: u64) -> DeploymentStatus {
    events
        .deployments
        .iter()
        .find(|d| d.id == format!("buildkite:acme/api-deploy:{n}"))
        .unwrap_or_else(|| panic!("no build {n}"))
        .status
}

#[tokio::test]
async fn a_month_of_builds_then_polls_that_read_only_what_finished() {
    let bk = Buildkite::start().await;
    let mut builds = deploys();
    bk.set_pipeline("api-deploy", builds.clone());
    bk.set_pipeline("api", ci());
    let store = Arc::new(MemoryStore::new());
    let source = source(&bk);
    sync(&source, &store, NOW).await.unwrap();
    // created_from for each pipeline, and the predecessor: 3 requests.
    assert_eq!(bk.requests(), 3);
    let events = store.events();
    assert_eq!(events.deployments.len(), 7, "#3..#8 and the predecessor #1");
    assert_eq!(status(&events, 1), DeploymentStatus::Success);
    assert_eq!(status(&events, 4), DeploymentStatus::Failure);
    assert_eq!(status(&events, 5), DeploymentStatus::Cancelled);
    assert_eq!(status(&events, 8), DeploymentStatus::InProgress);
    let d3 = events
        .deployments
        .iter()
        .find(|d| d.id.ends_with(":3"))
        .unwrap();
    assert_eq!(d3.sha, "c".repeat(40));
    assert_eq!(d3.finished_at, at("2026-03-05T12:05:00Z"));
    assert_eq!(events.pipeline_runs.len(), 3);
    let conclusions: Vec<_> = events.pipeline_runs.iter().map(|r| r.conclusion).collect();
    assert!(
        conclusions.contains(&Some(RunConclusion::Skipped)),
        "{conclusions:?}"
    );

    // The counted deployments in March (#3, #6, #7) and the failed/cancelled jobs, by hand.
    let history = flowdeck::metrics::History::derive(events, Default::default());
    let now = at(NOW);
    let window = flowdeck::metrics::Window::ending(now, chrono::Duration::days(30));
    let scope = flowdeck::metrics::Scope::all(&history);
    let m = flowdeck::metrics::compute(&history, &scope, &window, now);
    assert_eq!(m.deployment_frequency.deployments, 3);
    assert_eq!(m.change_failure_rate.failed, 1, "the rollback #7 fails #6");
    // No git source: no changes, lead time unknown.
    assert_eq!(m.lead_time_for_changes.median_seconds, None);

    // Unchanged: one finished_from request per pipeline.
    let before = bk.requests();
    sync(&source, &store, NOW).await.unwrap();
    assert_eq!(bk.requests() - before, 2);
    let finished_from: Vec<String> = bk
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .rev()
        .take(2)
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "finished_from")
                .unwrap()
                .1
                .into_owned()
        })
        .collect();
    assert_eq!(
        finished_from,
        ["2026-03-09T12:30:00Z", "2026-03-15T12:05:00Z"]
    );

    // #8 finishes: it is updated in place.
    builds[7].state = "passed";
    builds[7].finished_at = Some(at("2026-03-31T00:10:00Z"));
    bk.set_pipeline("api-deploy", builds);
    sync(&source, &store, "2026-03-31T01:00:00Z").await.unwrap();
    let events = store.events();
    assert_eq!(events.deployments.len(), 7);
    assert_eq!(status(&events, 8), DeploymentStatus::Success);
}

#[tokio::test]
async fn builds_are_paged_by_link_and_the_figures_are_printed() {
    let bk = Buildkite::start().await;
    let start = at("2026-03-01T00:00:00Z");
    let builds: Vec<Build> = (1..=1_000)
        .map(|n| Build {
            number: n,
            state: "passed",
            commit: "f".repeat(40),
            created_at: start + chrono::Duration::minutes(n as i64),
            finished_at: Some(start + chrono::Duration::minutes(n as i64 + 1)),
        })
        .collect();
    bk.set_pipeline("api-deploy", builds);
    bk.set_pipeline("api", Vec::new());
    let store = Arc::new(MemoryStore::new());
    let source = source(&bk);
    sync(&source, &store, "2026-03-02T00:00:00Z").await.unwrap();
    let first = bk.requests();
    assert_eq!(store.events().deployments.len(), 1_000);
    sync(&source, &store, "2026-03-02T00:01:00Z").await.unwrap();
    let unchanged = bk.requests() - first;
    println!(
        "buildkite: first sync of 1,000 deployments (deploy pipeline + 1 CI pipeline): {first} requests; unchanged poll: {unchanged} requests"
    );
    // 10 pages of 100 + the predecessor + the CI pipeline.
    assert_eq!(first, 12);
    assert_eq!(unchanged, 2);
    let pages: Vec<String> = bk
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(pages.len(), 9, "pages 2..10 followed from Link: {pages:?}");
}

#[tokio::test]
async fn the_fault_matrix_loses_nothing_and_duplicates_nothing() {
    let cases: Vec<(&str, ResponseTemplate, bool)> = vec![
        (
            "500",
            ResponseTemplate::new(500).set_body_string("oops"),
            true,
        ),
        (
            "502 html",
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .set_body_string("<html>502 Bad Gateway</html>"),
            true,
        ),
        (
            "malformed",
            ResponseTemplate::new(200).set_body_string("[{\"number\": \"x\"}]"),
            false,
        ),
        (
            "truncated",
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("[{\"id\":\"b\",\"number\":1,"),
            false,
        ),
        (
            "wrong type",
            ResponseTemplate::new(200).set_body_string("{\"message\": \"hi\"}"),
            false,
        ),
        (
            "401",
            ResponseTemplate::new(401).set_body_string("{\"message\":\"Authentication required\"}"),
            false,
        ),
        (
            "403",
            ResponseTemplate::new(403).set_body_string("{\"message\":\"Forbidden\"}"),
            false,
        ),
        (
            "404",
            ResponseTemplate::new(404).set_body_string("{\"message\":\"Not Found\"}"),
            false,
        ),
        (
            "429 retry-after",
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", "120"),
            true,
        ),
        ("429", ResponseTemplate::new(429), true),
    ];
    for (name, fault, retryable) in cases {
        let bk = Buildkite::start().await;
        bk.set_pipeline("api-deploy", deploys());
        bk.set_pipeline("api", ci());
        let store = Arc::new(MemoryStore::new());
        let source = source(&bk);
        bk.fault(ResponseTemplate::new(200).set_body_json(serde_json::json!([])));
        bk.fault(fault);
        let error = sync(&source, &store, NOW).await.unwrap_err();
        assert_eq!(error.is_retryable(), retryable, "{name}: {error}");
        assert!(!error.to_string().contains(TOKEN), "{name}: {error}");
        assert!(store.events().deployments.is_empty(), "{name}");
        sync(&source, &store, NOW).await.unwrap();
        sync(&source, &store, NOW).await.unwrap();
        let events = store.events();
        assert_eq!(events.deployments.len(), 7, "{name}");
        assert_eq!(events.pipeline_runs.len(), 3, "{name}");
    }
}

#[tokio::test]
async fn check_says_what_it_found() {
    let bk = Buildkite::start().await;
    bk.set_pipeline("api-deploy", deploys()[..7].to_vec());
    bk.set_pipeline("api", ci());
    let store = Arc::new(MemoryStore::new());
    let ctx = SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at("2026-03-15T14:05:00Z"),
        backfill: chrono::Duration::days(30),
        lease: None,
    };
    let line = source(&bk).probe(&ctx).await.unwrap();
    assert!(
        line.starts_with(
            "pipeline acme/api-deploy, newest #7 passed 2h ago; 1 CI pipeline(s) readable; "
        ),
        "{line}"
    );
    assert!(line.contains("of 200 requests left this minute"), "{line}");
}

#[test]
fn hostile_config_is_refused_with_the_key_to_fix() {
    for (extra, key) in [
        ("organization = \"acme/../x\"", "organization"),
        ("organization = \"\"", "organization"),
        ("deploy_pipeline = \"a b\"", "deploy_pipeline"),
        ("deploy_pipeline = \"\\u001b[31m\"", "deploy_pipeline"),
        ("ci_pipelines = [\"\"]", "ci_pipelines"),
        ("environment = \"  \"", "environment"),
        ("base_url = \"not a url\"", "base_url"),
    ] {
        let name = extra.split(" =").next().unwrap();
        let mut text: String = [
            "service = \"api\"",
            "organization = \"acme\"",
            "deploy_pipeline = \"d\"",
            "token_cmd = \"printf %s t\"",
        ]
        .iter()
        .filter(|l| !l.starts_with(&format!("{name} =")))
        .map(|l| format!("{l}\n"))
        .collect();
        text.push_str(extra);
        let config: BuildkiteSourceConfig = toml::from_str(&text).unwrap();
        let error = BuildkiteSource::new(&config, client()).unwrap_err();
        assert!(matches!(error, SourceError::Config(_)), "{extra}: {error}");
        assert!(error.to_string().contains(key), "{extra}: {error}");
    }
}
