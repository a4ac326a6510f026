//! The fault matrix of the HTTP layer for CircleCI and Argo CD, through the poller as a user
//! lives it: one sync hits the fault, the next works. For each fault (500, 502 with an HTML
//! body, a malformed and a truncated body, 401, 403, 404, 429 with and without Retry-After, a
//! refused connection, a timeout): no panic, the stored status names the cause, the retry is
//! scheduled as the error says, a failed sync stores nothing, and after recovery the SQLite
//! store holds exactly what a sync without the fault stores — every event once.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{argocd_server, circleci_server};

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use flowdeck::model::EventSet;
use flowdeck::poller::{SyncReport, sync_source};
use flowdeck::sources::argocd::ArgocdSource;
use flowdeck::sources::circleci::CircleciSource;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, StoreEtagCache, SystemClock};
use flowdeck::sources::live::Source;
use flowdeck::store::{SqliteStore, Store};
use wiremock::{MockServer, ResponseTemplate};

const INTERVAL: Duration = Duration::from_secs(60);
const NOW: &str = "2026-03-31T00:00:00Z";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Circleci,
    Argocd,
}

const KINDS: [Kind; 2] = [Kind::Circleci, Kind::Argocd];

/// A look-alike of either, serving the scenario of its own tests.
enum Fake {
    Circleci(circleci_server::Circleci),
    Argocd(argocd_server::Argocd),
}

impl Fake {
    async fn on(kind: Kind, server: Leaked<MockServer>) -> Fake {
        match kind {
            Kind::Circleci => Fake::Circleci(
                circleci_server::Circleci::on(server, &crate::circleci::march()).await,
            ),
            Kind::Argocd => {
                let argo = argocd_server::Argocd::on(server).await;
                argo.sync("a0", "2026-02-25T10:00:00Z", "2026-02-25T10:02:00Z");
                argo.sync("a1", "2026-03-02T10:00:00Z", "2026-03-02T10:02:00Z");
                argo.sync("a2", "2026-03-05T10:00:00Z", "2026-03-05T10:02:00Z");
                argo.fail("a3", "2026-03-09T10:00:00Z", "2026-03-09T10:05:00Z");
                argo.health("Degraded", "2026-03-09T10:10:00Z", None);
                Fake::Argocd(argo)
            }
        }
    }

    async fn start(kind: Kind) -> Fake {
        Fake::on(kind, leaked(MockServer::start().await)).await
    }

    fn uri(&self) -> String {
        match self {
            Fake::Circleci(f) => f.uri(),
            Fake::Argocd(f) => f.uri(),
        }
    }

    /// The next request answered so (CircleCI: for workflows, in the middle of a sync, unless
    /// `first`: the pipeline listing).
    async fn fault(&self, answer: ResponseTemplate, first: bool) {
        match self {
            Fake::Circleci(f) => f.interrupt(answer, 1, !first).await,
            Fake::Argocd(f) => f.interrupt(answer, 1).await,
        }
    }
}

