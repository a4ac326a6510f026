//! A local CircleCI: wiremock on 127.0.0.1 answering API v2's
//! `GET /api/v2/project/{vcs}/{org}/{repo}/pipeline` and `GET /api/v2/pipeline/{id}/workflow`
//! like circleci.com — pipelines newest first, 20 a page, `{"items": [...],
//! "next_page_token": <opaque>|null}` with `page-token` passed back; pipelines shaped as
//! CircleCI sends them (id, errors, project_slug, updated_at, number, trigger_parameters, state,
//! created_at, trigger, vcs; an errored pipeline has no `vcs`, its sha in
//! `trigger_parameters.git.checkout_sha`); workflows with pipeline_id, canceled_by, id, name,
//! project_slug, errored_by, tag, status, started_by, pipeline_number, created_at, stopped_at;
//! the `Circle-Token` header checked (401 `{"message": "You must log in first."}`), an unknown
//! project 404 `{"message": "Project not found"}` — and every request logged.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token the tests configure.
pub const TOKEN: &str = "CCIPAT_CCTOPSECRET_0123456789abcdef";
pub const SLUG: &str = "gh/acme/api";
/// Items per page, as CircleCI serves them.
pub const PAGE: usize = 20;

/// One request the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub path: String,
    pub page_token: Option<String>,
    pub status: u16,
    pub token: Option<String>,
}

/// One workflow run, in the tests' words.
#[derive(Debug, Clone)]
pub struct Wf {
    pub id: String,
    pub name: String,
    pub status: String,
    pub created_at: String,
    pub stopped_at: Option<String>,
}

/// A workflow `name` of `status`, created at `created`, stopped `minutes` later (None: running).
pub fn wf(id: &str, name: &str, status: &str, created: &str, minutes: Option<i64>) -> Wf {
    let stopped = minutes.map(|m| {
        (chrono::DateTime::parse_from_rfc3339(created).unwrap() + chrono::Duration::minutes(m))
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    });
    Wf {
        id: id.into(),
        name: name.into(),
        status: status.into(),
        created_at: created.into(),
        stopped_at: stopped,
    }
}

/// One pipeline and its workflows.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub number: u64,
    pub sha: String,
    pub branch: String,
    pub created_at: String,
    /// A config error: state "errored", no vcs block, no workflows.
    pub errored: bool,
    pub workflows: Vec<Wf>,
}

pub fn pipeline_id(number: u64) -> String {
    format!("5034460f-c7c4-4c43-9457-{number:012}")
}

pub fn pipe(number: u64, sha: &str, created: &str, workflows: Vec<Wf>) -> Pipe {
    Pipe {
        number,
        sha: sha.into(),
        branch: "main".into(),
        created_at: created.into(),
        errored: false,
        workflows,
    }
}

impl Pipe {
    pub fn errored(mut self) -> Pipe {
        self.errored = true;
        self.workflows.clear();
        self
    }
}

/// A pipeline as the listing gives it.
pub fn pipeline_json(p: &Pipe) -> Value {
    let id = pipeline_id(p.number);
    let mut value = json!({
        "id": id,
        "errors": if p.errored {
            json!([{"type": "config", "message": "Config does not conform to schema: {:workflows {:build {:jobs [{:test \"Expected a job name\"}]}}}"}])
        } else {
            json!([])
        },
        "project_slug": SLUG,
        "updated_at": p.created_at,
        "number": p.number,
        "trigger_parameters": {
            "circleci": {"event_time": p.created_at, "event_type": "push", "trigger_type": "github_app", "actor_id": "ae1b6d45-fb5b-4c6a-8a5c-1b1f5c7d0001"},
            "git": {"commit_sha": p.sha, "branch": p.branch, "ref": format!("refs/heads/{}", p.branch), "checkout_sha": p.sha, "repo_name": "api", "repo_url": "https://github.com/acme/api"},
            "webhook": {"body": "{}"}
        },
        "state": if p.errored { "errored" } else { "created" },
        "created_at": p.created_at,
        "trigger": {
            "type": "webhook",
            "received_at": p.created_at,
            "actor": {"login": "alice", "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4"}
        }
    });
    if !p.errored {
        value["vcs"] = json!({
            "provider_name": "GitHub",
            "target_repository_url": "https://github.com/acme/api",
            "branch": p.branch,
            "revision": p.sha,
            "commit": {"subject": "Ship it", "body": ""},
            "origin_repository_url": "https://github.com/acme/api"
        });
    }
    value
}

pub fn workflow_json(p: &Pipe, w: &Wf) -> Value {
    json!({
        "pipeline_id": pipeline_id(p.number),
        "canceled_by": if w.status == "canceled" { json!("ae1b6d45-fb5b-4c6a-8a5c-1b1f5c7d0001") } else { Value::Null },
        "id": w.id,
        "name": w.name,
        "project_slug": SLUG,
        "errored_by": Value::Null,
        "tag": Value::Null,
        "status": w.status,
        "started_by": "ae1b6d45-fb5b-4c6a-8a5c-1b1f5c7d0001",
        "pipeline_number": p.number,
        "created_at": w.created_at,
        "stopped_at": w.stopped_at,
        "auto_rerun_number": 0,
        "max_auto_reruns": 0
    })
}

