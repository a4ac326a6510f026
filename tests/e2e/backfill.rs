//! End-to-end: a first sync's progress on the dashboard (issue 13, item 3). The dashboard in
//! tmux, on an empty store, polls a slow local GitHub with 1,000 deployments: while the
//! backfill runs, a progress bar for the source and "incomplete: backfilling" in the header
//! are on screen, and the numbers fill in as parts are committed; when it ends, both go.
//!
//! Skipped without tmux unless `FLOWDECK_REQUIRE_TMUX` is set (CI); see tests/e2e/dashboard.rs.

use crate::support::leaked::leaked;
use crate::support::{github_generated, tmux};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tmux::Session;

fn write_config(dir: &Path, base_url: &str) -> PathBuf {
    let path = dir.join("big.toml");
    std::fs::write(
        &path,
        format!(
            r#"[general]
timezone = "UTC"
backfill = "{days}d"
store = "history.sqlite"
log_file = "flowdeck.log"

[[sources]]
kind = "github"
service = "big"
repo = "acme/big"
base_url = {base_url:?}
token_cmd = "printf %s ghp_FlowdeckBackfillToken01"
deploy_environments = ["production"]
interval = "1h"
"#,
            days = github_generated::BACKFILL_DAYS,
        ),
    )
    .unwrap();
    path
}

/// Waits up to `limit` for `ready` (a backfill takes longer than one tmux step).
fn wait_long(
    session: &Session,
    what: &str,
    limit: Duration,
    ready: impl Fn(&str) -> bool,
) -> String {
    let started = Instant::now();
    loop {
        let screen = session.screen();
        if ready(&screen) {
            return screen;
        }
        assert!(
            started.elapsed() < limit,
            "waited {limit:?} for {what}; the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_first_sync_shows_its_progress_then_the_bar_goes() {
    let Some(binary) = tmux::prepare("a_first_sync_shows_its_progress_then_the_bar_goes") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = leaked(wiremock::MockServer::start().await);
        github_generated::mount_slow(&server, Duration::from_millis(4)).await;
        server
    });
    let session = Session::start(140, 40);
    let config = write_config(session.dir(), &server.uri());
    session.type_line(&format!(
        "{} --config {} --now {}; echo \"flowdeck-exit=$?\"",
        tmux::shell_quote(&binary),
        tmux::shell_quote(&config),
        github_generated::NOW,
    ));
    let during = wait_long(&session, "the progress bar", Duration::from_secs(60), |s| {
        s.contains("↻ backfilling github:acme/big") && s.contains("requests")
    });
    assert!(
        during
            .lines()
            .next()
            .unwrap_or("")
            .contains("incomplete: backfilling"),
        "{during}"
    );
    let after = wait_long(
        &session,
        "the end of the backfill",
        Duration::from_secs(300),
        |s| !s.contains("backfilling") && s.contains("github:acme/big ok"),
    );
    assert!(!after.contains("incomplete"), "{after}");
    session.key("q");
    session.wait_for("the dashboard to exit", |s| {
        s.lines().any(|l| l.trim() == "flowdeck-exit=0")
    });
}
