//! `flowdeck serve --metrics` as Prometheus sees it: the binary on the demo data with a fixed
//! clock, on 127.0.0.1 at a free port.
//!
//! `/metrics` passes `promtool check metrics` in both formats; every value equals the demo
//! report's JSON (`flowdeck report --demo --now …`) for the total, a team and a service, and a
//! null there is no sample here; a real Prometheus scrapes it and answers queries with those
//! values. On live sources, `serve` polls an embedded store itself and publishes what the
//! sync brought; with `[general] poll = false` it reads the store and asks the sources nothing.
//! SIGTERM exits 0; an address in use exits 1.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{github_fixture, github_server, prometheus_server};

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::MockServer;

use github_server::asked;
use prometheus_server::{Prometheus, PrometheusSetup, free_port};

const NOW: &str = "2026-11-20T14:30:00Z";
const OPENMETRICS: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const PATIENCE: Duration = Duration::from_secs(120);

/// A temporary home for every XDG folder, so no real config or store is touched.
fn command(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"));
    command
}

/// A running `flowdeck serve`, killed if the test fails before it stops it.
struct Served {
    child: Option<Child>,
    port: u16,
}

impl Served {
    fn start(home: &Path, args: &[&str]) -> Served {
        let port = free_port();
        let address = format!("127.0.0.1:{port}");
        let child = command(home)
            .arg("serve")
            .args(args)
            .args(["--metrics", &address])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(home.join("serve.stderr")).unwrap(),
            ))
            .spawn()
            .unwrap();
        let mut served = Served {
            child: Some(child),
            port,
        };
        // Ready once /metrics answers 200 (503 while the first snapshot is computed).
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok((200, _, _)) = get(port, "/metrics", None) {
                return served;
            }
            if let Some(status) = served.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "serve exited with {status}: {}",
                    std::fs::read_to_string(home.join("serve.stderr")).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "serve never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn metrics(&self, accept: Option<&str>) -> (String, String) {
        let (status, content_type, body) = get(self.port, "/metrics", accept).unwrap();
        assert_eq!(status, 200, "{body}");
        (content_type, body)
    }

    /// SIGTERM, and the exit code.
    fn stop(mut self) -> Option<i32> {
        let mut child = self.child.take().unwrap();
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not exit after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// GET with an optional Accept header: status, Content-Type, body.
fn get(port: u16, path: &str, accept: Option<&str>) -> std::io::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let accept = accept
        .map(|a| format!("Accept: {a}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{accept}Connection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8(raw).map_err(std::io::Error::other)?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let content_type = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "a whole body is sent with its length"
    );
    Ok((status, content_type, body.to_string()))
}

/// One sample: its name, labels and value.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of an exposition (either format), label values unescaped.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').unwrap();
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => other
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            None => (series.to_string(), BTreeMap::new()),
            Some((name, rest)) => (
                name.to_string(),
                parse_labels(rest.strip_suffix('}').unwrap()),
            ),
        };
        samples.push(Sample {
            name,
            labels,
            value,
        });
    }
    samples
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut chars = text.chars().peekable();
    loop {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        assert_eq!(chars.next(), Some('"'));
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => panic!("dangling escape"),
                },
                '"' => break,
                c => value.push(c),
            }
        }
        labels.insert(key.trim_start_matches(',').to_string(), value);
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    labels
}

/// The one sample of `name` whose labels are exactly `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == name && s.labels == wanted)
        .collect();
    assert!(found.len() <= 1, "{name} {labels:?} twice");
    found.first().map(|s| s.value)
}

