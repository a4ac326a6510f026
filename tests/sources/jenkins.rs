//! The Jenkins source against a local Jenkins (tests/support/jenkins_server.rs) answering the
//! allBuilds tree query with `{M,N}` ranges and HTTP Basic: a month's hand-computed scenario
//! (deployments, a failed deploy job, a cancelled one, a rollback, CI runs, lead times through a
//! git source), incremental polls, the fault matrix, and the request figures.

use crate::support::gitlab_store::MemoryStore;
use crate::support::gitrepo::GitRepo;
use crate::support::jenkins_server::{Build, Jenkins, TOKEN};

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::config::JenkinsSourceConfig;
use flowdeck::model::{DeploymentStatus, EventSet, RunConclusion};
use flowdeck::sources::SourceError;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::jenkins::JenkinsSource;
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::sources::shipped;
use flowdeck::store::{Store, StoredStatus};
use wiremock::ResponseTemplate;

const NOW: &str = "2026-03-31T00:00:00Z";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

fn ms(t: &str) -> i64 {
    at(t).timestamp_millis()
}

fn client() -> HttpClient {
    HttpClient::new(
        HttpSettings {
            user_agent: "flowdeck-test/1".into(),
            max_retries: 0,
            jitter: Jitter::Off,
            timeout: std::time::Duration::from_secs(2),
            ..HttpSettings::default()
        },
        Arc::new(MemoryEtagCache::new()),
        Arc::new(SystemClock),
    )
    .unwrap()
}

fn config(base_url: &str, token: &str) -> JenkinsSourceConfig {
    toml::from_str(&format!(
        "service = \"api\"\nbase_url = {base_url:?}\ndeploy_job = \"deploy/api-production\"\nci_jobs = [\"api/main\"]\nuser = \"ci-bot\"\ntoken_cmd = \"printf %s {token}\"\n"
    ))
    .unwrap()
}

fn source(jenkins: &Jenkins) -> JenkinsSource {
    JenkinsSource::new(&config(&jenkins.uri(), TOKEN), client()).unwrap()
}

