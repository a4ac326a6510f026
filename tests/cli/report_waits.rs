//! `flowdeck report` never waits without a word or past `--max-wait`: a 503 asking to come
//! back in 280 s is said on stderr (whose wait, what for, until when) and cut at the limit,
//! and a server trickling its answer byte by byte is cut there too; the report is then made
//! from the stored history, the source marked stale. Careless `--max-wait` values are refused.

use crate::support::argocd_server::{self, Argocd};
#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::ResponseTemplate;

/// Far more than a cut at a few seconds takes, far less than the waits being cut.
const QUICK: Duration = Duration::from_secs(20);

fn config(home: &Path, sources: &[(&str, String)]) -> PathBuf {
    let mut text = format!(
        "[general]\ntimezone = \"UTC\"\nbackfill = \"30d\"\nstore = {:?}\nlog_file = \"flowdeck.log\"\n\n[[services]]\nname = \"api\"\n",
        home.join("history.sqlite")
    );
    for (name, url) in sources {
        text.push_str(&format!(
            "\n[[sources]]\nkind = \"argocd\"\nname = {name:?}\nservice = \"api\"\nbase_url = {url:?}\napplication = {:?}\ntoken_env = \"ARGOCD_TOKEN\"\n",
            argocd_server::APP
        ));
    }
    let path = home.join("flowdeck.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn report(home: &Path, config: &Path, extra: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .arg("--config")
        .arg(config)
        .args(["report", "--window", "30d", "--format", "json"])
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("ARGOCD_TOKEN", argocd_server::TOKEN)
        .output()
        .unwrap();
    (out, started.elapsed())
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no source {name} in {report:#}"))
}

fn deployed(argo: &Argocd) {
    let at = |minutes: i64| {
        (chrono::Utc::now() - chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    argo.sync(&"a".repeat(40), &at(61), &at(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_asking_for_280_seconds_is_said_and_cut_at_max_wait() {
    let argo = Argocd::start().await;
    deployed(&argo);
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &[("argo", argo.uri())]);
    let (first, _) = report(home.path(), &config, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(source(&json(&first), "argo")["status"], "ok");

    argo.interrupt(
        ResponseTemplate::new(503).insert_header("Retry-After", "280"),
        100,
    )
    .await;
    let (out, took) = report(home.path(), &config, &["--max-wait", "2s"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(took < QUICK, "took {took:?}; stderr:\n{stderr}");
    assert!(
        stderr.contains("flowdeck: waiting for argo's server to recover (HTTP 503) until "),
        "{stderr}"
    );
    assert!(stderr.contains("(4m 40s)…"), "{stderr}");
    assert!(
        stderr.contains("--max-wait 2s ends the wait at "),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "flowdeck: stopped waiting after --max-wait 2s; reporting from the stored history with argo marked stale"
        ),
        "{stderr}"
    );
    let report = json(&out);
    assert_eq!(source(&report, "argo")["status"], "stale");
    // The stored deployment is still reported.
    assert_eq!(
        report["deployments"].as_array().map(Vec::len),
        Some(1),
        "{report:#}"
    );
}

/// Answers every request with headers promising a large body, then one byte every 200 ms.
fn trickling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{",
                );
                for _ in 0..600 {
                    std::thread::sleep(Duration::from_millis(200));
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_server_is_cut_at_max_wait_and_the_others_report() {
    let argo = Argocd::start().await;
    deployed(&argo);
    let home = tempfile::tempdir().unwrap();
    let config = config(
        home.path(),
        &[("argo", argo.uri()), ("trickle", trickling_server())],
    );
    let (out, took) = report(home.path(), &config, &["--max-wait", "3s"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(took < QUICK, "took {took:?}; stderr:\n{stderr}");
    assert!(
        stderr.contains("flowdeck: stopped waiting after --max-wait 3s; reporting from the stored history with trickle marked stale"),
        "{stderr}"
    );
    let report = json(&out);
    assert_eq!(source(&report, "argo")["status"], "ok");
    // Never synced before: an error, saying why.
    let trickle = source(&report, "trickle");
    assert_eq!(trickle["status"], "error");
    assert!(
        trickle["error"]
            .as_str()
            .unwrap_or_default()
            .contains("gave up waiting after 3 s"),
        "{trickle:#}"
    );
}

#[test]
fn careless_max_wait_values_are_refused_with_a_reason() {
    let home = tempfile::tempdir().unwrap();
    let config = config(home.path(), &[]);
    for (value, says) in [
        ("", "invalid duration"),
        ("soon", "invalid duration"),
        ("-5s", "invalid duration"),
        ("2h", "too long: a report waits at most 1h"),
        ("99999999999999999999s", "too large"),
        ("5s\u{1b}[2J", "invalid duration"),
    ] {
        let flag = format!("--max-wait={value}");
        let (out, _) = report(home.path(), &config, &[flag.as_str()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{value:?}: {stderr}");
        assert!(stderr.contains(says), "{value:?}: {stderr}");
        assert!(!stderr.contains('\u{1b}'), "{value:?}: {stderr:?}");
    }
}
