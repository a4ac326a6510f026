//! A local Opsgenie: wiremock on 127.0.0.1 answering `GET /v2/alerts` and `GET /v2/alerts/{id}`
//! like the Alert API v2 — alerts shaped as Opsgenie sends them (tinyId, alias, tags, teams,
//! responders, integration, report with ackTime/closeTime in milliseconds), `data` with
//! `paging.first/next/last` as absolute URLs, `took` and `requestId`, the search query the
//! source writes (`createdAt >= <ms>`, `priority: Px` alternatives, `tag:<name>`,
//! `status: open`), `limit` (at most 100), `offset` with the 20,000 cap (422 past it),
//! `sort=createdAt`, `order=asc|desc`, Opsgenie's error bodies — and logging every request.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use chrono::DateTime;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The API key the tests configure (through `token_cmd`).
pub const TOKEN: &str = "eb243592-OGTOPSECRET-a551-1afdf565c889";

/// One request the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub status: u16,
    pub authorization: Option<String>,
}

impl Served {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What one alert is, in the tests' words; [`alert`] makes Opsgenie's JSON of it.
#[derive(Debug, Clone)]
pub struct Spec {
    pub id: String,
    pub tiny_id: u64,
    pub message: String,
    pub closed: bool,
    pub acknowledged: bool,
    pub tags: Vec<String>,
    /// RFC 3339 with milliseconds, as Opsgenie writes them.
    pub created_at: String,
    pub updated_at: String,
    pub source: String,
    pub priority: String,
    pub integration: String,
    /// report.closeTime, milliseconds after createdAt.
    pub close_time: Option<i64>,
    pub description: String,
}

/// An alert id shaped like Opsgenie's (a UUID).
pub fn uuid(n: u64) -> String {
    format!("a1b2c3d4-0000-4000-8000-{n:012}")
}

/// An open P1 alert tagged "production", from the "Prometheus" API integration.
pub fn spec(n: u64, message: &str, created_at: &str) -> Spec {
    Spec {
        id: uuid(n),
        tiny_id: n,
        message: message.into(),
        closed: false,
        acknowledged: false,
        tags: vec!["production".into()],
        created_at: created_at.into(),
        updated_at: created_at.into(),
        source: "alertmanager.example.com".into(),
        priority: "P1".into(),
        integration: "Prometheus".into(),
        close_time: None,
        description: format!("{message}: see the runbook"),
    }
}

impl Spec {
    /// Closed `close_ms` after creation (report.closeTime), last updated at `updated_at`.
    pub fn closed(mut self, close_ms: i64, updated_at: &str) -> Spec {
        self.closed = true;
        self.close_time = Some(close_ms);
        self.updated_at = updated_at.into();
        self
    }

    /// Closed without a report (older alerts, some integrations): only updatedAt tells when.
    pub fn closed_without_report(mut self, updated_at: &str) -> Spec {
        self.closed = true;
        self.close_time = None;
        self.updated_at = updated_at.into();
        self
    }

    pub fn acknowledged(mut self, updated_at: &str) -> Spec {
        self.acknowledged = true;
        self.updated_at = updated_at.into();
        self
    }

