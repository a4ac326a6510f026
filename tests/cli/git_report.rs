//! End to end on a real repository: a monorepo with two services (`api-v*` and `web-v*` tags,
//! scoped by paths), lightweight and annotated tags, a merge, a revert, a rollback and two tags
//! on one commit; `flowdeck report` must give the hand-computed numbers exactly.

use crate::support::gitrepo;

use std::path::Path;
use std::process::{Command, Output};

use gitrepo::GitRepo;
use serde_json::Value;

const H: f64 = 3600.0;

/// The history, all in March 2026 (the 2nd is a Monday), UTC:
///
/// | tag | on | date | ships (lead time) |
/// |---|---|---|---|
/// | api-v1.0.0 (lightweight) | c1 | 03-02 09:00 (commit) | baseline |
/// | web-v1.0.0 (annotated) | c1 | 03-02 10:00 | baseline |
/// | web-v1.1.0 (lightweight) | merge c4 | 03-03 11:00 (commit) | c3 web page (2h), merge c4 |
/// | api-v1.1.0 (annotated) | merge c4 | 03-03 12:00 | c2 api endpoint (4h) |
/// | api-v1.2.0 (annotated) | c5 | 03-04 10:00 | c5 api cache (1h) — reverted by c6: failed |
/// | api-v1.2.1 (annotated) | c6 | 03-05 09:30 | c6 revert of c5 (30m) — rework |
/// | web-v1.2.0 (lightweight) | c7 | 03-05 10:00 (commit) | c7 redesign (0) — rolled back: failed |
/// | api-v1.2.2 (annotated) | c6 | 03-05 11:00 | nothing: a redeploy, not a rollback |
/// | web-v1.2.1 (annotated) | merge c4 | 03-05 12:00 | nothing: rolls web back to v1.1.0 — rework |
struct Fixture {
    repo: GitRepo,
    c5: String,
    c6: String,
}

fn fixture() -> Fixture {
    let repo = GitRepo::new();
    let c1 = repo
        .commit("Initial layout")
        .file("api/main.rs", "fn main() {}\n")
        .file("web/index.html", "<h1>shop</h1>\n")
        .at("2026-03-02T09:00:00Z")
        .create();
    repo.tag("api-v1.0.0", &c1);
    repo.tag_annotated("web-v1.0.0", &c1, "2026-03-02T10:00:00Z");

    repo.branch("page", &c1);
    repo.commit("api: add orders endpoint")
        .file("api/orders.rs", "pub fn orders() {}\n")
        .at("2026-03-03T08:00:00Z")
        .create();
    repo.checkout("page");
    repo.commit("web: product page")
        .file("web/product.html", "<h1>product</h1>\n")
        .at("2026-03-03T09:00:00Z")
        .create();
    repo.checkout("main");
    let c4 = repo.merge(
        "page",
        "Merge pull request #7 from acme/page",
        "2026-03-03T11:00:00Z",
    );
    repo.tag("web-v1.1.0", &c4);
    repo.tag_annotated("api-v1.1.0", &c4, "2026-03-03T12:00:00Z");

    let c5 = repo
        .commit("api: cache orders")
        .file("api/cache.rs", "pub fn cache() {}\n")
        .at("2026-03-04T09:00:00Z")
        .create();
    repo.tag_annotated("api-v1.2.0", &c5, "2026-03-04T10:00:00Z");
    let c6 = repo.revert(&c5, "2026-03-05T09:00:00Z");
    repo.tag_annotated("api-v1.2.1", &c6, "2026-03-05T09:30:00Z");

    let c7 = repo
        .commit("web: redesign product page")
        .file("web/product.html", "<h1>new product</h1>\n")
        .at("2026-03-05T10:00:00Z")
        .create();
    repo.tag("web-v1.2.0", &c7);
    repo.tag_annotated("api-v1.2.2", &c6, "2026-03-05T11:00:00Z");
    repo.tag_annotated("web-v1.2.1", &c4, "2026-03-05T12:00:00Z");
    Fixture { repo, c5, c6 }
}

