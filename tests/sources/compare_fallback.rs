//! The forge compare fallback (docs/METRICS.md#deployments-that-name-only-a-sha): a service
//! with no git source but a GitHub or GitLab source gets the commits of its sha-only
//! deployments (Jenkins, Argo CD) from the forge's compare API, asked at the end of the
//! forge's sync and kept in the store; lead times worked out by hand; a sha the forge no
//! longer has costs only its own deployment; the request figures.
//!
//! The line of commits (author dates): c1 02-20 09:00, c2 03-01 12:00, c3 03-02 08:00,
//! c4 03-11 10:00. The deploy system ships c1 before the horizon (the baseline), c3, c4, then
//! c3 again (a rollback: GitHub says "behind", nothing ships).
//!
//!     cargo nextest run --test sources -E 'test(compare_fallback)' --no-capture

use crate::support::argocd_server;
use crate::support::forge_history::{self, Line};
use crate::support::jenkins_server::{Build, Jenkins, TOKEN};

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flowdeck::config::Config;
use flowdeck::metrics::{History, Rules, Scope, Window, compute};
use flowdeck::model::EventSet;
use flowdeck::sources::poller::{SyncReport, sync_source};
use flowdeck::sources::shipped::{self, compared};
use flowdeck::sources::{live::Source, registry};
use flowdeck::store::{SqliteStore, Store};

const NOW: &str = "2026-03-31T00:00:00Z";
const DEPLOY_JOB: &str = "deploy/api-production";

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

fn ms(t: &str) -> i64 {
    at(t).timestamp_millis()
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-6)
}

fn line() -> (Line, [String; 4]) {
    let mut line = Line::default();
    let c = [
        line.commit("c1", "2026-02-20T09:00:00Z"),
        line.commit("c2", "2026-03-01T12:00:00Z"),
        line.commit("c3", "2026-03-02T08:00:00Z"),
        line.commit("c4", "2026-03-11T10:00:00Z"),
    ];
    (line, c)
}

fn config(text: &str) -> Config {
    flowdeck::config::parse(text, Path::new("/nonexistent/flowdeck.toml")).unwrap()
}

fn jenkins_and_github(jenkins: &str, github: &str) -> Config {
    config(&format!(
        r#"
[[sources]]
kind = "jenkins"
service = "api"
base_url = {jenkins:?}
deploy_job = "deploy/api-production"
user = "ci-bot"
token_cmd = "printf %s {TOKEN}"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_cmd = "printf %s gh-token"
"#
    ))
}

/// The config's polled sources around a fresh store, in config order.
fn sources(config: &Config, store: &Arc<dyn Store>) -> Vec<Arc<dyn Source>> {
    let http = registry::http_client(store.clone()).unwrap();
    let built = registry::build(config, Path::new("/"), &http);
    assert!(built.broken.is_empty(), "{:?}", built.broken);
    built.sources
}

/// Every source synced once at `now`, in config order (the deploy system before the forge).
async fn round(sources: &[Arc<dyn Source>], store: &Arc<dyn Store>, now: &str) {
    for source in sources {
        let (report, _) = sync_source(
            source.as_ref(),
            store,
            chrono::Duration::days(30),
            0,
            at(now),
        )
        .await;
        assert!(
            matches!(report, SyncReport::Synced { .. }),
            "{}: {report:?}",
            source.name()
        );
    }
}

/// What the store holds, as the binary reads it: the fallback applied, then the git rule
/// (which leaves the service alone).
fn read(config: &Config, store: &dyn Store) -> (History, Vec<shipped::ShippedNote>) {
    let mut events: EventSet = store.load().unwrap();
    let mut notes = compared::apply(&compared::fallbacks(config), store, &mut events).unwrap();
    notes.extend(shipped::resolve(config, Path::new("/"), &mut events));
    (History::derive(events, Rules::default()), notes)
}

fn changes(history: &History, id: &str) -> Vec<String> {
    history
        .events
        .deployments
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no deployment {id}"))
        .changes
        .iter()
        .map(|c| c.sha.clone())
        .collect()
}

