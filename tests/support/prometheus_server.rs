//! Real Prometheus and Alertmanager servers for tests (Debian's `prometheus` and
//! `prometheus-alertmanager`, installed by .ci/run): each started on 127.0.0.1 at a free port in
//! a temporary directory, waited for until ready, and killed when dropped.
//!
//! - [`Prometheus::start`] takes rule files (replaced later with [`Prometheus::set_rules`]), an optional Alertmanager to send alerts to,
//!   optional scrape targets, and an optional backfill: OpenMetrics text turned into TSDB blocks
//!   by `promtool tsdb create-blocks-from openmetrics` before the server starts. Rules are
//!   evaluated every second and alerts resent every second, so live alerts show within seconds.
//! - [`Alertmanager::start`] runs a single Alertmanager (`--cluster.listen-address=` empty).
//! - [`http`] is a tiny HTTP/1.1 client (no dependency) for readiness checks and for driving
//!   the servers' APIs from tests (a silence, a query).
//!
//! A missing binary skips the test with a message unless FLOWDECK_REQUIRE_PROMETHEUS=1 (set by
//! .ci/run), where it fails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PROMETHEUS: &str = "prometheus";
pub const PROMTOOL: &str = "promtool";
pub const ALERTMANAGER: &str = "prometheus-alertmanager";