async fn sync(
    source: &JenkinsSource,
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

/// c1 (1 Feb) ── c2 (2 Mar 10:00) ── c3 (4 Mar 10:00) ── c4 (9 Mar 12:00), authored as dated.
fn repo() -> (GitRepo, [String; 4]) {
    let repo = GitRepo::new();
    let mut c: [String; 4] = Default::default();
    for (i, date) in [
        "2026-02-01T09:00:00Z",
        "2026-03-02T10:00:00Z",
        "2026-03-04T10:00:00Z",
        "2026-03-09T12:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        c[i] = repo
            .commit(&format!("change {}", i + 1))
            .file("f.txt", &format!("{i}\n"))
            .at(date)
            .create();
    }
    (repo, c)
}

/// The deploy job, oldest first. Each takes 10 minutes.
///
/// | # | started | result | sha | |
/// |---|---|---|---|---|
/// | 1 | 20 Feb | SUCCESS | c1 | before the horizon: the predecessor (baseline) |
/// | 2 | 25 Feb | FAILURE | c1 | before the horizon: passed over |
/// | 3 | 5 Mar 12:00 | SUCCESS | c3 | ships c3, c2 |
/// | 4 | 10 Mar 12:00 | FAILURE | c4 | a failed deploy job |
/// | 5 | 11 Mar 12:00 | ABORTED | c4 | cancelled |
/// | 6 | 12 Mar 12:00 | SUCCESS | c4 | ships c4 |
/// | 7 | 15 Mar 12:00 | SUCCESS | c3 | a rollback: ships nothing, fails #6 |
/// | 8 | 30 Mar 12:00 | building | c4 | in progress |
pub(crate) fn deploy_builds(c: &[String; 4]) -> Vec<Build> {
    const TEN_MIN: i64 = 600_000;
    let mut running = Build::done(8, ms("2026-03-30T12:00:00Z"), 0, "SUCCESS", &c[3]);
    running.building = true;
    running.result = None;
    vec![
        Build::done(1, ms("2026-02-20T12:00:00Z"), TEN_MIN, "SUCCESS", &c[0]),
        Build::done(2, ms("2026-02-25T12:00:00Z"), TEN_MIN, "FAILURE", &c[0]),
        Build::done(3, ms("2026-03-05T12:00:00Z"), TEN_MIN, "SUCCESS", &c[2]),
        Build::done(4, ms("2026-03-10T12:00:00Z"), TEN_MIN, "FAILURE", &c[3]),
        Build::done(5, ms("2026-03-11T12:00:00Z"), TEN_MIN, "ABORTED", &c[3]),
        Build::done(6, ms("2026-03-12T12:00:00Z"), TEN_MIN, "SUCCESS", &c[3]),
        Build::done(7, ms("2026-03-15T12:00:00Z"), TEN_MIN, "SUCCESS", &c[2]),
        running,
    ]
}

pub(crate) fn ci_builds(c: &[String; 4]) -> Vec<Build> {
    vec![
        Build::done(40, ms("2026-02-27T08:00:00Z"), 60_000, "SUCCESS", &c[0]),
        Build::done(41, ms("2026-03-04T10:05:00Z"), 60_000, "SUCCESS", &c[2]),
        Build::done(42, ms("2026-03-09T12:05:00Z"), 60_000, "FAILURE", &c[3]),
        Build::done(43, ms("2026-03-09T13:00:00Z"), 60_000, "UNSTABLE", &c[3]),
    ]
}

fn status_of(events: &EventSet, number: u64) -> DeploymentStatus {
    events
        .deployments
        .iter()
        .find(|d| d.id == format!("jenkins:deploy/api-production:{number}"))
        .unwrap_or_else(|| panic!("no build {number}"))
        .status
}

#[tokio::test]
async fn a_month_of_builds_gives_the_hand_computed_report() {
    let (repo, c) = repo();
    let jenkins = Jenkins::start().await;
    jenkins.set_job("deploy/api-production", deploy_builds(&c));
    jenkins.set_job("api/main", ci_builds(&c));
    let store = Arc::new(MemoryStore::new());
    let source = source(&jenkins);

    sync(&source, &store, NOW).await.unwrap();
    // One range per job: 8 deploy builds and 4 CI builds fit in {0,100}.
    assert_eq!(jenkins.requests(), 2);
    let mut events = store.events();
    let numbers: Vec<&str> = events.deployments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        events.deployments.len(),
        7,
        "#2..#8 inside, #1 the predecessor: {numbers:?}"
    );
    assert!(!numbers.iter().any(|id| id.ends_with(":2")), "{numbers:?}");
    assert_eq!(status_of(&events, 1), DeploymentStatus::Success);
    assert_eq!(status_of(&events, 4), DeploymentStatus::Failure);
    assert_eq!(status_of(&events, 5), DeploymentStatus::Cancelled);
    assert_eq!(status_of(&events, 8), DeploymentStatus::InProgress);
    let d3 = events
        .deployments
        .iter()
        .find(|d| d.id.ends_with(":3"))
        .unwrap();
    assert_eq!(d3.sha, c[2]);
    assert_eq!(d3.ref_name.as_deref(), Some("main"));
    assert_eq!(d3.finished_at, at("2026-03-05T12:10:00Z"));
    // CI: the three builds inside the horizon (#40 is before it); UNSTABLE fails.
    assert_eq!(events.pipeline_runs.len(), 3);
    let failed = events
        .pipeline_runs
        .iter()
        .filter(|r| r.conclusion == Some(RunConclusion::Failure))
        .count();
    assert_eq!(failed, 2);

    // The commits through a git source of the service (deploy_tags = []).
    let config = flowdeck::config::parse(
        &format!(
            "[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = {:?}\ndeploy_tags = []\n",
            repo.path().display().to_string()
        ),
        Path::new("/x/flowdeck.toml"),
    )
    .unwrap();
    assert!(shipped::resolve(&config, Path::new("/"), &mut events).is_empty());
    let history = flowdeck::metrics::History::derive(events, config.rules());
    let now = at(NOW);
    let window = flowdeck::metrics::Window::ending(now, chrono::Duration::days(30));
    let scope = flowdeck::metrics::Scope::all(&history);
    let m = flowdeck::metrics::compute(&history, &scope, &window, now);
    // Counted in March: #3, #6, #7 (#1 is the baseline, in February).
    assert_eq!(m.deployment_frequency.deployments, 3);
    // #3 ships c3 (4 Mar 10:00 → 5 Mar 12:10: 26 h 10 m) and c2 (2 Mar 10:00: 74 h 10 m);
    // #6 ships c4 (9 Mar 12:00 → 12 Mar 12:10: 72 h 10 m); #7, the rollback, nothing.
    // Median of 26h10m, 72h10m, 74h10m: 72 h 10 m.
    assert_eq!(m.lead_time_for_changes.changes, 3);
    assert_eq!(
        m.lead_time_for_changes.median_seconds,
        Some((72 * 3600 + 600) as f64)
    );
    // The rollback #7 fails #6: 1 of 3.
    assert_eq!(m.change_failure_rate.failed, 1);
    // CI: 3 runs in March, 1 succeeded.
    assert_eq!(m.ci.runs, 3);
    assert_eq!(m.ci.succeeded, 1);
}

