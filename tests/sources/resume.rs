//! A first sync cut short continues where it stopped (issue 13, item 3): a GitHub backfill
//! stopped by a rate limit, a broken body or a timeout keeps what it read with its cursors,
//! and the next sync (after the reset) reads only what was left: no page is fetched twice
//! (only the request that failed is sent again), and the store ends equal to an uncut
//! backfill's, so every number is the same.

use crate::support::leaked::leaked;
// One attempt per request and never a sleep in place, as in poller_faults: the fault reaches
// the poller.
use crate::poller_faults::settings;
use crate::support::{github_fixture, github_generated};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use flowdeck::config::schema::GithubSourceConfig;
use flowdeck::model::EventSet;
use flowdeck::poller::{SyncReport, sync_source};
use flowdeck::sources::github::GithubSource;
use flowdeck::sources::http::{HttpClient, StoreEtagCache, SystemClock};
use flowdeck::sources::live::Source;
use flowdeck::store::{SqliteStore, Store};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

struct Run {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    source: Arc<dyn Source>,
}

impl Run {
    fn new(config: &GithubSourceConfig) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("history.sqlite")).unwrap());
        let http = HttpClient::new(
            settings(),
            Arc::new(StoreEtagCache(store.clone())),
            Arc::new(SystemClock),
        )
        .unwrap();
        let source: Arc<dyn Source> = Arc::new(GithubSource::new(config, http).unwrap());
        Run {
            _dir: dir,
            store,
            source,
        }
    }

    async fn sync(&self, now: &str, backfill_days: i64) -> SyncReport {
        sync_source(
            self.source.as_ref(),
            &self.store,
            chrono::Duration::days(backfill_days),
            0,
            now.parse().unwrap(),
        )
        .await
        .0
    }
}

/// Matches only the `n`th request the server sees (1-based), once.
struct NthRequest {
    n: usize,
    seen: AtomicUsize,
}

impl Match for NthRequest {
    fn matches(&self, _request: &Request) -> bool {
        self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.n
    }
}

async fn fault_at(server: &MockServer, n: usize, answer: ResponseTemplate) {
    Mock::given(NthRequest {
        n,
        seen: AtomicUsize::new(0),
    })
    .respond_with(answer)
    .with_priority(1)
    .mount(server)
    .await;
}

fn url_of(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_string(),
    }
}

/// Requests the server received, per URL (path and query).
async fn per_url(server: &MockServer) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for request in server.received_requests().await.unwrap() {
        *counts.entry(url_of(&request)).or_insert(0) += 1;
    }
    counts
}

/// Two requests for one item: pages of one compare (`…/compare/BASE...HEAD?…`), or the
/// commits and reviews of one pull request (`…/pulls/N/…`).
fn same_item(a: &str, b: &str) -> bool {
    let item = |url: &str| {
        let path = url.split('?').next().unwrap_or(url);
        if let Some((_, range)) = path.split_once("/compare/") {
            return Some(format!("compare {range}"));
        }
        let (_, rest) = path.split_once("/pulls/")?;
        let (number, _) = rest.split_once('/')?;
        Some(format!("pull {number}"))
    };
    item(a).is_some() && item(a) == item(b)
}

fn rate_limited() -> ResponseTemplate {
    ResponseTemplate::new(403)
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-used", "5000")
        .insert_header(
            "x-ratelimit-reset",
            (Utc::now().timestamp() + 300).to_string().as_str(),
        )
        .insert_header("x-ratelimit-resource", "core")
        .set_body_json(serde_json::json!({
            "message": "API rate limit exceeded for user ID 1.",
            "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
        }))
}

fn broken_body() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"[{"id": 1, "sha": "ab"#, "application/json")
}

fn too_slow() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_string("[]")
        .set_delay(Duration::from_secs(3))
}

