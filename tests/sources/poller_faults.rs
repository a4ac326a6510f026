//! Faults seen through the poller, the way a user lives them: one sync of a source hits the
//! fault, the next one works. For each fault: no panic; the stored status names the cause; the
//! poller schedules the retry as the server's headers say (rate limits) or by backoff
//! (transient) or at the interval (configuration errors); a GitHub sync keeps what it read
//! before the fault; and after recovery the SQLite store holds exactly what a sync without the
//! fault stores: every event once.
//!
//! Faults inside a sync (the run list and deployments already read, then the pull requests
//! fail) are mounted on the local GitHub/GitLab; faults of the whole connection (refused,
//! timeout, truncated body) are served on the port the server takes over afterwards. The
//! waits themselves (sleeping until a reset on paused time) are tested in
//! tests/sources/http_layer.rs.

use crate::support::leaked::leaked;
use crate::support::{github_fixture, gitlab_fixture, gitlab_server, http_harness};

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use flowdeck::model::EventSet;
use flowdeck::poller::{SyncReport, sync_source};
use flowdeck::sources::github::GithubSource;
use flowdeck::sources::gitlab::GitlabSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, StoreEtagCache, SystemClock};
use flowdeck::sources::live::Source;
use flowdeck::store::{SqliteStore, Store};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const INTERVAL: Duration = Duration::from_secs(60);

pub(crate) fn settings() -> HttpSettings {
    HttpSettings {
        jitter: Jitter::Off,
        // One attempt per request: the fault reaches the poller, which schedules the retry.
        max_retries: 0,
        // Never sleep in place: a rate limit comes back at once with its reset time.
        max_wait: Duration::ZERO,
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..HttpSettings::default()
    }
}

struct Run {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    http: HttpClient,
}

impl Run {
    fn new() -> Run {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("history.sqlite")).unwrap());
        let http = HttpClient::new(
            settings(),
            Arc::new(StoreEtagCache(store.clone())),
            Arc::new(SystemClock),
        )
        .unwrap();
        Run {
            _dir: dir,
            store,
            http,
        }
    }

    fn github(&self, base: &str) -> Arc<dyn Source> {
        let source = GithubSource::new(&github_fixture::config(base), self.http.clone()).unwrap();
        Arc::new(source.with_default_interval(INTERVAL))
    }

    fn gitlab(&self, base: &str) -> Arc<dyn Source> {
        let config = toml::from_str(&format!(
            "service = \"web\"\nproject = \"group/web\"\nbase_url = {base:?}\n"
        ))
        .unwrap();
        Arc::new(
            GitlabSource::new(&config, self.http.clone())
                .unwrap()
                .with_token(SecretString::from("glpat-FAULTS-0123456789"))
                .with_default_interval(INTERVAL),
        )
    }

    async fn sync(&self, source: &Arc<dyn Source>, now: &str) -> (SyncReport, Duration) {
        let backfill = chrono::Duration::days(30);
        sync_source(
            source.as_ref(),
            &self.store,
            backfill,
            0,
            now.parse().unwrap(),
        )
        .await
    }

    fn status(&self, source: &Arc<dyn Source>) -> (String, String) {
        let status = self
            .store
            .statuses()
            .unwrap()
            .into_iter()
            .find(|s| s.name == source.name())
            .unwrap();
        (status.status, status.error.unwrap_or_default())
    }
}

/// What a sync without any fault stores.
async fn clean_github() -> EventSet {
    let server = leaked(MockServer::start().await);
    github_fixture::mount(&server).await;
    let run = Run::new();
    let source = run.github(&server.uri());
    let (report, _) = run.sync(&source, github_fixture::NOW).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    run.store.load().unwrap()
}

async fn clean_gitlab() -> EventSet {
    let gitlab = leaked(gitlab_server::Gitlab::start().await);
    gitlab_fixture::mount(&gitlab).await;
    let run = Run::new();
    let source = run.gitlab(&gitlab.uri());
    let (report, _) = run.sync(&source, gitlab_fixture::NOW).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    run.store.load().unwrap()
}

