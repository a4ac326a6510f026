//! The `flowdeck` binary on live sources: a local GitHub (acme/api) and a local GitLab
//! (group/web), both wiremock on 127.0.0.1 serving payloads shaped like the real APIs (the
//! fixtures of tests/sources/github.rs and tests/sources/gitlab.rs, where every number below is
//! worked out by hand). `report` syncs into the SQLite store and gives those numbers in its
//! JSON; a second run sends only conditional requests; `--offline` sends none and gives the same
//! report; `check` probes both; the tokens appear nowhere; a damaged store is refused and left
//! as it was.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{github_fixture, github_server, gitlab_fixture, gitlab_server};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wiremock::MockServer;

use github_server::asked;
use gitlab_server::Gitlab;

const NOW: &str = "2026-03-31T00:00:00Z";
const GITLAB_TOKEN: &str = "glpat-TOPSECRET-0123456789abcdef";

struct Setup {
    home: tempfile::TempDir,
    github: Leaked<MockServer>,
    gitlab: Gitlab,
    config: PathBuf,
}

impl Setup {
    /// Both servers mounted, and a config naming them; `store` is the `[general] store` value.
    async fn start(store: &str) -> Setup {
        let github = leaked(MockServer::start().await);
        github_fixture::mount(&github).await;
        let gitlab = Gitlab::start().await;
        gitlab_fixture::mount(&gitlab).await;
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("flowdeck.toml");
        let text = format!(
            r#"[general]
timezone = "UTC"
backfill = "30d"
store = {store:?}
log_file = "flowdeck.log"

[[services]]
name = "api"
team = "core"

[[services]]
name = "web"
team = "shop"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_cmd = "printf %s {github_token}"
deploy_environments = ["production", "prod"]
ci_workflows = ["ci.yml"]
incident_labels = ["incident"]
commit_time = "authored"

[[sources]]
kind = "gitlab"
service = "web"
project = "group/web"
base_url = {gitlab:?}
token_env = "FLOWDECK_TEST_GITLAB_TOKEN"
"#,
            github = github.uri(),
            github_token = github_fixture::TOKEN,
            gitlab = gitlab.uri(),
        );
        std::fs::write(&config, text).unwrap();
        Setup {
            home,
            github,
            gitlab,
            config,
        }
    }

    /// Runs the binary with a clean environment: no real tokens, the clock fixed, every XDG
    /// folder inside the temporary home.
    fn flowdeck(&self, args: &[&str]) -> Output {
        let home = self.home.path();
        Command::new(env!("CARGO_BIN_EXE_flowdeck"))
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("FLOWDECK_NOW", NOW)
            // Everything logged, so the token check below covers every log line.
            .env("FLOWDECK_LOG", "trace")
            .env("FLOWDECK_TEST_GITLAB_TOKEN", GITLAB_TOKEN)
            .output()
            .unwrap()
    }

    fn report(&self, extra: &[&str]) -> (Value, Output) {
        let mut args = vec![
            "report",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-30",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = self.flowdeck(&args);
        assert!(
            out.status.success(),
            "report failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = serde_json::from_slice(&out.stdout).unwrap();
        (json, out)
    }

    async fn github_requests(&self) -> usize {
        asked(&self.github).await.len()
    }
}

fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {name} in {report:#}"))
}

fn close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-6,
        "{actual} != expected {expected}"
    );
}

