//! CircleCI and Argo CD through the binary, end to end: `flowdeck check` probes both and says
//! what it found; `flowdeck report` syncs both into the store and gives the numbers worked out
//! in tests/sources/circleci.rs (service api) and the Argo CD month below (service web); the
//! tokens appear in no output and no log line.

use crate::support::{argocd_server, circleci_server};

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-03-31T00:00:00Z";

struct Setup {
    home: tempfile::TempDir,
    config: PathBuf,
    _cci: circleci_server::Circleci,
    argo: argocd_server::Argocd,
}

impl Setup {
    async fn start() -> Setup {
        let home = tempfile::tempdir().unwrap();
        let cci = circleci_server::Circleci::start(&crate::circleci::march()).await;
        let argo = argocd_server::Argocd::start().await;
        // web: w0 before the window, w1 and w2 inside it, a failed sync, then back to w1.
        argo.sync(
            "b000000000000000000000000000000000000000",
            "2026-02-25T10:00:00Z",
            "2026-02-25T10:02:00Z",
        );
        argo.sync(
            "b100000000000000000000000000000000000001",
            "2026-03-03T10:00:00Z",
            "2026-03-03T10:02:00Z",
        );
        argo.sync(
            "b200000000000000000000000000000000000002",
            "2026-03-06T10:00:00Z",
            "2026-03-06T10:02:00Z",
        );
        argo.fail(
            "b300000000000000000000000000000000000003",
            "2026-03-07T10:00:00Z",
            "2026-03-07T10:05:00Z",
        );
        argo.sync(
            "b100000000000000000000000000000000000001",
            "2026-03-08T10:00:00Z",
            "2026-03-08T10:02:00Z",
        );
        let config = home.path().join("flowdeck.toml");
        let text = format!(
            r#"[general]
store = {store:?}
log_file = {log:?}

[[services]]
name = "api"

[[services]]
name = "web"

[[sources]]
kind = "circleci"
service = "api"
project = "gh/acme/api"
deploy_workflows = ["deploy"]
base_url = {cci:?}
token_env = "FD_CIRCLE_TOKEN"

[[sources]]
kind = "argocd"
service = "web"
base_url = {argo:?}
application = "api-production"
token_env = "FD_ARGO_TOKEN"
"#,
            store = home.path().join("history.sqlite").display().to_string(),
            log = home.path().join("flowdeck.log").display().to_string(),
            cci = cci.uri(),
            argo = argo.uri(),
        );
        std::fs::write(&config, text).unwrap();
        Setup {
            home,
            config,
            _cci: cci,
            argo,
        }
    }

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
            .env("FLOWDECK_LOG", "trace")
            .env("FD_CIRCLE_TOKEN", circleci_server::TOKEN)
            .env("FD_ARGO_TOKEN", argocd_server::TOKEN)
            .output()
            .unwrap()
    }

    fn assert_no_token(&self, out: &Output) {
        let log =
            std::fs::read_to_string(self.home.path().join("flowdeck.log")).unwrap_or_default();
        for text in [
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            log,
        ] {
            assert!(!text.contains("TOPSECRET"), "a token was shown: {text}");
        }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_probes_both_and_report_gives_the_hand_computed_numbers() {
    let setup = Setup::start().await;

    let out = setup.flowdeck(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("circleci:gh/acme/api: project gh/acme/api on 127.0.0.1:")
            && stdout.contains("9 pipelines since 2025-12-31T00:00:00Z; newest deploy workflow on_hold 5d 14h ago (pipeline 9)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("argocd:api-production: application api-production (project payments from https://github.com/acme/deploy) on 127.0.0.1:")
            && stdout.contains("4 syncs in history (Argo CD keeps 10), newest 22d 13h ago; health Healthy, sync Synced"),
        "{stdout}"
    );
    setup.assert_no_token(&out);

    let out = setup.flowdeck(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-30",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    setup.assert_no_token(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = report["sources"].as_array().unwrap();
    assert!(sources.iter().all(|s| s["status"] == "ok"), "{sources:#?}");

    // api (CircleCI): 3 deployments, d6 failed by the rollback d7, CI 4 of 6.
    let api = &service(&report, "api")["metrics"];
    assert_eq!(api["deployment_frequency"]["deployments"], 3);
    assert_eq!(api["change_failure_rate"]["failed"], 1);
    assert_eq!(api["ci"]["runs"], 6);
    assert_eq!(api["ci"]["succeeded"], 4);
    assert_eq!(api["lead_time_for_changes"]["median_seconds"], Value::Null);
    // web (Argo CD): w1, w2, w1 again (03-08) in the window; w2 failed by the rollback.
    let web = &service(&report, "web")["metrics"];
    assert_eq!(web["deployment_frequency"]["deployments"], 3);
    assert_eq!(web["change_failure_rate"]["failed"], 1);
    assert_eq!(web["deployment_rework_rate"]["rework"], 1);
    // The failed sync is a failed deploy job, not a deployment.
    let deployments = report["deployments"].as_array().unwrap();
    assert!(
        !deployments
            .iter()
            .any(|d| d["id"] == "argocd:api-production:2026-03-07T10:00:00Z"),
        "a failed deploy job is no deployment"
    );

    // A second report syncs again: one request to Argo CD, nothing new.
    let before = setup.argo.requests().await;
    let out = setup.flowdeck(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-30",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    assert_eq!(setup.argo.requests().await - before, 1);
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["metrics"], report["metrics"]);
}
