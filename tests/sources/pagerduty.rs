//! The PagerDuty source against a local PagerDuty (wiremock on 127.0.0.1, see
//! tests/support/pagerduty_server.rs) serving incidents shaped like the REST API v2: a backfill
//! longer than six months read in 180-day requests, offset paging and its 10,000 cap, the
//! hand-computed incidents of a month (services, severity, start, end, open), the urgency and
//! status filters, incidents resolved between syncs (updated in place), rate limits, malformed
//! and truncated answers, a rejected key, `check`'s probe, and `flowdeck report` / `check`
//! through the binary with a git repository beside it.

use crate::support::{gitlab_store, gitrepo, http_harness, pagerduty_server};

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use flowdeck::config::PagerdutySourceConfig;
use flowdeck::model::Incident;
use flowdeck::sources::SourceError;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::sources::pagerduty::PagerdutySource;
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use serde_json::Value;
use wiremock::ResponseTemplate;
use wiremock::matchers::{method, path, query_param};

use gitlab_store::MemoryStore;
use pagerduty_server::{Pagerduty, TOKEN, WEB, error_body, incident, spec};

const NOW: &str = "2026-03-31T00:00:00Z";
const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";

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

/// A source on `pd` with the test key (through token_cmd), PAPI01 mapped to "api", the
/// services "api" and "web" known, and `extra` TOML lines.
fn source_with(pd: &Pagerduty, extra: &str, http: HttpClient) -> PagerdutySource {
    let text = format!(
        "name = \"pagerduty\"\nbase_url = {:?}\ntoken_cmd = \"printf %s {TOKEN}\"\nservice_map = {{ PAPI01 = \"api\" }}\n{extra}\n",
        pd.uri()
    );
    let config: PagerdutySourceConfig = toml::from_str(&text).unwrap();
    PagerdutySource::new(&config, vec!["api".into(), "web".into()], http).unwrap()
}

fn source(pd: &Pagerduty) -> PagerdutySource {
    source_with(pd, "", client())
}

fn context(store: &Arc<MemoryStore>, now: &str, backfill_days: i64) -> SyncContext {
    SyncContext {
        store: store.clone() as Arc<dyn Store>,
        now: at(now),
        backfill: chrono::Duration::days(backfill_days),
        lease: None,
    }
}

/// One sync committed as the poller commits it.
async fn sync(
    source: &PagerdutySource,
    store: &Arc<MemoryStore>,
    now: &str,
    backfill_days: i64,
) -> (SyncOutcome, UpsertCount) {
    let outcome = source
        .sync(&context(store, now, backfill_days))
        .await
        .unwrap();
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

fn stored(store: &MemoryStore) -> BTreeMap<String, Incident> {
    store
        .events()
        .incidents
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect()
}

fn mark(store: &MemoryStore, key: &str) -> String {
    store
        .watermarks("pagerduty")
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no watermark {key}"))
}

// ---------------------------------------------------------------------------------------------
// Ranges and paging

#[tokio::test]
async fn a_backfill_over_six_months_is_read_in_180_day_requests_with_offset_paging() {
    let mut incidents = vec![
        // Before the horizon (2025-02-24): never asked for.
        incident(
            &spec(
                "PB0000",
                1,
                "Older than the backfill",
                "2025-02-20T00:00:00Z",
            )
            .resolved("2025-02-20T01:00:00Z"),
        ),
        incident(
            &spec("PB0001", 2, "Spring outage", "2025-03-10T10:00:00Z")
                .resolved("2025-03-10T11:00:00Z"),
        ),
        incident(
            &spec("PB0002", 3, "Autumn outage", "2025-09-01T10:00:00Z")
                .resolved("2025-09-01T10:20:00Z"),
        ),
    ];
    // 250 in March 2026, two hours apart from 03-05 00:00 to 03-25 18:00: three pages.
    let march = at("2026-03-05T00:00:00Z");
    for n in 0..250u64 {
        let created = march + chrono::Duration::hours(2 * i64::try_from(n).unwrap());
        let resolved = created + chrono::Duration::minutes(30);
        incidents.push(incident(
            &spec(
                &format!("PM{n:04}"),
                100 + n,
                &format!("Blip {n}"),
                &created.to_rfc3339(),
            )
            .resolved(&resolved.to_rfc3339()),
        ));
    }
    let pd = Pagerduty::start(incidents).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, count) = sync(&source(&pd), &store, NOW, 400).await;

    // 2026-03-31 − 400 days = 2025-02-24; +180 days = 2025-08-23; +180 days = 2026-02-19.
    let served = pd.served();
    let asked: Vec<(String, String, String)> = served
        .iter()
        .map(|s| {
            (
                s.param("since").unwrap().to_string(),
                s.param("until").unwrap().to_string(),
                s.param("offset").unwrap().to_string(),
            )
        })
        .collect();
    let row = |since: &str, until: &str, offset: &str| {
        (since.to_string(), until.to_string(), offset.to_string())
    };
    assert_eq!(
        asked,
        [
            row("2025-02-24T00:00:00Z", "2025-08-23T00:00:00Z", "0"),
            row("2025-08-23T00:00:00Z", "2026-02-19T00:00:00Z", "0"),
            row("2026-02-19T00:00:00Z", "2026-03-31T00:00:00Z", "0"),
            row("2026-02-19T00:00:00Z", "2026-03-31T00:00:00Z", "100"),
            row("2026-02-19T00:00:00Z", "2026-03-31T00:00:00Z", "200"),
        ]
    );
    for s in &served {
        assert_eq!(s.path, "/incidents");
        assert_eq!(s.status, 200);
        assert!(s.time("until") - s.time("since") <= chrono::Duration::days(180));
        assert_eq!(s.param("limit"), Some("100"));
        assert_eq!(s.param("time_zone"), Some("UTC"));
        assert_eq!(s.param("sort_by"), Some("created_at"));
        assert_eq!(s.params("urgencies[]"), ["high"]);
        assert!(
            s.params("statuses[]").is_empty(),
            "open ones are listed too"
        );
        assert_eq!(
            s.authorization.as_deref(),
            Some(format!("Token token={TOKEN}").as_str())
        );
        assert_eq!(s.accept.as_deref(), Some(ACCEPT));
    }

    assert_eq!(outcome.covers_from, Some(at("2025-02-24T00:00:00Z")));
    assert_eq!(count.inserted, 252);
    let ids = stored(&store);
    assert!(ids.contains_key("pagerduty:PB0001") && ids.contains_key("pagerduty:PB0002"));
    assert!(ids.contains_key("pagerduty:PM0000") && ids.contains_key("pagerduty:PM0249"));
    assert!(!ids.contains_key("pagerduty:PB0000"));
    assert_eq!(mark(&store, "backfill.from"), "2025-02-24T00:00:00Z");
    assert_eq!(mark(&store, "synced.at"), NOW);
    assert_eq!(mark(&store, "open"), "[]");
}

