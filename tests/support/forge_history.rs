//! One straight line of commits served as a forge's compare API, for the compare fallback's
//! tests (docs/METRICS.md#deployments-that-name-only-a-sha): a GitHub look-alike
//! (`/repos/acme/api/compare/{base}...{head}`, paged by `per_page`/`page` with GitHub's Link
//! header pointing at `/repositories/{id}/…` as github.com does, `status` ahead, behind or
//! identical, `total_commits`) and a GitLab look-alike
//! (`/api/v4/projects/group%2Fweb/repository/compare?from=&to=&straight=false`). A sha not on
//! the line (force-pushed away) is a 404 with the forge's body. Everything else the sources
//! read on a sync is empty, so their own data stays out of the numbers.

use super::github_payloads::{self as gh, REPO_ID};
use super::github_server::{Page, link};
use super::gitlab_payloads::{self as gl, ALICE};
use super::gitlab_server::{Gitlab, PROJECT_PATH};
use super::leaked::{Leaked, leaked};

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The line, oldest first: (sha, author date RFC 3339).
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub commits: Vec<(String, String)>,
}

impl Line {
    /// Adds a commit named `name` (its sha is derived from the name) authored at `at`.
    pub fn commit(&mut self, name: &str, at: &str) -> String {
        let sha = gh::sha(&format!("line {name}"));
        self.commits.push((sha.clone(), at.to_string()));
        sha
    }

    fn position(&self, sha: &str) -> Option<usize> {
        self.commits
            .iter()
            .position(|(s, _)| s.eq_ignore_ascii_case(sha))
    }

    /// The commits of `base...head` oldest first and how head stands to base; None when a sha
    /// is not on the line.
    fn compare(&self, base: &str, head: &str) -> Option<(Vec<(String, String)>, &'static str)> {
        let (from, to) = (self.position(base)?, self.position(head)?);
        Some(match to.cmp(&from) {
            std::cmp::Ordering::Greater => (self.commits[from + 1..=to].to_vec(), "ahead"),
            std::cmp::Ordering::Less => (Vec::new(), "behind"),
            std::cmp::Ordering::Equal => (Vec::new(), "identical"),
        })
    }
}

/// The requests a server was sent whose path or query names a compare.
pub async fn compares(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().contains("compare"))
        .count()
}

struct GithubLine {
    base: String,
    line: Line,
}

impl GithubLine {
    fn answer(&self, request: &Request) -> Option<(Value, Option<String>)> {
        let path = request.url.path();
        let rest = path
            .strip_prefix("/repos/acme/api/")
            .or_else(|| path.strip_prefix(&format!("/repositories/{REPO_ID}/")))?;
        let param = |key: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        match rest {
            "deployments" | "pulls" | "issues" => Some((json!([]), None)),
            "actions/runs" => Some((gh::workflow_runs(0, Vec::new()), None)),
            _ => {
                let range = rest.strip_prefix("compare/")?;
                let (from, to) = range.split_once("...")?;
                let (commits, status) = self.line.compare(from, to)?;
                // Unpaged GitHub lists 250 commits; paged, per_page of them (at most 100).
                let per_page: usize = param("per_page")
                    .and_then(|p| p.parse().ok())
                    .map_or(250, |p: usize| p.clamp(1, 100));
                let page: usize = param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
                let pages = commits.len().div_ceil(per_page).max(1);
                let listed: Vec<Value> = commits
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .map(|(sha, at)| {
                        let parent = self
                            .line
                            .position(sha)
                            .and_then(|i| i.checked_sub(1))
                            .map(|i| vec![self.line.commits[i].0.clone()])
                            .unwrap_or_default();
                        gh::commit(
                            &self.base,
                            "api",
                            sha,
                            "Ann",
                            at,
                            at,
                            &format!("Change {}", &sha[..7]),
                            &parent,
                        )
                    })
                    .collect();
                let mut body = gh::comparison(&self.base, "api", from, to, commits.len(), listed);
                body["status"] = json!(status);
                if status == "behind" {
                    let behind = self.line.position(from)? - self.line.position(to)?;
                    body["ahead_by"] = json!(0);
                    body["behind_by"] = json!(behind);
                }
                let next = param("per_page").and_then(|_| {
                    link(
                        &format!(
                            "{}/repositories/{REPO_ID}/compare/{from}...{to}?per_page={per_page}",
                            self.base
                        ),
                        page as u32,
                        pages as u32,
                    )
                });
                Some((body, next))
            }
        }
    }
}

impl Respond for GithubLine {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.answer(request) {
            Some((body, link)) => Page::new(&body, link).respond(request),
            None => ResponseTemplate::new(404).set_body_json(json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest/commits/commits#compare-two-commits",
                "status": "404"
            })),
        }
    }
}

/// A GitHub serving `acme/api` with `line` as its history and nothing else.
pub async fn github(line: Line) -> Leaked<MockServer> {
    let server = leaked(MockServer::start().await);
    Mock::given(method("GET"))
        .and(path_regex(format!(
            r"^/(repos/acme/api|repositories/{REPO_ID})/"
        )))
        .respond_with(GithubLine {
            base: server.uri(),
            line,
        })
        .mount(&server)
        .await;
    server
}

struct GitlabLine {
    line: Line,
}

impl Respond for GitlabLine {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |key: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let Some((commits, _)) = self.line.compare(&param("from"), &param("to")) else {
            return ResponseTemplate::new(404)
                .set_body_json(json!({"message": "404 Commit Not Found"}));
        };
        let listed: Vec<Value> = commits
            .iter()
            .map(|(sha, at)| {
                let mut commit = gl::commit(
                    sha,
                    &format!("Change {}", &sha[..7]),
                    "",
                    ALICE,
                    at,
                    at,
                    &[],
                );
                // gl::commit names commits; the line's are shas already.
                commit["id"] = json!(sha);
                commit["short_id"] = json!(&sha[..8]);
                commit
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(gl::compare(listed))
    }
}

/// A GitLab serving project group/web with `line` as its history and nothing else.
pub async fn gitlab(line: Line) -> Gitlab {
    let gitlab = Gitlab::start().await;
    gitlab.object(PROJECT_PATH, &[], gl::project()).await;
    Mock::given(method("GET"))
        .and(path(format!("{PROJECT_PATH}/repository/compare")))
        .respond_with(GitlabLine { line })
        .with_priority(1)
        .mount(&gitlab.server)
        .await;
    // Every list the source reads is empty.
    Mock::given(method("GET"))
        .and(path_regex(format!(r"^{PROJECT_PATH}/[a-z_]+$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(10)
        .mount(&gitlab.server)
        .await;
    gitlab
}