#[tokio::test]
async fn polls_read_only_what_is_new_and_store_each_build_once() {
    let (_repo, c) = repo();
    let jenkins = Jenkins::start().await;
    let mut builds = deploy_builds(&c);
    jenkins.set_job("deploy/api-production", builds.clone());
    jenkins.set_job("api/main", ci_builds(&c));
    let store = Arc::new(MemoryStore::new());
    let source = source(&jenkins);
    sync(&source, &store, NOW).await.unwrap();
    let before = jenkins.requests();

    // Unchanged: one range per job.
    let outcome = sync(&source, &store, NOW).await.unwrap();
    assert_eq!(jenkins.requests() - before, 2);
    // Only the running build is read again.
    assert_eq!(outcome.events.deployments.len(), 1);

    // #8 finishes, #9 starts failing: both are read, nothing is duplicated.
    builds[7].building = false;
    builds[7].result = Some("SUCCESS");
    builds[7].duration = 600_000;
    builds.push(Build::done(
        9,
        ms("2026-03-31T01:00:00Z"),
        1_000,
        "FAILURE",
        &c[3],
    ));
    jenkins.set_job("deploy/api-production", builds);
    sync(&source, &store, "2026-03-31T02:00:00Z").await.unwrap();
    let events = store.events();
    assert_eq!(events.deployments.len(), 8);
    assert_eq!(status_of(&events, 8), DeploymentStatus::Success);
    assert_eq!(status_of(&events, 9), DeploymentStatus::Failure);
}

#[tokio::test]
async fn builds_are_paged_by_range() {
    let jenkins = Jenkins::start().await;
    let sha = "a".repeat(40);
    // 250 builds, one an hour, all inside the horizon.
    let start = ms("2026-03-20T00:00:00Z");
    let builds: Vec<Build> = (1..=250)
        .map(|n| Build::done(n, start + (n as i64) * 3_600_000, 1_000, "SUCCESS", &sha))
        .collect();
    jenkins.set_job("deploy/api-production", builds);
    jenkins.set_job("api/main", Vec::new());
    let store = Arc::new(MemoryStore::new());
    let source = source(&jenkins);
    sync(&source, &store, "2026-04-05T00:00:00Z").await.unwrap();
    assert_eq!(store.events().deployments.len(), 250);
    let ranges: Vec<String> = jenkins
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/job/deploy/job/api-production/"))
        .map(|r| {
            let tree = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "tree")
                .unwrap()
                .1
                .into_owned();
            tree[tree.rfind('{').unwrap()..].to_string()
        })
        .collect();
    assert_eq!(ranges, ["{0,100}", "{100,200}", "{200,300}"]);
}

