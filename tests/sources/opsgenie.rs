//! The Opsgenie source against a local Opsgenie (wiremock on 127.0.0.1, see
//! tests/support/opsgenie_server.rs) serving alerts shaped like the Alert API v2: the search
//! query flowdeck writes, `paging.next` and the 20,000 cap, the hand-computed alerts of a month
//! (services from tags, integrations and sources, severity, close time from report.closeTime),
//! the priority filter, alerts closed between syncs (updated in place), throttling, malformed
//! and truncated answers, foreign next links, a rejected key, and `check`'s probe.

use crate::support::{gitlab_store, http_harness, opsgenie_server};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use flowdeck::config::OpsgenieSourceConfig;
use flowdeck::model::Incident;
use flowdeck::sources::SourceError;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, MemoryEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext, SyncOutcome};
use flowdeck::sources::opsgenie::OpsgenieSource;
use flowdeck::store::{Store, StoredStatus, UpsertCount};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use gitlab_store::MemoryStore;
use opsgenie_server::{Opsgenie, Spec, TOKEN, error_body, spec, uuid};

const NOW: &str = "2026-03-31T00:00:00Z";
/// 2026-03-01T00:00:00Z (NOW − 30 days) in epoch milliseconds.
const MARCH_MS: i64 = 1_772_323_200_000;
const APP: &str = "https://acme.app.opsgenie.com";

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

fn config(og: &Opsgenie, extra: &str) -> OpsgenieSourceConfig {
    let text = format!(
        "name = \"opsgenie\"\nbase_url = {:?}\ntoken_cmd = \"printf %s {TOKEN}\"\nservice_map = {{ \"Payments Datadog\" = \"api\" }}\nquery = \"tag:production\"\napp_url = {APP:?}\n{extra}\n",
        og.uri()
    );
    toml::from_str(&text).unwrap()
}

fn source_with(og: &Opsgenie, extra: &str, http: HttpClient) -> OpsgenieSource {
    OpsgenieSource::new(&config(og, extra), vec!["api".into(), "web".into()], http).unwrap()
}

fn source(og: &Opsgenie) -> OpsgenieSource {
    source_with(og, "", client())
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
    source: &OpsgenieSource,
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
        .watermarks("opsgenie")
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no watermark {key}"))
}

fn id(n: u64) -> String {
    format!("opsgenie:{}", uuid(n))
}

fn query_from(ms: i64) -> String {
    format!("createdAt >= {ms} AND (priority: P1 OR priority: P2) AND (tag:production)")
}

/// March 2026, worked out by hand:
///
/// | n | priority | tags, integration, source | created | status |
/// |---|---|---|---|---|
/// | 1 | P1 | service:api | 03-03 10:00 | closed, closeTime 1 h 30 m |
/// | 2 | P2 | integration "Payments Datadog" (service_map → api) | 03-05 08:00 | closed, no report, updated 08:45 |
/// | 3 | P3 | | 03-06 12:00 | closed (filtered out) |
/// | 4 | P1 | source "web" (a flowdeck service) | 03-30 20:00 | open, acknowledged |
/// | 5 | P1 | tag staging, not production | 03-07 00:00 | closed (filtered out by query) |
/// | 6 | P2 | database, integration and source Zabbix (no service) | 03-10 00:00 | closed, closeTime 10 m |
/// | 7 | P1 | service=api | 03-10 09:00 | open |
fn march() -> Vec<Spec> {
    vec![
        spec(1, "Checkout errors", "2026-03-03T10:00:00.000Z")
            .tags(&["production", "service:api"])
            .closed(5_400_000, "2026-03-03T12:00:00.000Z"),
        spec(2, "Payment declines", "2026-03-05T08:00:00.000Z")
            .priority("P2")
            .integration("Payments Datadog")
            .closed_without_report("2026-03-05T08:45:00.000Z"),
        spec(3, "Slow export", "2026-03-06T12:00:00.000Z")
            .priority("P3")
            .closed(3_600_000, "2026-03-06T13:00:00.000Z"),
        spec(4, "Web 5xx", "2026-03-30T20:00:00.000Z")
            .source("web")
            .acknowledged("2026-03-30T20:01:00.000Z"),
        spec(5, "Staging down", "2026-03-07T00:00:00.000Z")
            .tags(&["staging"])
            .closed(60_000, "2026-03-07T00:01:00.000Z"),
        spec(6, "Disk full on db-3", "2026-03-10T00:00:00.000Z")
            .priority("P2")
            .tags(&["production", "database"])
            .source("Zabbix")
            .integration("Zabbix")
            .closed(600_000, "2026-03-10T00:10:00.000Z"),
        spec(7, "Queue backlog", "2026-03-10T09:00:00.000Z").tags(&["production", "service=api"]),
    ]
}