#[tokio::test]
async fn past_ten_thousand_incidents_a_range_goes_on_from_the_last_one_read() {
    // 10,050 incidents, one a minute from 03-01 00:00.
    let start = at("2026-03-01T00:00:00Z");
    let incidents: Vec<Value> = (0..10_050u64)
        .map(|n| {
            let created = start + chrono::Duration::minutes(i64::try_from(n).unwrap());
            incident(
                &spec(
                    &format!("PC{n:05}"),
                    n + 1,
                    "Flapping check",
                    &created.to_rfc3339(),
                )
                .resolved(&(created + chrono::Duration::seconds(20)).to_rfc3339()),
            )
        })
        .collect();
    let pd = Pagerduty::start(incidents).await;
    let store = Arc::new(MemoryStore::new());
    let outcome = source(&pd).sync(&context(&store, NOW, 30)).await.unwrap();

    let served = pd.served();
    assert_eq!(served.len(), 101, "offsets 0 … 9,900, then the rest");
    assert!(served.iter().all(|s| s.status == 200));
    for (n, s) in served.iter().take(100).enumerate() {
        assert_eq!(s.param("since"), Some("2026-03-01T00:00:00Z"));
        assert_eq!(s.param("offset"), Some((n * 100).to_string().as_str()));
    }
    // The 10,000th incident read (#9,999) was created 9,999 minutes after the start, 03-07
    // 22:39; the rest is read from one second before it: #9,999 … #10,049, 51 on one page.
    let last = &served[100];
    assert_eq!(last.param("since"), Some("2026-03-07T22:38:59Z"));
    assert_eq!(last.param("until"), Some(NOW));
    assert_eq!(last.param("offset"), Some("0"));
    let ids: std::collections::BTreeSet<&str> = outcome
        .events
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(outcome.events.incidents.len(), 10_050, "none twice");
    assert_eq!(ids.len(), 10_050);
    assert!(ids.contains("pagerduty:PC10049"));
}

// ---------------------------------------------------------------------------------------------
// What is stored