/// Requests for a first sync of 1,000 deployments and for an unchanged poll (the figures of
/// the issue): `cargo nextest run --test sources -E 'test(request_figures)' --no-capture`.
#[tokio::test]
async fn request_figures() {
    let jenkins = Jenkins::start().await;
    let sha = "b".repeat(40);
    let start = ms("2026-03-01T00:00:00Z");
    let builds: Vec<Build> = (1..=1_000)
        .map(|n| Build::done(n, start + (n as i64) * 60_000, 1_000, "SUCCESS", &sha))
        .collect();
    jenkins.set_job("deploy/api-production", builds);
    jenkins.set_job("api/main", Vec::new());
    let store = Arc::new(MemoryStore::new());
    let source = source(&jenkins);
    sync(&source, &store, "2026-03-02T00:00:00Z").await.unwrap();
    let first = jenkins.requests();
    assert_eq!(store.events().deployments.len(), 1_000);
    sync(&source, &store, "2026-03-02T00:01:00Z").await.unwrap();
    let unchanged = jenkins.requests() - first;
    println!(
        "jenkins: first sync of 1,000 deployments (deploy job + 1 CI job): {first} requests; unchanged poll: {unchanged} requests"
    );
    // 1,000 builds in ranges of 100 (the last range is full, so one more, empty) + the CI job.
    assert_eq!(first, 12);
    assert_eq!(unchanged, 2);
}

#[tokio::test]
async fn the_fault_matrix_loses_nothing_and_duplicates_nothing() {
    let (_repo, c) = repo();
    let html = ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>");
    let cases: Vec<(&str, ResponseTemplate, bool)> = vec![
        (
            "500",
            ResponseTemplate::new(500).set_body_string("oops"),
            true,
        ),
        ("502 html", html, true),
        (
            "malformed",
            ResponseTemplate::new(200).set_body_string("{\"allBuilds\": [{\"number\": \"x\"}]}"),
            false,
        ),
        (
            "truncated",
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("{\"_class\":\"x\",\"allBuilds\":[{\"number\":1,"),
            false,
        ),
        (
            "not json",
            ResponseTemplate::new(200).set_body_string("<html>login</html>"),
            false,
        ),
        (
            "401",
            ResponseTemplate::new(401).set_body_string("<html>Invalid password/token</html>"),
            false,
        ),
        (
            "403",
            ResponseTemplate::new(403).set_body_string("<html>Authentication required</html>"),
            false,
        ),
        (
            "404",
            ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"),
            false,
        ),
        (
            "429 retry-after",
            ResponseTemplate::new(429).insert_header("retry-after", "120"),
            true,
        ),
        ("429", ResponseTemplate::new(429), true),
    ];
    for (name, fault, retryable) in cases {
        let jenkins = Jenkins::start().await;
        jenkins.set_job("deploy/api-production", deploy_builds(&c));
        jenkins.set_job("api/main", ci_builds(&c));
        let store = Arc::new(MemoryStore::new());
        let source = source(&jenkins);
        // The fault hits the CI job's request, after the deploy job was read: the sync fails
        // whole, so the deploy job's builds are not stored either.
        jenkins
            .fault(ResponseTemplate::new(200).set_body_json(serde_json::json!({"allBuilds": []})));
        jenkins.fault(fault);
        let error = sync(&source, &store, NOW).await.unwrap_err();
        assert_eq!(error.is_retryable(), retryable, "{name}: {error}");
        assert!(!error.to_string().contains(TOKEN), "{name}: {error}");
        assert!(
            store.events().deployments.is_empty(),
            "{name}: nothing half-stored"
        );
        sync(&source, &store, NOW).await.unwrap();
        sync(&source, &store, NOW).await.unwrap();
        let events = store.events();
        assert_eq!(events.deployments.len(), 7, "{name}");
        assert_eq!(events.pipeline_runs.len(), 3, "{name}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_retryable_and_a_403_says_what_to_check() {
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };
    let store = Arc::new(MemoryStore::new());
    let source = JenkinsSource::new(&config(&refused, TOKEN), client()).unwrap();
    let error = sync(&source, &store, NOW).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");

    // A wrong token: Jenkins says 401; anonymous: 403. Neither is retried in a loop.
    let jenkins = Jenkins::start().await;
    jenkins.set_job("deploy/api-production", Vec::new());
    let wrong = JenkinsSource::new(&config(&jenkins.uri(), "wrong-token"), client()).unwrap();
    let error = sync(&wrong, &store, NOW).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error}");
    assert!(error.to_string().contains("401"), "{error}");
    assert!(!error.to_string().contains("wrong-token"), "{error}");
    jenkins.fault(
        ResponseTemplate::new(403)
            .insert_header("x-you-are-authenticated-as", "anonymous")
            .set_body_string("<html>Authentication required</html>"),
    );
    let error = sync(&source_for(&jenkins), &store, NOW).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("403") && text.contains("anonymous") && text.contains("user"),
        "{text}"
    );
}

