//! CircleCI and Argo CD through the binary, end to end: `flowdeck check` probes both and says
//! what it found; `flowdeck report` syncs both into the store and gives the numbers worked out
//! in tests/sources/circleci.rs (service api) and the Argo CD month below (service web); the
//! tokens appear in no output and no log line. Buildkite likewise, with the month of
//! tests/sources/buildkite.rs.

use crate::support::{argocd_server, circleci_server};

use std::path::{Path, PathBuf};
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
        flowdeck_in(
            self.home.path(),
            &self.config,
            args,
            &[
                ("FD_CIRCLE_TOKEN", circleci_server::TOKEN),
                ("FD_ARGO_TOKEN", argocd_server::TOKEN),
            ],
        )
    }

    fn assert_no_token(&self, out: &Output) {
        assert_not_shown(self.home.path(), out, "TOPSECRET");
    }
}

/// The binary at `NOW` with `config`, a home of its own in `home`, nothing of the caller's
/// environment but PATH, tracing into the config's log file, and the `tokens` variables.
pub(crate) fn flowdeck_in(
    home: &Path,
    config: &Path,
    args: &[&str],
    tokens: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
    command
        .arg("--config")
        .arg(config)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("FLOWDECK_NOW", NOW)
        .env("FLOWDECK_LOG", "trace");
    for (name, value) in tokens {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// A config in `home` (history.sqlite and flowdeck.log beside it) with `sources` appended.
pub(crate) fn write_config(home: &Path, sources: &str) -> PathBuf {
    let config = home.join("flowdeck.toml");
    let text = format!(
        "[general]\nstore = {store:?}\nlog_file = {log:?}\n\n[[services]]\nname = \"api\"\n{sources}",
        store = home.join("history.sqlite").display().to_string(),
        log = home.join("flowdeck.log").display().to_string(),
    );
    std::fs::write(&config, text).unwrap();
    config
}

/// Asserts `secret` is in neither output nor the log file.
pub(crate) fn assert_not_shown(home: &Path, out: &Output, secret: &str) {
    let log = std::fs::read_to_string(home.join("flowdeck.log")).unwrap_or_default();
    for text in [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        log,
    ] {
        assert!(!text.contains(secret), "a token was shown: {text}");
    }
}

pub(crate) fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buildkite_check_and_report_through_the_binary() {
    use crate::support::buildkite_server::{Buildkite, TOKEN};
    let home = tempfile::tempdir().unwrap();
    let bk = Buildkite::start().await;
    // The month without the build still running: #7 (a rollback to #3's sha) is the newest.
    bk.set_pipeline("api-deploy", crate::buildkite::deploys()[..7].to_vec());
    bk.set_pipeline("api", crate::buildkite::ci());
    let config = write_config(
        home.path(),
        &format!(
            "\n[[sources]]\nkind = \"buildkite\"\nservice = \"api\"\norganization = \"acme\"\ndeploy_pipeline = \"api-deploy\"\nci_pipelines = [\"api\"]\nbase_url = {:?}\ntoken_env = \"FD_BK_TOKEN\"\n",
            bk.uri()
        ),
    );
    let run = |args: &[&str]| flowdeck_in(home.path(), &config, args, &[("FD_BK_TOKEN", TOKEN)]);

    let out = run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // #7 finished 03-15 12:05, 15 days 11 h 55 min before NOW.
    assert!(
        stdout.contains("buildkite:acme/api-deploy: pipeline acme/api-deploy, newest #7 passed 15d 11h ago; 1 CI pipeline(s) readable; "),
        "{stdout}"
    );
    assert_not_shown(home.path(), &out, TOKEN);

    let out = run(&[
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
    assert_not_shown(home.path(), &out, TOKEN);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = report["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(sources[0]["name"], "buildkite:acme/api-deploy");
    assert_eq!(sources[0]["status"], "ok", "{sources:#?}");
    // March: #3, #6 and #7 deployed; #7 rolls back to #3's sha and so fails #6; #4 failed and
    // #5 was cancelled (deploy jobs, not deployments). CI: #90 passed, #91 failed, #92 skipped.
    let api = &service(&report, "api")["metrics"];
    assert_eq!(api["deployment_frequency"]["deployments"], 3);
    assert_eq!(api["change_failure_rate"]["failed"], 1);
    assert_eq!(api["ci"]["succeeded"], 1);
    // No git, GitHub or GitLab source: the lead time is unknown and the status line says why.
    assert_eq!(api["lead_time_for_changes"]["median_seconds"], Value::Null);
    let said = sources[0]["error"].as_str().unwrap_or_default();
    assert!(said.contains("lead time unknown for api"), "{sources:#?}");
    let ids: Vec<&str> = report["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.iter()
            .filter(|id| id.starts_with("buildkite:acme/api-deploy:"))
            .count(),
        3,
        "{ids:?}"
    );
}
