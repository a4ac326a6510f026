//! `flowdeck collect` as a service manager runs it: the binary against a local GitHub (acme/api
//! on wiremock, the fixture of tests/sources/github.rs) into a SQLite store in a temporary
//! folder, stopped with SIGTERM.
//!
//! It syncs and logs one JSON line per sync; SIGTERM exits 0; the store then holds exactly
//! what one `flowdeck report` sync stores; a second run sends only conditional requests; a
//! SIGTERM in the middle of a sync (a request left hanging) exits 0 at once and leaves nothing
//! half-written, and the next run stores everything once; config errors and a config with
//! no source at all exit 2 with the message, a damaged store exits 1.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{github_fixture, github_server};

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use github_server::asked;

const NOW: &str = "2026-03-31T00:00:00Z";
const SOURCE: &str = "github:acme/api";

/// Long enough for anything that should not take long on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

struct Setup {
    home: tempfile::TempDir,
    github: Leaked<MockServer>,
}

impl Setup {
    async fn start() -> Setup {
        let github = leaked(MockServer::start().await);
        github_fixture::mount(&github).await;
        let home = tempfile::tempdir().unwrap();
        let setup = Setup { home, github };
        setup.write_config("collect.toml", "collect.sqlite", "collect.log");
        setup.write_config("report.toml", "report.sqlite", "report.log");
        setup
    }