fn source_for(jenkins: &Jenkins) -> JenkinsSource {
    source(jenkins)
}

#[tokio::test]
async fn check_says_what_it_found() {
    let (_repo, c) = repo();
    let jenkins = Jenkins::start().await;
    jenkins.set_job("deploy/api-production", deploy_builds(&c)[..7].to_vec());
    jenkins.set_job("api/main", ci_builds(&c));
    let store = Arc::new(MemoryStore::new());
    let ctx = SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at("2026-03-15T14:10:00Z"),
        backfill: chrono::Duration::days(30),
        lease: None,
    };
    let line = source(&jenkins).probe(&ctx).await.unwrap();
    assert_eq!(
        line,
        "job deploy/api-production, 7 builds, newest #7 SUCCESS 2h 10m ago; CI jobs api/main (newest #43)"
    );
}

#[test]
fn hostile_config_is_refused_with_the_key_to_fix() {
    let http = client();
    for (extra, key) in [
        ("deploy_job = \"\"", "deploy_job"),
        ("deploy_job = \"job/deploy\"", "deploy_job"),
        ("deploy_job = \"a/../b\"", "deploy_job"),
        ("deploy_job = \"a\\u001b[31m\"", "deploy_job"),
        ("ci_jobs = [\"\"]", "ci_jobs"),
        ("user = \"a:b\"", "user"),
        ("user = \"\"", "user"),
        ("base_url = \"ftp://x\"", "base_url"),
        ("base_url = \"https://u:p@jenkins.example\"", "base_url"),
    ] {
        let mut text = String::from(
            "service = \"api\"\nbase_url = \"https://jenkins.example\"\ndeploy_job = \"d\"\nuser = \"u\"\ntoken_cmd = \"printf %s t\"\n",
        );
        let name = extra.split(" =").next().unwrap();
        text = text
            .lines()
            .filter(|l| !l.starts_with(&format!("{name} =")))
            .collect::<Vec<_>>()
            .join("\n");
        text.push_str(&format!("\n{extra}\n"));
        let config: JenkinsSourceConfig = toml::from_str(&text).unwrap();
        let error = JenkinsSource::new(&config, http.clone()).unwrap_err();
        assert!(matches!(error, SourceError::Config(_)), "{extra}: {error}");
        assert!(error.to_string().contains(key), "{extra}: {error}");
    }
    // Wrong types are the config loader's, named with the key.
    for bad in ["ci_jobs = \"api/main\"", "user = 3", "deploy_job = []"] {
        let key = bad.split(" =").next().unwrap();
        let mut text = String::from("[[sources]]\nkind = \"jenkins\"\n");
        for line in [
            "service = \"api\"",
            "base_url = \"https://j.example\"",
            "deploy_job = \"d\"",
            "user = \"u\"",
        ] {
            if !line.starts_with(&format!("{key} =")) {
                text.push_str(line);
                text.push('\n');
            }
        }
        text.push_str(bad);
        let error = flowdeck::config::parse(&text, Path::new("f.toml")).unwrap_err();
        assert!(error.to_string().contains(key), "{bad}: {error}");
    }
}

