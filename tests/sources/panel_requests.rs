//! Requests per refresh of the health panels, against a look-alike Prometheus that answers
//! `/api/v1/query_range` as Prometheus does and counts what it receives: 10 panels on 20
//! services cost one request per panel and service per refresh (200); a second refresh within
//! the cache's life (the same step-aligned span) costs none; a window moved past a step asks
//! again. Prints the figures (`cargo nextest run --test sources -E 'test(panel_requests)'
//! --no-capture`).

use std::sync::Arc;
use std::time::Duration;

use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, NoEtagCache, SystemClock};
use flowdeck::sources::prometheus::{PanelReader, PanelSpan};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::leaked::leaked;

const PANELS: usize = 10;
const SERVICES: usize = 20;
/// 2026-03-10 00:00 UTC, epoch milliseconds.
const TO_MS: i64 = 1_773_100_800_000;
const DAY_MS: i64 = 86_400_000;

fn config(url: &str) -> flowdeck::config::Config {
    let mut text =
        format!("[[sources]]\nkind = \"prometheus\"\nname = \"prom\"\nurl = \"{url}\"\n");
    for p in 0..PANELS {
        text.push_str(&format!(
            "\n[[panels]]\nname = \"panel {p}\"\nsource = \"prom\"\n\
             query = 'sum(rate(metric_{p}{{service=\"$service\"}}[5m]))'\n\
             unit = \"per_second\"\nbetter = \"higher\"\ncompare = \"30m\"\n"
        ));
    }
    flowdeck::config::parse(&text, std::path::Path::new("flowdeck.toml")).unwrap()
}

fn http() -> HttpClient {
    HttpClient::new(
        HttpSettings {
            jitter: Jitter::Off,
            max_retries: 0,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(2),
            ..HttpSettings::default()
        },
        Arc::new(NoEtagCache),
        Arc::new(SystemClock),
    )
    .unwrap()
}

/// A matrix answer shaped as Prometheus writes one: one series, values as strings.
fn matrix() -> serde_json::Value {
    serde_json::json!({
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [{
                "metric": {},
                "values": [[1_773_000_000.0, "1.5"], [1_773_000_300.0, "1.75"], [1_773_000_600.0, "NaN"]]
            }]
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_panels_on_twenty_services_cost_200_requests_then_none_within_the_cache() {
    let server = leaked(MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/api/v1/query_range"))
        .respond_with(ResponseTemplate::new(200).set_body_json(matrix()))
        .mount(&server)
        .await;
    let config = config(&server.uri());
    let reader = PanelReader::new(&config, &http()).unwrap();
    let services: Vec<String> = (0..SERVICES).map(|s| format!("service-{s}")).collect();
    let span = PanelSpan {
        from_ms: TO_MS - 30 * DAY_MS,
        to_ms: TO_MS,
        width: 200,
    };
    let received = || async { server.received_requests().await.unwrap_or_default().len() };

    let first = reader.read(&services, span).await;
    let after_first = received().await;
    assert_eq!(after_first, PANELS * SERVICES);
    assert_eq!(first.panels.len(), PANELS);
    assert!(first.panels.iter().all(|p| {
        p.series.len() == SERVICES
            && p.series
                .iter()
                .all(|s| s.error.is_none() && s.points.len() == 2)
    }));

    // A refresh a few seconds later: the same step-aligned span, answered from the cache.
    let again = PanelSpan {
        to_ms: TO_MS + 5_000,
        ..span
    };
    let second = reader.read(&services, again).await;
    let after_second = received().await;
    assert_eq!(after_second - after_first, 0);
    assert_eq!(second, first);

    // A window moved past a step asks every panel of every service again.
    let later = PanelSpan {
        from_ms: span.from_ms + DAY_MS,
        to_ms: TO_MS + DAY_MS,
        ..span
    };
    reader.read(&services, later).await;
    let after_third = received().await;
    assert_eq!(after_third - after_second, PANELS * SERVICES);
    assert_eq!(reader.requests_sent() as usize, after_third);
    // Every request is a range query with a step in whole seconds.
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| {
        let query: Vec<(String, String)> = r.url.query_pairs().into_owned().collect();
        query
            .iter()
            .any(|(k, v)| k == "step" && v.ends_with(".000"))
            && query.iter().any(|(k, _)| k == "query")
    }));
    println!(
        "figure: panel requests per refresh, {PANELS} panels x {SERVICES} services: first {after_first}, \
         second within the cache {}, after the window moved a day {}",
        after_second - after_first,
        after_third - after_second
    );
}