/// After the fault: the next sync stores everything once (what a clean sync stores, nothing
/// twice), and one more changes nothing.
async fn assert_recovers(run: &Run, source: &Arc<dyn Source>, now: &str, clean: &EventSet) {
    let (report, wait) = run.sync(source, now).await;
    assert!(
        matches!(report, SyncReport::Synced { .. }),
        "recovery failed: {report:?}"
    );
    assert_eq!(wait, INTERVAL);
    assert_eq!(run.status(source), ("ok".to_string(), String::new()));
    let stored = run.store.load().unwrap();
    let mut ids: Vec<&str> = stored.deployments.iter().map(|d| d.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), stored.deployments.len(), "a deployment twice");
    assert_eq!(
        &stored, clean,
        "the store differs from a sync without the fault"
    );
    let (again, _) = run.sync(source, now).await;
    match again {
        SyncReport::Synced { count, .. } => assert_eq!(count.inserted + count.updated, 0),
        other => panic!("{other:?}"),
    }
}

fn github_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string()
    }))
}

/// One answer for the next request to the pull request list, in the middle of a sync.
async fn fault_on_pulls(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(format!("/repos/acme/{}/pulls", github_fixture::REPO)))
        .respond_with(answer)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

fn epoch_in(seconds: i64) -> String {
    (Utc::now().timestamp() + seconds).to_string()
}

fn assert_wait_about(wait: Duration, seconds: u64) {
    let (low, high) = (seconds.saturating_sub(2), seconds + 1);
    assert!(
        (low..=high).contains(&wait.as_secs()),
        "waits {wait:?}, expected about {seconds} s"
    );
}