/// Every byte the run left behind in the temporary home (store, WAL, log), and its output.
fn everything_written(home: &Path, outputs: &[&Output]) -> Vec<u8> {
    let mut all = Vec::new();
    for out in outputs {
        all.extend_from_slice(&out.stdout);
        all.extend_from_slice(&out.stderr);
    }
    let mut stack = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "toml") {
                all.extend(std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_syncs_github_and_gitlab_and_gives_the_hand_computed_numbers() {
    let setup = Setup::start("history.sqlite").await;
    let (report, first) = setup.report(&[]);

    // The window is March 2026, [03-01, 03-31); both sources backfilled from 03-01, so it is
    // complete and the previous one (February) is not.
    assert_eq!(report["window"]["from"], "2026-03-01T00:00:00Z");
    assert_eq!(report["window"]["complete"], true);
    assert_eq!(report["previous"]["window"]["complete"], false);
    let sources = report["sources"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["github:acme/api", "gitlab:group/web"]);
    assert!(sources.iter().all(|s| s["status"] == "ok"), "{sources:#?}");
    assert!(sources.iter().all(|s| s["last_success_at"] == NOW));

    // GitHub, acme/api (tests/sources/github.rs works each figure out).
    let api = &service(&report, "api")["metrics"];
    assert_eq!(service(&report, "api")["team"], "core");
    let f = &api["deployment_frequency"];
    assert_eq!(f["deployments"], 4);
    close(&f["per_day"], 4.0 / 30.0);
    assert_eq!(f["deploy_days"], 4);
    close(&f["median_deploy_days_per_week"], 1.0);
    let lead = &api["lead_time_for_changes"];
    assert_eq!(lead["changes"], 7);
    close(&lead["median_seconds"], 86_400.0);
    close(&lead["p90_seconds"], 155_520.0);
    let cfr = &api["change_failure_rate"];
    assert_eq!(
        (cfr["deployments"].clone(), cfr["failed"].clone()),
        (4.into(), 2.into())
    );
    close(&cfr["rate"], 0.5);
    let recovery = &api["failed_deployment_recovery_time"];
    assert_eq!(recovery["recovered"], 2);
    assert_eq!(recovery["unrecovered"], 0);
    close(&recovery["median_seconds"], 222_600.0);
    close(&recovery["p90_seconds"], 387_720.0);
    let ttr = &api["time_to_restore"];
    assert_eq!(
        (ttr["incidents"].clone(), ttr["open"].clone()),
        (2.into(), 1.into())
    );
    close(&ttr["median_seconds"], 7_200.0);
    close(&api["deployment_rework_rate"]["rate"], 0.5);
    let ci = &api["ci"];
    assert_eq!(
        (ci["runs"].clone(), ci["succeeded"].clone()),
        (4.into(), 2.into())
    );
    close(&ci["median_duration_seconds"], 900.0);
    close(&ci["p90_duration_seconds"], 2_880.0);
    close(&ci["median_queue_seconds"], 60.0);
    let prs = &api["pr_cycle_time"];
    assert_eq!(prs["prs"], 2);
    close(&prs["median_seconds"], 172_800.0);
    close(&prs["pickup_median_seconds"], 46_800.0);
    close(&api["batch_size"]["median_changes"], 2.0);
    assert_eq!(api["wip"]["open_prs"], 2);

    // GitLab, group/web (tests/sources/gitlab.rs).
    let web = &service(&report, "web")["metrics"];
    assert_eq!(web["deployment_frequency"]["deployments"], 4);
    let lead = &web["lead_time_for_changes"];
    close(&lead["median_seconds"], 82_800.0);
    close(&lead["p90_seconds"], 120_960.0);
    close(&web["change_failure_rate"]["rate"], 0.5);
    let recovery = &web["failed_deployment_recovery_time"];
    close(&recovery["median_seconds"], 644_400.0);
    close(&recovery["p90_seconds"], 820_080.0);
    close(&web["deployment_rework_rate"]["rate"], 0.5);
    close(&web["ci"]["success_rate"], 0.75);
    close(&web["ci"]["median_duration_seconds"], 870.0);
    close(&web["pr_cycle_time"]["median_seconds"], 86_400.0);
    close(&web["pr_cycle_time"]["review_median_seconds"], 65_700.0);

    // Together: 8 deployments on 6 days (03-02, 03-05, 03-10 and 03-20 are shared), 4 failed.
    let total = &report["metrics"];
    assert_eq!(total["deployment_frequency"]["deployments"], 8);
    assert_eq!(total["deployment_frequency"]["deploy_days"], 4);
    assert_eq!(total["change_failure_rate"]["failed"], 4);
    close(&total["change_failure_rate"]["rate"], 0.5);
    // The failed deployments carry their reasons: D2 of api reverted, D5 of api by incident #50.
    let deployments = report["deployments"].as_array().unwrap();
    let reasons = |id: &str| -> Vec<String> {
        deployments
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("no deployment {id}"))["failure_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(reasons("github:acme/api:103"), ["revert"]);
    assert_eq!(reasons("github:acme/api:106"), ["incident_window"]);

    // A second run polls: conditional requests only, nothing changes.
    let github_before = setup.github_requests().await;
    setup.gitlab.clear_log();
    let (again, second) = setup.report(&[]);
    let github_again = asked(&setup.github).await.split_off(github_before);
    assert_eq!(github_again.len(), 6, "{github_again:#?}");
    assert!(
        github_again.iter().all(|r| r.conditional),
        "{github_again:#?}"
    );
    let gitlab_again = setup.gitlab.served();
    assert_eq!(gitlab_again.len(), 4, "{gitlab_again:#?}");
    assert!(
        gitlab_again
            .iter()
            .all(|s| s.conditional && s.status == 304),
        "{gitlab_again:#?}"
    );
    assert_eq!(again, report, "an unchanged poll gives the same report");

    // --offline reads the store only: no request at all, the same report.
    let github_before = setup.github_requests().await;
    setup.gitlab.clear_log();
    let (offline, third) = setup.report(&["--offline"]);
    assert_eq!(setup.github_requests().await, github_before);
    assert!(setup.gitlab.served().is_empty());
    assert_eq!(offline, report);

    // The tokens were sent, and are nowhere: not in the output, the store, its WAL, the log.
    let sent = asked(&setup.github).await;
    assert!(sent.iter().any(|r| r.authorization.is_some()));
    assert!(setup.home.path().join("history.sqlite").exists());
    assert!(setup.home.path().join("flowdeck.log").exists());
    let written = everything_written(setup.home.path(), &[&first, &second, &third]);
    assert!(!contains(&written, github_fixture::TOKEN));
    assert!(!contains(&written, GITLAB_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_probes_each_source_without_showing_a_token() {
    let setup = Setup::start("history.sqlite").await;
    setup.report(&[]);
    let out = setup.flowdeck(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |prefix: &str| -> String {
        stdout
            .lines()
            .find(|l| l.contains(prefix))
            .unwrap_or_else(|| panic!("no line for {prefix} in\n{stdout}"))
            .to_string()
    };
    assert!(line("store").starts_with("ok    store "), "{stdout}");
    let github = line("github:acme/api");
    assert!(github.starts_with("ok    github:acme/api: "), "{github}");
    assert!(github.contains("token accepted"), "{github}");
    assert!(github.contains("requests left"), "{github}");
    assert!(github.contains("last synced 2026-03-31 00:00"), "{github}");
    let gitlab = line("gitlab:group/web");
    assert!(gitlab.starts_with("ok    gitlab:group/web: "), "{gitlab}");
    assert!(gitlab.contains("last synced 2026-03-31 00:00"), "{gitlab}");
    let written = everything_written(setup.home.path(), &[&out]);
    assert!(!contains(&written, github_fixture::TOKEN));
    assert!(!contains(&written, GITLAB_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_store_lives_in_the_xdg_data_folder() {
    let setup = Setup::start("sqlite").await;
    setup.report(&[]);
    let store = setup.home.path().join("data/flowdeck/history.sqlite");
    assert!(store.exists(), "no store at {}", store.display());
    // Offline, from the store alone, still measures.
    let (report, _) = setup.report(&["--offline"]);
    assert_eq!(report["metrics"]["deployment_frequency"]["deployments"], 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_before_any_sync_says_so() {
    let setup = Setup::start("history.sqlite").await;
    let out = setup.flowdeck(&["report", "--offline", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("never synced"), "{stderr}");
    assert_eq!(setup.github_requests().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_store_is_refused_and_left_as_it_was() {
    let setup = Setup::start("history.sqlite").await;
    let path = setup.home.path().join("history.sqlite");
    let garbage = b"this is not a database, but it is someone's file".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let out = setup.flowdeck(&["report", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("history.sqlite"), "{stderr}");
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert_eq!(
        setup.github_requests().await,
        0,
        "nothing is fetched for a store that cannot keep it"
    );
    // check says the same and still probes the sources.
    let out = setup.flowdeck(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  store: "), "{stdout}");
    assert!(stdout.contains("ok    github:acme/api: "), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_postgres_store_is_a_runtime_error_naming_it_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let setup =
        Setup::start("postgres://flowdeck:hunter2@127.0.0.1:1/flowdeck?sslmode=disable").await;
    let out = setup.flowdeck(&["report", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot reach the history server flowdeck@127.0.0.1:1/flowdeck"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(
        setup.github_requests().await == 0,
        "nothing is fetched for a store that cannot keep it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_token_variable_fails_that_source_only() {
    let setup = Setup::start("history.sqlite").await;
    let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .arg("--config")
        .arg(&setup.config)
        .args(["report", "--format", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", setup.home.path())
        .env("XDG_DATA_HOME", setup.home.path().join("data"))
        .env("FLOWDECK_NOW", NOW)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("gitlab:group/web failed: token_env names FLOWDECK_TEST_GITLAB_TOKEN"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sources"][0]["status"], "ok");
    assert_eq!(report["sources"][1]["status"], "error");
    assert_eq!(report["window"]["complete"], false);
}
