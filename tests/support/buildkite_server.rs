//! A local Buildkite REST API v2 (wiremock on 127.0.0.1):
//! `GET /v2/organizations/{org}/pipelines/{pipeline}/builds` with `per_page` (at most 100),
//! `page`, `created_from`, `created_to`, `finished_from` and `state`, newest first (by
//! creation), paged with `Link: <...&page=2>; rel="next"` as Buildkite does, and its rate-limit
//! headers (`RateLimit-Limit: 200`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds). A
//! request without `Authorization: Bearer <TOKEN>` gets 401 `{"message": "Authentication required..."}`.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "bkua_0123456789abcdef0123456789abcdef";

#[derive(Debug, Clone)]
pub struct Build {
    pub number: u64,
    pub state: &'static str,
    pub commit: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct Pipelines {
    /// By slug, builds oldest first.
    pub pipelines: Vec<(String, Vec<Build>)>,
    pub faults: Vec<ResponseTemplate>,
    pub requests: usize,
    /// `http://127.0.0.1:PORT`, for the links it hands out.
    pub base: String,
}

#[derive(Clone)]
pub struct Buildkite {
    pub server: Arc<Leaked<MockServer>>,
    pub state: Arc<Mutex<Pipelines>>,
}

impl Buildkite {
    pub async fn start() -> Buildkite {
        let server = leaked(MockServer::start().await);
        let state = Arc::new(Mutex::new(Pipelines {
            base: server.uri(),
            ..Pipelines::default()
        }));
        Mock::given(any())
            .respond_with(Responder(state.clone()))
            .mount(&server)
            .await;
        Buildkite {
            server: Arc::new(server),
            state,
        }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn set_pipeline(&self, slug: &str, builds: Vec<Build>) {
        let mut state = self.state.lock().unwrap();
        state.pipelines.retain(|(s, _)| s != slug);
        state.pipelines.push((slug.to_string(), builds));
    }

    pub fn fault(&self, answer: ResponseTemplate) {
        self.state.lock().unwrap().faults.push(answer);
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().requests
    }
}

fn build_json(b: &Build, base: &str, org: &str, pipeline: &str) -> Value {
    json!({
        "id": format!("0190{:04x}-0000-4000-8000-{:012x}", b.number % 0xffff, b.number),
        "graphql_id": "QnVpbGQtLS0=",
        "url": format!("{base}/v2/organizations/{org}/pipelines/{pipeline}/builds/{}", b.number),
        "web_url": format!("https://buildkite.com/{org}/{pipeline}/builds/{}", b.number),
        "number": b.number,
        "state": b.state,
        "blocked": false,
        "cancel_reason": null,
        "message": format!("Deploy {}", b.number),
        "commit": b.commit,
        "branch": "main",
        "tag": null,
        "env": {},
        "source": "webhook",
        "creator": null,
        "jobs": [],
        "created_at": b.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "scheduled_at": b.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "started_at": b.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "finished_at": b.finished_at.map(|f| f.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        "meta_data": {},
        "pull_request": null,
        "rebuilt_from": null,
        "pipeline": {"slug": pipeline},
    })
}

struct Responder(Arc<Mutex<Pipelines>>);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        state.requests += 1;
        let remaining = 200usize.saturating_sub(state.requests);
        let limit = |t: ResponseTemplate| {
            t.insert_header("ratelimit-limit", "200")
                .insert_header("ratelimit-remaining", remaining.to_string())
                .insert_header("ratelimit-reset", "42")
        };
        if !state.faults.is_empty() {
            return state.faults.remove(0);
        }
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if auth != Some(&format!("Bearer {TOKEN}")) {
            return limit(ResponseTemplate::new(401)).set_body_json(json!({"message": "Authentication required. Please supply a valid API Access Token: https://buildkite.com/docs/apis/rest-api#authentication"}));
        }
        let parts: Vec<&str> = request.url.path().trim_matches('/').split('/').collect();
        let ["v2", "organizations", org, "pipelines", pipeline, "builds"] = parts[..] else {
            return limit(ResponseTemplate::new(404))
                .set_body_json(json!({"message": "No route matches"}));
        };
        let Some((_, builds)) = state.pipelines.iter().find(|(s, _)| s == pipeline) else {
            return limit(ResponseTemplate::new(404))
                .set_body_json(json!({"message": "No pipeline found"}));
        };
        let query = |key: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let time = |key: &str| query(key).and_then(|v| v.parse::<DateTime<Utc>>().ok());
        let per_page: usize = query("per_page")
            .and_then(|v| v.parse().ok())
            .unwrap_or(30)
            .min(100);
        let page: usize = query("page")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
            .max(1);
        let (created_from, created_to, finished_from) = (
            time("created_from"),
            time("created_to"),
            time("finished_from"),
        );
        let state_filter = query("state");
        let selected: Vec<&Build> = builds
            .iter()
            .rev()
            .filter(|b| created_from.is_none_or(|t| b.created_at >= t))
            .filter(|b| created_to.is_none_or(|t| b.created_at < t))
            .filter(|b| finished_from.is_none_or(|t| b.finished_at.is_some_and(|f| f >= t)))
            .filter(|b| state_filter.as_deref().is_none_or(|s| b.state == s))
            .collect();
        let base = state.base.clone();
        let body: Vec<Value> = selected
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|b| build_json(b, &base, org, pipeline))
            .collect();
        let mut answer = limit(ResponseTemplate::new(200)).set_body_json(body);
        if page * per_page < selected.len() {
            let mut next = url::Url::parse(&format!("{base}{}", request.url.path())).unwrap();
            let pairs: Vec<(String, String)> = request
                .url
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            next.query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair("page", &(page + 1).to_string());
            answer = answer.insert_header("link", format!("<{next}>; rel=\"next\""));
        }
        answer
    }
}