/// Each gauge and the report key it mirrors.
const GAUGES: &[(&str, &str)] = &[
    ("flowdeck_deployments", "deployment_frequency.deployments"),
    (
        "flowdeck_deployments_per_day",
        "deployment_frequency.per_day",
    ),
    ("flowdeck_deploy_dates", "deployment_frequency.deploy_days"),
    (
        "flowdeck_deploy_dates_per_week_median",
        "deployment_frequency.median_deploy_days_per_week",
    ),
    (
        "flowdeck_lead_time_median_seconds",
        "lead_time_for_changes.median_seconds",
    ),
    (
        "flowdeck_lead_time_p90_seconds",
        "lead_time_for_changes.p90_seconds",
    ),
    ("flowdeck_change_failure_ratio", "change_failure_rate.rate"),
    ("flowdeck_failed_deployments", "change_failure_rate.failed"),
    (
        "flowdeck_recovered_deployments",
        "failed_deployment_recovery_time.recovered",
    ),
    (
        "flowdeck_unrecovered_deployments",
        "failed_deployment_recovery_time.unrecovered",
    ),
    (
        "flowdeck_recovery_time_median_seconds",
        "failed_deployment_recovery_time.median_seconds",
    ),
    (
        "flowdeck_recovery_time_p90_seconds",
        "failed_deployment_recovery_time.p90_seconds",
    ),
    ("flowdeck_incidents", "time_to_restore.incidents"),
    ("flowdeck_open_incidents", "time_to_restore.open"),
    (
        "flowdeck_time_to_restore_median_seconds",
        "time_to_restore.median_seconds",
    ),
    (
        "flowdeck_time_to_restore_p90_seconds",
        "time_to_restore.p90_seconds",
    ),
    (
        "flowdeck_rework_deployments",
        "deployment_rework_rate.rework",
    ),
    ("flowdeck_rework_ratio", "deployment_rework_rate.rate"),
    ("flowdeck_ci_runs", "ci.runs"),
    ("flowdeck_ci_succeeded_runs", "ci.succeeded"),
    ("flowdeck_ci_success_ratio", "ci.success_rate"),
    (
        "flowdeck_ci_duration_median_seconds",
        "ci.median_duration_seconds",
    ),
    (
        "flowdeck_ci_duration_p90_seconds",
        "ci.p90_duration_seconds",
    ),
    (
        "flowdeck_ci_queue_median_seconds",
        "ci.median_queue_seconds",
    ),
];

const BANDED: &[&str] = &[
    "deployment_frequency",
    "lead_time_for_changes",
    "change_failure_rate",
    "failed_deployment_recovery_time",
];

fn at<'a>(metrics: &'a Value, key: &str) -> &'a Value {
    key.split('.').fold(metrics, |v, k| &v[k])
}

