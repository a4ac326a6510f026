//! What the notification tests share: a repository whose release v1.2.0 a test can roll back
//! (tag v1.2.1 on the returned commit, and v1.2.0 has failed), and a look-alike webhook
//! server on a runtime of its own (the code under test blocks on its own runtime, or is the
//! binary).

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::gitrepo::GitRepo;
use super::leaked::{Leaked, leaked};

/// v1.0.0, v1.1.0, and v1.2.0 tagged at `last_at`; returns the repository and v1.1.0's commit.
pub fn three_releases(last_at: &str) -> (GitRepo, String) {
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
    repo.tag_annotated("v1.2.0", &third, last_at);
    (repo, second)
}

/// A config reading `repo` as the git source of service "api" into "notify.sqlite", UTC, with
/// `notify` (the [[notify]] entries) after it.
pub fn config(repo: &std::path::Path, notify: &str) -> String {
    format!(
        r#"[general]
timezone = "UTC"
refresh = "1h"
store = "notify.sqlite"
log_file = "flowdeck.log"

[[sources]]
kind = "git"
service = "api"
path = {path:?}

{notify}"#,
        path = repo.display().to_string(),
    )
}

/// A server answering a POST to each `(path, status)` (None: any path), with the runtime it
/// runs on (keep both for the test's life).
pub fn webhook_server(
    routes: &[(Option<&str>, ResponseTemplate)],
) -> (tokio::runtime::Runtime, Leaked<MockServer>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let server = leaked(MockServer::start().await);
        for (route, answer) in routes {
            let mock = match route {
                Some(route) => Mock::given(method("POST")).and(path(*route)),
                None => Mock::given(method("POST")),
            };
            mock.respond_with(answer.clone()).mount(&server).await;
        }
        server
    });
    (runtime, server)
}

/// What the server has received so far.
pub fn received(runtime: &tokio::runtime::Runtime, server: &MockServer) -> Vec<wiremock::Request> {
    runtime
        .block_on(server.received_requests())
        .unwrap_or_default()
}
