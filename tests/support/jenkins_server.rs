//! A local Jenkins (wiremock on 127.0.0.1) answering the JSON API's tree query as Jenkins does:
//! `GET /job/<folder>/job/<name>/api/json?tree=allBuilds[...]{M,N}` returns builds M..N-1 of
//! the job, newest first, each with only the fields the tree names (actions it does not select
//! come back as `{}` or with only their `_class`); `tree=allBuilds[number]` every number.
//! HTTP Basic is checked: without the right `user:token`, 403 as Jenkins answers an anonymous
//! request (with its HTML body); a wrong token gets 401.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const USER: &str = "ci-bot";
pub const TOKEN: &str = "11e7f0c0-jenkins-api-token";

/// One build as the server keeps it.
#[derive(Debug, Clone)]
pub struct Build {
    pub number: u64,
    /// Epoch milliseconds.
    pub timestamp: i64,
    pub duration: i64,
    pub building: bool,
    pub result: Option<&'static str>,
    pub sha: Option<String>,
    pub branch: &'static str,
}

impl Build {
    pub fn done(
        number: u64,
        timestamp: i64,
        duration: i64,
        result: &'static str,
        sha: &str,
    ) -> Build {
        Build {
            number,
            timestamp,
            duration,
            building: false,
            result: Some(result),
            sha: Some(sha.to_string()),
            branch: "refs/remotes/origin/main",
        }
    }
}

/// The jobs (by URL path, `/job/deploy/job/api-production`), their builds oldest first.
#[derive(Default)]
pub struct Jobs {
    pub jobs: Vec<(String, Vec<Build>)>,
    /// Answers given before the real ones (faults): each used once.
    pub faults: Vec<ResponseTemplate>,
    pub requests: usize,
    /// `http://127.0.0.1:PORT`, for the build URLs it hands out.
    pub base: String,
}

#[derive(Clone)]
pub struct Jenkins {
    pub server: Arc<Leaked<MockServer>>,
    pub state: Arc<Mutex<Jobs>>,
}

impl Jenkins {
    pub async fn start() -> Jenkins {
        let server = leaked(MockServer::start().await);
        let state = Arc::new(Mutex::new(Jobs {
            base: server.uri(),
            ..Jobs::default()
        }));
        Mock::given(any())
            .respond_with(Responder(state.clone()))
            .mount(&server)
            .await;
        Jenkins {
            server: Arc::new(server),
            state,
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Sets a job's builds (oldest first), by its path as configured (`deploy/api-production`).
    pub fn set_job(&self, path: &str, builds: Vec<Build>) {
        let url: String = path.split('/').map(|p| format!("/job/{p}")).collect();
        let mut state = self.state.lock().unwrap();
        state.jobs.retain(|(p, _)| *p != url);
        state.jobs.push((url, builds));
    }

    pub fn fault(&self, answer: ResponseTemplate) {
        self.state.lock().unwrap().faults.push(answer);
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().requests
    }
}

fn build_json(b: &Build, base: &str, job: &str) -> Value {
    let mut actions = vec![json!({"_class": "hudson.model.CauseAction"}), json!({})];
    if let Some(sha) = &b.sha {
        actions.push(json!({
            "_class": "hudson.plugins.git.util.BuildData",
            "lastBuiltRevision": {"SHA1": sha, "branch": [{"SHA1": sha, "name": b.branch}]}
        }));
    }
    actions.push(json!({"_class": "org.jenkinsci.plugins.workflow.job.views.FlowGraphAction"}));
    json!({
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        "actions": actions,
        "building": b.building,
        "duration": if b.building { 0 } else { b.duration },
        "number": b.number,
        "result": b.result,
        "timestamp": b.timestamp,
        "url": format!("{base}{job}/{}/", b.number),
    })
}

/// `{M,N}` at the end of a tree: builds M..N-1; `{M,}` from M; `{,N}` to N; none: all.
fn range(tree: &str) -> (usize, usize) {
    let Some(open) = tree.rfind('{') else {
        return (0, usize::MAX);
    };
    let inner = tree[open + 1..].trim_end_matches('}');
    let (m, n) = inner.split_once(',').unwrap_or((inner, inner));
    (m.parse().unwrap_or(0), n.parse().unwrap_or(usize::MAX))
}

struct Responder(Arc<Mutex<Jobs>>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        state.requests += 1;
        if !state.faults.is_empty() {
            return state.faults.remove(0);
        }
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{TOKEN}"))
        );
        match request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        {
            None => {
                return ResponseTemplate::new(403)
                    .insert_header("content-type", "text/html;charset=utf-8")
                    .insert_header("x-you-are-authenticated-as", "anonymous")
                    .set_body_string("<html><head><title>Authentication required</title></head><body>Authentication required</body></html>");
            }
            Some(value) if value != expected => {
                return ResponseTemplate::new(401)
                    .insert_header("www-authenticate", "Basic realm=\"Jenkins\"")
                    .set_body_string(
                        "<html><body>Invalid password/token for user: ci-bot</body></html>",
                    );
            }
            Some(_) => {}
        }
        let path = request.url.path().to_string();
        let Some(job) = path.strip_suffix("/api/json") else {
            return ResponseTemplate::new(404).set_body_string("<html>Not Found</html>");
        };
        let Some((_, builds)) = state.jobs.iter().find(|(p, _)| p == job) else {
            return ResponseTemplate::new(404).set_body_string("<html>Not Found</html>");
        };
        let tree = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "tree")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let base = state.base.clone();
        let newest_first: Vec<&Build> = builds.iter().rev().collect();
        let (m, n) = range(&tree);
        let selected: Vec<Value> = newest_first
            .iter()
            .skip(m)
            .take(n.saturating_sub(m))
            .map(|b| {
                if tree.starts_with("allBuilds[number]") {
                    json!({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": b.number})
                } else {
                    build_json(b, &base, job)
                }
            })
            .collect();
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json;charset=utf-8")
            .insert_header("x-jenkins", "2.452.1")
            .set_body_json(json!({
                "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
                "allBuilds": selected,
            }))
    }
}
