//! Health panels against a real Prometheus (Debian's package, as the incident tests): a
//! backfilled error-ratio series (promtool) with noise, a step up right after one deployment;
//! range queries through `PanelReader`, verdicts through the core's `assess`.
//!
//! - the deployment after the step is unusual (and worse), the others are not;
//! - before/after equal the medians computed here from the samples written, read as
//!   Prometheus evaluates a range query (the last raw sample at or before each step);
//! - a bad query shows Prometheus' own message on its panel and the other panels are read;
//! - one request per panel and service per refresh; a second refresh within the step sends none;
//! - hostile services: a name with quotes and escape sequences is escaped into the query.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use flowdeck::health::{Sample, assess};
use flowdeck::model::{Deployment, DeploymentStatus};
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, NoEtagCache, SystemClock};
use flowdeck::sources::prometheus::{PanelReader, PanelSpan};

use crate::support::prometheus_server::{self, Prometheus, PrometheusSetup};

const MIN: i64 = 60;
/// The window read: 2026-03-10 00:00 to 06:00 UTC.
const FROM: i64 = 1_773_100_800;
const TO: i64 = FROM + 6 * 3600;
/// The deployments (start, finish), epoch seconds; the second is followed by the step.
const DEPLOYS: [(i64, i64); 3] = [
    (FROM + 3600, FROM + 3600 + 4 * MIN),
    (FROM + 3 * 3600, FROM + 3 * 3600 + 2 * MIN),
    (FROM + 5 * 3600, FROM + 5 * 3600 + 3 * MIN),
];

/// The value written at `t`: 1% errors with noise of ±0.2% in a 7-minute pattern, and 3%
/// from the minute after the second deployment finished.
fn value(t: i64) -> f64 {
    let noise =
        [0.0, 0.002, -0.001, 0.0015, -0.002, 0.0005, -0.0005][(t / MIN).rem_euclid(7) as usize];
    let level = if t > DEPLOYS[1].1 { 0.03 } else { 0.01 };
    level + noise
}

/// A sample a minute from 8 days before the window to an hour after it.
fn raw() -> Vec<(i64, f64)> {
    let first = FROM - 8 * 86_400;
    (0..)
        .map(|i| first + i * MIN)
        .take_while(|t| *t <= TO + 3600)
        .map(|t| (t, value(t)))
        .collect()
}

fn openmetrics(raw: &[(i64, f64)]) -> String {
    let mut out = String::from("# TYPE flowdeck_error_ratio gauge\n");
    for (t, v) in raw {
        out.push_str(&format!(
            "flowdeck_error_ratio{{service=\"api\"}} {v} {t}\n"
        ));
    }
    out.push_str("# EOF\n");
    out
}

fn config(url: &str) -> flowdeck::config::Config {
    let text = format!(
        r#"
[[sources]]
kind = "prometheus"
name = "prom"
url = "{url}"

[[panels]]
name = "error rate"
source = "prom"
query = 'flowdeck_error_ratio{{service="$service"}}'
unit = "ratio"
better = "lower"
compare = "30m"

[[panels]]
name = "broken"
source = "prom"
query = 'rate(flowdeck_error_ratio{{service="$service"}}[5m]'
unit = "ratio"
better = "lower"

[[panels]]
name = "latency"
source = "prom"
query = 'flowdeck_error_ratio{{service="$service"}} * 2'
unit = "seconds"
better = "lower"
services = ["api"]
"#
    );
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

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).unwrap()
}

fn deployment(index: usize) -> Deployment {
    let (started, finished) = DEPLOYS[index];
    Deployment {
        id: format!("d{index}"),
        name: None,
        service: "api".into(),
        environment: "production".into(),
        production: true,
        sha: "0".into(),
        ref_name: None,
        started_at: Some(at(started)),
        finished_at: at(finished),
        status: DeploymentStatus::Success,
        url: None,
        changes: Vec::new(),
    }
}

/// The median of `values`, by hand.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    assert!(n > 0);
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// What Prometheus answers at each step time: the last raw sample at or before it.
fn evaluated(raw: &[(i64, f64)], points: &[Sample], from_ms: i64, to_ms: i64) -> f64 {
    let values = points
        .iter()
        .filter(|p| p.at_ms > from_ms && p.at_ms <= to_ms)
        .map(|p| {
            let t = p.at_ms / 1000;
            raw.iter().rev().find(|(s, _)| *s <= t).unwrap().1
        })
        .collect();
    median(values)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_after_one_deployment_is_unusual_and_a_bad_query_shows_prometheus_words() {
    if !prometheus_server::available() {
        return;
    }
    let raw = raw();
    let prometheus = Prometheus::start(PrometheusSetup {
        backfill: Some(openmetrics(&raw)),
        ..PrometheusSetup::default()
    });
    let reader = PanelReader::new(&config(&prometheus.url), &http()).unwrap();
    let services = vec!["api".to_string(), "we\"b\u{1b}[2J".to_string()];
    let span = PanelSpan {
        from_ms: FROM * 1000,
        to_ms: TO * 1000,
        width: 200,
    };
    let panels = reader.read(&services, span).await;
    // Two panels for both services, one for api only.
    assert_eq!(
        reader.requests_sent(),
        5,
        "one request per panel and service"
    );

    let error_rate = &panels.panels[0];
    let api = error_rate.series_of("api").unwrap();
    assert_eq!(api.error, None);
    assert!(api.points.len() > 1000, "{}", api.points.len());
    // The hostile service was escaped into a query that finds nothing, and is no error.
    let web = &error_rate.series[1];
    assert!(web.points.is_empty() && web.error.is_none(), "{web:?}");

    // The bad query: Prometheus' own words, on its panel only.
    let broken = &panels.panels[1];
    for series in &broken.series {
        let message = series.error.as_deref().unwrap();
        assert!(message.contains("parse error"), "{message}");
        assert!(message.contains("400"), "{message}");
    }
    assert!(panels.panels[2].series_of("api").unwrap().error.is_none());
    assert_eq!(panels.panels[2].series.len(), 1);

    let deployments: Vec<Deployment> = (0..3).map(deployment).collect();
    let table = assess(&panels, &deployments, &[0, 1, 2]);
    for (index, (started, finished)) in DEPLOYS.iter().enumerate() {
        let health = &table.of(index as u32)[0];
        assert_eq!(health.panel, "error rate");
        let compare = 30 * MIN * 1000;
        let before = evaluated(&raw, &api.points, started * 1000 - compare, started * 1000);
        let after = evaluated(
            &raw,
            &api.points,
            finished * 1000,
            finished * 1000 + compare,
        );
        assert_eq!(health.before, Some(before), "deployment {index}");
        assert_eq!(health.after, Some(after), "deployment {index}");
        assert_eq!(health.delta, Some(after - before));
        assert_eq!(health.unusual, index == 1, "deployment {index}: {health:?}");
        assert_eq!(health.worse, index == 1);
    }
    let stepped = table.of(1)[0].describe();
    assert_eq!(stepped, "error rate 0.975% → 3.02% ▲ unusual");
    // The broken panel gives no verdict, and the latency panel judges the step too.
    assert_eq!(table.of(1)[1].before, None);
    assert!(table.of(1)[2].unusual);

    // A second refresh within the same step is answered from the cache; the failed queries
    // are asked again.
    let again = reader.read(&services, span).await;
    assert_eq!(reader.requests_sent(), 5 + 2);
    assert_eq!(again.panels[0], panels.panels[0]);
}
