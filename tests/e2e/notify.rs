//! Notifications in the dashboard, end to end through the binary in tmux: a deployment fails
//! while the dashboard runs (a rollback tag appears in its git source and `r` reloads), and
//! - the recording `command` gets the event once, a local look-alike webhook gets the JSON,
//!   and the terminal is sent the bell and an OSC 9 desktop notification (the pane's raw
//!   output, captured with `tmux pipe-pane`, wrapped for tmux's passthrough);
//! - inside `quiet_hours` (the clock injected with `--now`), the command still runs and the
//!   terminal gets neither bell nor OSC.
//!
//! Skipped without tmux unless `FLOWDECK_REQUIRE_TMUX` is set (CI).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::ResponseTemplate;

use crate::support::notify_fixture::{self, three_releases, webhook_server};
use crate::support::tmux::{self, Session};

/// Three hours after v1.2.0, two after the rollback: still news (less than a day old).
const NOW: &str = "2026-03-05T12:00:00Z";

fn received(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < tmux::STEP_TIMEOUT,
            "waited {:?} for {what}",
            tmux::STEP_TIMEOUT
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Run {
    events: Vec<Value>,
    output: Vec<u8>,
    screen: String,
}

/// The dashboard on a repository whose v1.2.0 is rolled back while it runs.
fn run(binary: &Path, quiet_hours: Option<&str>, webhook: Option<&str>) -> Run {
    let (repo, second) = three_releases("2026-03-05T09:00:00Z");
    let session = Session::start(120, 40);
    let dir = session.dir().to_path_buf();
    let recorder = dir.join("received.jsonl");
    let quiet = quiet_hours.map_or(String::new(), |q| format!("quiet_hours = {q:?}\n"));
    let hook = webhook.map_or(String::new(), |w| format!("webhook = {w:?}\n"));
    let config = dir.join("flowdeck.toml");
    std::fs::write(
        &config,
        notify_fixture::config(
            repo.path(),
            &format!(
                r#"[[notify]]
on = ["deployment_failed"]
bell = true
desktop = true
command = ["sh", "-c", "cat >> {recorder}"]
{quiet}{hook}"#,
                recorder = recorder.display(),
            ),
        ),
    )
    .unwrap();
    let output = dir.join("pane-output");
    session.type_line(&format!(
        "{} --config {} --now {NOW}",
        tmux::shell_quote(binary),
        tmux::shell_quote(&config)
    ));
    session.wait_for("the overview with v1.2.0", |s| s.contains("v1.2.0"));
    // The first look is the baseline: give the notifier its moment, then listen.
    std::thread::sleep(Duration::from_millis(500));
    session.record_output(&output);
    // v1.2.1 rolls back to v1.1.0: v1.2.0 failed.
    repo.tag_annotated("v1.2.1", &second, "2026-03-05T10:00:00Z");
    session.key("r");
    wait_until("the recording command", || !received(&recorder).is_empty());
    let screen = session.wait_for("the status line's note", |s| {
        s.contains("deployment failed")
    });
    // Anything late (a second event, a bell) would be here by now.
    std::thread::sleep(Duration::from_millis(500));
    session.key("q");
    Run {
        events: received(&recorder),
        output: std::fs::read(&output).unwrap_or_default(),
        screen,
    }
}

#[test]
fn a_failed_deployment_runs_the_command_posts_the_webhook_and_rings_the_terminal() {
    let Some(binary) = tmux::prepare("notify e2e") else {
        return;
    };
    let (runtime, server) = webhook_server(&[(None, ResponseTemplate::new(200))]);
    let url = format!("{}/services/T000/B000/secret", server.uri());
    let run = run(&binary, None, Some(&url));
    assert_eq!(run.events.len(), 1, "{:?}", run.events);
    assert_eq!(run.events[0]["kind"], "deployment_failed");
    assert_eq!(run.events[0]["item"], "git:api:v1.2.0");
    assert!(run.screen.contains("deployment failed"), "{}", run.screen);

    wait_until("the webhook", || {
        !notify_fixture::received(&runtime, &server).is_empty()
    });
    let posted = notify_fixture::received(&runtime, &server);
    assert_eq!(posted.len(), 1);
    let json: Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert!(
        json["text"].as_str().unwrap().contains("api v1.2.0"),
        "{json}"
    );

    let output = String::from_utf8_lossy(&run.output);
    // OSC 9 inside tmux's passthrough (ESC doubled), then the bell on its own.
    assert!(
        output.contains("\u{1b}Ptmux;\u{1b}\u{1b}]9;flowdeck: deployment failed: api v1.2.0"),
        "{output:?}"
    );
    let bells = output.matches('\u{7}').count();
    assert_eq!(bells, 2, "the OSC's terminator and the bell: {output:?}");
}

#[test]
fn quiet_hours_silence_the_bell_and_desktop_but_not_the_command() {
    let Some(binary) = tmux::prepare("notify e2e quiet hours") else {
        return;
    };
    // NOW is 12:00 UTC.
    let run = run(&binary, Some("11:00-13:00"), None);
    assert_eq!(run.events.len(), 1, "{:?}", run.events);
    assert!(run.screen.contains("deployment failed"), "{}", run.screen);
    let output = String::from_utf8_lossy(&run.output);
    assert!(!output.contains('\u{7}'), "{output:?}");
    assert!(
        !output.contains("]9;") && !output.contains("]777;"),
        "{output:?}"
    );
}
