//! Credentials go only to the configured base URL's scheme, host and port. For every HTTP
//! source, through the binary (`check`, which probes, and `report`, which syncs): a server that
//! answers with a next-page Link to another host (absolute or protocol-relative) or a redirect
//! there (301, 302, 307, 308) gets an error naming that host, and the other host — a second
//! listener — receives no request at all, so no token can reach it.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use std::path::Path;
use std::process::{Command, Output};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-0123456789abcdef";
/// base64("ci-bot:tok-SECRET-0123456789abcdef"), without its padding.
const BASIC: &str = "Y2ktYm90OnRvay1TRUNSRVQtMDEyMzQ1Njc4OWFiY2RlZ";

/// How the configured server tries to send the client elsewhere.
#[derive(Debug, Clone, Copy)]
enum Lure {
    AbsoluteLink,
    ProtocolRelativeLink,
    Redirect(u16),
}

impl Lure {
    fn all() -> Vec<Lure> {
        vec![
            Lure::AbsoluteLink,
            Lure::ProtocolRelativeLink,
            Lure::Redirect(301),
            Lure::Redirect(302),
            Lure::Redirect(307),
            Lure::Redirect(308),
        ]
    }

    /// The answer to every request, pointing at `thief` (`127.0.0.1:PORT`).
    fn answer(self, thief: &str, body: &serde_json::Value) -> ResponseTemplate {
        match self {
            Lure::AbsoluteLink => ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<http://{thief}/steal?page=2>; rel=\"next\""),
                )
                .set_body_json(body),
            Lure::ProtocolRelativeLink => ResponseTemplate::new(200)
                .insert_header("link", format!("<//{thief}/steal?page=2>; rel=\"next\""))
                .set_body_json(body),
            Lure::Redirect(status) => ResponseTemplate::new(status)
                .insert_header("location", format!("http://{thief}/steal")),
        }
    }
}

/// One source kind: its config (with `{url}` for the server) and a body its first request
/// parses (so a Link lure is met on a good answer).
struct Kind {
    name: &'static str,
    config: &'static str,
    body: serde_json::Value,
    /// Whether the source pages by Link headers (Jenkins pages by a range in its query and
    /// never reads one: a Link lure must simply lead nowhere).
    follows_links: bool,
}

fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: "github",
            config: "kind = \"github\"\nservice = \"api\"\nrepo = \"acme/api\"\nbase_url = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"id": 1, "full_name": "acme/api", "default_branch": "main", "private": false}),
            follows_links: true,
        },
        Kind {
            name: "gitlab",
            config: "kind = \"gitlab\"\nservice = \"api\"\nproject = \"group/web\"\nbase_url = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"id": 7, "path_with_namespace": "group/web", "default_branch": "main"}),
            follows_links: true,
        },
        Kind {
            name: "pagerduty",
            config: "kind = \"pagerduty\"\nbase_url = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\nservice_map = { \"PXXXXXX\" = \"api\" }\n",
            body: serde_json::json!({"incidents": [], "limit": 100, "offset": 0, "more": false, "services": [], "abilities": []}),
            follows_links: true,
        },
        Kind {
            name: "opsgenie",
            config: "kind = \"opsgenie\"\nbase_url = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\nservice_map = { \"api\" = \"api\" }\n",
            body: serde_json::json!({"data": [], "took": 0.01, "requestId": "r"}),
            follows_links: true,
        },
        Kind {
            name: "circleci",
            config: "kind = \"circleci\"\nservice = \"api\"\nproject = \"gh/acme/api\"\ndeploy_workflows = [\"deploy\"]\nbase_url = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"items": [], "next_page_token": null}),
            // Pages by next_page_token in the body, never by a Link header.
            follows_links: false,
        },
        Kind {
            name: "argocd",
            config: "kind = \"argocd\"\nservice = \"api\"\nbase_url = \"{url}\"\napplication = \"api-production\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"metadata": {"name": "api-production", "namespace": "argocd"}, "spec": {"project": "default"}, "status": {"history": [], "health": {"status": "Healthy"}, "sync": {"status": "Synced"}}}),
            // One application, one request: no paging at all.
            follows_links: false,
        },
        Kind {
            name: "prometheus",
            config: "kind = \"prometheus\"\nurl = \"{url}\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": []}}),
            follows_links: true,
        },
        Kind {
            name: "jenkins",
            config: "kind = \"jenkins\"\nservice = \"api\"\nbase_url = \"{url}\"\ndeploy_job = \"deploy/api\"\nuser = \"ci-bot\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "allBuilds": []}),
            follows_links: false,
        },
        Kind {
            name: "buildkite",
            config: "kind = \"buildkite\"\nservice = \"api\"\nbase_url = \"{url}\"\norganization = \"acme\"\ndeploy_pipeline = \"api-deploy\"\ntoken_env = \"FD_SCOPE_TOKEN\"\n",
            body: serde_json::json!([]),
            follows_links: true,
        },
    ]
}

fn write_config(dir: &Path, kind: &Kind, url: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{}.toml", kind.name));
    let text = format!(
        "[general]\nstore = {store:?}\nlog_file = {log:?}\n\n[[services]]\nname = \"api\"\n\n[[sources]]\n{source}",
        store = dir
            .join(format!("{}.sqlite", kind.name))
            .display()
            .to_string(),
        log = dir.join(format!("{}.log", kind.name)).display().to_string(),
        source = kind.config.replace("{url}", url),
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn flowdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        .env("FD_SCOPE_TOKEN", TOKEN)
        .env("FLOWDECK_NOW", "2026-03-31T00:00:00Z")
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env_remove("GITLAB_TOKEN")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_source_follows_a_link_or_redirect_to_another_host() {
    let dir = tempfile::tempdir().unwrap();
    let thief = leaked(MockServer::start().await);
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&thief)
        .await;
    let thief_host = thief.address().to_string();

    for kind in kinds() {
        for lure in Lure::all() {
            let server = leaked(MockServer::start().await);
            Mock::given(any())
                .respond_with(lure.answer(&thief_host, &kind.body))
                .mount(&server)
                .await;
            let config = write_config(dir.path(), &kind, &server.uri());
            let config = config.to_str().unwrap();
            for args in [
                vec!["check", "--config", config],
                vec!["report", "--config", config, "--format", "json"],
            ] {
                let out = flowdeck(&args);
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                let what = format!("{} {lure:?} {}: {text}", kind.name, args[0]);
                let lured = kind.follows_links || matches!(lure, Lure::Redirect(_));
                if lured {
                    assert!(
                        text.contains("another host") && text.contains(&thief_host),
                        "the error names the other host: {what}"
                    );
                }
                assert!(!text.contains(TOKEN), "the token is never shown: {what}");
                // HTTP Basic sends base64("ci-bot:" + token): that must not show either.
                assert!(
                    !text.contains(BASIC),
                    "the Basic credential is never shown: {what}"
                );
                if args[0] == "check" && lured {
                    assert!(!out.status.success(), "check fails: {what}");
                }
                let log = std::fs::read_to_string(dir.path().join(format!("{}.log", kind.name)))
                    .unwrap_or_default();
                assert!(!log.contains(TOKEN), "the token is not logged: {what}");
                assert!(
                    !log.contains(BASIC),
                    "the Basic credential is not logged: {what}"
                );
            }
            assert!(
                !server.received_requests().await.unwrap().is_empty(),
                "{} {lure:?}: the configured server was asked",
                kind.name
            );
            assert_eq!(
                thief.received_requests().await.unwrap().len(),
                0,
                "{} {lure:?}: nothing reached the other host",
                kind.name
            );
        }
    }
}