    /// A config polling acme/api hourly into `store`.
    fn write_config(&self, name: &str, store: &str, log: &str) -> PathBuf {
        let path = self.home.path().join(name);
        let text = format!(
            r#"[general]
timezone = "UTC"
backfill = "30d"
refresh = "1h"
store = {store:?}
log_file = {log:?}

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
            github = self.github.uri(),
            token = github_fixture::TOKEN,
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    fn command(&self, config: &Path, args: &[&str]) -> Command {
        let home = self.home.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
        command
            .arg("--config")
            .arg(config)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("FLOWDECK_NOW", NOW);
        command
    }

    fn collect(&self) -> Collector {
        let mut child = self
            .command(&self.home.path().join("collect.toml"), &["collect"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Collector {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    fn run(&self, config: &str, args: &[&str]) -> Output {
        self.command(&self.home.path().join(config), args)
            .output()
            .unwrap()
    }

    fn store(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }
}

/// A running `flowdeck collect` and what it has written to standard error so far.
struct Collector {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Collector {
    /// Waits for a log line matching `wanted` (every line must be JSON); returns it.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let json = json_line(&line);
                    self.seen.push(line);
                    if wanted(&json) {
                        return json;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no {what} line; stderr so far:\n{}", self.seen.join("\n"));
                }
            }
        }
    }

    fn wait_for_sync(&mut self) -> Value {
        self.wait_for("synced", |line| {
            line["message"] == "synced" && line["source"] == SOURCE
        })
    }

    /// Sends SIGTERM and waits for the exit; the exit status and every stderr line.
    fn terminate(mut self) -> (Option<i32>, Vec<Value>) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "collect did not exit after SIGTERM; stderr:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        // The reader thread ends with the pipe.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.seen.push(line);
        }
        let lines = self.seen.iter().map(|l| json_line(l)).collect();
        (code, lines)
    }
}

fn json_line(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"))
}

/// Every table of a SQLite store, rows in key order; the response cache without its fetch
/// time (the wall clock's), the statuses without their next poll (jittered by the poller).
fn dump(path: &Path) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut tables = BTreeMap::new();
    for (table, columns) in [
        ("events", "kind, id, source, service, at, revision, body"),
        ("watermarks", "source, key, value"),
        (
            "statuses",
            "name, kind, status, last_success_at, error, covers_from",
        ),
        ("etags", "url, etag, body, next"),
    ] {
        let mut statement = conn
            .prepare(&format!("SELECT {columns} FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let width = statement.column_count();
        let rows: Vec<Vec<String>> = statement
            .query_map([], |row| {
                (0..width)
                    .map(|i| {
                        row.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect()
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        tables.insert(table, rows);
    }
    tables
}

fn events_in(path: &Path) -> usize {
    dump(path)["events"].len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_syncs_logs_json_stops_on_sigterm_and_stores_what_report_would() {
    let setup = Setup::start().await;
    let mut collector = setup.collect();
    let synced = collector.wait_for_sync();
    let (code, lines) = collector.terminate();
    assert_eq!(code, Some(0), "{lines:#?}");

    // The sync's line: what it wrote, how long it took, when the source polls next (the hourly
    // interval ± 10% jitter, from the fixed clock).
    let stored = events_in(&setup.store("collect.sqlite"));
    assert!(stored > 0);
    assert_eq!(synced["level"], "INFO");
    assert_eq!(synced["inserted"], stored as u64);
    assert_eq!(synced["updated"], 0);
    assert_eq!(synced["unchanged"], 0);
    assert!(
        synced["duration_seconds"].as_f64().unwrap() >= 0.0,
        "{synced}"
    );
    assert!(synced["timestamp"].is_string(), "{synced}");
    let wait = synced["next_poll_in_seconds"].as_u64().unwrap();
    assert!((3_240..=3_960).contains(&wait), "{synced}");
    let next: chrono::DateTime<chrono::Utc> =
        synced["next_poll"].as_str().unwrap().parse().unwrap();
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    assert_eq!((next - now).num_seconds(), wait as i64, "{synced}");
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["message"].as_str()).collect();
    assert!(messages.contains(&"collecting"), "{messages:?}");
    assert!(
        messages.ends_with(&[
            "stopping: finishing the write in progress",
            "poller stopped",
            "stopped"
        ]),
        "{messages:?}"
    );
    let stopping = lines
        .iter()
        .find(|l| l["message"] == "stopping: finishing the write in progress")
        .unwrap();
    assert_eq!(stopping["signal"], "SIGTERM");

    // The log file has the same JSON lines.
    let log = std::fs::read_to_string(setup.home.path().join("collect.log")).unwrap();
    let logged: Vec<Value> = log.lines().map(json_line).collect();
    assert!(
        logged
            .iter()
            .any(|l| l["message"] == "synced" && l["inserted"] == stored as u64)
    );
    // No token anywhere it wrote.
    assert!(!log.contains(github_fixture::TOKEN));

    // One `flowdeck report` sync into a store of its own stores exactly the same.
    let report = setup.run("report.toml", &["report", "--format", "json"]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let collected = dump(&setup.store("collect.sqlite"));
    let reported = dump(&setup.store("report.sqlite"));
    assert_eq!(collected, reported);

    // A second run polls incrementally: conditional requests only, nothing new.
    let before = asked(&setup.github).await.len();
    let mut again = setup.collect();
    let synced = again.wait_for_sync();
    let (code, _) = again.terminate();
    assert_eq!(code, Some(0));
    assert_eq!(synced["inserted"], 0, "{synced}");
    assert_eq!(synced["updated"], 0, "{synced}");
    let second: Vec<_> = asked(&setup.github).await.split_off(before);
    assert!(!second.is_empty());
    assert!(
        second.iter().all(|r| r.conditional),
        "{:#?}",
        second
            .iter()
            .map(|r| (r.show(), r.conditional))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        dump(&setup.store("collect.sqlite"))["events"],
        collected["events"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_sync_exits_at_once_and_leaves_the_store_consistent() {
    let setup = Setup::start().await;
    // The first request for the pull requests hangs (the deployments and runs already read):
    // the sync is in flight. Later ones are answered as usual.
    Mock::given(method("GET"))
        .and(path("/repos/acme/api/pulls"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&setup.github)
        .await;
    let collector = setup.collect();
    let deadline = Instant::now() + PATIENCE;
    while !asked(&setup.github)
        .await
        .iter()
        .any(|r| r.path == "/repos/acme/api/pulls")
    {
        assert!(
            Instant::now() < deadline,
            "the sync never reached the pulls"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (code, lines) = collector.terminate();
    // It did not wait for the hanging answer (600 s): it stopped within PATIENCE.
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l["message"] == "synced"),
        "{lines:#?}"
    );
    assert_eq!(lines.last().unwrap()["message"], "stopped");

    // Nothing half-written: no event, no watermark, no status of the cut sync.
    let cut = dump(&setup.store("collect.sqlite"));
    assert!(cut["events"].is_empty(), "{:?}", cut["events"]);
    assert!(cut["watermarks"].is_empty());
    assert!(cut["statuses"].is_empty());

    // The next run stores everything once: what a report's sync stores.
    let mut collector = setup.collect();
    collector.wait_for_sync();
    let (code, _) = collector.terminate();
    assert_eq!(code, Some(0));
    let report = setup.run("report.toml", &["report", "--format", "json"]);
    assert!(report.status.success());
    let collected = dump(&setup.store("collect.sqlite"));
    let reported = dump(&setup.store("report.sqlite"));
    for table in ["events", "watermarks", "statuses"] {
        assert_eq!(collected[table], reported[table], "{table}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_errors_and_nothing_to_poll_exit_2_and_a_damaged_store_exits_1() {
    let setup = Setup::start().await;
    let home = setup.home.path();

    let bad = home.join("bad.toml");
    std::fs::write(&bad, "[general]\nrefresh = \"soon\"\n").unwrap();
    let out = setup.command(&bad, &["collect"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml:2:"), "{stderr}");
    assert!(stderr.contains("soon"), "{stderr}");

    let no_sources = home.join("empty.toml");
    std::fs::write(&no_sources, "[general]\ntimezone = \"UTC\"\n").unwrap();
    let out = setup.command(&no_sources, &["collect"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no source for collect"), "{stderr}");
    assert!(
        stderr.contains(
            "hint: add a [[sources]] of kind \"git\" or \"github\" or \"gitlab\" or \"prometheus\" or \"pagerduty\" or \"opsgenie\""
        ),
        "{stderr}"
    );

    let out = setup.run("collect.toml", &["collect", "--demo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo"));

    let garbage = b"not a database, but someone's file".repeat(100);
    std::fs::write(setup.store("collect.sqlite"), &garbage).unwrap();
    let out = setup.run("collect.toml", &["collect"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(
        std::fs::read(setup.store("collect.sqlite")).unwrap(),
        garbage
    );
    assert!(asked(&setup.github).await.is_empty());
}