/// March 2026, worked out by hand:
///
/// | id | service | urgency, priority | created | status |
/// |---|---|---|---|---|
/// | PA0001 | PAPI01 Payments API → api (service_map) | high, P1 | 03-03 10:00 | resolved 11:30 |
/// | PA0002 | PWEB01 "Web" → web (by name) | high | 03-05 08:00 | resolved, resolved_at null, last change 08:45 |
/// | PA0003 | PAPI01 | low | 03-06 12:00 | resolved (filtered out) |
/// | PA0004 | PMAIL1 "Mail relay" → none | high, P2 | 03-10 00:00 | resolved 00:10 |
/// | PA0005 | PAPI01 | high | 03-30 22:00 | acknowledged |
/// | PA0006 | PAPI01 | high | 03-20 09:00 | triggered |
fn march() -> Vec<Value> {
    vec![
        incident(
            &spec("PA0001", 101, "Checkout errors", "2026-03-03T10:00:00Z")
                .priority("P1")
                .resolved("2026-03-03T11:30:00Z"),
        ),
        incident(
            &spec("PA0002", 102, "Web pages slow", "2026-03-05T08:00:00Z")
                .service("PWEB01", "Web")
                .description("p95 above 2 s since the deploy of 4f9c2ab1")
                .resolved_without_resolved_at("2026-03-05T08:45:00Z"),
        ),
        incident(
            &spec("PA0003", 103, "Slow report export", "2026-03-06T12:00:00Z")
                .urgency("low")
                .resolved("2026-03-06T15:00:00Z"),
        ),
        incident(
            &spec("PA0004", 104, "Mail relay down", "2026-03-10T00:00:00Z")
                .service("PMAIL1", "Mail relay")
                .priority("P2")
                .resolved("2026-03-10T00:10:00Z"),
        ),
        incident(
            &spec("PA0005", 105, "Disk filling up", "2026-03-30T22:00:00Z")
                .open("acknowledged", "2026-03-30T22:05:00Z"),
        ),
        incident(
            &spec("PA0006", 106, "Queue backlog", "2026-03-20T09:00:00Z")
                .open("triggered", "2026-03-20T09:00:00Z"),
        ),
    ]
}

#[tokio::test]
async fn incidents_are_stored_with_services_severity_and_times() {
    let pd = Pagerduty::start(march()).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, count) = sync(&source(&pd), &store, NOW, 30).await;

    let served = pd.served();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].param("since"), Some("2026-03-01T00:00:00Z"));
    assert_eq!(served[0].params("urgencies[]"), ["high"]);
    assert_eq!(outcome.covers_from, Some(at("2026-03-01T00:00:00Z")));
    assert_eq!(count.inserted, 5);

    let got = stored(&store);
    let ids: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "pagerduty:PA0001",
            "pagerduty:PA0002",
            "pagerduty:PA0004",
            "pagerduty:PA0005",
            "pagerduty:PA0006"
        ],
        "the low-urgency PA0003 is not stored"
    );
    let one = &got["pagerduty:PA0001"];
    assert_eq!(one.source, "pagerduty");
    assert_eq!(one.services, ["api"]);
    assert_eq!(one.title, "Checkout errors");
    assert_eq!(one.severity.as_deref(), Some("P1"), "the priority's name");
    assert_eq!(one.started_at, at("2026-03-03T10:00:00Z"));
    assert_eq!(one.resolved_at, Some(at("2026-03-03T11:30:00Z")));
    assert_eq!(
        one.url.as_deref(),
        Some(format!("{WEB}/incidents/PA0001").as_str())
    );
    assert_eq!(
        one.labels,
        [
            "urgency=high",
            "priority=P1",
            "service=Payments API",
            "incident_number=101"
        ]
    );
    assert_eq!(one.body, None, "the description only repeats the title");

    let two = &got["pagerduty:PA0002"];
    assert_eq!(
        two.services,
        ["web"],
        "PagerDuty's \"Web\" is flowdeck's web"
    );
    assert_eq!(
        two.severity.as_deref(),
        Some("high"),
        "no priority: the urgency"
    );
    assert_eq!(
        two.resolved_at,
        Some(at("2026-03-05T08:45:00Z")),
        "resolved_at null: last_status_change_at"
    );
    assert_eq!(
        two.body.as_deref(),
        Some("p95 above 2 s since the deploy of 4f9c2ab1")
    );

    let mail = &got["pagerduty:PA0004"];
    assert!(mail.services.is_empty(), "an unmapped, unknown service");
    assert_eq!(mail.severity.as_deref(), Some("P2"));
    assert_eq!(mail.resolved_at, Some(at("2026-03-10T00:10:00Z")));

    for open in ["pagerduty:PA0005", "pagerduty:PA0006"] {
        assert_eq!(got[open].resolved_at, None, "{open}");
        assert_eq!(got[open].services, ["api"]);
    }
    let open: Value = serde_json::from_str(&mark(&store, "open")).unwrap();
    assert_eq!(
        open,
        serde_json::json!([
            {"id": "PA0005", "created_at": "2026-03-30T22:00:00Z", "stored": true},
            {"id": "PA0006", "created_at": "2026-03-20T09:00:00Z", "stored": true}
        ])
    );
}