/// A GitHub fault in the middle of a sync: the status names `cause`, the wait is checked by
/// `wait_ok`, then the sync recovers.
async fn github_mid_sync(answer: ResponseTemplate, cause: &str, wait_ok: impl Fn(Duration)) {
    let clean = clean_github().await;
    let server = leaked(MockServer::start().await);
    github_fixture::mount(&server).await;
    fault_on_pulls(&server, answer).await;
    let run = Run::new();
    let source = run.github(&server.uri());

    let (report, wait) = run.sync(&source, github_fixture::NOW).await;
    let SyncReport::Failed { error, .. } = &report else {
        panic!("the fault did not fail the sync: {report:?}");
    };
    assert!(error.contains(cause), "{error:?} does not name {cause:?}");
    let (status, stored_error) = run.status(&source);
    assert_eq!(
        status, "error",
        "never synced before, so an error, not stale"
    );
    assert!(stored_error.contains(cause), "{stored_error:?}");
    wait_ok(wait);
    // What the sync read before the fault (runs, deployments) is kept with its cursors: the
    // next sync continues from there instead of reading it again.
    assert!(
        !run.store.load().unwrap().deployments.is_empty(),
        "a failed sync keeps what it read before the fault"
    );

    assert_recovers(&run, &source, github_fixture::NOW, &clean).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_then_200() {
    github_mid_sync(github_error(500, "Server Error"), "500", |w| {
        assert_eq!(w, Duration::from_secs(30))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_502_with_an_html_body() {
    let answer = ResponseTemplate::new(502)
        .insert_header("content-type", "text/html")
        .set_body_string("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>");
    github_mid_sync(answer, "502", |w| assert_eq!(w, Duration::from_secs(30))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json() {
    let answer = ResponseTemplate::new(200)
        .insert_header("content-type", "application/json")
        .set_body_string("[{\"number\": 1, \"title\": ");
    github_mid_sync(answer, "not the JSON expected", |w| {
        assert_eq!(w, INTERVAL, "an unreadable answer waits the interval")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_is_a_configuration_error_retried_at_the_interval_only() {
    github_mid_sync(github_error(401, "Bad credentials"), "401", |w| {
        assert_eq!(w, INTERVAL)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_is_a_configuration_error_retried_at_the_interval_only() {
    github_mid_sync(github_error(404, "Not Found"), "404", |w| {
        assert_eq!(w, INTERVAL)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_primary_rate_limit_waits_until_the_reset() {
    let answer = github_error(403, "API rate limit exceeded for user ID 1.")
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-used", "5000")
        .insert_header("x-ratelimit-reset", epoch_in(300).as_str())
        .insert_header("x-ratelimit-resource", "core");
    github_mid_sync(answer, "rate limited", |w| assert_wait_about(w, 300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_secondary_rate_limit_waits_retry_after() {
    let answer = github_error(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    )
    .insert_header("retry-after", "90");
    github_mid_sync(answer, "rate limited", |w| assert_wait_about(w, 90)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_waits_retry_after() {
    let answer = github_error(429, "Too Many Requests").insert_header("retry-after", "120");
    github_mid_sync(answer, "rate limited", |w| assert_wait_about(w, 120)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gitlab_429_waits_until_ratelimit_reset() {
    let clean = clean_gitlab().await;
    let gitlab = leaked(gitlab_server::Gitlab::start().await);
    gitlab_fixture::mount(&gitlab).await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{}/merge_requests",
            gitlab_server::PROJECT_PATH
        )))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("ratelimit-limit", "2000")
                .insert_header("ratelimit-remaining", "0")
                .insert_header("ratelimit-reset", epoch_in(200).as_str())
                .set_body_string("Retry later\n"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&gitlab.server)
        .await;
    let run = Run::new();
    let source = run.gitlab(&gitlab.uri());
    let (report, wait) = run.sync(&source, gitlab_fixture::NOW).await;
    let SyncReport::Failed { error, .. } = &report else {
        panic!("{report:?}");
    };
    assert!(error.contains("rate limited"), "{error}");
    assert!(run.status(&source).1.contains("rate limited"));
    assert_wait_about(wait, 200);
    assert_recovers(&run, &source, gitlab_fixture::NOW, &clean).await;
}

/// How a connection is mistreated before the real server takes the port over.
#[derive(Clone, Copy)]
enum Broken {
    /// Read the request, answer nothing, keep the connection open.
    Silent,
    /// Promise 1,000 bytes, send a few, close.
    Truncated,
}

/// Serves `broken` on a listener until `stop` is set; the same socket is handed to the real
/// server afterwards (no other test can take the port in between).
fn serve_broken(listener: &std::net::TcpListener, broken: Broken, stop: Arc<AtomicBool>) {
    let listener = listener.try_clone().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_millis(500)))
                        .unwrap();
                    http_harness::read_head(&mut stream);
                    match broken {
                        Broken::Silent => open.push(stream),
                        Broken::Truncated => {
                            let _ = stream.write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"total_count\": 3, \"work",
                            );
                            let _ = stream.shutdown(std::net::Shutdown::Both);
                        }
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
}

/// A whole-connection fault for the first sync, then the real server on the same port.
async fn github_broken_connection(broken: Option<Broken>, cause: &str, expected_wait: Duration) {
    let clean = clean_github().await;
    // Bound, not listening: connections are refused, and the port stays ours.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    let base = format!("http://{address}");
    let stop = Arc::new(AtomicBool::new(false));
    let (mut socket, mut listening) = (Some(socket), None);
    if let Some(broken) = broken {
        let listener = socket
            .take()
            .unwrap()
            .listen(64)
            .unwrap()
            .into_std()
            .unwrap();
        serve_broken(&listener, broken, stop.clone());
        listening = Some(listener);
    }
    let run = Run::new();
    let source = run.github(&base);

    let (report, wait) = run.sync(&source, github_fixture::NOW).await;
    let SyncReport::Failed {
        error, retryable, ..
    } = &report
    else {
        panic!("{report:?}");
    };
    assert!(error.contains(cause), "{error:?} does not name {cause:?}");
    assert!(retryable);
    assert!(run.status(&source).1.contains(cause));
    assert_eq!(wait, expected_wait);

    stop.store(true, Ordering::SeqCst);
    let listener = match listening {
        Some(listener) => listener,
        None => socket.unwrap().listen(64).unwrap().into_std().unwrap(),
    };
    let server = leaked(MockServer::builder().listener(listener).start().await);
    assert_eq!(server.uri(), base);
    github_fixture::mount(&server).await;
    assert_recovers(&run, &source, github_fixture::NOW, &clean).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused() {
    github_broken_connection(None, "cannot connect", Duration::from_secs(30)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout() {
    github_broken_connection(Some(Broken::Silent), "timeout", Duration::from_secs(30)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body() {
    github_broken_connection(
        Some(Broken::Truncated),
        "truncated",
        Duration::from_secs(30),
    )
    .await;
}
