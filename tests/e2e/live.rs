//! End-to-end on a live source: the RELEASE binary's dashboard in tmux, reading a local GitHub
//! (wiremock on 127.0.0.1, the acme/api fixture of tests/sources/github.rs) through the SQLite
//! store.
//!
//! - It draws what the store holds before any request has answered: pointed at a server that
//!   accepts connections and never replies, the overview still shows the stored deployments
//!   and the source's stored status.
//! - The poller's syncs reach the screen: a deployment that appears on the server after the
//!   store was filled shows up in the latest-deployments strip without a key being pressed.
//!
//! Skipped without tmux unless `FLOWDECK_REQUIRE_TMUX` is set (CI); see tests/e2e/dashboard.rs.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{github_fixture, tmux};

use std::path::{Path, PathBuf};
use std::process::Command;

use tmux::Session;

const NOW: &str = "2026-03-31T00:00:00Z";

fn write_config(dir: &Path, name: &str, base_url: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            r#"[general]
timezone = "UTC"
backfill = "30d"
store = "history.sqlite"
log_file = "flowdeck.log"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {base_url:?}
token_cmd = "printf %s {token}"
deploy_environments = ["production", "prod"]
ci_workflows = ["ci.yml"]
incident_labels = ["incident"]
interval = "1h"
"#,
            token = github_fixture::TOKEN,
        ),
    )
    .unwrap();
    path
}

/// Fills the store the way a user would: one `flowdeck report` against the server.
fn fill_store(binary: &Path, config: &Path, home: &Path) {
    let out = Command::new(binary)
        .arg("--config")
        .arg(config)
        .args(["report", "--format", "json"])
        .env("HOME", home)
        .env("FLOWDECK_NOW", NOW)
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start_dashboard(session: &Session, binary: &Path, config: &Path) {
    session.type_line(&format!(
        "{} --config {} --now {NOW}; echo \"flowdeck-exit=$?\"",
        tmux::shell_quote(binary),
        tmux::shell_quote(config)
    ));
}

fn loaded(screen: &str) -> bool {
    let header = screen.lines().next().unwrap_or("");
    !header.contains("loading") && screen.contains("Latest deployments")
}

fn quit(session: &Session) {
    session.key("q");
    session.wait_for("the dashboard to exit", |s| {
        s.lines().any(|l| l.trim() == "flowdeck-exit=0")
    });
}

#[test]
fn the_dashboard_draws_from_the_store_then_shows_what_the_poller_brings() {
    let Some(binary) =
        tmux::prepare("the_dashboard_draws_from_the_store_then_shows_what_the_poller_brings")
    else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = leaked(wiremock::MockServer::start().await);
        github_fixture::mount(&server).await;
        server
    });
    let session = Session::start(160, 45);
    let dir = session.dir().to_path_buf();
    let live = write_config(&dir, "live.toml", &server.uri());
    fill_store(&binary, &live, &dir.join("home"));

    // A server that takes the connection and never answers: every request hangs until its
    // timeout, so whatever the dashboard shows came from the store.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let stuck = write_config(&dir, "stuck.toml", &silent_url);
    start_dashboard(&session, &binary, &stuck);
    let screen = session.wait_for("the stored deployments", |s| {
        loaded(s) && s.contains("v1.3.1") && s.contains("github:acme/api")
    });
    assert!(!screen.contains("v1.5.0"), "{screen}");
    quit(&session);

    // The server now has v1.5.0 (deployment 108, 2026-03-30 12:00): the poller's first sync
    // brings it, and the screen follows without a key pressed.
    runtime.block_on(github_fixture::mount_new_deployment(&server));
    start_dashboard(&session, &binary, &live);
    session.wait_for("the new deployment from the poller", |s| {
        loaded(s) && s.contains("v1.5.0")
    });
    quit(&session);
    drop(silent);
}