/// Whether the binaries are here; when they are not, a test calls this and returns early
/// (or panics when FLOWDECK_REQUIRE_PROMETHEUS=1, so CI cannot skip silently).
pub fn available() -> bool {
    let found = [PROMETHEUS, PROMTOOL, ALERTMANAGER].iter().all(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !found {
        if std::env::var("FLOWDECK_REQUIRE_PROMETHEUS").as_deref() == Ok("1") {
            panic!(
                "prometheus, promtool and prometheus-alertmanager are required (FLOWDECK_REQUIRE_PROMETHEUS=1)"
            );
        }
        eprintln!(
            "skipped: prometheus/promtool/prometheus-alertmanager not installed (apt-get install prometheus prometheus-alertmanager)"
        );
    }
    found
}

/// A free TCP port on 127.0.0.1 (bound, read, released: the server binds it right after).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// A running server process, killed (and reaped) on drop; its log kept for failure messages.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(mut command: Command, log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("create log");
        let err = file.try_clone().expect("clone log");
        let child = command
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        Process { child, log }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until GET `url` answers 200, or panics with the server's log.
    fn wait_ready(&mut self, url: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{what} exited with {status} before it was ready:\n{}",
                    self.log_text()
                );
            }
            if let Ok((200, _)) = http("GET", url, None) {
                return;
            }
            if Instant::now() > deadline {
                panic!("{what} was not ready within 60 s:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a Prometheus for a test is given.
#[derive(Default)]
pub struct PrometheusSetup {
    /// Rule files' contents (YAML), written as rules-N.yml.
    pub rules: Vec<String>,
    /// OpenMetrics text (ending in `# EOF`) turned into blocks before start.
    pub backfill: Option<String>,
    /// Alertmanager base URL (http://127.0.0.1:PORT) alerts are sent to.
    pub alertmanager: Option<String>,
    /// Scrape targets (host:port) scraped every second under job "flowdeck-test", at
    /// `metrics_path`.
    pub scrape: Vec<String>,
    pub metrics_path: Option<String>,
}

pub struct Prometheus {
    process: Process,
    pub url: String,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Prometheus {
    pub fn start(setup: PrometheusSetup) -> Prometheus {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        if let Some(openmetrics) = &setup.backfill {
            backfill(dir.path(), &data, openmetrics);
        }
        let mut rule_files = Vec::new();
        for (i, rules) in setup.rules.iter().enumerate() {
            let path = dir.path().join(format!("rules-{i}.yml"));
            std::fs::write(&path, rules).expect("write rules");
            rule_files.push(path);
        }
        let mut config =
            String::from("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if !rule_files.is_empty() {
            config.push_str("rule_files:\n");
            for path in &rule_files {
                config.push_str(&format!("  - {}\n", path.display()));
            }
        }
        if let Some(am) = &setup.alertmanager {
            let target = am.trim_start_matches("http://").trim_end_matches('/');
            config.push_str(&format!(
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{target}']\n"
            ));
        }
        if !setup.scrape.is_empty() {
            let targets: Vec<String> = setup.scrape.iter().map(|t| format!("'{t}'")).collect();
            config.push_str(&format!(
                "scrape_configs:\n  - job_name: flowdeck-test\n    scrape_interval: 1s\n    metrics_path: {}\n    static_configs:\n      - targets: [{}]\n",
                setup.metrics_path.as_deref().unwrap_or("/metrics"),
                targets.join(", ")
            ));
        }
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, &config).expect("write prometheus.yml");

        let port = free_port();
        let mut command = Command::new(PROMETHEUS);
        command
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // Backfilled history far in the past survives.
            .arg("--storage.tsdb.retention.time=10y")
            .arg("--rules.alert.resend-delay=1s")
            // POST /-/reload, for rules written after the start (`set_rules`).
            .arg("--web.enable-lifecycle")
            .current_dir(dir.path());
        let mut process = Process::spawn(command, dir.path().join("prometheus.log"));
        let url = format!("http://127.0.0.1:{port}");
        process.wait_ready(&format!("{url}/-/ready"), "prometheus");
        Prometheus {
            process,
            url,
            port,
            dir,
        }
    }

    pub fn log(&self) -> String {
        self.process.log_text()
    }

    /// Replaces rule file `index` (given at start) and reloads: rules whose times are computed
    /// once the server runs, however long it took to start. Returns when the rules API lists
    /// every alert `rules` names.
    pub fn set_rules(&self, index: usize, rules: &str) {
        let path = self.dir.path().join(format!("rules-{index}.yml"));
        assert!(path.exists(), "no rule file {index} was given at start");
        std::fs::write(&path, rules).expect("write rules");
        let (status, body) =
            http("POST", &format!("{}/-/reload", self.url), Some("")).expect("reload");
        assert_eq!(status, 200, "reload: {body}\n{}", self.log());
        let wanted: Vec<&str> = rules
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- alert:"))
            .map(str::trim)
            .collect();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, body) =
                http("GET", &format!("{}/api/v1/rules", self.url), None).expect("rules");
            if wanted
                .iter()
                .all(|name| body.contains(&format!("\"name\":\"{name}\"")))
            {
                return;
            }
            assert!(Instant::now() < deadline, "rules not loaded: {body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// An instant query's `data.result` (JSON), at `time` (epoch seconds) or now.
    pub fn query(&self, promql: &str, time: Option<i64>) -> serde_json::Value {
        let mut url = format!("{}/api/v1/query?query={}", self.url, encode(promql));
        if let Some(t) = time {
            url.push_str(&format!("&time={t}"));
        }
        let (status, body) = http("GET", &url, None).expect("query");
        assert_eq!(status, 200, "query {promql}: {body}");
        let value: serde_json::Value = serde_json::from_str(&body).expect("query json");
        value["data"]["result"].clone()
    }
}

/// `promtool tsdb create-blocks-from openmetrics FILE DATA`.
fn backfill(dir: &Path, data: &Path, openmetrics: &str) {
    let input = dir.join("backfill.om");
    std::fs::write(&input, openmetrics).expect("write openmetrics");
    let output = Command::new(PROMTOOL)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(data)
        .output()
        .expect("run promtool");
    assert!(
        output.status.success(),
        "promtool create-blocks-from openmetrics failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub struct Alertmanager {
    process: Process,
    pub url: String,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Alertmanager {
    /// A lone Alertmanager with one receiver that sends nowhere, grouping and repeating fast.
    pub fn start() -> Alertmanager {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = "route:\n  receiver: nowhere\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: nowhere\n";
        let config_path = dir.path().join("alertmanager.yml");
        std::fs::write(&config_path, config).expect("write alertmanager.yml");
        let port = free_port();
        let mut command = Command::new(ALERTMANAGER);
        command
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // No cluster: no gossip port, no peers.
            .arg("--cluster.listen-address=")
            .current_dir(dir.path());
        let mut process = Process::spawn(command, dir.path().join("alertmanager.log"));
        let url = format!("http://127.0.0.1:{port}");
        process.wait_ready(&format!("{url}/-/ready"), "alertmanager");
        Alertmanager {
            process,
            url,
            port,
            dir,
        }
    }

    /// Silences alerts matching `name=value` (equality matchers) for an hour; the silence id.
    pub fn silence(&self, matchers: &[(&str, &str)]) -> String {
        let now = chrono::Utc::now();
        let matchers: Vec<serde_json::Value> = matchers
            .iter()
            .map(|(name, value)| {
                serde_json::json!({"name": name, "value": value, "isRegex": false, "isEqual": true})
            })
            .collect();
        let body = serde_json::json!({
            "matchers": matchers,
            "startsAt": (now - chrono::Duration::minutes(1)).to_rfc3339(),
            "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(),
            "createdBy": "flowdeck-test",
            "comment": "test silence",
        });
        let (status, answer) = http(
            "POST",
            &format!("{}/api/v2/silences", self.url),
            Some(&body.to_string()),
        )
        .expect("post silence");
        assert_eq!(status, 200, "silence: {answer}");
        let value: serde_json::Value = serde_json::from_str(&answer).expect("silence json");
        value["silenceID"].as_str().unwrap_or_default().to_string()
    }

    /// GET /api/v2/alerts as JSON.
    pub fn alerts(&self) -> serde_json::Value {
        let (status, body) =
            http("GET", &format!("{}/api/v2/alerts", self.url), None).expect("alerts");
        assert_eq!(status, 200, "alerts: {body}");
        serde_json::from_str(&body).expect("alerts json")
    }
}

/// Percent-encodes a query parameter value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One HTTP/1.1 request to `http://127.0.0.1:PORT/path` (JSON body when given); the status and
/// body. Enough for readiness checks and test calls; chunked answers are de-chunked.
pub fn http(method: &str, url: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// URLs"))?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, payload) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let payload = if chunked {
        dechunk(payload)
    } else {
        payload.to_string()
    };
    Ok((status, payload))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}