#[derive(Default)]
struct State {
    /// Newest first.
    pipes: Vec<Pipe>,
    log: Vec<Served>,
}

/// An opaque next-page token, as CircleCI's look (base64-ish); it encodes the offset.
fn token_for(offset: usize) -> String {
    format!("AARLwwV{offset:08}PageTok")
}

fn offset_of(token: Option<&str>) -> Option<usize> {
    match token {
        None => Some(0),
        Some(t) => t
            .strip_prefix("AARLwwV")
            .and_then(|r| r.strip_suffix("PageTok"))
            .and_then(|n| n.parse().ok()),
    }
}

fn page(items: Vec<Value>, offset: usize) -> Value {
    let total = items.len();
    let slice: Vec<Value> = items.into_iter().skip(offset).take(PAGE).collect();
    let next = (offset + PAGE < total).then(|| token_for(offset + PAGE));
    json!({"items": slice, "next_page_token": next})
}

struct Api {
    state: Arc<Mutex<State>>,
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let path = request.url.path().to_string();
        let page_token = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page-token")
            .map(|(_, v)| v.into_owned());
        let token = request
            .headers
            .get("circle-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (status, body) = if token.as_deref() != Some(TOKEN) {
            (401, json!({"message": "You must log in first."}))
        } else if let Some(offset) = offset_of(page_token.as_deref()) {
            if path == format!("/api/v2/project/{SLUG}/pipeline") {
                let items = state.pipes.iter().map(pipeline_json).collect();
                (200, page(items, offset))
            } else if path.starts_with("/api/v2/project/") {
                (404, json!({"message": "Project not found"}))
            } else {
                let id = path
                    .trim_start_matches("/api/v2/pipeline/")
                    .trim_end_matches("/workflow");
                match state.pipes.iter().find(|p| pipeline_id(p.number) == id) {
                    Some(p) => {
                        let items = p.workflows.iter().map(|w| workflow_json(p, w)).collect();
                        (200, page(items, offset))
                    }
                    None => (404, json!({"message": "Pipeline not found"})),
                }
            }
        } else {
            (400, json!({"message": "Invalid page-token"}))
        };
        state.log.push(Served {
            path,
            page_token,
            status,
            token,
        });
        ResponseTemplate::new(status).set_body_raw(
            body.to_string().into_bytes(),
            "application/json;charset=utf-8",
        )
    }
}

fn newest_first(pipes: &mut [Pipe]) {
    pipes.sort_by_key(|p| std::cmp::Reverse(p.number));
}

pub struct Circleci {
    pub server: Leaked<MockServer>,
    state: Arc<Mutex<State>>,
}

impl Circleci {
    pub async fn start(pipes: &[Pipe]) -> Circleci {
        Circleci::on(leaked(MockServer::start().await), pipes).await
    }

    /// The fake API on a server already started (on a listener the test chose).
    pub async fn on(server: Leaked<MockServer>, pipes: &[Pipe]) -> Circleci {
        let mut pipes = pipes.to_vec();
        newest_first(&mut pipes);
        let state = Arc::new(Mutex::new(State {
            pipes,
            log: Vec::new(),
        }));
        Mock::given(method("GET"))
            .and(path_regex(
                r"^/api/v2/(project/.+/pipeline|pipeline/[0-9a-f-]+/workflow)$",
            ))
            .respond_with(Api {
                state: state.clone(),
            })
            .with_priority(10)
            .mount(&server)
            .await;
        Circleci { server, state }
    }

    /// The base_url to configure: http://127.0.0.1:PORT.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// host:port, as errors name it.
    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    /// Replaces (by number) or adds pipelines.
    pub fn upsert(&self, pipes: &[Pipe]) {
        let mut state = self.state.lock().unwrap();
        for p in pipes {
            match state.pipes.iter_mut().find(|s| s.number == p.number) {
                Some(existing) => *existing = p.clone(),
                None => state.pipes.push(p.clone()),
            }
        }
        newest_first(&mut state.pipes);
    }

    /// Everything answered by the fake API (not by mocks mounted over it), in order.
    pub fn served(&self) -> Vec<Served> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }

    /// Answers the next `times` GETs of the pipeline list (`workflows = false`) or of any
    /// pipeline's workflows with `template` instead of the fake API.
    pub async fn interrupt(&self, template: ResponseTemplate, times: u64, workflows: bool) {
        let pattern = if workflows {
            r"^/api/v2/pipeline/[0-9a-f-]+/workflow$"
        } else {
            r"^/api/v2/project/.+/pipeline$"
        };
        Mock::given(method("GET"))
            .and(path_regex(pattern))
            .respond_with(template)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }
}