/// Every measure of one scope equals the report's `metrics` object for it; nulls are absent.
fn assert_scope_matches(samples: &[Sample], labels: &[(&str, &str)], metrics: &Value) -> usize {
    let mut compared = 0;
    for (name, key) in GAUGES {
        let expected = at(metrics, key);
        let found = value(samples, name, labels);
        match expected.as_f64() {
            None => {
                assert!(expected.is_null(), "{key} is {expected}");
                assert_eq!(found, None, "{name} {labels:?}: null in the report");
            }
            Some(expected) => {
                let found = found.unwrap_or_else(|| panic!("no {name} {labels:?}"));
                assert!(
                    (found - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                    "{name} {labels:?}: {found} != report {expected}"
                );
                compared += 1;
            }
        }
    }
    // The histograms count what the medians are taken over, cumulatively up to +Inf.
    for (histogram, count_key) in [
        (
            "flowdeck_lead_time_seconds",
            "lead_time_for_changes.changes",
        ),
        (
            "flowdeck_recovery_time_seconds",
            "failed_deployment_recovery_time.recovered",
        ),
    ] {
        let count = value(samples, &format!("{histogram}_count"), labels).unwrap();
        assert_eq!(
            count,
            at(metrics, count_key).as_f64().unwrap(),
            "{histogram}"
        );
        let mut with_inf: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        with_inf.push(("le".into(), "+Inf".into()));
        let buckets: Vec<&Sample> = samples
            .iter()
            .filter(|s| {
                s.name == format!("{histogram}_bucket")
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
                    && s.labels.len() == labels.len() + 1
            })
            .collect();
        assert!(buckets.len() >= 10, "{histogram}: {buckets:?}");
        assert!(buckets.windows(2).all(|w| w[0].value <= w[1].value));
        let last = buckets.last().unwrap();
        assert_eq!(last.labels["le"], "+Inf");
        assert_eq!(last.value, count);
    }
    for measure in BANDED {
        let band = metrics[*measure]["band"].as_str();
        for candidate in ["elite", "high", "medium", "low"] {
            let mut with: Vec<(&str, &str)> = labels.to_vec();
            with.push(("measure", measure));
            with.push(("band", candidate));
            let found = value(samples, "flowdeck_band", &with);
            match band {
                None => assert_eq!(found, None, "{measure}: no band"),
                Some(band) => {
                    assert_eq!(
                        found,
                        Some(f64::from(u8::from(band == candidate))),
                        "{measure}"
                    )
                }
            }
        }
    }
    compared
}

fn promtool_check(body: &str) {
    let mut child = Command::new(prometheus_server::PROMTOOL)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn report_json(home: &Path, args: &[&str]) -> Value {
    let out: Output = command(home).arg("report").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn epoch(rfc3339: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp() as f64
}

#[test]
fn demo_metrics_pass_promtool_equal_the_report_and_prometheus_can_query_them() {
    let home = tempfile::tempdir().unwrap();
    let served = Served::start(home.path(), &["--demo", "--now", NOW]);
    let (om_type, openmetrics) = served.metrics(Some(OPENMETRICS));
    assert_eq!(
        om_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert!(openmetrics.ends_with("\n# EOF\n"));
    assert!(openmetrics.contains("# UNIT flowdeck_lead_time_median_seconds seconds\n"));
    let (text_type, text) = served.metrics(None);
    assert_eq!(text_type, "text/plain; version=0.0.4; charset=utf-8");
    assert!(!text.contains("# EOF") && !text.contains("# UNIT"));
    // The same samples, apart from how a bucket bound is written ("3600.0" / "3600").
    let normalize = |samples: Vec<Sample>| -> Vec<Sample> {
        samples
            .into_iter()
            .map(|mut s| {
                if let Some(le) = s.labels.get_mut("le") {
                    *le = le.trim_end_matches(".0").to_string();
                }
                s
            })
            .collect()
    };
    assert_eq!(normalize(parse(&openmetrics)), normalize(parse(&text)));
    let (status, _, index) = get(served.port, "/", None).unwrap();
    assert_eq!(status, 200);
    assert!(index.contains("/metrics"));
    assert_eq!(get(served.port, "/nope", None).unwrap().0, 404);

    // Every value is the demo report's.
    let report = report_json(home.path(), &["--demo", "--now", NOW, "--format", "json"]);
    let samples = parse(&text);
    let window = [("window", "30d")];
    let total = [("scope", "total"), window[0]];
    let mut compared = assert_scope_matches(&samples, &total, &report["metrics"]);
    let service = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["team"].is_string())
        .unwrap();
    let (name, team) = (
        service["name"].as_str().unwrap(),
        service["team"].as_str().unwrap(),
    );
    compared += assert_scope_matches(
        &samples,
        &[
            ("scope", "service"),
            ("service", name),
            ("team", team),
            window[0],
        ],
        &service["metrics"],
    );
    let first_team = &report["teams"][0];
    compared += assert_scope_matches(
        &samples,
        &[
            ("scope", "team"),
            ("team", first_team["name"].as_str().unwrap()),
            window[0],
        ],
        &first_team["metrics"],
    );
    assert!(compared > 50, "only {compared} values compared");
    // Every service and team has its samples.
    let services = report["services"].as_array().unwrap().len();
    let teams = report["teams"].as_array().unwrap().len();
    let deployments: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == "flowdeck_deployments")
        .collect();
    assert_eq!(deployments.len(), 1 + teams + services);
    assert_eq!(
        value(&samples, "flowdeck_window_start_timestamp_seconds", &window),
        Some(epoch(report["window"]["from"].as_str().unwrap()))
    );
    assert_eq!(
        value(&samples, "flowdeck_window_end_timestamp_seconds", &window),
        Some(epoch(NOW))
    );
    let demo = [("source", "demo"), ("kind", "demo")];
    assert_eq!(value(&samples, "flowdeck_source_up", &demo), Some(1.0));
    assert_eq!(
        value(&samples, "flowdeck_last_sync_timestamp_seconds", &demo),
        Some(epoch(NOW))
    );

    if prometheus_server::available() {
        promtool_check(&text);
        promtool_check(&openmetrics);

        // A real Prometheus scrapes it (every second) and answers with the same values.
        let prometheus = Prometheus::start(PrometheusSetup {
            scrape: vec![format!("127.0.0.1:{}", served.port)],
            ..PrometheusSetup::default()
        });
        let query = |promql: &str| -> f64 {
            let deadline = Instant::now() + PATIENCE;
            loop {
                let result = prometheus.query(promql, None);
                if let Some(value) = result[0]["value"][1].as_str() {
                    return value.parse().unwrap();
                }
                assert!(
                    Instant::now() < deadline,
                    "{promql}: no result\n{}",
                    prometheus.log()
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        };
        assert_eq!(query("up{job=\"flowdeck-test\"}"), 1.0);
        let metrics = &report["metrics"];
        assert_eq!(
            query("flowdeck_deployments{scope=\"total\"}"),
            metrics["deployment_frequency"]["deployments"]
                .as_f64()
                .unwrap()
        );
        assert_eq!(
            query("flowdeck_lead_time_median_seconds{scope=\"total\"}"),
            metrics["lead_time_for_changes"]["median_seconds"]
                .as_f64()
                .unwrap()
        );
        assert_eq!(
            query(&format!(
                "flowdeck_change_failure_ratio{{scope=\"service\",service=\"{name}\"}}"
            )),
            service["metrics"]["change_failure_rate"]["rate"]
                .as_f64()
                .unwrap()
        );
        assert_eq!(
            query("flowdeck_lead_time_seconds_count{scope=\"total\"}"),
            metrics["lead_time_for_changes"]["changes"]
                .as_f64()
                .unwrap()
        );
        let band = metrics["lead_time_for_changes"]["band"].as_str().unwrap();
        assert_eq!(
            query(&format!(
                "flowdeck_band{{scope=\"total\",measure=\"lead_time_for_changes\",band=\"{band}\"}}"
            )),
            1.0
        );
        // The histogram reads as one: a median from its buckets lies within them.
        let estimate =
            query("histogram_quantile(0.5, flowdeck_lead_time_seconds_bucket{scope=\"total\"})");
        assert!(estimate > 0.0 && estimate.is_finite(), "{estimate}");
        // OpenMetrics was what it asked for, and its units came through.
        let metadata = prometheus_server::http(
            "GET",
            &format!(
                "{}/api/v1/targets/metadata?metric=flowdeck_lead_time_median_seconds",
                prometheus.url
            ),
            None,
        )
        .unwrap();
        assert_eq!(metadata.0, 200);
        assert!(
            metadata.1.contains("\"unit\":\"seconds\""),
            "{}",
            metadata.1
        );
    }

    assert_eq!(served.stop(), Some(0));
}

#[test]
fn an_address_in_use_exits_1_and_says_which() {
    let home = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let out = command(home.path())
        .args(["serve", "--demo", "--now", NOW, "--metrics", &address])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("could not serve metrics on {address}")),
        "{stderr}"
    );
}

/// A config polling the local GitHub (acme/api) into history.sqlite.
fn github_config(
    home: &Path,
    name: &str,
    github: &MockServer,
    poll: Option<bool>,
) -> std::path::PathBuf {
    let path = home.join(name);
    let poll = poll.map(|p| format!("poll = {p}\n")).unwrap_or_default();
    let text = format!(
        r#"[general]
timezone = "UTC"
backfill = "30d"
refresh = "1h"
store = "history.sqlite"
log_file = "flowdeck.log"
{poll}
[[services]]
name = "api"
team = "core"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_cmd = "printf %s {token}"
deploy_environments = ["production", "prod"]
ci_workflows = ["ci.yml"]
incident_labels = ["incident"]
"#,
        github = github.uri(),
        token = github_fixture::TOKEN,
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Scrapes until `name{labels}` has a value (the refresher publishes after the sync).
fn wait_for_value(served: &Served, name: &str, labels: &[(&str, &str)]) -> (f64, Vec<Sample>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let samples = parse(&served.metrics(None).1);
        if let Some(found) = value(&samples, name, labels) {
            return (found, samples);
        }
        assert!(Instant::now() < deadline, "no {name} {labels:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const GITHUB_NOW: &str = "2026-03-31T00:00:00Z";
const API: [(&str, &str); 4] = [
    ("scope", "service"),
    ("service", "api"),
    ("team", "core"),
    ("window", "30d"),
];
const GITHUB: [(&str, &str); 2] = [("source", "github:acme/api"), ("kind", "github")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_polls_an_embedded_store_and_publishes_what_the_sync_brought() {
    let github = leaked(MockServer::start().await);
    github_fixture::mount(&github).await;
    let home = tempfile::tempdir().unwrap();
    let config = github_config(home.path(), "flowdeck.toml", &github, None);
    let config = config.to_str().unwrap();
    let served = Served::start(home.path(), &["--config", config, "--now", GITHUB_NOW]);
    // The sync's last-success time arrives with its data: the measures of tests/cli/live_report.rs
    // (March 2026: 4 deployments, lead time median 1 day, half of them failed).
    let (synced_at, _) = wait_for_value(&served, "flowdeck_last_sync_timestamp_seconds", &GITHUB);
    assert_eq!(synced_at, epoch(GITHUB_NOW));
    let (lead_time, samples) = wait_for_value(&served, "flowdeck_lead_time_median_seconds", &API);
    assert_eq!(lead_time, 86_400.0);
    assert_eq!(value(&samples, "flowdeck_deployments", &API), Some(4.0));
    assert_eq!(
        value(&samples, "flowdeck_change_failure_ratio", &API),
        Some(0.5)
    );
    assert_eq!(value(&samples, "flowdeck_source_up", &GITHUB), Some(1.0));
    assert!(!asked(&github).await.is_empty());
    assert_eq!(served.stop(), Some(0));
    // The poller wrote the store it polled into.
    assert!(home.path().join("history.sqlite").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_poll_false_serve_reads_the_store_and_asks_the_sources_nothing() {
    let github = leaked(MockServer::start().await);
    github_fixture::mount(&github).await;
    let home = tempfile::tempdir().unwrap();
    // A report with a config that polls fills the store; then serve, told not to poll, reads it.
    let fill = github_config(home.path(), "fill.toml", &github, None);
    let report = report_json(
        home.path(),
        &["--config", fill.to_str().unwrap(), "--now", GITHUB_NOW],
    );
    let config = github_config(home.path(), "flowdeck.toml", &github, Some(false));
    let config = config.to_str().unwrap();
    let before = asked(&github).await.len();
    let served = Served::start(home.path(), &["--config", config, "--now", GITHUB_NOW]);
    let samples = parse(&served.metrics(None).1);
    assert_scope_matches(&samples, &API, &report["services"][0]["metrics"]);
    assert_eq!(value(&samples, "flowdeck_source_up", &GITHUB), Some(1.0));
    assert_eq!(served.stop(), Some(0));
    assert_eq!(asked(&github).await.len(), before, "serve polled");
}