#[tokio::test]
async fn alerts_are_stored_with_services_severity_and_close_times() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, count) = sync(&source(&og), &store, NOW).await;

    let served = og.served();
    assert_eq!(served.len(), 1);
    let asked = &served[0];
    assert_eq!(asked.path, "/v2/alerts");
    assert_eq!(asked.param("query"), Some(query_from(MARCH_MS).as_str()));
    assert_eq!(asked.param("limit"), Some("100"));
    assert_eq!(asked.param("offset"), Some("0"));
    assert_eq!(asked.param("sort"), Some("createdAt"));
    assert_eq!(asked.param("order"), Some("asc"));
    assert_eq!(
        asked.authorization.as_deref(),
        Some(format!("GenieKey {TOKEN}").as_str())
    );
    assert_eq!(outcome.covers_from, Some(at("2026-03-01T00:00:00Z")));
    assert_eq!(count.inserted, 5);

    let got = stored(&store);
    let ids: Vec<String> = got.keys().cloned().collect();
    assert_eq!(
        ids,
        [id(1), id(2), id(4), id(6), id(7)],
        "P3 and staging left out"
    );

    let one = &got[&id(1)];
    assert_eq!(one.source, "opsgenie");
    assert_eq!(one.title, "Checkout errors");
    assert_eq!(one.services, ["api"], "tag service:api");
    assert_eq!(one.severity.as_deref(), Some("P1"));
    assert_eq!(one.started_at, at("2026-03-03T10:00:00Z"));
    assert_eq!(
        one.resolved_at,
        Some(at("2026-03-03T11:30:00Z")),
        "createdAt + closeTime, not updatedAt"
    );
    assert_eq!(
        one.url.as_deref(),
        Some(format!("{APP}/alert/detail/{}/details", uuid(1)).as_str())
    );
    assert_eq!(
        one.labels,
        [
            "production",
            "service:api",
            "priority=P1",
            "source=alertmanager.example.com",
            "integration=Prometheus",
            "tinyId=1"
        ]
    );
    assert_eq!(one.body, None, "lists carry no description");

    let two = &got[&id(2)];
    assert_eq!(two.services, ["api"], "the integration through service_map");
    assert_eq!(two.severity.as_deref(), Some("P2"));
    assert_eq!(
        two.resolved_at,
        Some(at("2026-03-05T08:45:00Z")),
        "no closeTime: updatedAt"
    );

    let four = &got[&id(4)];
    assert_eq!(
        four.services,
        ["web"],
        "the source names a flowdeck service"
    );
    assert_eq!(four.resolved_at, None, "acknowledged is still open");

    let six = &got[&id(6)];
    assert!(six.services.is_empty());
    assert_eq!(six.resolved_at, Some(at("2026-03-10T00:10:00Z")));
    assert_eq!(got[&id(7)].services, ["api"], "tag service=api");
    assert_eq!(got[&id(7)].resolved_at, None);

    let open: Value = serde_json::from_str(&mark(&store, "open")).unwrap();
    assert_eq!(
        open,
        json!([
            {"id": uuid(4), "created_at": "2026-03-30T20:00:00Z", "stored": true},
            {"id": uuid(7), "created_at": "2026-03-10T09:00:00Z", "stored": true}
        ])
    );
}

