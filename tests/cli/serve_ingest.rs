//! `flowdeck serve --ingest` over real HTTP on 127.0.0.1: POST /v1/events with its token, its
//! content type, its body limit and its timeout; the webhook routes' signatures; 8 clients
//! pushing at once while the same process polls a followed file: every event stored once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::events::{SHA, command, exported, home, scenario};
use crate::support::prometheus_server::free_port;

const TOKEN: &str = "t0ken-for-tests";

pub(crate) struct Served {
    child: Child,
    pub(crate) port: u16,
}

impl Served {
    /// `serve --ingest` on a free port, with `--metrics` on the same address when `metrics`.
    pub(crate) fn start(home: &Path, config: &Path, metrics: bool) -> Served {
        let port = free_port();
        let address = format!("127.0.0.1:{port}");
        let extra: &[&str] = if metrics {
            &["--metrics", &address]
        } else {
            &[]
        };
        let child = command(home)
            .env("FLOWDECK_PUSH_TOKEN", TOKEN)
            .env("FLOWDECK_GH_SECRET", "gh-secret")
            .env("FLOWDECK_GL_TOKEN", "gl-token")
            .arg("--config")
            .arg(config)
            .args(["serve", "--ingest", &address])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(home.join("serve.stderr")).unwrap(),
            ))
            .spawn()
            .unwrap();
        let served = Served { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A config with a token, webhook secrets and a 64 KiB body limit and 2 s timeout.
pub(crate) fn config_with_keys(dir: &Path, extra_source: &str) -> std::path::PathBuf {
    let config = dir.join("flowdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[general]\nstore = \"history.db\"\nrefresh = \"1s\"\n\n[serve]\ningest_token_env = \"FLOWDECK_PUSH_TOKEN\"\nmax_body = 65536\nrequest_timeout = \"2s\"\ngithub_webhook_secret_env = \"FLOWDECK_GH_SECRET\"\ngitlab_webhook_token_env = \"FLOWDECK_GL_TOKEN\"\n\n[[sources]]\nkind = \"events\"\nname = \"pushed\"\n{extra_source}"
        ),
    )
    .unwrap();
    config
}

/// One request on a fresh connection; the status and the body.
fn send(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |b| b.1).to_string();
    (status, body)
}

pub(crate) fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    send(port, &head, body)
}

fn push(port: u16, body: &[u8]) -> (u16, String) {
    let bearer = format!("Bearer {TOKEN}");
    post(
        port,
        "/v1/events",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/x-ndjson"),
        ],
        body,
    )
}

#[test]
fn pushes_are_stored_and_every_refusal_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_keys(dir.path(), "");
    let served = Served::start(dir.path(), &config, false);
    let port = served.port;

    let (status, body) = push(port, scenario().as_bytes());
    assert_eq!(status, 200, "{body}");
    let counts: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(counts["inserted"], 8);
    let (status, body) = push(port, scenario().as_bytes());
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["unchanged"],
        8
    );
    let before = exported(dir.path(), &config);

    let good = format!(
        r#"{{"type":"deployment","id":"new","service":"api","environment":"production","sha":"{SHA}","finished_at":"2026-03-05T10:00:00Z","status":"success"}}"#
    );
    let ndjson = ("Content-Type", "application/x-ndjson");
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("Authorization", bearer.as_str());
    // No token, a wrong one, one a byte short, another scheme.
    for headers in [
        vec![ndjson],
        vec![ndjson, ("Authorization", "Bearer wrong")],
        vec![ndjson, ("Authorization", &bearer[..bearer.len() - 1])],
        vec![ndjson, ("Authorization", "Basic dXNlcjpwYXNz")],
    ] {
        let (status, _) = post(port, "/v1/events", &headers, good.as_bytes());
        assert_eq!(status, 401, "{headers:?}");
    }
    // Another content type, or none.
    for headers in [vec![auth, ("Content-Type", "text/csv")], vec![auth]] {
        let (status, _) = post(port, "/v1/events", &headers, good.as_bytes());
        assert_eq!(status, 415);
    }
    // Over the limit: declared, and sent.
    let big = format!("{good}\n").repeat(70_000 / good.len() + 1);
    let (status, body) = push(port, big.as_bytes());
    assert_eq!(status, 413, "{body}");
    let chunked = format!(
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        big.len()
    );
    let (status, _) = send(port, &chunked, b"");
    assert_eq!(status, 413);
    // Bad lines: 400 with each line's number.
    let (status, body) = push(
        port,
        format!("{good}\n{{\"type\":\"deployment\"}}\n{{x\n").as_bytes(),
    );
    assert_eq!(status, 400, "{body}");
    let refusal: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refusal["lines"][0]["line"], 2);
    assert!(
        refusal["lines"][0]["error"]
            .as_str()
            .unwrap()
            .contains("missing field `id`")
    );
    assert_eq!(refusal["lines"][1]["line"], 3);
    // NUL bytes, escape sequences kept as data but a NUL refused.
    let (status, _) = push(port, format!("{good}\0\n").as_bytes());
    assert_eq!(status, 400);
    // A truncated body: declared longer than sent, then the client stalls: cut off.
    let stalled = format!(
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n"
    );
    let started = Instant::now();
    let (status, _) = send(port, &stalled, &good.as_bytes()[..50]);
    assert_eq!(status, 408);
    assert!(started.elapsed() < Duration::from_secs(20));
    // Other methods and paths.
    let (status, _) = send(
        port,
        "GET /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 405);
    let (status, _) = send(
        port,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 404, "--ingest alone serves no metrics");
    // An empty body is a batch of nothing.
    let (status, body) = push(port, b"");
    assert_eq!(status, 200, "{body}");

    assert_eq!(
        exported(dir.path(), &config),
        before,
        "no refusal stored anything"
    );
}