fn write_config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("flowdeck.toml");
    std::fs::write(
        &path,
        r#"
[general]
timezone = "UTC"

[[services]]
name = "api"
team = "payments"

[[services]]
name = "web"
team = "storefront"

[[sources]]
kind = "git"
service = "api"
path = "repo"
deploy_tags = "api-v*"
paths = ["api/**"]

[[sources]]
kind = "git"
service = "web"
path = "repo"
deploy_tags = "web-v*"
paths = ["web/**"]
"#,
    )
    .unwrap();
    path
}

fn flowdeck(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .output()
        .unwrap()
}

fn report(fixture: &Fixture) -> Value {
    let config = write_config(fixture.repo.parent());
    let out = flowdeck(
        &[
            "report",
            "--config",
            config.to_str().unwrap(),
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-08",
            "--now",
            "2026-03-09T00:00:00Z",
            "--format",
            "json",
        ],
        fixture.repo.parent(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(actual: &Value, expected: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
}

#[test]
fn a_monorepo_report_gives_the_hand_computed_numbers() {
    let fixture = fixture();
    let r = report(&fixture);
    let m = &r["metrics"];

    // Nine deployments on four days of the one whole week in the window.
    let f = &m["deployment_frequency"];
    assert_eq!(f["deployments"], 9);
    close(&f["per_day"], 9.0 / 7.0);
    assert_eq!(f["deploy_days"], 4);
    close(&f["median_deploy_days_per_week"], 4.0);
    assert_eq!(f["band"], "high");

    // Lead times 0, 30m, 1h, 2h, 4h: baselines and merges left out.
    let l = &m["lead_time_for_changes"];
    assert_eq!(l["changes"], 5);
    close(&l["median_seconds"], H);
    // p90: rank 3.6 → 2h + 0.6 × 2h.
    close(&l["p90_seconds"], 3.2 * H);
    assert_eq!(l["band"], "elite");

    // api-v1.2.0 (reverted) and web-v1.2.0 (rolled back) failed.
    let c = &m["change_failure_rate"];
    assert_eq!(c["deployments"], 9);
    assert_eq!(c["failed"], 2);
    close(&c["rate"], 2.0 / 9.0);
    assert_eq!(c["band"], "low");

    // Recovered after 23h30m (the revert shipped) and 2h (the rollback).
    let rec = &m["failed_deployment_recovery_time"];
    assert_eq!(rec["recovered"], 2);
    assert_eq!(rec["unrecovered"], 0);
    close(&rec["median_seconds"], (23.5 * H + 2.0 * H) / 2.0);
    close(&rec["p90_seconds"], 2.0 * H + 0.9 * 21.5 * H);
    assert_eq!(rec["band"], "high");

    let w = &m["deployment_rework_rate"];
    assert_eq!(w["rework"], 2);
    close(&w["rate"], 2.0 / 9.0);

    // Changes per non-baseline deployment: 1, 1, 1, 0 (api) and 1, 1, 0 (web).
    close(&m["batch_size"]["median_changes"], 1.0);
    // No incidents, CI or pull requests in a git-only setup: counts of zero, values unknown.
    assert_eq!(m["time_to_restore"]["incidents"], 0);
    assert!(m["time_to_restore"]["median_seconds"].is_null());
    assert!(m["ci"]["success_rate"].is_null());

    let deployments = r["deployments"].as_array().unwrap();
    let by_id = |id: &str| {
        deployments
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    let reverted = by_id("git:api:api-v1.2.0");
    assert_eq!(reverted["failure_reasons"][0]["kind"], "revert");
    assert_eq!(reverted["failure_reasons"][0]["ref"], fixture.c6.as_str());
    assert_eq!(reverted["sha"], fixture.c5.as_str());
    close(&reverted["recovery_seconds"], 23.5 * H);
    let revert = by_id("git:api:api-v1.2.1");
    assert_eq!(revert["rework_reasons"][0]["kind"], "revert");
    let redeploy = by_id("git:api:api-v1.2.2");
    assert_eq!(redeploy["changes"], 0);
    assert_eq!(redeploy["failed"], false);
    assert_eq!(redeploy["rework"], false);
    let rolled_back = by_id("git:web:web-v1.2.0");
    assert_eq!(rolled_back["failure_reasons"][0]["kind"], "rollback");
    assert_eq!(
        rolled_back["failure_reasons"][0]["ref"],
        "git:web:web-v1.2.1"
    );
    let rollback = by_id("git:web:web-v1.2.1");
    assert_eq!(rollback["rework_reasons"][0]["ref"], "git:web:web-v1.1.0");
    assert_eq!(by_id("git:api:api-v1.0.0")["baseline"], true);
    assert_eq!(
        by_id("git:web:web-v1.0.0")["finished_at"],
        "2026-03-02T10:00:00Z"
    );
    assert_eq!(
        by_id("git:web:web-v1.1.0")["finished_at"],
        "2026-03-03T11:00:00Z"
    );
    close(
        &by_id("git:web:web-v1.1.0")["lead_time_median_seconds"],
        2.0 * H,
    );

    // Per service and per team.
    let services = r["services"].as_array().unwrap();
    let api = services.iter().find(|s| s["name"] == "api").unwrap();
    assert_eq!(api["team"], "payments");
    assert_eq!(api["metrics"]["deployment_frequency"]["deployments"], 5);
    close(
        &api["metrics"]["lead_time_for_changes"]["median_seconds"],
        H,
    );
    close(&api["metrics"]["change_failure_rate"]["rate"], 0.2);
    let teams = r["teams"].as_array().unwrap();
    let storefront = teams.iter().find(|t| t["name"] == "storefront").unwrap();
    assert_eq!(storefront["services"], serde_json::json!(["web"]));
    assert_eq!(
        storefront["metrics"]["deployment_frequency"]["deployments"],
        4
    );
    close(&storefront["metrics"]["change_failure_rate"]["rate"], 0.25);

    // The previous week holds nothing; git history is complete, so both windows are covered.
    assert_eq!(
        r["previous"]["metrics"]["deployment_frequency"]["deployments"],
        0
    );
    assert_eq!(r["window"]["complete"], true);
    assert_eq!(r["sources"].as_array().unwrap().len(), 2);
    assert_eq!(r["sources"][0]["name"], "git:api");
    assert_eq!(r["sources"][0]["status"], "ok");
}

#[test]
fn check_probes_each_git_source() {
    let fixture = fixture();
    let config = write_config(fixture.repo.parent());
    let out = flowdeck(
        &["check", "--config", config.to_str().unwrap()],
        fixture.repo.parent(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("ok    config "), "{stdout}");
    assert!(
        lines[1].starts_with("ok    git:api: repository "),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with("opens, 5 tag(s) match \"api-v*\", newest api-v1.2.2"),
        "{stdout}"
    );
    assert!(
        lines[2].ends_with("opens, 4 tag(s) match \"web-v*\", newest web-v1.2.1"),
        "{stdout}"
    );
}

#[test]
fn check_fails_with_one_line_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("flowdeck.toml");
    std::fs::write(
        &config,
        "[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = \"missing\"\n\n[[sources]]\nkind = \"github\"\nservice = \"web\"\nrepo = \"acme/web\"\n",
    )
    .unwrap();
    let out = flowdeck(&["check", "--config", config.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failures.len(), 2, "{stdout}");
    assert!(failures[0].starts_with("FAIL  git:api: "), "{stdout}");
    assert!(failures[0].contains("missing"), "{stdout}");
    assert!(
        failures[1].starts_with("FAIL  github:acme/web: "),
        "{stdout}"
    );
}