#[tokio::test]
async fn alerts_open_at_one_sync_are_updated_when_closed() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&og);
    sync(&source, &store, NOW).await;

    // By 02:00 alert 4 was closed at 01:00 (5 h after it opened).
    og.upsert(&[spec(4, "Web 5xx", "2026-03-30T20:00:00.000Z")
        .source("web")
        .closed(18_000_000, "2026-03-31T01:00:00.000Z")]);
    og.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T02:00:00Z").await;
    // The listing starts at alert 4's creation, 03-30 20:00 = MARCH_MS + 29 d 20 h; alert 7
    // (03-10) is older than a week before the last sync's day: looked up by id.
    let served = og.served();
    assert_eq!(served.len(), 2, "{served:#?}");
    assert_eq!(
        served[0].param("query"),
        Some(query_from(1_774_900_800_000).as_str())
    );
    assert_eq!(served[1].path, format!("/v2/alerts/{}", uuid(7)));
    assert_eq!(served[1].param("identifierType"), Some("id"));
    let got = stored(&store);
    assert_eq!(got.len(), 5, "updated in place, not duplicated");
    assert_eq!(got[&id(4)].resolved_at, Some(at("2026-03-31T01:00:00Z")));
    assert_eq!(
        got[&id(7)].body.as_deref(),
        Some("Queue backlog: see the runbook"),
        "a single alert has its description"
    );
    assert_eq!(
        count,
        UpsertCount {
            inserted: 0,
            updated: 2,
            unchanged: 0
        }
    );

    // Alert 7 is closed at 03-31 02:30 (20 d 17 h 30 m after it opened), lowered to P4 on the way: no listing brings it back,
    // the lookup does, and the stored copy is not left open.
    og.upsert(&[spec(7, "Queue backlog", "2026-03-10T09:00:00.000Z")
        .tags(&["production", "service=api"])
        .priority("P4")
        .closed(1_791_000_000, "2026-03-31T02:30:00.000Z")]);
    og.clear_log();
    let (_, count) = sync(&source, &store, "2026-03-31T03:00:00Z").await;
    let paths: Vec<String> = og.served().iter().map(|s| s.path.clone()).collect();
    assert_eq!(
        paths,
        ["/v2/alerts".to_string(), format!("/v2/alerts/{}", uuid(7))]
    );
    assert_eq!(count.updated, 1);
    let seven = &stored(&store)[&id(7)];
    assert_eq!(seven.resolved_at, Some(at("2026-03-31T02:30:00Z")));
    assert_eq!(seven.severity.as_deref(), Some("P4"));
    assert_eq!(mark(&store, "open"), "[]");
}