    pub fn priority(mut self, priority: &str) -> Spec {
        self.priority = priority.into();
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Spec {
        self.tags = tags.iter().map(|t| (*t).to_string()).collect();
        self
    }

    pub fn source(mut self, source: &str) -> Spec {
        self.source = source.into();
        self
    }

    pub fn integration(mut self, name: &str) -> Spec {
        self.integration = name.into();
        self
    }
}

/// An alert as `GET /v2/alerts` lists it (no description: only a single alert has one).
pub fn alert(spec: &Spec) -> Value {
    let mut report = serde_json::Map::new();
    if spec.acknowledged || spec.closed {
        report.insert("ackTime".into(), json!(60_000));
        report.insert("acknowledgedBy".into(), json!("alice@example.com"));
    }
    if let Some(close) = spec.close_time {
        report.insert("closeTime".into(), json!(close));
        report.insert("closedBy".into(), json!("alice@example.com"));
    }
    json!({
        "id": spec.id,
        "tinyId": spec.tiny_id.to_string(),
        "alias": format!("{}-alias", spec.id),
        "message": spec.message,
        "status": if spec.closed { "closed" } else { "open" },
        "acknowledged": spec.acknowledged,
        "isSeen": spec.acknowledged || spec.closed,
        "tags": spec.tags,
        "snoozed": false,
        "count": 1,
        "lastOccurredAt": spec.created_at,
        "createdAt": spec.created_at,
        "updatedAt": spec.updated_at,
        "source": spec.source,
        "owner": if spec.acknowledged { "alice@example.com" } else { "" },
        "priority": spec.priority,
        "teams": [{"id": "8418d193-2dab-4490-b331-8c02cdd196b7"}],
        "responders": [{"type": "team", "id": "8418d193-2dab-4490-b331-8c02cdd196b7"}],
        "integration": {
            "id": "4513b7ea-3b91-438f-b7e4-e3e54af9147c",
            "name": spec.integration,
            "type": "API"
        },
        "report": report,
        "ownerTeamId": "8418d193-2dab-4490-b331-8c02cdd196b7"
    })
}

/// The same alert as `GET /v2/alerts/{id}` gives it: with its description and details.
pub fn alert_detail(alert: &Value, description: &str) -> Value {
    let mut detail = alert.clone();
    detail["description"] = json!(description);
    detail["actions"] = json!(["Restart"]);
    detail["entity"] = json!("");
    detail["details"] = json!({"runbook": "https://runbooks.example.com/alerts"});
    detail
}

pub fn error_body(message: &str) -> Value {
    json!({ "message": message, "took": 0.002, "requestId": "c1a4ce84-8d3c-4d54-a0b1-2cf0e3ac1c44" })
}

/// An alert and what the search looks at, read once.
struct Stored {
    created_ms: i64,
    priority: String,
    tags: Vec<String>,
    open: bool,
    alert: Value,
    description: String,
}

#[derive(Default)]
struct State {
    /// Sorted by (createdAt, id).
    alerts: Vec<Stored>,
    log: Vec<Served>,
    uri: String,
}

pub struct Opsgenie {
    pub server: Leaked<MockServer>,
    state: Arc<Mutex<State>>,
}

struct Api {
    state: Arc<Mutex<State>>,
}

fn millis(value: &Value) -> i64 {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

/// What the search query asks for, in the forms the source writes.
#[derive(Debug, Default)]
struct Search {
    created_from: Option<i64>,
    priorities: Vec<String>,
    tags: Vec<String>,
    open_only: bool,
}

fn parse_search(query: &str) -> Result<Search, String> {
    let mut search = Search::default();
    for part in query.split(" AND ") {
        let part = part.trim();
        if let Some(ms) = part.strip_prefix("createdAt >= ") {
            search.created_from = Some(ms.parse().map_err(|_| format!("bad createdAt: {ms}"))?);
        } else if part == "status: open" {
            search.open_only = true;
        } else if let Some(inner) = part.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
            for alternative in inner.split(" OR ") {
                let alternative = alternative.trim();
                if let Some(p) = alternative.strip_prefix("priority: ") {
                    search.priorities.push(p.to_string());
                } else if let Some(tag) = alternative.strip_prefix("tag:") {
                    search.tags.push(tag.to_string());
                } else {
                    return Err(format!("unknown term {alternative:?}"));
                }
            }
        } else {
            return Err(format!("unknown term {part:?}"));
        }
    }
    Ok(search)
}

impl Api {
    fn list(&self, state: &State, query: &[(String, String)]) -> (u16, Value) {
        let one = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let search = match parse_search(one("query").unwrap_or("")) {
            Ok(search) => search,
            Err(why) => return (422, error_body(&format!("Invalid query: {why}"))),
        };
        let limit: usize = one("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(20)
            .min(100);
        let offset: usize = one("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        if offset + limit > 20_000 {
            return (
                422,
                error_body("offset + limit must be less than or equal to 20000"),
            );
        }
        let mut matching: Vec<&Value> = state
            .alerts
            .iter()
            .filter(|s| {
                search.created_from.is_none_or(|from| s.created_ms >= from)
                    && (search.priorities.is_empty() || search.priorities.contains(&s.priority))
                    && search.tags.iter().all(|t| s.tags.contains(t))
                    && (!search.open_only || s.open)
            })
            .map(|s| &s.alert)
            .collect();
        if one("order") == Some("desc") {
            matching.reverse();
        }
        let total = matching.len();
        let page: Vec<Value> = matching
            .into_iter()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        let link = |offset: usize| {
            let mut url = url::Url::parse(&format!("{}/v2/alerts", state.uri)).unwrap();
            url.query_pairs_mut()
                .append_pair("query", one("query").unwrap_or(""))
                .append_pair("offset", &offset.to_string())
                .append_pair("limit", &limit.to_string())
                .append_pair("sort", one("sort").unwrap_or("createdAt"))
                .append_pair("order", one("order").unwrap_or("desc"));
            url.to_string()
        };
        let mut paging = serde_json::Map::new();
        if offset + page.len() < total {
            paging.insert("next".into(), json!(link(offset + limit)));
        }
        paging.insert("first".into(), json!(link(0)));
        paging.insert(
            "last".into(),
            json!(link(total.saturating_sub(1) / limit * limit)),
        );
        (
            200,
            json!({
                "data": page,
                "paging": paging,
                "took": 0.605,
                "requestId": "9ae63dd7-ed00-4c81-86f0-c4ffd33142c9"
            }),
        )
    }
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (status, body) = if authorization.as_deref() != Some(&format!("GenieKey {TOKEN}")) {
            (401, error_body("Could not authenticate"))
        } else if request.url.path() == "/v2/alerts" {
            self.list(&state, &query)
        } else {
            let id = request.url.path().trim_start_matches("/v2/alerts/");
            match state.alerts.iter().find(|s| s.alert["id"] == id) {
                Some(found) => (
                    200,
                    json!({
                        "data": alert_detail(&found.alert, &found.description),
                        "took": 0.003,
                        "requestId": "2b1d6f04-76b5-4a7e-a3f2-9f0bd5a5b3a1"
                    }),
                ),
                None => (
                    404,
                    error_body(&format!("Alert with id [{id}] does not exist")),
                ),
            }
        };
        state.log.push(Served {
            path: request.url.path().to_string(),
            query,
            status,
            authorization,
        });
        ResponseTemplate::new(status).set_body_raw(
            body.to_string().into_bytes(),
            "application/json;charset=UTF-8",
        )
    }
}

fn stored(spec: &Spec) -> Stored {
    let alert = alert(spec);
    Stored {
        created_ms: millis(&alert["createdAt"]),
        priority: spec.priority.clone(),
        tags: spec.tags.clone(),
        open: !spec.closed,
        description: spec.description.clone(),
        alert,
    }
}

fn sort(alerts: &mut [Stored]) {
    alerts.sort_by(|a, b| {
        (a.created_ms, a.alert["id"].as_str()).cmp(&(b.created_ms, b.alert["id"].as_str()))
    });
}

impl Opsgenie {
    pub async fn start(specs: &[Spec]) -> Opsgenie {
        let server = leaked(MockServer::start().await);
        let mut alerts: Vec<Stored> = specs.iter().map(stored).collect();
        sort(&mut alerts);
        let state = Arc::new(Mutex::new(State {
            alerts,
            log: Vec::new(),
            uri: server.uri(),
        }));
        Mock::given(method("GET"))
            .and(path_regex(r"^/v2/alerts(/[0-9a-f-]+)?$"))
            .respond_with(Api {
                state: state.clone(),
            })
            .with_priority(10)
            .mount(&server)
            .await;
        Opsgenie { server, state }
    }

    /// The base_url to configure: http://127.0.0.1:PORT.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// host:port, as errors name it.
    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    /// Replaces (by id) or adds alerts.
    pub fn upsert(&self, specs: &[Spec]) {
        let mut state = self.state.lock().unwrap();
        for spec in specs {
            let new = stored(spec);
            match state
                .alerts
                .iter_mut()
                .find(|s| s.alert["id"] == new.alert["id"])
            {
                Some(existing) => *existing = new,
                None => state.alerts.push(new),
            }
        }
        sort(&mut state.alerts);
    }

    /// Everything answered by the fake API (not by mocks mounted over it), in order.
    pub fn served(&self) -> Vec<Served> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }

    pub async fn requests(&self) -> usize {
        self.server.received_requests().await.unwrap().len()
    }

    /// Answers the next `times` GETs of `/v2/alerts` with `template` instead of the fake API.
    pub async fn interrupt(&self, template: ResponseTemplate, times: u64) {
        Mock::given(method("GET"))
            .and(path("/v2/alerts"))
            .respond_with(template)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }
}