#[tokio::test]
async fn incidents_open_at_one_sync_are_updated_when_resolved() {
    let pd = Pagerduty::start(march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&pd);
    sync(&source, &store, NOW, 30).await;

    // By 02:00: PA0005 resolved at 01:00, PA0006 acknowledged, PA0008 came and went.
    pd.upsert(vec![
        incident(
            &spec("PA0005", 105, "Disk filling up", "2026-03-30T22:00:00Z")
                .resolved("2026-03-31T01:00:00Z"),
        ),
        incident(
            &spec("PA0006", 106, "Queue backlog", "2026-03-20T09:00:00Z")
                .open("acknowledged", "2026-03-31T00:30:00Z"),
        ),
        incident(
            &spec("PA0008", 108, "Login spike", "2026-03-31T01:30:00Z")
                .resolved("2026-03-31T01:50:00Z"),
        ),
    ]);
    pd.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T02:00:00Z", 30).await;
    // The listing starts at PA0005's creation (open, less than a week before the last sync's
    // day); PA0006 is older than that week, so it is looked up by id.
    let served = pd.served();
    assert_eq!(served.len(), 2, "{served:#?}");
    assert_eq!(served[0].param("since"), Some("2026-03-30T22:00:00Z"));
    assert_eq!(served[0].param("until"), Some("2026-03-31T02:00:00Z"));
    assert_eq!(served[1].path, "/incidents/PA0006");
    assert_eq!(
        count,
        UpsertCount {
            inserted: 1,
            updated: 1,
            unchanged: 1
        }
    );
    let got = stored(&store);
    assert_eq!(got.len(), 6, "updated in place, not duplicated");
    assert_eq!(
        got["pagerduty:PA0005"].resolved_at,
        Some(at("2026-03-31T01:00:00Z"))
    );
    assert_eq!(got["pagerduty:PA0006"].resolved_at, None);
    let open: Value = serde_json::from_str(&mark(&store, "open")).unwrap();
    assert_eq!(
        open,
        serde_json::json!([{"id": "PA0006", "created_at": "2026-03-20T09:00:00Z", "stored": true}])
    );

    // PA0006 is resolved, and its urgency lowered on the way: no listing brings it back, the
    // lookup does, and the stored copy is not left open.
    pd.upsert(vec![incident(
        &spec("PA0006", 106, "Queue backlog", "2026-03-20T09:00:00Z")
            .urgency("low")
            .resolved("2026-03-31T02:30:00Z"),
    )]);
    pd.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T03:00:00Z", 30).await;
    let served = pd.served();
    let paths: Vec<&str> = served.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["/incidents", "/incidents/PA0006"]);
    assert_eq!(
        served[0].param("since"),
        Some("2026-03-31T00:00:00Z"),
        "the last sync's day"
    );
    assert_eq!(count.updated, 1);
    let got = stored(&store);
    assert_eq!(
        got["pagerduty:PA0006"].resolved_at,
        Some(at("2026-03-31T02:30:00Z"))
    );
    assert_eq!(got["pagerduty:PA0006"].severity.as_deref(), Some("low"));
    assert_eq!(mark(&store, "open"), "[]");

    // Nothing open: one listing from the day, nothing changes.
    pd.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T03:30:00Z", 30).await;
    assert_eq!(pd.served().len(), 1);
    assert_eq!(count.inserted + count.updated, 0);
}

#[tokio::test]
async fn statuses_resolved_stores_incidents_once_they_are_over() {
    let pd = Pagerduty::start(vec![
        incident(
            &spec("PS0001", 201, "Cache cold", "2026-03-30T10:00:00Z")
                .open("triggered", "2026-03-30T10:00:00Z"),
        ),
        incident(
            &spec("PS0002", 202, "Cache warm", "2026-03-29T10:00:00Z")
                .resolved("2026-03-29T10:30:00Z"),
        ),
    ])
    .await;
    let store = Arc::new(MemoryStore::new());
    let source = source_with(&pd, "statuses = [\"resolved\"]", client());
    let (outcome, _) = sync(&source, &store, NOW, 30).await;
    let ids: Vec<&str> = outcome
        .events
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["pagerduty:PS0002"]);
    let open: Value = serde_json::from_str(&mark(&store, "open")).unwrap();
    assert_eq!(
        open,
        serde_json::json!([{"id": "PS0001", "created_at": "2026-03-30T10:00:00Z", "stored": false}]),
        "not stored, but remembered"
    );

    pd.upsert(vec![incident(
        &spec("PS0001", 201, "Cache cold", "2026-03-30T10:00:00Z").resolved("2026-03-31T00:30:00Z"),
    )]);
    pd.clear_log();
    let (outcome, _) = sync(&source, &store, "2026-03-31T01:00:00Z", 30).await;
    assert_eq!(pd.served()[0].param("since"), Some("2026-03-30T10:00:00Z"));
    let ids: Vec<&str> = outcome
        .events
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["pagerduty:PS0001"],
        "PS0002 lies before the listing's start"
    );
    assert_eq!(
        stored(&store)["pagerduty:PS0001"].resolved_at,
        Some(at("2026-03-31T00:30:00Z"))
    );

    // A status list without "resolved" would leave stored incidents open forever.
    let text = format!(
        "base_url = {:?}\ntoken_cmd = \"printf %s {TOKEN}\"\nstatuses = [\"triggered\"]\n",
        pd.uri()
    );
    let config: PagerdutySourceConfig = toml::from_str(&text).unwrap();
    let error = PagerdutySource::new(&config, Vec::new(), client()).unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(error.to_string().contains("\"resolved\""), "{error}");
}