#[tokio::test]
async fn paging_next_is_followed() {
    // 230 alerts an hour apart from 03-05: three pages.
    let start = at("2026-03-05T00:00:00Z");
    let specs: Vec<Spec> = (0..230u64)
        .map(|n| {
            let created = start + chrono::Duration::hours(i64::try_from(n).unwrap());
            spec(
                100 + n,
                "Latency",
                &created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
            .closed(
                120_000,
                &created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
        })
        .collect();
    let og = Opsgenie::start(&specs).await;
    let store = Arc::new(MemoryStore::new());
    let (outcome, _) = sync(&source(&og), &store, NOW).await;
    let served = og.served();
    let offsets: Vec<&str> = served.iter().map(|s| s.param("offset").unwrap()).collect();
    assert_eq!(offsets, ["0", "100", "200"]);
    for s in &served {
        assert_eq!(s.param("query"), Some(query_from(MARCH_MS).as_str()));
        assert_eq!(
            s.param("order"),
            Some("asc"),
            "the next link keeps the order"
        );
    }
    assert_eq!(outcome.events.incidents.len(), 230);
}

#[tokio::test]
async fn past_twenty_thousand_alerts_the_query_goes_on_from_the_last_one_read() {
    // 20,050 alerts, 30 s apart from 03-01 00:00.
    let start = at("2026-03-01T00:00:00Z");
    let specs: Vec<Spec> = (0..20_050u64)
        .map(|n| {
            let created = start + chrono::Duration::seconds(30 * i64::try_from(n).unwrap());
            let text = created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            spec(1_000 + n, "Flapping", &text).closed(1_000, &text)
        })
        .collect();
    let og = Opsgenie::start(&specs).await;
    let store = Arc::new(MemoryStore::new());
    let outcome = source(&og).sync(&context(&store, NOW)).await.unwrap();
    let served = og.served();
    assert_eq!(served.len(), 201, "offsets 0 … 19,900, then the rest");
    assert!(served.iter().all(|s| s.status == 200));
    assert_eq!(served[199].param("offset"), Some("19900"));
    // The 20,000th alert read (#19,999) was created 599,970 s after the start.
    let last = &served[200];
    assert_eq!(
        last.param("query"),
        Some(query_from(MARCH_MS + 599_970_000).as_str())
    );
    assert_eq!(last.param("offset"), Some("0"));
    let ids: std::collections::BTreeSet<&str> = outcome
        .events
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(outcome.events.incidents.len(), 20_050, "none twice");
    assert_eq!(ids.len(), 20_050);
}

// ---------------------------------------------------------------------------------------------
// Faults

fn throttled() -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("X-RateLimit-State", "THROTTLED")
        .insert_header("X-RateLimit-Reason", "ACCOUNT")
        .insert_header("X-RateLimit-Period-In-Sec", "60")
        .set_body_json(error_body(
            "You are making too many requests! To avoid errors, we recommend you limit requests.",
        ))
}

#[tokio::test(start_paused = true)]
async fn throttling_waits_one_period_and_without_retries_says_until_when() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let (http, _) = http_harness::client();
    let source = source_with(&og, "", http);
    og.interrupt(throttled(), 1).await;
    let t0 = tokio::time::Instant::now();
    let (outcome, _) = sync(&source, &store, NOW).await;
    assert_eq!(
        t0.elapsed(),
        Duration::from_secs(60),
        "X-RateLimit-Period-In-Sec"
    );
    assert_eq!(outcome.events.incidents.len(), 5);
    assert_eq!(og.requests().await, 2);

    // No retries left: the sync ends at once, rate limited until one period from now.
    let (http, _) = http_harness::client_with(HttpSettings {
        max_retries: 0,
        ..http_harness::settings()
    });
    let source = source_with(&og, "", http);
    og.interrupt(throttled(), 1).await;
    let error = source.sync(&context(&store, NOW)).await.unwrap_err();
    let SourceError::RateLimited { until, message } = &error else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(
        *until,
        http_harness::start() + chrono::Duration::seconds(60)
    );
    assert!(message.contains(&og.host()), "{message}");
    assert!(!message.contains("OGTOPSECRET"));
}

#[tokio::test]
async fn malformed_truncated_and_foreign_answers_fail_the_sync_and_store_nothing() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let source = source(&og);
    let bad_answers = [
        // An alert without status and createdAt.
        r#"{"data":[{"id":"a1b2c3d4-0000-4000-8000-999999999999","message":"x"}],"took":0.1,"requestId":"r"}"#,
        // Cut off mid-document.
        r#"{"data":[{"id":"a1b2c3d4-0000-4000-8000-999999999999","status":"op"#,
        // data is not a list.
        r#"{"data":{"count":3},"took":0.1,"requestId":"r"}"#,
    ];
    for body in bad_answers {
        og.interrupt(
            ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"),
            1,
        )
        .await;
        let error = source.sync(&context(&store, NOW)).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{body}: {error:?}");
        let text = error.to_string();
        assert!(
            text.contains(&og.host()) && text.contains("not the JSON expected"),
            "{text}"
        );
        assert!(
            !text.contains("OGTOPSECRET") && !text.contains("999999999999"),
            "{text}"
        );
        assert!(store.events().incidents.is_empty());
        assert!(
            store.watermarks("opsgenie").is_empty(),
            "nothing half-stored"
        );
    }

    // A next-page link to another host is not followed with the key.
    og.interrupt(
        ResponseTemplate::new(200).set_body_json(json!({
            "data": [opsgenie_server::alert(&spec(1, "Checkout errors", "2026-03-03T10:00:00.000Z"))],
            "paging": {"next": "https://collector.example.net/v2/alerts?offset=100&limit=100"},
            "took": 0.1,
            "requestId": "r"
        })),
        1,
    )
    .await;
    let error = source.sync(&context(&store, NOW)).await.unwrap_err();
    assert!(matches!(error, SourceError::Data(_)), "{error:?}");
    assert!(
        error.to_string().contains("collector.example.net"),
        "{error}"
    );
    assert!(store.events().incidents.is_empty());

    let (_, count) = sync(&source, &store, NOW).await;
    assert_eq!(count.inserted, 5);
}