/// After a cut at request `n` and one more sync: the store equals the uncut one's, and every
/// URL was fetched once, but for the request that failed (sent again once). Returns the
/// requests of the cut sync and of both together.
async fn assert_resumes(
    mount: impl AsyncFn(&MockServer),
    config: impl Fn(&str) -> GithubSourceConfig,
    (now, days): (&str, i64),
    n: usize,
    fault: ResponseTemplate,
    clean: &EventSet,
) -> (usize, usize) {
    let server = leaked(MockServer::start().await);
    mount(&server).await;
    fault_at(&server, n, fault).await;
    let run = Run::new(&config(&server.uri()));
    let cut = run.sync(now, days).await;
    assert!(
        matches!(cut, SyncReport::Failed { .. }),
        "request {n}: the fault did not cut the sync: {cut:?}"
    );
    let received = server.received_requests().await.unwrap();
    let cut_requests = received.len();
    let failed = url_of(&received[n - 1]);
    let resumed = run.sync(now, days).await;
    assert!(
        matches!(resumed, SyncReport::Synced { .. }),
        "request {n}: the sync after the cut failed: {resumed:?}"
    );
    let counts = per_url(&server).await;
    // Only the request that failed is sent again; a compare (its pages) and a pull request's
    // details (commits and reviews) are read as one item, so a cut in the middle of one reads
    // the item again.
    let twice: Vec<(&String, &usize)> = counts
        .iter()
        .filter(|(url, c)| **c > 1 && **url != failed && !same_item(url, &failed))
        .collect();
    assert!(
        twice.is_empty() && counts.get(&failed) == Some(&2),
        "request {n} ({failed}): pages fetched twice after the cut: {twice:?}"
    );
    assert_eq!(
        &run.store.load().unwrap(),
        clean,
        "request {n}: the resumed backfill differs from an uncut one"
    );
    let total = server.received_requests().await.unwrap().len();
    (cut_requests, total)
}

/// What an uncut first sync stores, and its requests.
async fn clean(
    mount: impl AsyncFn(&MockServer),
    config: impl Fn(&str) -> GithubSourceConfig,
    (now, days): (&str, i64),
) -> (EventSet, usize) {
    let server = leaked(MockServer::start().await);
    mount(&server).await;
    let run = Run::new(&config(&server.uri()));
    let report = run.sync(now, days).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    let requests = server.received_requests().await.unwrap().len();
    (run.store.load().unwrap(), requests)
}

fn big(base: &str) -> GithubSourceConfig {
    let mut config = github_fixture::config(base);
    config.repo = "acme/big".into();
    config.ci_workflows = Vec::new();
    config
}

const BIG: (&str, i64) = (github_generated::NOW, github_generated::BACKFILL_DAYS);

/// 1,000 deployments, rate-limited half-way (in the middle of the statuses): the sync after
/// the reset reads only the other half; the store ends equal to an uncut backfill's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_cut_by_a_rate_limit_half_way_continues_after_the_reset() {
    let (clean_events, clean_requests) = clean(github_generated::mount, big, BIG).await;
    assert_eq!(clean_events.deployments.len(), 1001);
    let half = clean_requests / 2;
    let (cut, total) = assert_resumes(
        github_generated::mount,
        big,
        BIG,
        half,
        rate_limited(),
        &clean_events,
    )
    .await;
    assert_eq!(cut, half);
    // The uncut backfill's requests, and the one the rate limit refused, sent again.
    assert_eq!(total, clean_requests + 1);
}

/// The same backfill cut by a broken body a third of the way (in the statuses), and by a
/// server too slow to answer at three quarters (in the compares).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_cut_by_a_broken_body_or_a_timeout_continues_at_the_next_sync() {
    let (clean_events, clean_requests) = clean(github_generated::mount, big, BIG).await;
    for (n, fault) in [
        (clean_requests / 3, broken_body()),
        (clean_requests * 3 / 4, too_slow()),
    ] {
        let (_, total) =
            assert_resumes(github_generated::mount, big, BIG, n, fault, &clean_events).await;
        assert_eq!(total, clean_requests + 1, "cut at request {n}");
    }
}

/// Every request of a first sync of the small repository (runs, deployments, statuses,
/// compares, pull requests with their commits and reviews, incidents) cut in turn: each time
/// the next sync ends equal to an uncut one, fetching no page twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_cut_at_any_request_continues_from_there() {
    let fixture = (github_fixture::NOW, github_fixture::backfill().num_days());
    let (clean_events, clean_requests) =
        clean(github_fixture::mount, github_fixture::config, fixture).await;
    assert!(clean_requests > 10, "{clean_requests}");
    for n in 1..=clean_requests {
        assert_resumes(
            github_fixture::mount,
            github_fixture::config,
            fixture,
            n,
            broken_body(),
            &clean_events,
        )
        .await;
    }
}