/// Builds of the deploy job, 25 minutes each: #1 c1 02-25 (the baseline), #2 c3 03-02 10:00,
/// #3 c4 03-12 10:00, #4 c3 03-20 10:00 (a rollback).
fn builds(c: &[String; 4]) -> Vec<Build> {
    const MIN25: i64 = 25 * 60_000;
    vec![
        Build::done(1, ms("2026-02-25T10:00:00Z"), MIN25, "SUCCESS", &c[0]),
        Build::done(2, ms("2026-03-02T10:00:00Z"), MIN25, "SUCCESS", &c[2]),
        Build::done(3, ms("2026-03-12T10:00:00Z"), MIN25, "SUCCESS", &c[3]),
        Build::done(4, ms("2026-03-20T10:00:00Z"), MIN25, "SUCCESS", &c[2]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_jenkins_lead_times_through_github() {
    let (line, c) = line();
    let github = forge_history::github(line).await;
    let jenkins = Jenkins::start().await;
    jenkins.set_job(DEPLOY_JOB, builds(&c));
    let config = jenkins_and_github(&jenkins.uri(), &github.uri());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;

    // #2: c1...c3; #3: c3...c4; #4: c4...c3 (behind). The baseline is never compared.
    assert_eq!(forge_history::compares(&github).await, 3);
    let (history, notes) = read(&config, store.as_ref());
    assert!(notes.is_empty(), "{notes:?}");
    let id = |n: u32| format!("jenkins:deploy/api-production:{n}");
    assert_eq!(changes(&history, &id(2)), [c[2].clone(), c[1].clone()]);
    assert_eq!(changes(&history, &id(3)), [c[3].clone()]);
    assert!(
        changes(&history, &id(4)).is_empty(),
        "a rollback ships nothing"
    );

    // #2 finished 03-02 10:25: c2 22 h 25 m (80,700 s), c3 2 h 25 m (8,700 s); #3 finished
    // 03-12 10:25: c4 24 h 25 m (87,900 s). Median 80,700; p90 at rank 1.8:
    // 80,700 + 0.8 × 7,200 = 86,460.
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 3);
    assert!(close(l.median_seconds, 80_700.0), "{l:?}");
    assert!(close(l.p90_seconds, 86_460.0), "{l:?}");

    // A second round asks GitHub for no compare: every pair is kept.
    round(&sources, &store, "2026-03-31T00:05:00Z").await;
    assert_eq!(forge_history::compares(&github).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_argocd_lead_times_through_gitlab() {
    let (line, c) = line();
    let gitlab = forge_history::gitlab(line).await;
    let argo = argocd_server::Argocd::start().await;
    argo.sync(&c[0], "2026-02-25T10:00:00Z", "2026-02-25T10:02:00Z");
    argo.sync(&c[2], "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
    argo.sync(&c[3], "2026-03-12T10:00:00Z", "2026-03-12T10:02:00Z");
    argo.sync(&c[2], "2026-03-20T10:00:00Z", "2026-03-20T10:02:00Z");
    let config = config(&format!(
        r#"
[[sources]]
kind = "argocd"
service = "api"
base_url = {argo:?}
application = "api-production"
token_cmd = "printf %s {argo_token}"

[[sources]]
kind = "gitlab"
service = "api"
project = "group/web"
base_url = {gitlab:?}
"#,
        argo = argo.uri(),
        argo_token = argocd_server::TOKEN,
        gitlab = gitlab.uri(),
    ));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;
    assert_eq!(forge_history::compares(&gitlab.server).await, 3);
    let (history, notes) = read(&config, store.as_ref());
    assert!(notes.is_empty(), "{notes:?}");

    // c2: 03-01 12:00 → 03-02 10:02 = 79,320 s; c3: 08:00 → 10:02 = 7,320 s;
    // c4: 03-11 10:00 → 03-12 10:02 = 86,520 s. Median 79,320; p90 at rank 1.8:
    // 79,320 + 0.8 × 7,200 = 85,080.
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 3);
    assert!(close(l.median_seconds, 79_320.0), "{l:?}");
    assert!(close(l.p90_seconds, 85_080.0), "{l:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_a_force_pushed_sha_costs_only_its_own_deployment() {
    let (line, c) = line();
    let github = forge_history::github(line).await;
    let jenkins = Jenkins::start().await;
    // #3 deployed a sha later force-pushed away: GitHub answers 404 for any compare naming it.
    let gone = "0badc0de".repeat(5);
    const MIN25: i64 = 25 * 60_000;
    jenkins.set_job(
        DEPLOY_JOB,
        vec![
            Build::done(1, ms("2026-02-25T10:00:00Z"), MIN25, "SUCCESS", &c[0]),
            Build::done(2, ms("2026-03-02T10:00:00Z"), MIN25, "SUCCESS", &c[2]),
            Build::done(3, ms("2026-03-05T10:00:00Z"), MIN25, "SUCCESS", &gone),
            Build::done(4, ms("2026-03-12T10:00:00Z"), MIN25, "SUCCESS", &c[3]),
        ],
    );
    let config = jenkins_and_github(&jenkins.uri(), &github.uri());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;

    // c1...c3; c3...gone and c1...gone (404); gone...c4 (404), then c3...c4.
    assert_eq!(forge_history::compares(&github).await, 5);
    let (history, notes) = read(&config, store.as_ref());
    let id = |n: u32| format!("jenkins:deploy/api-production:{n}");
    assert!(changes(&history, &id(3)).is_empty());
    assert_eq!(changes(&history, &id(4)), [c[3].clone()]);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        notes[0].text,
        format!(
            "lead time unknown for 1 deployment(s) of api: github:acme/api cannot compare their sha with an earlier deployment's (force-pushed away, or not pushed there?), e.g. {} at 0badc0de0bad",
            id(3)
        )
    );
    // Nothing else is lost: the three deployments count, the other lead times are whole.
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    assert_eq!(m.deployment_frequency.deployments, 3);
    let l = &m.lead_time_for_changes;
    assert_eq!(l.changes, 3);
    assert!(close(l.median_seconds, 80_700.0), "{l:?}");

    // Within a day nothing is asked again; a day on, only the pairs GitHub could not compare.
    round(&sources, &store, "2026-03-31T06:00:00Z").await;
    assert_eq!(forge_history::compares(&github).await, 5);
    round(&sources, &store, "2026-04-01T06:00:00Z").await;
    assert_eq!(forge_history::compares(&github).await, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_pages_a_long_compare_through_the_link_header() {
    let mut line = Line::default();
    let start = at("2026-03-01T00:00:00Z");
    let shas: Vec<String> = (0..=260)
        .map(|k| {
            let when = start + chrono::Duration::minutes(k);
            line.commit(
                &format!("p{k}"),
                &when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )
        })
        .collect();
    let github = forge_history::github(line).await;
    let jenkins = Jenkins::start().await;
    jenkins.set_job(
        DEPLOY_JOB,
        vec![
            Build::done(1, ms("2026-02-25T10:00:00Z"), 60_000, "SUCCESS", &shas[0]),
            Build::done(2, ms("2026-03-02T10:00:00Z"), 60_000, "SUCCESS", &shas[260]),
        ],
    );
    let config = jenkins_and_github(&jenkins.uri(), &github.uri());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;
    // 260 commits, 100 a page: the first page, then two through Link (/repositories/{id}/…).
    let pages: Vec<String> = github
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().contains("/compare/"))
        .map(|r| format!("{}?{}", r.url.path(), r.url.query().unwrap_or("")))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:#?}");
    assert!(
        pages[0].starts_with("/repos/acme/api/compare/") && pages[0].ends_with("?per_page=100")
    );
    assert!(pages[2].starts_with("/repositories/") && pages[2].ends_with("&page=3"));
    let (history, notes) = read(&config, store.as_ref());
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        changes(&history, "jenkins:deploy/api-production:2").len(),
        260
    );
}

/// The figure: requests for compare-fallback lead times of 1,000 Jenkins deployments (one
/// older, the baseline), each shipping one commit, through a GitHub look-alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_requests_for_a_thousand_deployments() {
    let mut line = Line::default();
    let start = at("2026-03-03T00:00:00Z");
    let mut builds = Vec::new();
    for n in 0..=1_000u64 {
        let finished = if n == 0 {
            at("2026-02-20T10:00:00Z")
        } else {
            start + chrono::Duration::minutes(40 * i64::try_from(n).unwrap())
        };
        let sha = line.commit(
            &format!("n{n}"),
            &(finished - chrono::Duration::hours(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
        builds.push(Build::done(
            n + 1,
            finished.timestamp_millis() - 60_000,
            60_000,
            "SUCCESS",
            &sha,
        ));
    }
    let github = forge_history::github(line).await;
    let jenkins = Jenkins::start().await;
    jenkins.set_job(DEPLOY_JOB, builds);
    let config = jenkins_and_github(&jenkins.uri(), &github.uri());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;
    let first = forge_history::compares(&github).await;
    let all_first = github.received_requests().await.unwrap().len();
    let jenkins_first = jenkins.requests();
    round(&sources, &store, "2026-03-31T00:05:00Z").await;
    let second = forge_history::compares(&github).await - first;
    let all_second = github.received_requests().await.unwrap().len() - all_first;
    let (history, notes) = read(&config, store.as_ref());
    assert!(notes.is_empty(), "{notes:?}");
    let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
    let m = compute(&history, &Scope::all(&history), &window, at(NOW));
    eprintln!(
        "compare fallback: 1,000 Jenkins deployments (+ the baseline) through GitHub: first sync {first} compare requests ({all_first} GitHub requests in all; Jenkins {jenkins_first}); next sync {second} compare requests ({all_second} in all); lead time over {} changes, median {:?} s",
        m.lead_time_for_changes.changes, m.lead_time_for_changes.median_seconds
    );
    // One compare per deployment but the baseline; none on the next sync.
    assert_eq!((first, second), (1_000, 0));
    assert_eq!(m.lead_time_for_changes.changes, 1_000);
    assert!(close(m.lead_time_for_changes.median_seconds, 3_600.0));
}

/// Through the binary: `report` syncs Jenkins and GitHub, reads the store with the fallback
/// applied, and the Jenkins status line carries the note of the force-pushed sha.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_through_the_binary() {
    use crate::ci_binary::{assert_not_shown, flowdeck_in, service, write_config};
    use serde_json::Value;

    let (line, c) = line();
    let github = forge_history::github(line).await;
    let jenkins = Jenkins::start().await;
    let gone = "0badc0de".repeat(5);
    const MIN25: i64 = 25 * 60_000;
    jenkins.set_job(
        DEPLOY_JOB,
        vec![
            Build::done(1, ms("2026-02-25T10:00:00Z"), MIN25, "SUCCESS", &c[0]),
            Build::done(2, ms("2026-03-02T10:00:00Z"), MIN25, "SUCCESS", &c[2]),
            Build::done(3, ms("2026-03-05T10:00:00Z"), MIN25, "SUCCESS", &gone),
            Build::done(4, ms("2026-03-12T10:00:00Z"), MIN25, "SUCCESS", &c[3]),
        ],
    );
    let home = tempfile::tempdir().unwrap();
    let config = write_config(
        home.path(),
        &format!(
            r#"
[[sources]]
kind = "jenkins"
service = "api"
base_url = {jenkins:?}
deploy_job = "deploy/api-production"
user = "ci-bot"
token_env = "FD_JENKINS_TOKEN"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_env = "FD_GH_TOKEN"
"#,
            jenkins = jenkins.uri(),
            github = github.uri(),
        ),
    );
    let gh_token = "ghp_TOPSECRETcompare0000000000000000000";
    let tokens = [("FD_JENKINS_TOKEN", TOKEN), ("FD_GH_TOKEN", gh_token)];
    let report = || {
        let out = flowdeck_in(
            home.path(),
            &config,
            &[
                "report",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-30",
                "--format",
                "json",
            ],
            &tokens,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_not_shown(home.path(), &out, "TOPSECRET");
        assert_not_shown(home.path(), &out, TOKEN);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = report();
    let api = &service(&first, "api")["metrics"];
    assert_eq!(api["deployment_frequency"]["deployments"], 3);
    assert_eq!(api["lead_time_for_changes"]["changes"], 3);
    assert_eq!(api["lead_time_for_changes"]["median_seconds"], 80_700.0);
    let deployment = |id: &str| {
        first["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    assert_eq!(
        deployment("jenkins:deploy/api-production:3")["lead_time_median_seconds"],
        Value::Null
    );
    // #4: c4, 03-11 10:00 → 03-12 10:25.
    assert_eq!(
        deployment("jenkins:deploy/api-production:4")["lead_time_median_seconds"],
        87_900.0
    );
    let status = |name: &str| {
        first["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no source {name}"))
            .clone()
    };
    let jenkins_line = status("jenkins:deploy/api-production");
    assert_eq!(jenkins_line["status"], "ok");
    assert!(
        jenkins_line["error"].as_str().unwrap().contains(
            "lead time unknown for 1 deployment(s) of api: github:acme/api cannot compare"
        ),
        "{jenkins_line:#}"
    );
    assert_eq!(status("github:acme/api")["error"], Value::Null);
    let asked = forge_history::compares(&github).await;
    assert_eq!(asked, 5);

    // A second report: the same numbers, no compare asked again.
    let second = report();
    assert_eq!(second["metrics"], first["metrics"]);
    assert_eq!(forge_history::compares(&github).await, asked);
}

/// Careless and hostile compare answers (truncated, empty, the wrong type, a refused token):
/// the forge's own sync still succeeds, its status line says the compares stopped, nothing is
/// kept for the pair, and the next sync asks again and recovers. A 500 is retried at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_hostile_answers_stop_the_pass_and_lose_nothing() {
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, ResponseTemplate};

    let json = |body: &str| {
        ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json; charset=utf-8")
    };
    let cases: Vec<(&str, ResponseTemplate)> = vec![
        (
            "truncated",
            json(r#"{"status":"ahead","total_commits":2,"commits":[{"sha":"ab"#),
        ),
        ("empty", json("")),
        (
            "wrong type",
            json(r#"{"status":"ahead","total_commits":2,"commits":"many"}"#),
        ),
        (
            "401",
            ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com/rest",
                "status": "401"
            })),
        ),
        (
            "500",
            ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html"),
        ),
    ];
    for (name, answer) in cases {
        let (line, c) = line();
        let github = forge_history::github(line).await;
        Mock::given(method("GET"))
            .and(path_regex("/compare/"))
            .respond_with(answer)
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&github)
            .await;
        let jenkins = Jenkins::start().await;
        jenkins.set_job(DEPLOY_JOB, builds(&c));
        let config = jenkins_and_github(&jenkins.uri(), &github.uri());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
        let sources = sources(&config, &store);
        round(&sources, &store, NOW).await;
        let github_status = store
            .statuses()
            .unwrap()
            .into_iter()
            .find(|s| s.name == "github:acme/api")
            .unwrap();
        assert_eq!(github_status.status, "ok", "{name}");
        let said = github_status.error.unwrap_or_default();
        if name == "500" {
            // A 5xx is retried within the sync, as every request of the source is.
            assert_eq!(said, "", "{name}");
            assert!(read(&config, store.as_ref()).1.is_empty(), "{name}");
            assert_eq!(forge_history::compares(&github).await, 4, "{name}");
            continue;
        }
        assert!(
            said.starts_with("the compares of api's deployments stopped ("),
            "{name}: {said}"
        );
        assert!(!said.contains("gh-token"), "{name}: {said}");
        let (history, notes) = read(&config, store.as_ref());
        assert!(
            notes
                .iter()
                .any(|n| n.text.contains("wait for their commits")),
            "{name}: {notes:?}"
        );
        assert_eq!(history.events.deployments.len(), 4, "{name}");

        round(&sources, &store, "2026-03-31T00:05:00Z").await;
        let (history, notes) = read(&config, store.as_ref());
        assert!(notes.is_empty(), "{name}: {notes:?}");
        let window = Window::new(at("2026-03-01T00:00:00Z"), at(NOW));
        let m = compute(&history, &Scope::all(&history), &window, at(NOW));
        assert_eq!(m.lead_time_for_changes.changes, 3, "{name}");
        // The bad answer, then the three pairs: nothing asked twice once kept.
        assert_eq!(forge_history::compares(&github).await, 4, "{name}");
    }
}

/// Commit text with terminal escape sequences is kept as GitHub sent it (the report and the
/// screen sanitize what they show) and does not break the compare.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_fallback_keeps_escape_sequences_as_text() {
    use crate::support::github_payloads as gh;
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, ResponseTemplate};

    let (line, c) = line();
    let github = forge_history::github(line).await;
    let base = github.uri();
    let evil = gh::commit(
        &base,
        "api",
        &c[1],
        "\u{1b}]8;;https://evil.example\u{7}Mallory\u{1b}]8;;\u{7}",
        "2026-03-01T12:00:00Z",
        "2026-03-01T12:00:00Z",
        "\u{1b}[2J\u{1b}[31mwipe the screen",
        &[c[0].clone()],
    );
    Mock::given(method("GET"))
        .and(path_regex("/compare/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(gh::comparison(
            &base,
            "api",
            &c[0],
            &c[1],
            1,
            vec![evil],
        )))
        .with_priority(1)
        .mount(&github)
        .await;
    let jenkins = Jenkins::start().await;
    const MIN25: i64 = 25 * 60_000;
    jenkins.set_job(
        DEPLOY_JOB,
        vec![
            Build::done(1, ms("2026-02-25T10:00:00Z"), MIN25, "SUCCESS", &c[0]),
            Build::done(2, ms("2026-03-02T10:00:00Z"), MIN25, "SUCCESS", &c[1]),
        ],
    );
    let config = jenkins_and_github(&jenkins.uri(), &github.uri());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let sources = sources(&config, &store);
    round(&sources, &store, NOW).await;
    let (history, notes) = read(&config, store.as_ref());
    assert!(notes.is_empty(), "{notes:?}");
    let d = history
        .events
        .deployments
        .iter()
        .find(|d| d.id == "jenkins:deploy/api-production:2")
        .unwrap();
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].title, "\u{1b}[2J\u{1b}[31mwipe the screen");
    let shown = flowdeck::text::sanitize(&d.changes[0].title);
    assert!(
        !shown.contains('\u{1b}') && shown.ends_with("wipe the screen"),
        "{shown:?}"
    );
}
