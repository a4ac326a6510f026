//! End to end: a dashboard on a SQLite store sees a deployment another process pushes
//! (`flowdeck ingest`), without a key pressed: the store announces other processes' commits
//! through `PRAGMA data_version` (docs/EVENTS.md#http-push), read every 250 ms, and the
//! dashboard reloads. Its own poller keeps running (`[general] poll` unset).
//!
//! Skipped without tmux unless `FLOWDECK_REQUIRE_TMUX` is set (CI); see tests/e2e/dashboard.rs.

use crate::support::tmux::{self, Session};

use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-03-31T00:00:00Z";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn deployment(name: &str, at: &str) -> String {
    format!(
        "{{\"type\":\"deployment\",\"id\":\"{name}\",\"name\":\"{name}\",\"service\":\"api\",\"environment\":\"production\",\"sha\":\"{SHA}\",\"finished_at\":\"{at}\",\"status\":\"success\",\"changes\":[]}}\n"
    )
}

fn ingest(binary: &Path, config: &Path, home: &Path, line: &str) {
    let file = home.join(format!("{}.ndjson", line.len()));
    std::fs::write(&file, line).unwrap();
    let out = Command::new(binary)
        .arg("--config")
        .arg(config)
        .arg("ingest")
        .arg(&file)
        .env("HOME", home)
        .env_remove("FLOWDECK_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ingest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_deployment_pushed_by_another_process_reaches_the_screen_without_a_key() {
    let Some(binary) =
        tmux::prepare("a_deployment_pushed_by_another_process_reaches_the_screen_without_a_key")
    else {
        return;
    };
    let session = Session::start(160, 45);
    let dir = session.dir().to_path_buf();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let config = dir.join("pushed.toml");
    std::fs::write(
        &config,
        "[general]\ntimezone = \"UTC\"\nstore = \"history.sqlite\"\nlog_file = \"flowdeck.log\"\nrefresh = \"1h\"\n\n[[sources]]\nkind = \"events\"\nname = \"pushed\"\n",
    )
    .unwrap();
    ingest(
        &binary,
        &config,
        &home,
        &deployment("v1.0.0", "2026-03-20T12:00:00Z"),
    );
    session.type_line(&format!(
        "{} --config {} --now {NOW}; echo \"flowdeck-exit=$?\"",
        tmux::shell_quote(&binary),
        tmux::shell_quote(&config)
    ));
    session.wait_for("the stored deployment", |s| {
        s.contains("Latest deployments") && s.contains("v1.0.0")
    });
    // Another process pushes; the refresh interval (1 h) is far past the wait's limit.
    ingest(
        &binary,
        &config,
        &home,
        &deployment("v9.9.9", "2026-03-30T12:00:00Z"),
    );
    session.wait_for("the pushed deployment", |s| s.contains("v9.9.9"));
    session.key("q");
    session.wait_for("the dashboard to exit", |s| {
        s.lines().any(|l| l.trim() == "flowdeck-exit=0")
    });
}
