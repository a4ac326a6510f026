//! Generated GitHub repositories for counting requests at scale: `acme/<name>` with N successful
//! production deployments inside a 90-day backfill (plus one older, the baseline), each shipping
//! one commit, and no runs, pull requests or incidents. Answers are computed from the request
//! path (a handful of regex mocks instead of thousands of fixed ones), with ETags and 304s like
//! the fixed pages.

use super::leaked::{Leaked, leaked};
use chrono::Duration;
use flowdeck::model::Timestamp;
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::github_payloads::{self as gh, REPO_ID, sha};
use super::github_server::{Page, link};

pub const NOW: &str = "2026-03-31T00:00:00Z";
pub const BACKFILL_DAYS: i64 = 90;

/// How many deployments inside the backfill a repository named so has: "big" 1,000, others 3.
pub fn deployments_of(repo: &str) -> u64 {
    if repo == "big" { 1000 } else { 3 }
}

fn horizon() -> Timestamp {
    NOW.parse::<Timestamp>().unwrap_or_default() - Duration::days(BACKFILL_DAYS)
}

/// Deployment k (0 = the one before the horizon, 1..=n inside it), id 1000 + k.
fn created(k: u64) -> Timestamp {
    if k == 0 {
        horizon() - Duration::hours(12)
    } else {
        horizon() + Duration::seconds(7770 * k as i64)
    }
}

fn time(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn deploy_sha(repo: &str, k: u64) -> String {
    sha(&format!("{repo} {k}"))
}

/// What a request asks of a generated repository: the body and Link header, or None (404).
fn answer(base: &str, request: &Request) -> Option<(Value, Option<String>)> {
    let path = request.url.path();
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let param = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let rest = path.strip_prefix("/repos/acme/")?;
    let (repo, rest) = rest.split_once('/')?;
    let n = deployments_of(repo);
    let deployment = |k: u64| {
        gh::deployment(
            base,
            repo,
            1000 + k,
            &deploy_sha(repo, k),
            &format!("v1.{k}.0"),
            "production",
            &time(created(k)),
            true,
        )
    };
    match rest {
        "deployments" => match param("environment") {
            None => Some((
                json!((0..=n.min(99)).rev().map(deployment).collect::<Vec<_>>()),
                None,
            )),
            Some("production") => {
                let page: u64 = param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
                let total = n + 1;
                let last = total.div_ceil(100);
                let items: Vec<Value> = (0..total)
                    .rev()
                    .skip(((page - 1) * 100) as usize)
                    .take(100)
                    .map(deployment)
                    .collect();
                let url = format!(
                    "{base}/repos/acme/{repo}/deployments?environment=production&per_page=100"
                );
                Some((json!(items), link(&url, page as u32, last as u32)))
            }
            Some(_) => Some((json!([]), None)),
        },
        "actions/runs" => Some((gh::workflow_runs(0, Vec::new()), None)),
        "pulls" | "issues" => Some((json!([]), None)),
        _ => {
            if let Some(id) = rest
                .strip_prefix("deployments/")
                .and_then(|r| r.strip_suffix("/statuses"))
                .and_then(|id| id.parse::<u64>().ok())
            {
                let k = id.checked_sub(1000)?;
                let at = created(k);
                let status = |sid: u64, state: &str, t: Timestamp| {
                    gh::deployment_status(base, repo, id, sid, state, "production", &time(t), "")
                };
                return Some((
                    json!([
                        status(id * 10 + 1, "success", at + Duration::minutes(5)),
                        status(id * 10, "in_progress", at + Duration::minutes(1)),
                    ]),
                    None,
                ));
            }
            let range = rest.strip_prefix("compare/")?;
            let (from, to) = range.split_once("...")?;
            let k = (1..=n).find(|&k| deploy_sha(repo, k) == to)?;
            let commit = gh::commit(
                base,
                repo,
                to,
                "Ann",
                &time(created(k) - Duration::hours(1)),
                &time(created(k) - Duration::hours(1)),
                &format!("Change {k} (#{k})"),
                &[from.to_string()],
            );
            Some((gh::comparison(base, repo, from, to, 1, vec![commit]), None))
        }
    }
}

struct Generated {
    base: String,
    /// How long each answer takes (a slow server, for watching a backfill's progress).
    delay: std::time::Duration,
}

impl Respond for Generated {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match answer(&self.base, request) {
            Some((body, link)) => Page::new(&body, link)
                .respond(request)
                .set_delay(self.delay),
            None => ResponseTemplate::new(404).set_body_json(json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest",
                "status": "404"
            })),
        }
    }
}

/// A server with every generated repository.
pub async fn start() -> Leaked<MockServer> {
    let server = leaked(MockServer::start().await);
    mount(&server).await;
    server
}

/// Every generated repository, on a server of the caller's.
pub async fn mount(server: &MockServer) {
    mount_slow(server, std::time::Duration::ZERO).await;
}

/// Every generated repository, each answer taking `delay`.
pub async fn mount_slow(server: &MockServer, delay: std::time::Duration) {
    Mock::given(method("GET"))
        .and(path_regex(r"^/repos/acme/[^/]+/"))
        .respond_with(Generated {
            base: server.uri(),
            delay,
        })
        .mount(server)
        .await;
    let _ = REPO_ID;
}
