//! The Prometheus source against real servers (Debian's prometheus 2.x and alertmanager, each
//! test with its own on free loopback ports and in its own temporary directory) and, for
//! faults, against a wiremock server answering like Prometheus.
//!
//! a) a backfilled ALERTS history (promtool) beside a git repository of deployments gives,
//!    through `flowdeck report`, exactly the incidents, durations and attributions written
//!    here, and a second report changes nothing;
//! b) a live alert rule fires for a known interval: open while it fires, then resolved, with
//!    the right times and recovery;
//! c) Alertmanager: a silenced alert is `alertmanager=suppressed` with `silenced_by=`, an
//!    unsilenced one `alertmanager=active`; without its Alertmanager the source still stores
//!    its incidents and says what failed;
//! d) faults: a bad selector (400 bad_data) is a configuration error in Prometheus' words;
//!    malformed JSON is a data error; a 503 is retried; a failing sync stores nothing.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{gitrepo, prometheus_server};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use flowdeck::config::PrometheusSourceConfig;
use flowdeck::model::Incident;
use flowdeck::poller::{SyncReport, sync_source};
use flowdeck::sources::SourceError;
use flowdeck::sources::http::{HttpClient, HttpSettings, Jitter, NoEtagCache, SystemClock};
use flowdeck::sources::live::{Source, SyncContext};
use flowdeck::sources::prometheus::PrometheusSource;
use flowdeck::store::{SqliteStore, Store};
use gitrepo::GitRepo;
use prometheus_server::{Alertmanager, Prometheus, PrometheusSetup};
use serde_json::Value;

const M: i64 = 60;
const H: f64 = 3600.0;