fn flowdeck(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        .env("FD_JENKINS_TOKEN", TOKEN)
        .env("FLOWDECK_NOW", NOW)
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("JENKINS_TOKEN")
        .output()
        .unwrap()
}

/// The binary end to end: `check` probes the job, `report` syncs it and reads the commits from
/// the git source; without the git source the status line says why lead time is unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_checks_and_reports_with_commits_from_the_git_source() {
    let (repo, c) = repo();
    let jenkins = Jenkins::start().await;
    jenkins.set_job("deploy/api-production", deploy_builds(&c)[..7].to_vec());
    jenkins.set_job("api/main", ci_builds(&c));
    let dir = tempfile::tempdir().unwrap();
    for with_git in [true, false] {
        let git = if with_git {
            format!(
                "\n[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = {:?}\ndeploy_tags = []\n",
                repo.path().display().to_string()
            )
        } else {
            String::new()
        };
        let config = dir.path().join(format!("flowdeck-{with_git}.toml"));
        std::fs::write(
            &config,
            format!(
                "[general]\nstore = {:?}\nlog_file = {:?}\n\n[[sources]]\nkind = \"jenkins\"\nservice = \"api\"\nbase_url = {:?}\ndeploy_job = \"deploy/api-production\"\nci_jobs = [\"api/main\"]\nuser = \"ci-bot\"\ntoken_env = \"FD_JENKINS_TOKEN\"\n{git}",
                dir.path().join(format!("store-{with_git}.sqlite")).display().to_string(),
                dir.path().join("flowdeck.log").display().to_string(),
                jenkins.uri(),
            ),
        )
        .unwrap();
        let config = config.to_str().unwrap();
        let check = flowdeck(&["check", "--config", config]);
        let out = String::from_utf8_lossy(&check.stdout).to_string()
            + &String::from_utf8_lossy(&check.stderr);
        assert!(check.status.success(), "{out}");
        // #7 started 15 Mar 12:00, 15 d 12 h before NOW.
        assert!(
            out.contains("job deploy/api-production, 7 builds, newest #7 SUCCESS 15d 12h ago"),
            "{out}"
        );
        assert!(!out.contains(TOKEN), "{out}");

        let report = flowdeck(&["report", "--config", config, "--format", "json"]);
        assert!(
            report.status.success(),
            "{}",
            String::from_utf8_lossy(&report.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
        let metrics = &json["metrics"];
        assert_eq!(metrics["deployment_frequency"]["deployments"], 3, "{json}");
        let jenkins_status = json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "jenkins")
            .unwrap()
            .clone();
        if with_git {
            assert_eq!(metrics["lead_time_for_changes"]["changes"], 3, "{json}");
            assert_eq!(
                metrics["lead_time_for_changes"]["median_seconds"],
                (72 * 3600 + 600) as f64
            );
            assert!(jenkins_status["error"].is_null(), "{jenkins_status}");
        } else {
            assert!(metrics["lead_time_for_changes"]["median_seconds"].is_null());
            let error = jenkins_status["error"].as_str().unwrap();
            assert!(error.contains("lead time unknown for api"), "{error}");
        }
    }
    let log = std::fs::read_to_string(dir.path().join("flowdeck.log")).unwrap_or_default();
    assert!(!log.contains(TOKEN));
}