fn settings() -> HttpSettings {
    HttpSettings {
        jitter: Jitter::Off,
        max_retries: 0,
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
        Run::with(settings())
    }

    fn with(settings: HttpSettings) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("history.sqlite")).unwrap());
        let http = HttpClient::new(
            settings,
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

    fn source(&self, kind: Kind, base: &str) -> Arc<dyn Source> {
        match kind {
            Kind::Circleci => Arc::new(
                CircleciSource::new(&crate::circleci::config(base), self.http.clone())
                    .unwrap()
                    .with_default_interval(INTERVAL),
            ),
            Kind::Argocd => Arc::new(
                ArgocdSource::new(
                    &crate::argocd::config(base, "incidents_from_health = true\n"),
                    self.http.clone(),
                )
                .unwrap()
                .with_default_interval(INTERVAL),
            ),
        }
    }

    async fn sync(&self, source: &Arc<dyn Source>) -> (SyncReport, Duration) {
        sync_source(
            source.as_ref(),
            &self.store,
            chrono::Duration::days(30),
            0,
            NOW.parse().unwrap(),
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

async fn clean(kind: Kind) -> EventSet {
    let fake = Fake::start(kind).await;
    let run = Run::new();
    let source = run.source(kind, &fake.uri());
    let (report, _) = run.sync(&source).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    let events = run.store.load().unwrap();
    assert!(!events.deployments.is_empty());
    events
}

/// The next sync stores what a clean one does, nothing twice; one more changes nothing.
async fn assert_recovers(run: &Run, source: &Arc<dyn Source>, clean: &EventSet, what: &str) {
    let (report, wait) = run.sync(source).await;
    assert!(
        matches!(report, SyncReport::Synced { .. }),
        "{what}: recovery failed: {report:?}"
    );
    assert_eq!(wait, INTERVAL, "{what}");
    assert_eq!(
        run.status(source),
        ("ok".to_string(), String::new()),
        "{what}"
    );
    let stored = run.store.load().unwrap();
    assert_eq!(
        without_urls(stored),
        without_urls(clean.clone()),
        "{what}: the store differs from a sync without the fault"
    );
    let (again, _) = run.sync(source).await;
    match again {
        SyncReport::Synced { count, .. } => {
            assert_eq!(count.inserted + count.updated, 0, "{what}: {count:?}")
        }
        other => panic!("{what}: {other:?}"),
    }
}

/// The events without their links (which name each run's server port).
fn without_urls(mut events: EventSet) -> EventSet {
    for d in &mut events.deployments {
        d.url = None;
    }
    for r in &mut events.pipeline_runs {
        r.url = None;
    }
    for i in &mut events.incidents {
        i.url = None;
    }
    events
}

fn assert_wait_about(wait: Duration, seconds: u64, what: &str) {
    let (low, high) = (seconds.saturating_sub(2), seconds + 1);
    assert!(
        (low..=high).contains(&wait.as_secs()),
        "{what}: waits {wait:?}, expected about {seconds} s"
    );
}

fn json_error(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// Each answer, for each kind: the sync fails naming `cause`, waits as `wait` says, recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_fault_fails_one_sync_and_loses_nothing() {
    type WaitCheck = fn(Duration, &str);
    let faults: Vec<(&str, ResponseTemplate, &str, WaitCheck)> = vec![
        ("500", json_error(500, r#"{"message":"Internal server error"}"#), "500", |w, what| {
            assert_eq!(w, Duration::from_secs(30), "{what}")
        }),
        (
            "502 html",
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"),
            "502",
            |w, what| assert_eq!(w, Duration::from_secs(30), "{what}"),
        ),
        ("malformed", json_error(200, r#"{"items": [{"id": 7, "#), "not the JSON expected", |w, what| {
            assert_eq!(w, INTERVAL, "{what}")
        }),
        ("wrong shape", json_error(200, r#"{"items": "none", "status": {"history": "none"}}"#), "not the JSON expected", |w, what| {
            assert_eq!(w, INTERVAL, "{what}")
        }),
        ("401", json_error(401, r#"{"message":"You must log in first."}"#), "401", |w, what| {
            assert_eq!(w, INTERVAL, "{what}")
        }),
        ("403", json_error(403, r#"{"error":"permission denied","code":7,"message":"permission denied"}"#), "403", |w, what| {
            assert_eq!(w, INTERVAL, "{what}")
        }),
        ("404", json_error(404, r#"{"message":"Not found"}"#), "404", |w, what| {
            assert_eq!(w, INTERVAL, "{what}")
        }),
        (
            "429 retry-after",
            json_error(429, r#"{"message":"Rate limit exceeded"}"#).insert_header("retry-after", "120"),
            "rate limited",
            |w, what| assert_wait_about(w, 120, what),
        ),
        ("429 bare", json_error(429, r#"{"message":"Rate limit exceeded"}"#), "rate limited", |w, what| {
            assert!(w <= Duration::from_secs(120) && w >= Duration::from_secs(1), "{what}: waits {w:?}")
        }),
    ];
    for kind in KINDS {
        let clean = clean(kind).await;
        for (name, answer, cause, wait_ok) in &faults {
            let what = format!("{kind:?} {name}");
            let fake = Fake::start(kind).await;
            // CircleCI: a 404 for a pipeline's workflows is read again next sync (below); a
            // 404 for the project is the configuration's.
            fake.fault(answer.clone(), *name == "404").await;
            let run = Run::new();
            let source = run.source(kind, &fake.uri());
            let (report, wait) = run.sync(&source).await;
            let SyncReport::Failed { error, .. } = &report else {
                panic!("{what}: the fault did not fail the sync: {report:?}");
            };
            assert!(
                error.contains(cause),
                "{what}: {error:?} does not name {cause:?}"
            );
            let (status, stored_error) = run.status(&source);
            assert_eq!(status, "error", "{what}");
            assert!(stored_error.contains(cause), "{what}: {stored_error:?}");
            assert!(!stored_error.contains("TOPSECRET"), "{what}");
            wait_ok(wait, &what);
            let stored = run.store.load().unwrap();
            assert!(
                stored.deployments.is_empty()
                    && stored.pipeline_runs.is_empty()
                    && stored.incidents.is_empty(),
                "{what}: a failed sync stores nothing"
            );
            assert_recovers(&run, &source, &clean, &what).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_for_a_pipelines_workflows_reads_it_again_next_sync() {
    let clean = clean(Kind::Circleci).await;
    let fake = Fake::start(Kind::Circleci).await;
    fake.fault(
        json_error(404, r#"{"message":"Pipeline not found"}"#),
        false,
    )
    .await;
    let run = Run::new();
    let source = run.source(Kind::Circleci, &fake.uri());
    let (report, _) = run.sync(&source).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    let first = run.store.load().unwrap();
    assert!(
        !first.deployments.iter().any(|d| d.id.ends_with(":d9")),
        "#9's workflows were not read"
    );
    let (report, _) = run.sync(&source).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    assert_eq!(without_urls(run.store.load().unwrap()), without_urls(clean));
}

/// How a connection is mistreated before the real server takes the port over.
#[derive(Debug, Clone, Copy)]
enum Broken {
    Refused,
    Silent,
    Truncated,
}

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
                    crate::support::http_harness::read_head(&mut stream);
                    match broken {
                        Broken::Silent | Broken::Refused => open.push(stream),
                        Broken::Truncated => {
                            let _ = stream.write_all(
                                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"items\": [{\"id\": \"5034",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_timed_out_and_truncated_connections_lose_nothing() {
    for kind in KINDS {
        let clean = clean(kind).await;
        for (broken, cause) in [
            (Broken::Refused, "cannot connect"),
            (Broken::Silent, "timeout"),
            (Broken::Truncated, "truncated"),
        ] {
            let what = format!("{kind:?} {broken:?}");
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let base = format!("http://{}", socket.local_addr().unwrap());
            let stop = Arc::new(AtomicBool::new(false));
            let (mut socket, mut listening) = (Some(socket), None);
            if !matches!(broken, Broken::Refused) {
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
            let source = run.source(kind, &base);
            let (report, wait) = run.sync(&source).await;
            let SyncReport::Failed {
                error, retryable, ..
            } = &report
            else {
                panic!("{what}: {report:?}");
            };
            assert!(
                error.contains(cause),
                "{what}: {error:?} does not name {cause:?}"
            );
            assert!(retryable, "{what}");
            assert_eq!(wait, Duration::from_secs(30), "{what}");
            assert!(run.store.load().unwrap().deployments.is_empty(), "{what}");

            stop.store(true, Ordering::SeqCst);
            let listener = match listening {
                Some(listener) => listener,
                None => socket.unwrap().listen(64).unwrap().into_std().unwrap(),
            };
            let server = leaked(MockServer::builder().listener(listener).start().await);
            let _fake = Fake::on(kind, server).await;
            assert_recovers(&run, &source, &clean, &what).await;
        }
    }
}

/// A look-alike that answers later than the configured timeout (wiremock's `set_delay`), for
/// each of Jenkins, Buildkite, CircleCI and Argo CD: the sync fails as retryable naming the
/// timeout, retried after the 30 s backoff, stores nothing; the next sync stores what a sync
/// without the delay does, every event once. The timeout is 300 ms, so the test is fast.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_alike_slower_than_the_timeout_fails_one_sync_as_retryable_and_loses_nothing() {
    use crate::support::buildkite_server::Buildkite;
    use crate::support::jenkins_server::Jenkins;
    use flowdeck::sources::buildkite::BuildkiteSource;
    use flowdeck::sources::jenkins::JenkinsSource;

    let timeout = Duration::from_millis(300);
    let slow = || ResponseTemplate::new(200).set_delay(Duration::from_secs(2));
    let short = HttpSettings {
        timeout,
        ..settings()
    };
    for kind in ["jenkins", "buildkite", "circleci", "argocd"] {
        // The same scenario twice: once with the delay, once clean, for comparison.
        let mut stored: Vec<EventSet> = Vec::new();
        for delayed in [true, false] {
            let run = Run::with(short.clone());
            let (source, _server): (Arc<dyn Source>, Box<dyn std::any::Any>) = match kind {
                "jenkins" => {
                    let c: [String; 4] = std::array::from_fn(|i| format!("{:040x}", i + 1));
                    let jenkins = Jenkins::start().await;
                    jenkins.set_job("deploy/api-production", crate::jenkins::deploy_builds(&c));
                    jenkins.set_job("api/main", crate::jenkins::ci_builds(&c));
                    if delayed {
                        jenkins.fault(slow());
                    }
                    let config = toml::from_str(&format!(
                        "service = \"api\"\nbase_url = {:?}\ndeploy_job = \"deploy/api-production\"\nci_jobs = [\"api/main\"]\nuser = \"ci-bot\"\ntoken_cmd = \"printf %s {}\"\n",
                        jenkins.uri(),
                        crate::support::jenkins_server::TOKEN
                    ))
                    .unwrap();
                    let source = JenkinsSource::new(&config, run.http.clone())
                        .unwrap()
                        .with_default_interval(INTERVAL);
                    (Arc::new(source), Box::new(jenkins))
                }
                "buildkite" => {
                    let bk = Buildkite::start().await;
                    bk.set_pipeline("api-deploy", crate::buildkite::deploys());
                    bk.set_pipeline("api", crate::buildkite::ci());
                    if delayed {
                        bk.fault(slow());
                    }
                    let config = toml::from_str(&format!(
                        "service = \"api\"\norganization = \"acme\"\ndeploy_pipeline = \"api-deploy\"\nci_pipelines = [\"api\"]\nbase_url = {:?}\ntoken_cmd = \"printf %s {}\"\n",
                        bk.uri(),
                        crate::support::buildkite_server::TOKEN
                    ))
                    .unwrap();
                    let source = BuildkiteSource::new(&config, run.http.clone())
                        .unwrap()
                        .with_default_interval(INTERVAL);
                    (Arc::new(source), Box::new(bk))
                }
                other => {
                    let kind = if other == "circleci" {
                        Kind::Circleci
                    } else {
                        Kind::Argocd
                    };
                    let fake = Fake::start(kind).await;
                    if delayed {
                        fake.fault(slow(), true).await;
                    }
                    (run.source(kind, &fake.uri()), Box::new(fake))
                }
            };
            if delayed {
                let started = std::time::Instant::now();
                let (report, wait) = run.sync(&source).await;
                let SyncReport::Failed {
                    error, retryable, ..
                } = &report
                else {
                    panic!("{kind}: {report:?}");
                };
                assert!(error.contains("timeout"), "{kind}: {error}");
                assert!(retryable, "{kind}: {error}");
                assert_eq!(wait, Duration::from_secs(30), "{kind}");
                assert!(
                    started.elapsed() < Duration::from_secs(2),
                    "{kind}: the sync waited for the slow answer"
                );
                assert!(run.store.load().unwrap().deployments.is_empty(), "{kind}");
                assert_eq!(run.status(&source).0, "error", "{kind}");
            }
            let (report, _) = run.sync(&source).await;
            assert!(
                matches!(report, SyncReport::Synced { .. }),
                "{kind} (delayed: {delayed}): {report:?}"
            );
            let (again, _) = run.sync(&source).await;
            match again {
                SyncReport::Synced { count, .. } => {
                    assert_eq!(count.inserted + count.updated, 0, "{kind}: {count:?}")
                }
                other => panic!("{kind}: {other:?}"),
            }
            stored.push(without_urls(run.store.load().unwrap()));
        }
        assert!(!stored[1].deployments.is_empty(), "{kind}");
        assert_eq!(
            stored[0], stored[1],
            "{kind}: the store after the timeout differs from a sync without it"
        );
    }
}