fn epoch(rfc3339: &str) -> i64 {
    rfc3339.parse::<DateTime<Utc>>().unwrap().timestamp()
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a time"))
        .parse()
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

/// The flowdeck binary with a clean environment, every folder inside `home`.
fn flowdeck(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap()
}

fn report(home: &Path, config: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = flowdeck(home, &args);
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn incidents(report: &Value) -> &Vec<Value> {
    report["incidents"].as_array().unwrap()
}

fn deployment<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no deployment {id} in {report:#}"))
}

/// Waits until `done` holds (checked every 200 ms), or fails after `limit`.
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

// ----- a) backfill -----

/// OpenMetrics samples of one ALERTS series, one a minute from `from` to `to` inclusive.
fn fire(out: &mut String, labels: &str, from: &str, to: &str) {
    let (mut t, end) = (epoch(from), epoch(to));
    while t <= end {
        out.push_str(&format!("ALERTS{{alertstate=\"firing\",{labels}}} 1 {t}\n"));
        t += M;
    }
}

/// The history, all in March 2026 (UTC). Deployments (annotated tags, tagger date = deploy
/// time) of a monorepo with `api/` and `web/`:
///
/// | deployment | finished |
/// |---|---|
/// | api-v1.0.0 | 03-02 09:00 (baseline) |
/// | web-v1.0.0 | 03-02 09:30 (baseline) |
/// | api-v1.1.0 | 03-03 10:00 |
/// | web-v1.1.0 | 03-03 11:00 |
/// | api-v1.2.0 | 03-04 12:00 |
/// | web-v1.2.0 | 03-05 09:00 |
/// | api-v1.3.0 | 03-06 10:00 |
///
/// Alerts, a sample a minute (resolved = last sample + 1 minute, the step):
///
/// | # | alert (service) | samples | incident | attributed to |
/// |---|---|---|---|---|
/// | I1 | HighErrorRate (api) | 03-03 10:30–10:40, 10:43–10:59 (a 3-minute hole: one run) | 10:30–11:00, 30m | api-v1.1.0, window |
/// | I2a | HighLatency (web) | 03-03 12:00–12:09 | 12:00–12:10, 10m | web-v1.1.0, window |
/// | I2b | HighLatency (web) | 03-03 12:20–12:29 (11 minutes later: split) | 12:20–12:30, 10m | web-v1.1.0, window |
/// | I5 | DiskFull (db, no deployments) | 03-04 08:00–08:39 | 08:00–08:40, 40m | none |
/// | – | NoisyInfo (api, severity=info) | 03-04 12:30–12:40 | left out by the selector | – |
/// | I4 | SmokeTestFailed (web), label version=web-v1.1.0 | 03-05 09:20–09:29 | 09:20–09:30, 10m | web-v1.1.0, link (not web-v1.2.0 of 09:00) |
/// | I7 | QueueDepth (api) | 03-05 11:59 (one sample: the typical step, 1m) | 11:59–12:00, 1m | api-v1.2.0, window (23h59m) |
/// | I6 | QueueBacklog (api) | 03-05 12:00–12:04 | 12:00–12:05, 5m | none: exactly 24h after api-v1.2.0 |
/// | I3 | CanaryFailed (api), label deployment=git:api:api-v1.2.0 | 03-06 09:50–10:04 | 09:50–10:05, 15m | api-v1.2.0, link (its window is over) |
/// | I8 | ErrorBudgetBurn (web) | 03-08 23:50–23:59 | open at 03-09 00:00 | none |
/// | – | Backlog (db) | 2025-12-08 23:00 – 2025-12-09 01:00, across the backfill horizon | 23:00–01:01, before the window: only in the store | – |
struct Backfill {
    repo: GitRepo,
    openmetrics: String,
}

fn backfill_fixture() -> Backfill {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("Initial layout")
        .file("api/main.rs", "fn main() {}\n")
        .file("web/index.html", "<h1>shop</h1>\n")
        .at("2026-03-01T09:00:00Z")
        .create();
    repo.tag_annotated("api-v1.0.0", &c1, "2026-03-02T09:00:00Z");
    repo.tag_annotated("web-v1.0.0", &c1, "2026-03-02T09:30:00Z");
    let commits = [
        (
            "api: orders",
            "api/orders.rs",
            "2026-03-03T09:00:00Z",
            "api-v1.1.0",
            "2026-03-03T10:00:00Z",
        ),
        (
            "web: product page",
            "web/product.html",
            "2026-03-03T10:30:00Z",
            "web-v1.1.0",
            "2026-03-03T11:00:00Z",
        ),
        (
            "api: cache",
            "api/cache.rs",
            "2026-03-04T11:00:00Z",
            "api-v1.2.0",
            "2026-03-04T12:00:00Z",
        ),
        (
            "web: checkout",
            "web/checkout.html",
            "2026-03-05T08:00:00Z",
            "web-v1.2.0",
            "2026-03-05T09:00:00Z",
        ),
        (
            "api: retries",
            "api/retry.rs",
            "2026-03-06T09:00:00Z",
            "api-v1.3.0",
            "2026-03-06T10:00:00Z",
        ),
    ];
    for (message, file, at, tag, deployed) in commits {
        let sha = repo.commit(message).file(file, message).at(at).create();
        repo.tag_annotated(tag, &sha, deployed);
    }

    let mut om = String::from("# HELP ALERTS Alerts.\n# TYPE ALERTS gauge\n");
    let i1 = r#"alertname="HighErrorRate",instance="10.0.0.1:8080",service="api",severity="page""#;
    fire(&mut om, i1, "2026-03-03T10:30:00Z", "2026-03-03T10:40:00Z");
    fire(&mut om, i1, "2026-03-03T10:43:00Z", "2026-03-03T10:59:00Z");
    let i2 = r#"alertname="HighLatency",route="/checkout",service="web",severity="page""#;
    fire(&mut om, i2, "2026-03-03T12:00:00Z", "2026-03-03T12:09:00Z");
    fire(&mut om, i2, "2026-03-03T12:20:00Z", "2026-03-03T12:29:00Z");
    fire(
        &mut om,
        r#"alertname="DiskFull",device="/dev/sda1",service="db",severity="ticket""#,
        "2026-03-04T08:00:00Z",
        "2026-03-04T08:39:00Z",
    );
    fire(
        &mut om,
        r#"alertname="NoisyInfo",service="api",severity="info""#,
        "2026-03-04T12:30:00Z",
        "2026-03-04T12:40:00Z",
    );
    fire(
        &mut om,
        r#"alertname="SmokeTestFailed",service="web",severity="page",version="web-v1.1.0""#,
        "2026-03-05T09:20:00Z",
        "2026-03-05T09:29:00Z",
    );
    fire(
        &mut om,
        r#"alertname="QueueDepth",service="api",severity="page""#,
        "2026-03-05T11:59:00Z",
        "2026-03-05T11:59:00Z",
    );
    fire(
        &mut om,
        r#"alertname="QueueBacklog",service="api",severity="page""#,
        "2026-03-05T12:00:00Z",
        "2026-03-05T12:04:00Z",
    );
    fire(
        &mut om,
        r#"alertname="CanaryFailed",deployment="git:api:api-v1.2.0",service="api",severity="page""#,
        "2026-03-06T09:50:00Z",
        "2026-03-06T10:04:00Z",
    );
    fire(
        &mut om,
        r#"alertname="ErrorBudgetBurn",service="web",severity="page""#,
        "2026-03-08T23:50:00Z",
        "2026-03-08T23:59:00Z",
    );
    // Firing across the backfill horizon (90 days before 03-09: 2025-12-09 00:00): the first
    // sync reads back to its start.
    fire(
        &mut om,
        r#"alertname="Backlog",service="db",severity="ticket""#,
        "2025-12-08T23:00:00Z",
        "2025-12-09T01:00:00Z",
    );
    om.push_str("# EOF\n");
    Backfill {
        repo,
        openmetrics: om,
    }
}

fn backfill_config(dir: &Path, prometheus: &str) -> PathBuf {
    let path = dir.join("flowdeck.toml");
    std::fs::write(
        &path,
        format!(
            r#"[general]
timezone = "UTC"
store = "{store}"
log_file = "flowdeck.log"

[[services]]
name = "api"

[[services]]
name = "web"

[[services]]
name = "db"

[[sources]]
kind = "git"
service = "api"
path = "repo"
deploy_tags = "api-v*"
paths = ["api/**"]

[[sources]]
kind = "git"
service = "web"
path = "repo"
deploy_tags = "web-v*"
paths = ["web/**"]

[[sources]]
kind = "prometheus"
name = "alerts"
url = "{prometheus}"
selector = 'severity=~"page|ticket"'
"#,
            store = dir.join("history.sqlite").display(),
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_backfilled_history_gives_the_incidents_durations_and_attributions_written() {
    if !prometheus_server::available() {
        return;
    }
    let fixture = backfill_fixture();
    let prometheus = Prometheus::start(PrometheusSetup {
        backfill: Some(fixture.openmetrics.clone()),
        ..PrometheusSetup::default()
    });
    let home = fixture.repo.parent();
    let config = backfill_config(home, &prometheus.url);
    let args = [
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-08",
        "--now",
        "2026-03-09T00:00:00Z",
    ];
    let r = report(home, &config, &args);

    let status = r["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "alerts")
        .unwrap();
    assert_eq!(status["status"], "ok", "{status:#}");
    assert_eq!(status["kind"], "prometheus");

    // Every incident, by title and start.
    let found: Vec<(String, String, Value, Value)> = incidents(&r)
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap().to_string(),
                i["started_at"].as_str().unwrap().to_string(),
                i["resolved_at"].clone(),
                i["services"].clone(),
            )
        })
        .collect();
    let expected: Vec<(&str, &str, Value, Value)> = vec![
        (
            "HighErrorRate (instance=10.0.0.1:8080)",
            "2026-03-03T10:30:00Z",
            "2026-03-03T11:00:00Z".into(),
            serde_json::json!(["api"]),
        ),
        (
            "HighLatency (route=/checkout)",
            "2026-03-03T12:00:00Z",
            "2026-03-03T12:10:00Z".into(),
            serde_json::json!(["web"]),
        ),
        (
            "HighLatency (route=/checkout)",
            "2026-03-03T12:20:00Z",
            "2026-03-03T12:30:00Z".into(),
            serde_json::json!(["web"]),
        ),
        (
            "DiskFull (device=/dev/sda1)",
            "2026-03-04T08:00:00Z",
            "2026-03-04T08:40:00Z".into(),
            serde_json::json!(["db"]),
        ),
        (
            "SmokeTestFailed (version=web-v1.1.0)",
            "2026-03-05T09:20:00Z",
            "2026-03-05T09:30:00Z".into(),
            serde_json::json!(["web"]),
        ),
        (
            "QueueDepth",
            "2026-03-05T11:59:00Z",
            "2026-03-05T12:00:00Z".into(),
            serde_json::json!(["api"]),
        ),
        (
            "QueueBacklog",
            "2026-03-05T12:00:00Z",
            "2026-03-05T12:05:00Z".into(),
            serde_json::json!(["api"]),
        ),
        (
            "CanaryFailed (deployment=git:api:api-v1.2.0)",
            "2026-03-06T09:50:00Z",
            "2026-03-06T10:05:00Z".into(),
            serde_json::json!(["api"]),
        ),
        (
            "ErrorBudgetBurn",
            "2026-03-08T23:50:00Z",
            Value::Null,
            serde_json::json!(["web"]),
        ),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    let expected: Vec<(String, String, Value, Value)> = expected
        .into_iter()
        .map(|(t, s, r, v)| (t.to_string(), s.to_string(), r, v))
        .collect();
    assert_eq!(found_sorted, expected);

    let by = |title: &str, start: &str| -> &Value {
        incidents(&r)
            .iter()
            .find(|i| i["title"] == title && i["started_at"] == start)
            .unwrap_or_else(|| panic!("no incident {title} at {start}"))
    };
    let i1 = by(
        "HighErrorRate (instance=10.0.0.1:8080)",
        "2026-03-03T10:30:00Z",
    );
    let i2a = by("HighLatency (route=/checkout)", "2026-03-03T12:00:00Z");
    let i2b = by("HighLatency (route=/checkout)", "2026-03-03T12:20:00Z");
    let i3 = by(
        "CanaryFailed (deployment=git:api:api-v1.2.0)",
        "2026-03-06T09:50:00Z",
    );
    let i4 = by(
        "SmokeTestFailed (version=web-v1.1.0)",
        "2026-03-05T09:20:00Z",
    );
    let i5 = by("DiskFull (device=/dev/sda1)", "2026-03-04T08:00:00Z");
    let i6 = by("QueueBacklog", "2026-03-05T12:00:00Z");
    let i7 = by("QueueDepth", "2026-03-05T11:59:00Z");
    let i8 = by("ErrorBudgetBurn", "2026-03-08T23:50:00Z");

    // Ids: prometheus:<name>:<16 hex of the labels>:<start epoch>; one series, one hash.
    for incident in incidents(&r) {
        let id = incident["id"].as_str().unwrap();
        let parts: Vec<&str> = id.split(':').collect();
        assert_eq!(parts.len(), 4, "{id}");
        assert_eq!(&parts[..2], ["prometheus", "alerts"], "{id}");
        assert!(
            parts[2].len() == 16 && parts[2].chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        assert_eq!(
            parts[3].parse::<i64>().unwrap(),
            time(&incident["started_at"]).timestamp(),
            "{id}"
        );
        assert_eq!(incident["source"], "prometheus");
        assert!(
            incident["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/graph?g0.expr=", prometheus.url))
        );
    }
    let hash = |i: &Value| {
        i["id"]
            .as_str()
            .unwrap()
            .split(':')
            .nth(2)
            .unwrap()
            .to_string()
    };
    assert_eq!(hash(i2a), hash(i2b));
    assert_ne!(i2a["id"], i2b["id"]);
    assert_eq!(i1["severity"], "page");
    assert_eq!(i5["severity"], "ticket");

    // Attributions.
    let attributed = |i: &Value| -> Option<(String, String)> {
        let a = &i["attributed_to"];
        (!a.is_null()).then(|| {
            (
                a["deployment_id"].as_str().unwrap().to_string(),
                a["reason"].as_str().unwrap().to_string(),
            )
        })
    };
    let to = |d: &str, why: &str| Some((d.to_string(), why.to_string()));
    assert_eq!(attributed(i1), to("git:api:api-v1.1.0", "incident_window"));
    assert_eq!(attributed(i2a), to("git:web:web-v1.1.0", "incident_window"));
    assert_eq!(attributed(i2b), to("git:web:web-v1.1.0", "incident_window"));
    assert_eq!(attributed(i3), to("git:api:api-v1.2.0", "incident_link"));
    assert_eq!(attributed(i4), to("git:web:web-v1.1.0", "incident_link"));
    assert_eq!(attributed(i5), None);
    assert_eq!(attributed(i6), None, "exactly at the window's end");
    assert_eq!(attributed(i7), to("git:api:api-v1.2.0", "incident_window"));
    assert_eq!(attributed(i8), None);

    let reasons = |id: &str, key: &str| -> BTreeSet<(String, String)> {
        deployment(&r, id)[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["kind"].as_str().unwrap().to_string(),
                    x["ref"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let reason = |kind: &str, incident: &Value| {
        (
            kind.to_string(),
            incident["id"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        reasons("git:api:api-v1.1.0", "failure_reasons"),
        [reason("incident_window", i1)].into()
    );
    assert_eq!(
        reasons("git:web:web-v1.1.0", "failure_reasons"),
        [
            reason("incident_window", i2a),
            reason("incident_window", i2b),
            reason("incident_link", i4)
        ]
        .into()
    );
    assert_eq!(
        reasons("git:api:api-v1.2.0", "failure_reasons"),
        [reason("incident_window", i7), reason("incident_link", i3)].into()
    );
    for quiet in [
        "git:api:api-v1.0.0",
        "git:web:web-v1.0.0",
        "git:web:web-v1.2.0",
        "git:api:api-v1.3.0",
    ] {
        assert_eq!(deployment(&r, quiet)["failed"], false, "{quiet}");
    }
    // api-v1.3.0 finished (03-06 10:00) while I3 was open (09:50–10:05): rework.
    assert_eq!(
        reasons("git:api:api-v1.3.0", "rework_reasons"),
        [reason("during_incident", i3)].into()
    );

    // Recovery: the latest resolution of each failed deployment's incidents.
    // api-v1.1.0 03-03 10:00 -> I1 11:00: 1h.
    // web-v1.1.0 03-03 11:00 -> I4 03-05 09:30: 46h30m = 167,400 s.
    // api-v1.2.0 03-04 12:00 -> I3 03-06 10:05: 46h05m = 165,900 s.
    let recovery = |id: &str| deployment(&r, id)["recovery_seconds"].clone();
    close(&recovery("git:api:api-v1.1.0"), H);
    close(&recovery("git:web:web-v1.1.0"), 167_400.0);
    close(&recovery("git:api:api-v1.2.0"), 165_900.0);
    assert_eq!(
        deployment(&r, "git:web:web-v1.1.0")["recovered_at"],
        "2026-03-05T09:30:00Z"
    );

    let m = &r["metrics"];
    // 7 deployments, 3 failed.
    assert_eq!(m["change_failure_rate"]["deployments"], 7);
    assert_eq!(m["change_failure_rate"]["failed"], 3);
    close(&m["change_failure_rate"]["rate"], 3.0 / 7.0);
    let rec = &m["failed_deployment_recovery_time"];
    assert_eq!(rec["failed"], 3);
    assert_eq!(rec["recovered"], 3);
    assert_eq!(rec["unrecovered"], 0);
    // [3,600, 165,900, 167,400]: median 165,900; p90 rank 1.8 -> 165,900 + 0.8 × 1,500.
    close(&rec["median_seconds"], 165_900.0);
    close(&rec["p90_seconds"], 167_100.0);
    // Time to restore over the 8 resolved incidents: 1m, 5m, 10m, 10m, 10m, 15m, 30m, 40m;
    // median (10m + 10m) / 2; p90 rank 6.3 -> 30m + 0.3 × 10m = 33m.
    let ttr = &m["time_to_restore"];
    assert_eq!(ttr["incidents"], 9);
    assert_eq!(ttr["open"], 1);
    close(&ttr["median_seconds"], 600.0);
    close(&ttr["p90_seconds"], 1_980.0);
    assert_eq!(m["deployment_rework_rate"]["rework"], 1);
    close(&m["deployment_rework_rate"]["rate"], 1.0 / 7.0);

    // A second run reads again from the last sync and changes nothing.
    let store_path = home.join("history.sqlite");
    let before = SqliteStore::open(&store_path).unwrap().load().unwrap();
    let again = report(home, &config, &args);
    assert_eq!(again, r);
    let after = SqliteStore::open(&store_path).unwrap().load().unwrap();
    assert_eq!(after, before);
    assert_eq!(after.incidents.len(), 10);
    let backlog = after
        .incidents
        .iter()
        .find(|i| i.title == "Backlog")
        .unwrap();
    assert_eq!(
        backlog.started_at,
        "2025-12-08T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        backlog.resolved_at,
        Some("2025-12-09T01:01:00Z".parse().unwrap())
    );

    // Prometheus forgets (retention ran out, or a new server with an empty TSDB at the same
    // place): a week later the store still holds every incident as it was. Only the one that
    // was open changes: Prometheus no longer says it fires, so it resolved one step after its
    // last sample (03-08 23:59 + 1m).
    drop(prometheus);
    let forgetful = Prometheus::start(PrometheusSetup::default());
    let config = backfill_config(home, &forgetful.url);
    let later = report(
        home,
        &config,
        &[
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-08",
            "--now",
            "2026-03-16T00:00:00Z",
        ],
    );
    let kept = SqliteStore::open(&store_path).unwrap().load().unwrap();
    assert_eq!(kept.incidents.len(), 10);
    for (was, now) in before.incidents.iter().zip(&kept.incidents) {
        assert_eq!(was.id, now.id);
        if was.title == "ErrorBudgetBurn" {
            assert_eq!(was.resolved_at, None);
            assert_eq!(
                now.resolved_at,
                Some("2026-03-09T00:00:00Z".parse().unwrap())
            );
        } else {
            assert_eq!(was, now, "{}", was.title);
        }
    }
    let ttr = &later["metrics"]["time_to_restore"];
    assert_eq!(ttr["incidents"], 9);
    assert_eq!(ttr["open"], 0);
    assert_eq!(
        later["metrics"]["change_failure_rate"],
        r["metrics"]["change_failure_rate"]
    );
}

// ----- b) live -----

#[test]
fn a_live_alert_is_open_while_it_fires_then_resolves_with_its_recovery_time() {
    if !prometheus_server::available() {
        return;
    }
    // Started with a placeholder; the real rule is written once Prometheus runs, so its
    // times do not depend on how long the start took.
    let prometheus = Prometheus::start(PrometheusSetup {
        rules: vec!["groups: []\n".to_string()],
        ..PrometheusSetup::default()
    });
    let start = Utc::now().timestamp();
    // Fires from T0 to T1 (rules are evaluated every second).
    let (t0, t1) = (start + 4, start + 10);
    let rules = format!(
        r#"groups:
  - name: live
    interval: 1s
    rules:
      - alert: CheckoutDown
        expr: vector(time()) >= {t0} and vector(time()) < {t1}
        labels:
          service: api
          severity: page
        annotations:
          summary: Checkout is down
"#
    );
    let repo = GitRepo::new();
    let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
    let c1 = repo
        .commit("Initial")
        .file("api/main.rs", "fn main() {}\n")
        .at(&at(start - 7200))
        .create();
    repo.tag_annotated("v1.0.0", &c1, &at(start - 3600));
    let c2 = repo
        .commit("api: new checkout")
        .file("api/checkout.rs", "pub fn checkout() {}\n")
        .at(&at(start - 600))
        .create();
    // Deployed 3 s before the alert fires.
    repo.tag_annotated("v1.1.0", &c2, &at(t0 - 3));

    prometheus.set_rules(0, &rules);
    let home = repo.parent();
    let config = home.join("flowdeck.toml");
    std::fs::write(
        &config,
        format!(
            r#"[general]
store = "{}"
backfill = "1d"

[[services]]
name = "api"

[[sources]]
kind = "git"
service = "api"
path = "repo"

[[sources]]
kind = "prometheus"
url = "{}"
selector = 'severity="page"'
"#,
            home.join("history.sqlite").display(),
            prometheus.url
        ),
    )
    .unwrap();

    let firing = || {
        !prometheus
            .query("ALERTS{alertstate=\"firing\"}", None)
            .as_array()
            .unwrap()
            .is_empty()
    };
    wait_until("the alert to fire", Duration::from_secs(20), firing);
    let open = report(home, &config, &["--window", "1d"]);
    let m = &open["metrics"];
    assert_eq!(m["time_to_restore"]["open"], 1, "{open:#}");
    assert_eq!(m["failed_deployment_recovery_time"]["unrecovered"], 1);
    assert_eq!(m["change_failure_rate"]["failed"], 1);
    let incident = &incidents(&open)[0];
    assert_eq!(incident["title"], "CheckoutDown");
    assert_eq!(incident["services"], serde_json::json!(["api"]));
    assert_eq!(incident["severity"], "page");
    assert!(incident["resolved_at"].is_null());
    assert_eq!(incident["attributed_to"]["deployment_id"], "git:api:v1.1.0");
    let id = incident["id"].clone();

    wait_until("the alert to resolve", Duration::from_secs(20), || {
        Utc::now().timestamp() > t1 && !firing()
    });
    let resolved = report(home, &config, &["--window", "1d"]);
    let incident = &incidents(&resolved)[0];
    assert_eq!(incidents(&resolved).len(), 1, "{resolved:#}");
    assert_eq!(incident["id"], id);
    let started = time(&incident["started_at"]).timestamp_millis();
    let ended = time(&incident["resolved_at"]).timestamp_millis();
    // The first evaluation at or after T0 fired; the first at or after T1 did not (evaluations
    // are a second apart, so each lies within a second of its bound).
    assert!(
        (t0 * 1000..t0 * 1000 + 2000).contains(&started),
        "{started} vs T0 {t0}"
    );
    assert!(
        (t1 * 1000..t1 * 1000 + 2000).contains(&ended),
        "{ended} vs T1 {t1}"
    );
    let m = &resolved["metrics"];
    assert_eq!(m["time_to_restore"]["open"], 0);
    assert_eq!(m["failed_deployment_recovery_time"]["recovered"], 1);
    assert_eq!(m["failed_deployment_recovery_time"]["unrecovered"], 0);
    let deployed = deployment(&resolved, "git:api:v1.1.0");
    let finished = time(&deployed["finished_at"]).timestamp_millis();
    assert_eq!(finished, (t0 - 3) * 1000);
    // Durations are whole seconds (truncated), as everywhere in the metrics.
    close(
        &deployed["recovery_seconds"],
        (ended - finished).div_euclid(1000) as f64,
    );
    close(
        &m["time_to_restore"]["median_seconds"],
        (ended - started).div_euclid(1000) as f64,
    );
}

// ----- c) Alertmanager -----

fn http_settings(retries: u32) -> HttpSettings {
    HttpSettings {
        jitter: Jitter::Off,
        max_retries: retries,
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        ..HttpSettings::default()
    }
}

struct Local {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    http: HttpClient,
}

impl Local {
    fn new(retries: u32) -> Local {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("history.sqlite")).unwrap());
        let http = HttpClient::new(
            http_settings(retries),
            Arc::new(NoEtagCache),
            Arc::new(SystemClock),
        )
        .unwrap();
        Local {
            _dir: dir,
            store,
            http,
        }
    }

    fn source(&self, toml: &str) -> PrometheusSource {
        let config: PrometheusSourceConfig = toml::from_str(toml).unwrap();
        PrometheusSource::new(&config, self.http.clone()).unwrap()
    }

    async fn sync(&self, source: &PrometheusSource, now: DateTime<Utc>) -> SyncReport {
        sync_source(source, &self.store, chrono::Duration::days(1), 0, now)
            .await
            .0
    }

    fn incidents(&self) -> Vec<Incident> {
        self.store.load().unwrap().incidents
    }

    fn ctx(&self, now: DateTime<Utc>) -> SyncContext {
        SyncContext {
            store: self.store.clone(),
            now,
            backfill: chrono::Duration::days(1),
            lease: None,
        }
    }
}

fn has(incident: &Incident, label: &str) -> bool {
    incident.labels.iter().any(|l| l == label)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alertmanager_says_which_open_incidents_are_silenced() {
    if !prometheus_server::available() {
        return;
    }
    let alertmanager = Alertmanager::start();
    let rules = r#"groups:
  - name: always
    interval: 1s
    rules:
      - alert: Muted
        expr: vector(1)
        labels: {service: api, severity: page}
        annotations: {summary: "Muted on purpose", description: "a silence holds it back"}
      - alert: Loud
        expr: vector(1)
        labels: {service: web, severity: page}
"#;
    let prometheus = Prometheus::start(PrometheusSetup {
        rules: vec![rules.to_string()],
        alertmanager: Some(alertmanager.url.clone()),
        ..PrometheusSetup::default()
    });
    let silence = alertmanager.silence(&[("alertname", "Muted")]);
    let state_of = |name: &str| -> Option<String> {
        alertmanager
            .alerts()
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["labels"]["alertname"] == name)
            .map(|a| a["status"]["state"].as_str().unwrap().to_string())
    };
    wait_until(
        "Alertmanager to hold both alerts",
        Duration::from_secs(20),
        || {
            state_of("Muted").as_deref() == Some("suppressed")
                && state_of("Loud").as_deref() == Some("active")
        },
    );

    let local = Local::new(0);
    let source = local.source(&format!(
        "name = \"alerts\"\nurl = \"{}\"\nalertmanager_url = \"{}\"\n",
        prometheus.url, alertmanager.url
    ));
    let report = local.sync(&source, Utc::now()).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    // Everything was read: the status carries no complaint.
    let status = local.store.statuses().unwrap().pop().unwrap();
    assert_eq!((status.status.as_str(), status.error), ("ok", None));
    let found = local.incidents();
    assert_eq!(found.len(), 2, "{found:#?}");
    let muted = found.iter().find(|i| i.title == "Muted").unwrap();
    let loud = found.iter().find(|i| i.title == "Loud").unwrap();
    assert!(muted.resolved_at.is_none() && loud.resolved_at.is_none());
    assert!(has(muted, "alertmanager=suppressed"), "{muted:?}");
    assert!(has(muted, &format!("silenced_by={silence}")), "{muted:?}");
    assert!(!muted.labels.iter().any(|l| l.starts_with("inhibited_by=")));
    assert!(has(loud, "alertmanager=active"), "{loud:?}");
    assert!(!loud.labels.iter().any(|l| l.starts_with("silenced_by=")));
    assert_eq!(
        muted.body.as_deref(),
        Some("Muted on purpose\n\na silence holds it back")
    );

    let probe = source.probe(&local.ctx(Utc::now())).await.unwrap();
    assert!(probe.starts_with("Prometheus 2."), "{probe}");
    assert!(probe.contains("; 2 alert series firing;"), "{probe}");
    assert!(probe.contains("Alertmanager 0."), "{probe}");
    assert!(
        probe.contains(": 2 alerts (1 silenced or inhibited)"),
        "{probe}"
    );

    // Alertmanager gone (a port nobody listens on): the incidents are still stored, open,
    // with Alertmanager's last word; the source says what failed.
    let gone = prometheus_server::free_port();
    let without = Local::new(0);
    let source = without.source(&format!(
        "name = \"alerts\"\nurl = \"{}\"\nalertmanager_url = \"http://127.0.0.1:{gone}\"\n",
        prometheus.url
    ));
    let report = without.sync(&source, Utc::now()).await;
    assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
    assert_eq!(without.incidents().len(), 2);
    // The status line: ok (the data is current), with what failed.
    let status = without.store.statuses().unwrap().pop().unwrap();
    assert_eq!(status.status, "ok");
    let degraded = status.error.unwrap_or_default();
    assert!(
        degraded.starts_with("Alertmanager at 127.0.0.1:"),
        "{degraded}"
    );
    assert!(degraded.contains("cannot connect"), "{degraded}");
    assert!(without.incidents().iter().all(
        |i| i.resolved_at.is_none() && !i.labels.iter().any(|l| l.starts_with("alertmanager="))
    ));
    let error = source.probe(&without.ctx(Utc::now())).await.unwrap_err();
    assert!(error.to_string().contains("Alertmanager"), "{error}");
}

// ----- d) faults -----

mod faults {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const NOW: &str = "2026-03-02T12:00:00Z";

    fn now() -> DateTime<Utc> {
        NOW.parse().unwrap()
    }

    fn is_range(request: &Request) -> bool {
        request
            .url
            .query_pairs()
            .any(|(k, v)| k == "query" && v.ends_with("ms]"))
    }

    fn is_instant(request: &Request) -> bool {
        request.url.path() == "/api/v1/query" && !is_range(request)
    }

    /// One alert, a sample a minute from 10:00 to 10:09 (resolved 10:10).
    fn matrix() -> Value {
        let start = epoch("2026-03-02T10:00:00Z");
        let values: Vec<Value> = (0..10)
            .map(|i| serde_json::json!([start + i * M, "1"]))
            .collect();
        serde_json::json!({
            "status": "success",
            "data": {"resultType": "matrix", "result": [{
                "metric": {"__name__": "ALERTS", "alertname": "Down", "alertstate": "firing", "service": "api"},
                "values": values,
            }]}
        })
    }

    fn vector() -> Value {
        serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": []}})
    }

    async fn mount_good(server: &MockServer) {
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .and(is_range)
            .respond_with(ResponseTemplate::new(200).set_body_json(matrix()))
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .and(is_instant)
            .respond_with(ResponseTemplate::new(200).set_body_json(vector()))
            .mount(server)
            .await;
    }

    fn config(server: &MockServer) -> String {
        format!(
            "name = \"p\"\nurl = \"{}\"\nselector = 'severity=~\"page'\n",
            server.uri()
        )
    }

    /// Nothing of the source in the store: no incidents, no watermarks.
    fn untouched(local: &Local) {
        assert!(local.incidents().is_empty());
        for key in ["state", "backfill.from"] {
            assert_eq!(local.store.watermark("p", key).unwrap(), None, "{key}");
        }
    }

    #[tokio::test]
    async fn a_bad_selector_is_a_configuration_error_in_prometheus_words() {
        let server = leaked(MockServer::start().await);
        let message = "invalid parameter \"query\": 1:38: parse error: unterminated quoted string";
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "status": "error", "errorType": "bad_data", "error": message
            })))
            // One request per sync: a configuration error is not retried.
            .expect(2)
            .mount(&server)
            .await;
        let local = Local::new(3);
        let source = local.source(&config(&server));
        let error = source.sync(&local.ctx(now())).await.unwrap_err();
        assert!(matches!(error, SourceError::Config(_)), "{error:?}");
        let text = error.to_string();
        assert!(text.contains(message), "{text}");
        assert!(text.contains("400 bad_data"), "{text}");
        assert!(text.contains("check `selector`"), "{text}");

        // Through the poller: not retryable, recorded, nothing stored.
        let report = local.sync(&source, now()).await;
        let SyncReport::Failed {
            error, retryable, ..
        } = report
        else {
            panic!("{report:?}")
        };
        assert!(!retryable && error.contains(message), "{error}");
        untouched(&local);
    }

    #[tokio::test]
    async fn a_malformed_answer_is_a_data_error_and_stores_nothing() {
        let server = leaked(MockServer::start().await);
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"))
            .mount(&server)
            .await;
        let local = Local::new(0);
        let source = local.source(&config(&server));
        let error = source.sync(&local.ctx(now())).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{error:?}");
        assert!(
            error.to_string().contains("not the JSON expected"),
            "{error}"
        );

        // A matrix where a vector belongs is no better.
        let server = leaked(MockServer::start().await);
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .respond_with(ResponseTemplate::new(200).set_body_json(matrix()))
            .mount(&server)
            .await;
        let source = local.source(&config(&server));
        let error = source.sync(&local.ctx(now())).await.unwrap_err();
        assert!(matches!(error, SourceError::Data(_)), "{error:?}");
        assert!(error.to_string().contains("not a vector"), "{error}");
        let report = local.sync(&source, now()).await;
        assert!(matches!(report, SyncReport::Failed { .. }));
        untouched(&local);
    }

    #[tokio::test]
    async fn a_503_is_retried() {
        let server = leaked(MockServer::start().await);
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({
                "status": "error", "errorType": "unavailable", "error": "starting up"
            })))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        mount_good(&server).await;
        let local = Local::new(2);
        let source = local.source(&config(&server));
        let report = local.sync(&source, now()).await;
        assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
        let found = local.incidents();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].started_at,
            "2026-03-02T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            found[0].resolved_at,
            Some("2026-03-02T10:10:00Z".parse().unwrap())
        );
        // 503, then the range and the instant query.
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_sync_failing_half_way_stores_nothing_and_the_next_stores_everything_once() {
        let server = leaked(MockServer::start().await);
        // The samples are read, then the instant query fails on every attempt.
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .and(is_instant)
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server)
            .await;
        mount_good(&server).await;
        let local = Local::new(1);
        let source = local.source(&config(&server));
        let report = local.sync(&source, now()).await;
        let SyncReport::Failed {
            error, retryable, ..
        } = report
        else {
            panic!("{report:?}")
        };
        assert!(retryable, "{error}");
        assert!(error.contains("failed with 500 on 2 attempt(s)"), "{error}");
        untouched(&local);

        let report = local.sync(&source, now()).await;
        assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
        let stored = local.incidents();
        assert_eq!(stored.len(), 1);
        // Once more: the same incident, once.
        let report = local.sync(&source, now()).await;
        assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
        assert_eq!(local.incidents(), stored);
    }
}

