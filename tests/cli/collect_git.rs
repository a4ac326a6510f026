//! `flowdeck collect` reads git sources into the store like any source: a report that has the
//! store and no clone (its configured path does not exist) shows the tag deployments.

use crate::headless::Home;
use crate::support::gitrepo::GitRepo;

use serde_json::Value;

fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let first = repo
        .commit("Initial commit")
        .file("main.rs", "fn main() {}\n")
        .at("2026-03-02T09:00:00Z")
        .create();
    repo.tag("v1.0.0", &first);
    let second = repo
        .commit("Add orders")
        .file("orders.rs", "pub fn orders() {}\n")
        .at("2026-03-03T09:00:00Z")
        .create();
    repo.tag_annotated("v1.1.0", &second, "2026-03-03T12:00:00Z");
    let third = repo
        .commit("Add cache")
        .file("cache.rs", "pub fn cache() {}\n")
        .at("2026-03-04T09:00:00Z")
        .create();
    repo.tag_annotated("v1.2.0", &third, "2026-03-04T11:00:00Z");
    repo
}

fn config(clone: &str) -> String {
    format!(
        r#"[general]
timezone = "UTC"
refresh = "1h"
store = "shared.sqlite"
log_file = "flowdeck.log"

[[sources]]
kind = "git"
service = "api"
path = {clone:?}
"#
    )
}

fn deployment_names(report: &Value) -> Vec<String> {
    let mut names: Vec<String> = report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

#[test]
fn collect_reads_git_into_the_store_and_a_report_needs_no_clone() {
    let repo = repository();
    let home = Home::new();
    let collecting = home.write("collect.toml", &config(&repo.path().display().to_string()));
    let mut collector = home.collect(&collecting);
    collector.wait_for_sync("git:api");
    let (code, lines) = collector.terminate();
    assert_eq!(code, Some(0), "{}", lines.join("\n"));

    // A reader elsewhere: the same store, a clone path that does not exist.
    let reading = home.write("read.toml", &config("/nonexistent/flowdeck/clone"));
    let args = [
        "report",
        "--format",
        "json",
        "--offline",
        "--now",
        "2026-03-10T00:00:00Z",
    ];
    let out = home.run(&reading, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("failed"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deployment_names(&report), ["v1.0.0", "v1.1.0", "v1.2.0"]);
    let source = &report["sources"][0];
    assert_eq!(source["name"], "git:api");
    assert_eq!(source["status"], "ok");

    // With its clone, the reader reads the tags itself and counts none twice.
    let with_clone = home.write("clone.toml", &config(&repo.path().display().to_string()));
    let out = home.run(&with_clone, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deployment_names(&report), ["v1.0.0", "v1.1.0", "v1.2.0"]);
}