#[test]
fn webhooks_need_their_signature() {
    use hmac::{KeyInit as _, Mac as _};
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_keys(dir.path(), "");
    let served = Served::start(dir.path(), &config, false);
    let port = served.port;
    let body = br#"{"zen":"Keep it logically awesome.","hook_id":1}"#;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"gh-secret").unwrap();
    mac.update(body);
    let signature: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let good = format!("sha256={signature}");
    let json = ("Content-Type", "application/json");
    let (status, _) = post(
        port,
        "/v1/hooks/github",
        &[
            json,
            ("X-GitHub-Event", "ping"),
            ("X-Hub-Signature-256", &good),
        ],
        body,
    );
    assert_eq!(status, 200);
    // The same delivery replayed with a signature of other bytes, a wrong secret, or none.
    let (status, _) = post(
        port,
        "/v1/hooks/github",
        &[
            json,
            ("X-GitHub-Event", "ping"),
            ("X-Hub-Signature-256", &good),
        ],
        b"{}",
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        port,
        "/v1/hooks/github",
        &[json, ("X-GitHub-Event", "workflow_run")],
        body,
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        port,
        "/v1/hooks/github",
        &[
            json,
            ("X-GitHub-Event", "workflow_run"),
            ("X-Hub-Signature-256", "sha256=00"),
        ],
        body,
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        port,
        "/v1/hooks/gitlab",
        &[
            json,
            ("X-Gitlab-Event", "Pipeline Hook"),
            ("X-Gitlab-Token", "nope"),
        ],
        body,
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        port,
        "/v1/hooks/gitlab",
        &[json, ("X-Gitlab-Event", "Pipeline Hook")],
        body,
    );
    assert_eq!(status, 401);
    let (status, _) = post(
        port,
        "/v1/hooks/gitlab",
        &[
            json,
            ("X-Gitlab-Event", "Push Hook"),
            ("X-Gitlab-Token", "gl-token"),
        ],
        body,
    );
    assert_eq!(status, 202);
}

#[test]
fn without_a_token_only_loopback_is_served() {
    let (dir, config) = home();
    let port = free_port();
    let output = command(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["serve", "--ingest", &format!("0.0.0.0:{port}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ingest_token_env"));
    // A token variable named but not set is refused too.
    let config = config_with_keys(dir.path(), "");
    let output = command(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["serve", "--ingest", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("FLOWDECK_PUSH_TOKEN, which is not set")
    );
}

/// 8 clients push 10,000 events each (in batches of 200) at once, while the same process's
/// poller follows a file another writer appends to: every event is stored exactly once.
#[test]
fn concurrent_pushes_and_a_followed_file_lose_nothing_and_store_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let followed = dir.path().join("deploys.ndjson");
    std::fs::write(&followed, "").unwrap();
    let config = config_with_keys(
        dir.path(),
        "\n[[sources]]\nkind = \"events\"\nname = \"file\"\npath = \"deploys.ndjson\"\ninterval = \"1s\"\n",
    );
    let served = Served::start(dir.path(), &config, true);
    let port = served.port;
    let line = |client: usize, n: usize| {
        format!(
            r#"{{"type":"deployment","id":"c{client}-{n}","service":"svc{client}","environment":"production","sha":"{SHA}","finished_at":"2026-03-0{}T10:00:{:02}Z","status":"success","changes":[]}}"#,
            1 + n % 5,
            n % 60
        )
    };
    let writer = {
        let followed = followed.clone();
        std::thread::spawn(move || {
            for n in 0..2000 {
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&followed)
                    .unwrap();
                writeln!(file, "{}", line(99, n)).unwrap();
                if n % 200 == 0 {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        })
    };
    let clients: Vec<_> = (0..8)
        .map(|client| {
            std::thread::spawn(move || {
                for batch in 0..50 {
                    let body: String = (batch * 200..(batch + 1) * 200)
                        .map(|n| line(client, n) + "\n")
                        .collect();
                    let (status, answer) = push(port, body.as_bytes());
                    assert_eq!(status, 200, "{answer}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    writer.join().unwrap();
    // The poller reads the rest of the file within a few intervals.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = exported(dir.path(), &config);
        let ids: std::collections::HashSet<&str> = text
            .lines()
            .filter_map(|l| l.split(r#""id":""#).nth(1)?.split('"').next())
            .collect();
        let lines = text
            .lines()
            .filter(|l| l.contains(r#""type":"deployment""#))
            .count();
        assert_eq!(ids.len(), lines, "an id stored twice");
        if lines == 8 * 10_000 + 2000 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{lines} of {} stored",
            8 * 10_000 + 2000
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The metrics on the same address count them too.
    let (status, body) = send(
        port,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 200);
    assert!(body.contains("flowdeck_source_up"), "{body}");
    drop(served);
}
