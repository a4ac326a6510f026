//! `[[notify]]` in `flowdeck collect`: a command that records what it receives gets exactly
//! one event per transition, across restarts (what was sent is kept in the store), and nothing
//! old on a first run. Prints the latency from the sync's commit to the command's start.

use crate::headless::Home;
use crate::support::gitrepo::GitRepo;

use serde_json::Value;

fn config(clone: &str, recorder: &str) -> String {
    format!(
        r#"[general]
timezone = "UTC"
refresh = "1h"
store = "notify.sqlite"
log_file = "flowdeck.log"

[[sources]]
kind = "git"
service = "api"
path = {clone:?}

[[notify]]
on = ["deployment_failed"]
command = ["sh", "-c", "cat >> {recorder}"]
"#
    )
}

fn received(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_recording_command_gets_one_event_per_transition_across_restarts() {
    let repo = GitRepo::new();
    let first = repo
        .commit("Initial commit")
        .file("main.rs", "fn main() {}\n")
        .at("2026-03-05T01:00:00Z")
        .create();
    repo.tag_annotated("v1.0.0", &first, "2026-03-05T02:00:00Z");
    let second = repo
        .commit("Add orders")
        .file("orders.rs", "pub fn orders() {}\n")
        .at("2026-03-05T03:00:00Z")
        .create();
    repo.tag_annotated("v1.1.0", &second, "2026-03-05T04:00:00Z");
    let third = repo
        .commit("Add cache")
        .file("cache.rs", "pub fn cache() {}\n")
        .at("2026-03-05T05:00:00Z")
        .create();
    repo.tag_annotated("v1.2.0", &third, "2026-03-05T06:00:00Z");

    let home = Home::new();
    let recorder = home.path().join("received.jsonl");
    let config = home.write(
        "collect.toml",
        &config(
            &repo.path().display().to_string(),
            &recorder.display().to_string(),
        ),
    );
    let run = |now: &str| {
        let mut collector = home.collect_at(&config, now);
        collector.wait_for_sync("git:api");
        let (code, lines) = collector.terminate();
        assert_eq!(code, Some(0), "{}", lines.join("\n"));
        lines
    };

    // A first run on a new store announces nothing old.
    run("2026-03-05T08:00:00Z");
    assert!(received(&recorder).is_empty());

    // v1.2.1 rolls back to v1.1.0: v1.2.0 failed.
    repo.tag_annotated("v1.2.1", &second, "2026-03-05T10:00:00Z");
    let lines = run("2026-03-05T12:00:00Z");
    let events = received(&recorder);
    assert_eq!(events.len(), 1, "{events:?}\n{}", lines.join("\n"));
    assert_eq!(events[0]["kind"], "deployment_failed");
    assert_eq!(events[0]["item"], "git:api:v1.2.0");
    assert!(events[0]["text"].as_str().unwrap().contains("api v1.2.0"));
    let latency: Vec<String> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["message"] == "notifying")
        .map(|l| l["latency_ms"].to_string())
        .collect();
    println!("notification latency (sync committed -> command started), ms: {latency:?}");

    // A restart sends nothing again.
    run("2026-03-05T12:30:00Z");
    assert_eq!(received(&recorder).len(), 1);
}