#[tokio::test]
async fn every_urgency_and_a_service_list_are_asked_for_as_configured() {
    let pd = Pagerduty::start(march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source_with(&pd, "urgencies = []\nservice_ids = [\"PAPI01\"]", client());
    let (outcome, _) = sync(&source, &store, NOW, 30).await;
    let served = pd.served();
    assert!(served[0].params("urgencies[]").is_empty());
    assert_eq!(served[0].params("service_ids[]"), ["PAPI01"]);
    let ids: Vec<&str> = outcome
        .events
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "pagerduty:PA0001",
            "pagerduty:PA0003",
            "pagerduty:PA0005",
            "pagerduty:PA0006"
        ],
        "every urgency of PAPI01 (PA0003 is low)"
    );
    let low = &outcome.events.incidents[1];
    assert_eq!(low.severity.as_deref(), Some("low"));
}

// ---------------------------------------------------------------------------------------------
// Faults

fn rate_limited(reset: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("ratelimit-limit", "960")
        .insert_header("ratelimit-remaining", "0")
        .insert_header("ratelimit-reset", reset)
        .set_body_json(error_body("Rate Limit Exceeded", 2020, &[]))
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_ratelimit_reset_and_a_long_one_says_until_when() {
    let pd = Pagerduty::start(march()).await;
    let (http, _) = http_harness::client();
    let source = source_with(&pd, "", http);
    let store = Arc::new(MemoryStore::new());

    pd.interrupt(rate_limited("20"), 1).await;
    let t0 = tokio::time::Instant::now();
    let (outcome, _) = sync(&source, &store, NOW, 30).await;
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(20),
        "RateLimit-Reset: 20 seconds"
    );
    assert_eq!(outcome.events.incidents.len(), 5);
    assert_eq!(pd.requests().await, 2);

    // An hour to wait is longer than the client sleeps through: the sync ends at once and says
    // when to come back (the client's clock is 20 s past its start by now).
    pd.interrupt(rate_limited("3600"), 1).await;
    let t1 = tokio::time::Instant::now();
    let error = source.sync(&context(&store, NOW, 30)).await.unwrap_err();
    assert_eq!(t1.elapsed(), Duration::ZERO);
    let SourceError::RateLimited { until, message } = &error else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(
        *until,
        http_harness::start() + chrono::Duration::seconds(20 + 3600)
    );
    assert!(
        message.contains(&pd.host()) && message.contains("rate limit"),
        "{message}"
    );
    assert!(!message.contains("PDTOPSECRET"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn malformed_and_truncated_answers_fail_the_sync_and_store_nothing() {
    // 150 incidents: two pages; the second answers badly.
    let start = at("2026-03-10T00:00:00Z");
    let incidents: Vec<Value> = (0..150u64)
        .map(|n| {
            let created = start + chrono::Duration::hours(i64::try_from(n).unwrap());
            incident(
                &spec(
                    &format!("PF{n:04}"),
                    n + 1,
                    "Error rate",
                    &created.to_rfc3339(),
                )
                .resolved(&(created + chrono::Duration::minutes(5)).to_rfc3339()),
            )
        })
        .collect();
    let pd = Pagerduty::start(incidents).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&pd);
    let second_page = |body: &str| {
        wiremock::Mock::given(method("GET"))
            .and(path("/incidents"))
            .and(query_param("offset", "100"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"),
            )
            .up_to_n_times(1)
            .with_priority(1)
    };
    let bad_answers = [
        // An incident without created_at.
        r#"{"incidents":[{"id":"PX0001","type":"incident","status":"resolved"}],"limit":100,"offset":100,"more":false}"#,
        // Cut off mid-document.
        r#"{"incidents":[{"id":"PX0001","type":"incident","created_at":"2026-03-1"#,
        // Not JSON at all (a proxy's page).
        "<html><body>Service Unavailable</body></html>",
    ];
    for body in bad_answers {
        second_page(body).mount(&pd.server).await;
        let error = source.sync(&context(&store, NOW, 30)).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{body}: {error:?}");
        let text = error.to_string();
        assert!(
            text.contains(&pd.host()) && text.contains("/incidents"),
            "{text}"
        );
        assert!(text.contains("not the JSON expected"), "{text}");
        assert!(
            !text.contains("PDTOPSECRET") && !text.contains("PX0001"),
            "{text}"
        );
        assert!(store.events().incidents.is_empty());
        assert!(
            store.watermarks("pagerduty").is_empty(),
            "nothing half-stored"
        );
    }

    let (_, count) = sync(&source, &store, NOW, 30).await;
    assert_eq!(count.inserted, 150);
    assert_eq!(count.updated, 0);
}

#[tokio::test]
async fn a_rejected_key_is_a_config_error_sent_once_and_never_shown() {
    let logs = http_harness::logs();
    let pd = Pagerduty::start(march()).await;
    let text = format!(
        "base_url = {:?}\ntoken_cmd = \"printf %s u+WRONGTOPSECRET\"\n",
        pd.uri()
    );
    let config: PagerdutySourceConfig = toml::from_str(&text).unwrap();
    // Retries on: a 401 is still asked only once.
    let http = HttpClient::new(
        HttpSettings {
            jitter: Jitter::Off,
            ..HttpSettings::default()
        },
        Arc::new(MemoryEtagCache::new()),
        Arc::new(SystemClock),
    )
    .unwrap();
    let source = PagerdutySource::new(&config, Vec::new(), http).unwrap();
    assert_eq!(source.name(), format!("pagerduty:{}", pd.uri()));
    let store = Arc::new(MemoryStore::new());

    let error = source.sync(&context(&store, NOW, 30)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(!error.is_retryable());
    let text = error.to_string();
    assert!(text.contains(&pd.host()) && text.contains("401"), "{text}");
    assert!(text.contains("PAGERDUTY_TOKEN"), "{text}");
    assert_eq!(pd.served().len(), 1, "not retried");
    assert_eq!(
        pd.served()[0].authorization.as_deref(),
        Some("Token token=u+WRONGTOPSECRET")
    );
    let probe = source.probe(&context(&store, NOW, 30)).await.unwrap_err();
    assert!(matches!(probe, SourceError::Config(_)));
    for shown in [
        text,
        format!("{error:?}"),
        probe.to_string(),
        format!("{source:?}"),
        logs.text(),
    ] {
        assert!(!shown.contains("TOPSECRET"), "{shown}");
    }
}

#[tokio::test]
async fn no_key_anywhere_is_a_config_error_naming_where_to_put_one() {
    let config: PagerdutySourceConfig =
        toml::from_str("token_env = \"FLOWDECK_TEST_SURELY_UNSET_PD_KEY\"\n").unwrap();
    let error = PagerdutySource::new(&config, Vec::new(), client()).unwrap_err();
    assert!(matches!(error, SourceError::Config(_)));
    assert!(
        error
            .to_string()
            .contains("FLOWDECK_TEST_SURELY_UNSET_PD_KEY")
    );
    let config: PagerdutySourceConfig = toml::from_str("urgencies = [\"urgent\"]\n").unwrap();
    let error = PagerdutySource::new(&config, Vec::new(), client()).unwrap_err();
    assert!(error.to_string().contains("\"urgent\""), "{error}");
}

// ---------------------------------------------------------------------------------------------
// check

#[tokio::test]
async fn the_probe_says_reachable_accepted_the_rate_left_and_what_is_there() {
    let pd = Pagerduty::start(march()).await;
    let store = Arc::new(MemoryStore::new());
    let report = source(&pd).probe(&context(&store, NOW, 30)).await.unwrap();
    assert_eq!(
        report,
        format!(
            "PagerDuty at {} reachable, API key accepted; 958 of 960 requests left; 5 incidents (urgency high) since 2026-03-01T00:00:00Z, 2 open; services mapped to no flowdeck service (add them to service_map): Mail relay",
            pd.host()
        )
    );
    let served = pd.served();
    assert_eq!(served.len(), 2, "one page each");
    assert_eq!(served[0].param("total"), Some("true"));
    assert_eq!(
        served[1].params("statuses[]"),
        ["triggered", "acknowledged"]
    );
    assert!(!report.contains("PDTOPSECRET"));
}

// ---------------------------------------------------------------------------------------------
// Through the binary

/// api deploys from tags of a git repository; PagerDuty reports its incidents:
///
/// | tag | finished | incidents |
/// |---|---|---|
/// | v1.0.0 | 03-02 09:00 | baseline |
/// | v1.1.0 | 03-05 10:00 | PR0001 03-05 12:00 → 14:00 (2 h after: window) |
/// | v1.2.0 | 03-10 10:00 | PR0002 03-12 09:00 → 10:30, "Errors since v1.2.0" (47 h after: link) |
/// | v1.3.0 | 03-20 10:00 | PR0004, low urgency, 03-20 11:00: filtered out |
///
/// and PR0003 03-25 00:00 → 00:30 (service "API" by name; 5 days after v1.3.0: none), PR0005
/// open since 03-29 10:00, PR0006 on the unmapped "Mail relay" 03-15 00:00 → 00:10.
async fn binary_setup() -> (gitrepo::GitRepo, Pagerduty, std::path::PathBuf) {
    let repo = gitrepo::GitRepo::new();
    for (n, (tag, at_)) in [
        ("v1.0.0", "2026-03-02T09:00:00Z"),
        ("v1.1.0", "2026-03-05T10:00:00Z"),
        ("v1.2.0", "2026-03-10T10:00:00Z"),
        ("v1.3.0", "2026-03-20T10:00:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let committed = at(at_) - chrono::Duration::hours(1);
        let sha = repo
            .commit(&format!("Change {n}"))
            .file("api.txt", &format!("{n}\n"))
            .at(&committed.to_rfc3339())
            .create();
        repo.tag_annotated(tag, &sha, at_);
    }
    let pd = Pagerduty::start(vec![
        incident(
            &spec("PR0001", 1, "Checkout errors", "2026-03-05T12:00:00Z")
                .priority("P1")
                .resolved("2026-03-05T14:00:00Z"),
        ),
        incident(
            &spec("PR0002", 2, "Errors since v1.2.0", "2026-03-12T09:00:00Z")
                .resolved("2026-03-12T10:30:00Z"),
        ),
        incident(
            &spec("PR0003", 3, "Slow search", "2026-03-25T00:00:00Z")
                .service("PAPI02", "API")
                .resolved_without_resolved_at("2026-03-25T00:30:00Z"),
        ),
        incident(
            &spec("PR0004", 4, "Noisy check", "2026-03-20T11:00:00Z")
                .urgency("low")
                .resolved("2026-03-20T11:05:00Z"),
        ),
        incident(
            &spec("PR0005", 5, "Memory leak", "2026-03-29T10:00:00Z")
                .open("acknowledged", "2026-03-29T10:10:00Z"),
        ),
        incident(
            &spec("PR0006", 6, "Mail relay down", "2026-03-15T00:00:00Z")
                .service("PMAIL1", "Mail relay")
                .resolved("2026-03-15T00:10:00Z"),
        ),
    ])
    .await;
    let config = repo.parent().join("flowdeck.toml");
    std::fs::write(
        &config,
        format!(
            r#"[general]
timezone = "UTC"
backfill = "30d"
store = "history.sqlite"

[[services]]
name = "api"
team = "payments"

[[sources]]
kind = "git"
service = "api"
path = "repo"

[[sources]]
kind = "pagerduty"
name = "pagerduty"
base_url = {uri:?}
token_cmd = "printf %s {TOKEN}"
service_map = {{ PAPI01 = "api" }}
urgencies = ["high"]
"#,
            uri = pd.uri()
        ),
    )
    .unwrap();
    (repo, pd, config)
}

fn flowdeck(config: &std::path::Path, args: &[&str]) -> Output {
    let home = config.parent().unwrap();
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("FLOWDECK_NOW", NOW)
        .env("FLOWDECK_LOG", "trace")
        .output()
        .unwrap()
}

fn close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-6,
        "{actual} != expected {expected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_and_check_through_the_binary() {
    let (repo, pd, config) = binary_setup().await;
    let out = flowdeck(
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
    );
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    let incidents = report["incidents"].as_array().unwrap();
    let by_id: BTreeMap<&str, &Value> = incidents
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i))
        .collect();
    let ids: Vec<&str> = by_id.keys().copied().collect();
    assert_eq!(
        ids,
        [
            "pagerduty:PR0001",
            "pagerduty:PR0002",
            "pagerduty:PR0003",
            "pagerduty:PR0005",
            "pagerduty:PR0006"
        ],
        "PR0004 (low urgency) is not there"
    );
    let one = by_id["pagerduty:PR0001"];
    assert_eq!(one["source"], "pagerduty");
    assert_eq!(one["services"], serde_json::json!(["api"]));
    assert_eq!(one["severity"], "P1");
    assert_eq!(one["started_at"], "2026-03-05T12:00:00Z");
    assert_eq!(one["resolved_at"], "2026-03-05T14:00:00Z");
    assert_eq!(one["url"], format!("{WEB}/incidents/PR0001"));
    assert_eq!(one["attributed_to"]["deployment_id"], "git:api:v1.1.0");
    assert_eq!(one["attributed_to"]["reason"], "incident_window");
    let two = by_id["pagerduty:PR0002"];
    assert_eq!(two["attributed_to"]["deployment_id"], "git:api:v1.2.0");
    assert_eq!(two["attributed_to"]["reason"], "incident_link");
    let three = by_id["pagerduty:PR0003"];
    assert_eq!(
        three["services"],
        serde_json::json!(["api"]),
        "\"API\" by name"
    );
    assert_eq!(three["resolved_at"], "2026-03-25T00:30:00Z");
    assert!(three["attributed_to"].is_null(), "5 days after v1.3.0");
    assert!(by_id["pagerduty:PR0005"]["resolved_at"].is_null());
    assert!(by_id["pagerduty:PR0005"]["attributed_to"].is_null());
    assert_eq!(by_id["pagerduty:PR0006"]["services"], serde_json::json!([]));

    // Change failure rate: v1.1.0 and v1.2.0 of 4 deployments failed.
    let m = &report["metrics"];
    let cfr = &m["change_failure_rate"];
    assert_eq!(
        (cfr["deployments"].clone(), cfr["failed"].clone()),
        (4.into(), 2.into())
    );
    close(&cfr["rate"], 0.5);
    // Recovery: v1.1.0 10:00 → PR0001 resolved 14:00 = 14,400 s; v1.2.0 03-10 10:00 → PR0002
    // resolved 03-12 10:30 = 174,600 s. Median 94,500; p90 14,400 + 0.9 × 160,200 = 158,580.
    let rec = &m["failed_deployment_recovery_time"];
    assert_eq!(
        (rec["recovered"].clone(), rec["unrecovered"].clone()),
        (2.into(), 0.into())
    );
    close(&rec["median_seconds"], 94_500.0);
    close(&rec["p90_seconds"], 158_580.0);
    // Time to restore, every incident started in the window: 7,200 5,400 1,800 600, PR0005
    // open. Median (1,800 + 5,400) / 2 = 3,600; p90 at rank 2.7: 5,400 + 0.7 × 1,800 = 6,660.
    let ttr = &m["time_to_restore"];
    assert_eq!(
        (ttr["incidents"].clone(), ttr["open"].clone()),
        (5.into(), 1.into())
    );
    close(&ttr["median_seconds"], 3_600.0);
    close(&ttr["p90_seconds"], 6_660.0);
    // api alone leaves out the mail relay: 7,200 5,400 1,800 → median 5,400, p90 at rank 1.8:
    // 5,400 + 0.8 × 1,800 = 6,840.
    let api = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "api")
        .unwrap();
    let api_ttr = &api["metrics"]["time_to_restore"];
    assert_eq!(
        (api_ttr["incidents"].clone(), api_ttr["open"].clone()),
        (4.into(), 1.into())
    );
    close(&api_ttr["median_seconds"], 5_400.0);
    close(&api_ttr["p90_seconds"], 6_840.0);
    close(&api["metrics"]["change_failure_rate"]["rate"], 0.5);

    let deployments = report["deployments"].as_array().unwrap();
    let v110 = deployments
        .iter()
        .find(|d| d["id"] == "git:api:v1.1.0")
        .unwrap();
    assert_eq!(v110["failed"], true);
    let reasons = v110["failure_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0]["kind"], "incident_window");
    assert_eq!(reasons[0]["ref"], "pagerduty:PR0001");
    close(&v110["recovery_seconds"], 14_400.0);

    let sources = report["sources"].as_array().unwrap();
    let pd_status = sources.iter().find(|s| s["name"] == "pagerduty").unwrap();
    assert_eq!(pd_status["kind"], "pagerduty");
    assert_eq!(pd_status["status"], "ok");
    assert_eq!(report["window"]["complete"], true);

    // check: both sources ok, the PagerDuty line from its probe.
    let out = flowdeck(&config, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.contains("pagerduty:"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.starts_with(&format!(
            "ok    pagerduty: PagerDuty at {} reachable, API key accepted; ",
            pd.host()
        )),
        "{stdout}"
    );
    assert!(
        line.contains("5 incidents (urgency high) since 2026-03-01T00:00:00Z, 1 open"),
        "{line}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("ok    git:api")),
        "{stdout}"
    );

    // The key went out with every request and nowhere else: not in the output, the log or
    // the store.
    assert!(
        pd.served()
            .iter()
            .all(|s| s.authorization.as_deref() == Some(format!("Token token={TOKEN}").as_str()))
    );
    let mut written = Vec::new();
    written.extend_from_slice(&out.stdout);
    written.extend_from_slice(&out.stderr);
    let mut stack = vec![repo.parent().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_none_or(|n| n != ".git" && n != "repo") {
                    stack.push(path);
                }
            } else if path.extension().is_none_or(|e| e != "toml") {
                written.extend(std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    assert!(
        !written.windows(11).any(|w| w == b"PDTOPSECRET"),
        "the key was written somewhere"
    );
}