// ----- what is read, and when -----

mod reads {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// (query, time) of every query Prometheus was sent, in order.
    async fn queries(server: &MockServer) -> Vec<(String, String)> {
        server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/api/v1/query")
            .map(|r| {
                let get = |key: &str| {
                    r.url
                        .query_pairs()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.to_string())
                        .unwrap_or_default()
                };
                (get("query"), get("time"))
            })
            .collect()
    }

    /// Answers every range query with an empty matrix and every instant one with an empty
    /// vector.
    async fn mount_empty(server: &MockServer) {
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .and(|r: &wiremock::Request| r.url.query().is_some_and(|q| q.contains("ms%5D")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(
                {"status": "success", "data": {"resultType": "matrix", "result": []}}
            )))
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/query"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(
                {"status": "success", "data": {"resultType": "vector", "result": []}}
            )))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn a_first_sync_reads_the_backfill_a_day_at_a_time_and_later_ones_from_the_last_minus_the_gap()
     {
        let server = leaked(MockServer::start().await);
        mount_empty(&server).await;
        let local = Local::new(0);
        let source = local.source(&format!(
            "name = \"p\"\nurl = \"{}\"\nselector = 'team=\"pay\"'\ngap = \"2m\"\n",
            server.uri()
        ));
        let now: DateTime<Utc> = "2026-03-10T12:00:00Z".parse().unwrap();
        let ctx = SyncContext {
            store: local.store.clone(),
            now,
            backfill: chrono::Duration::hours(60),
            lease: None,
        };
        let outcome = source.sync(&ctx).await.unwrap();
        assert_eq!(
            outcome.covers_from,
            Some("2026-03-08T00:00:00Z".parse().unwrap())
        );
        let selector = r#"ALERTS{alertstate="firing",team="pay"}"#;
        let day = "[86400000ms]";
        // 60 hours back: 08 00:00 – 09 00:00, 09 00:00 – 10 00:00, 10 00:00 – 10 12:00; then
        // the instant query at now.
        assert_eq!(
            queries(&server).await,
            [
                (format!("{selector}{day}"), "1773014400.000".to_string()),
                (format!("{selector}{day}"), "1773100800.000".to_string()),
                (
                    format!("{selector}[43200000ms]"),
                    "1773144000.000".to_string()
                ),
                (selector.to_string(), "1773144000.000".to_string()),
            ]
        );
        local
            .store
            .commit_sync(
                "p",
                &outcome.events,
                &outcome.watermarks,
                &flowdeck::store::StoredStatus {
                    name: "p".into(),
                    kind: "prometheus".into(),
                    status: "ok".into(),
                    last_success_at: Some(now),
                    error: None,
                    covers_from: outcome.covers_from,
                    next_retry_at: None,
                },
            )
            .unwrap();

        // 10 minutes later: from 12:00 − 2m (the gap) to 12:10, one query, and the horizon
        // stays where the first sync put it.
        server.reset().await;
        mount_empty(&server).await;
        let later = SyncContext {
            now: now + chrono::Duration::minutes(10),
            ..ctx
        };
        let outcome = source.sync(&later).await.unwrap();
        assert_eq!(
            outcome.covers_from,
            Some("2026-03-08T00:00:00Z".parse().unwrap())
        );
        assert_eq!(
            queries(&server).await,
            [
                (
                    format!("{selector}[720000ms]"),
                    "1773144600.000".to_string()
                ),
                (selector.to_string(), "1773144600.000".to_string()),
            ]
        );
    }

    #[tokio::test]
    async fn a_sync_at_an_earlier_now_than_the_last_reads_nothing() {
        // A report with --now in the past after a live sync: the store is newer.
        let server = leaked(MockServer::start().await);
        mount_empty(&server).await;
        let local = Local::new(0);
        let source = local.source(&format!("name = \"p\"\nurl = \"{}\"\n", server.uri()));
        let now: DateTime<Utc> = "2026-03-10T12:00:00Z".parse().unwrap();
        let report = local.sync(&source, now).await;
        assert!(matches!(report, SyncReport::Synced { .. }), "{report:?}");
        let state = local.store.watermark("p", "state").unwrap();
        server.reset().await;
        let ctx = local.ctx(now - chrono::Duration::hours(1));
        let outcome = source.sync(&ctx).await.unwrap();
        assert!(outcome.events.incidents.is_empty());
        assert!(outcome.watermarks.is_empty());
        assert!(server.received_requests().await.unwrap().is_empty());
        assert_eq!(local.store.watermark("p", "state").unwrap(), state);
    }
}