#[tokio::test]
async fn a_rejected_key_or_query_is_a_config_error_and_the_key_is_never_shown() {
    let logs = http_harness::logs();
    let og = Opsgenie::start(&march()).await;
    let text = format!(
        "base_url = {:?}\ntoken_cmd = \"printf %s WRONG-OGTOPSECRET\"\n",
        og.uri()
    );
    let config: OpsgenieSourceConfig = toml::from_str(&text).unwrap();
    let http = HttpClient::new(
        HttpSettings {
            jitter: Jitter::Off,
            ..HttpSettings::default()
        },
        Arc::new(MemoryEtagCache::new()),
        Arc::new(SystemClock),
    )
    .unwrap();
    let wrong = OpsgenieSource::new(&config, Vec::new(), http).unwrap();
    assert_eq!(wrong.name(), format!("opsgenie:{}", og.uri()));
    let store = Arc::new(MemoryStore::new());
    let error = wrong.sync(&context(&store, NOW)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    let text = error.to_string();
    assert!(text.contains(&og.host()) && text.contains("401"), "{text}");
    assert!(text.contains("OPSGENIE_API_KEY"), "{text}");
    assert_eq!(og.served().len(), 1, "not retried");
    assert_eq!(
        og.served()[0].authorization.as_deref(),
        Some("GenieKey WRONG-OGTOPSECRET")
    );

    // A query Opsgenie cannot read (422) is the config's problem too.
    let bad_query = OpsgenieSource::new(
        &toml::from_str::<OpsgenieSourceConfig>(&format!(
            "base_url = {:?}\ntoken_cmd = \"printf %s {TOKEN}\"\nquery = \"owner is alice\"\n",
            og.uri()
        ))
        .unwrap(),
        Vec::new(),
        client(),
    )
    .unwrap();
    let error = bad_query.sync(&context(&store, NOW)).await.unwrap_err();
    assert!(matches!(error, SourceError::Config(_)), "{error:?}");
    assert!(error.to_string().contains("`query`"), "{error}");

    for shown in [
        text,
        format!("{error:?}"),
        format!("{wrong:?}"),
        format!("{bad_query:?}"),
        logs.text(),
    ] {
        assert!(!shown.contains("OGTOPSECRET"), "{shown}");
    }
    let config: OpsgenieSourceConfig = toml::from_str("priorities = [\"P9\"]\n").unwrap();
    let error = OpsgenieSource::new(&config, Vec::new(), client()).unwrap_err();
    assert!(error.to_string().contains("\"P9\""), "{error}");
}

#[tokio::test]
async fn the_probe_says_reachable_accepted_and_what_is_there() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let report = source(&og).probe(&context(&store, NOW)).await.unwrap();
    assert_eq!(
        report,
        format!(
            "Opsgenie at {} reachable, API key accepted; no rate limit reported (Opsgenie throttles with 429); 5 alerts (P1, P2) since 2026-03-01T00:00:00Z, 2 open; 1 of them map to no flowdeck service (tag them service:<name>, or add a tag, integration or source to service_map)",
            og.host()
        )
    );
    let served = og.served();
    assert_eq!(served.len(), 2);
    assert_eq!(
        served[1].param("query"),
        Some(format!("{} AND status: open", query_from(MARCH_MS)).as_str())
    );
}

#[tokio::test]
async fn every_priority_and_no_query_ask_for_everything_since_the_horizon() {
    let og = Opsgenie::start(&march()).await;
    let store = Arc::new(MemoryStore::new());
    let mut config = config(&og, "priorities = []");
    config.query = String::new();
    let source = OpsgenieSource::new(&config, vec!["api".into(), "web".into()], client()).unwrap();
    let (outcome, _) = sync(&source, &store, NOW).await;
    assert_eq!(
        og.served()[0].param("query"),
        Some(format!("createdAt >= {MARCH_MS}").as_str())
    );
    assert_eq!(outcome.events.incidents.len(), 7);
}
