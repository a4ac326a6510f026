//! A local PagerDuty: wiremock on 127.0.0.1 answering `GET /incidents` and `GET /incidents/{id}`
//! like the REST API v2 — incidents shaped as PagerDuty sends them (references with type, self
//! and html_url, assignments, escalation policy, priority objects), `since`/`until` over
//! `created_at` with the 6-month limit (400 past it), `urgencies[]`, `statuses[]`,
//! `service_ids[]`, `sort_by=created_at`, classic offset paging (`limit`, `offset`, `more`,
//! `total` only with `total=true`, 400 past offset + limit = 10,000), PagerDuty's error bodies
//! and its `ratelimit-*` headers — and logging every request it answered.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The API key the tests configure (through `token_cmd`).
pub const TOKEN: &str = "u+PDTOPSECRET-k3y_0123456789";
/// PagerDuty's account subdomain in html_url values.
pub const WEB: &str = "https://acme.pagerduty.com";

/// One request the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub path: String,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    pub status: u16,
    pub authorization: Option<String>,
    pub accept: Option<String>,
}

impl Served {
    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter (`urgencies[]`).
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn time(&self, name: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(self.param(name).unwrap())
            .unwrap()
            .to_utc()
    }
}

/// What one incident is, in the tests' words; [`incident`] makes PagerDuty's JSON of it.
#[derive(Debug, Clone)]
pub struct Spec {
    pub id: String,
    pub number: u64,
    pub title: String,
    /// "triggered", "acknowledged", "resolved".
    pub status: String,
    pub urgency: String,
    /// Priority name ("P1"), or none (accounts without priorities).
    pub priority: Option<String>,
    pub service_id: String,
    pub service_name: String,
    pub created_at: String,
    /// Null unless resolved; `None` with status "resolved" leaves it null (older incidents).
    pub resolved_at: Option<String>,
    pub last_status_change_at: String,
    pub description: Option<String>,
}

/// A resolved high-urgency incident without priority on service PAPI01 "Payments API".
pub fn spec(id: &str, number: u64, title: &str, created_at: &str) -> Spec {
    Spec {
        id: id.into(),
        number,
        title: title.into(),
        status: "resolved".into(),
        urgency: "high".into(),
        priority: None,
        service_id: "PAPI01".into(),
        service_name: "Payments API".into(),
        created_at: created_at.into(),
        resolved_at: None,
        last_status_change_at: created_at.into(),
        description: None,
    }
}

impl Spec {
    pub fn resolved(mut self, at: &str) -> Spec {
        self.status = "resolved".into();
        self.resolved_at = Some(at.into());
        self.last_status_change_at = at.into();
        self
    }

    /// Resolved, with `resolved_at` null and only `last_status_change_at` telling when.
    pub fn resolved_without_resolved_at(mut self, last_change: &str) -> Spec {
        self.status = "resolved".into();
        self.resolved_at = None;
        self.last_status_change_at = last_change.into();
        self
    }

    pub fn open(mut self, status: &str, last_change: &str) -> Spec {
        self.status = status.into();
        self.resolved_at = None;
        self.last_status_change_at = last_change.into();
        self
    }

    pub fn urgency(mut self, urgency: &str) -> Spec {
        self.urgency = urgency.into();
        self
    }

    pub fn priority(mut self, priority: &str) -> Spec {
        self.priority = Some(priority.into());
        self
    }

    pub fn service(mut self, id: &str, name: &str) -> Spec {
        self.service_id = id.into();
        self.service_name = name.into();
        self
    }

    pub fn description(mut self, text: &str) -> Spec {
        self.description = Some(text.into());
        self
    }
}

fn reference(kind: &str, id: &str, summary: &str, collection: &str, web: &str) -> Value {
    json!({
        "id": id,
        "type": format!("{kind}_reference"),
        "summary": summary,
        "self": format!("https://api.pagerduty.com/{collection}/{id}"),
        "html_url": format!("{WEB}/{web}/{id}"),
    })
}

/// An incident as `GET /incidents` lists it.
pub fn incident(spec: &Spec) -> Value {
    let priority = spec.priority.as_ref().map_or(Value::Null, |name| {
        json!({
            "id": format!("PPRI{name}"),
            "type": "priority",
            "summary": name,
            "self": format!("https://api.pagerduty.com/priorities/PPRI{name}"),
            "html_url": null,
            "account_id": "PACCT01",
            "color": "a8171c",
            "created_at": "2024-04-25T09:32:05Z",
            "description": "",
            "name": name,
            "order": 1,
            "schema_version": 0,
            "updated_at": "2024-04-25T09:32:05Z"
        })
    });
    let user = reference("user", "PUSER01", "Alice Oncall", "users", "users");
    json!({
        "id": spec.id,
        "type": "incident",
        "summary": format!("[#{}] {}", spec.number, spec.title),
        "self": format!("https://api.pagerduty.com/incidents/{}", spec.id),
        "html_url": format!("{WEB}/incidents/{}", spec.id),
        "incident_number": spec.number,
        "title": spec.title,
        "description": spec.description.clone().unwrap_or_else(|| spec.title.clone()),
        "created_at": spec.created_at,
        "updated_at": spec.last_status_change_at,
        "status": spec.status,
        "incident_key": format!("{:032x}", spec.number * 7919),
        "service": reference("service", &spec.service_id, &spec.service_name, "services", "service-directory"),
        "assignments": if spec.status == "resolved" { json!([]) } else { json!([{
            "at": spec.created_at,
            "assignee": user
        }]) },
        "assigned_via": "escalation_policy",
        "last_status_change_at": spec.last_status_change_at,
        "resolved_at": spec.resolved_at,
        "first_trigger_log_entry": reference("trigger_log_entry", &format!("R{}", spec.id), "Triggered through the API.", "log_entries", "incidents/log_entries"),
        "alert_counts": if spec.status == "resolved" { json!({"all": 1, "triggered": 0, "resolved": 1}) } else { json!({"all": 1, "triggered": 1, "resolved": 0}) },
        "is_mergeable": true,
        "escalation_policy": reference("escalation_policy", "PEPOL01", "Payments on call", "escalation_policies", "escalation_policies"),
        "teams": [reference("team", "PTEAM01", "Payments", "teams", "teams")],
        "pending_actions": [],
        "acknowledgements": [],
        "alert_grouping": null,
        "last_status_change_by": reference("service", &spec.service_id, &spec.service_name, "services", "service-directory"),
        "priority": priority,
        "resolve_reason": null,
        "incidents_responders": [],
        "responder_requests": [],
        "subscriber_requests": [],
        "urgency": spec.urgency
    })
}

/// PagerDuty's error body.
pub fn error_body(message: &str, code: u32, errors: &[&str]) -> Value {
    json!({ "error": { "message": message, "code": code, "errors": errors } })
}

/// An incident and what the listing filters on, read once.
struct Stored {
    created: DateTime<Utc>,
    urgency: String,
    status: String,
    service: String,
    incident: Value,
}

fn stored(incident: Value) -> Stored {
    Stored {
        created: time(&incident["created_at"]),
        urgency: incident["urgency"].as_str().unwrap().to_string(),
        status: incident["status"].as_str().unwrap().to_string(),
        service: incident["service"]["id"].as_str().unwrap().to_string(),
        incident,
    }
}

#[derive(Default)]
struct State {
    /// Sorted by (created_at, id): what sort_by=created_at gives.
    incidents: Vec<Stored>,
    log: Vec<Served>,
    remaining: u64,
}

pub struct Pagerduty {
    pub server: Leaked<MockServer>,
    state: Arc<Mutex<State>>,
}

struct Api {
    state: Arc<Mutex<State>>,
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .to_utc()
}

fn bad_request(message: &str) -> (u16, Value) {
    (400, error_body("Invalid Input Provided", 2001, &[message]))
}

impl Api {
    fn list(&self, state: &State, query: &[(String, String)]) -> (u16, Value) {
        let one = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let all = |name: &str| -> Vec<&str> {
            query
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let parse = |v: &str| DateTime::parse_from_rfc3339(v).map(|t| t.to_utc());
        let (Some(Ok(since)), Some(Ok(until))) = (one("since").map(parse), one("until").map(parse))
        else {
            return bad_request("since and until are required in these tests");
        };
        if until - since > chrono::Duration::days(183) {
            return bad_request("Date range must not exceed 6 months");
        }
        let limit: usize = one("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(25)
            .min(100);
        let offset: usize = one("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
        if offset + limit > 10_000 {
            return bad_request("Offset must be less than 10000 - limit");
        }
        let (urgencies, statuses, services) =
            (all("urgencies[]"), all("statuses[]"), all("service_ids[]"));
        let matching: Vec<&Value> = state
            .incidents
            .iter()
            .filter(|s| {
                since <= s.created
                    && s.created <= until
                    && (urgencies.is_empty() || urgencies.contains(&s.urgency.as_str()))
                    && (statuses.is_empty() || statuses.contains(&s.status.as_str()))
                    && (services.is_empty() || services.contains(&s.service.as_str()))
            })
            .map(|s| &s.incident)
            .collect();
        let total = matching.len();
        let page: Vec<Value> = matching
            .into_iter()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        let more = offset + page.len() < total;
        (
            200,
            json!({
                "incidents": page,
                "limit": limit,
                "offset": offset,
                "total": if one("total") == Some("true") { json!(total) } else { Value::Null },
                "more": more
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
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let authorization = header("authorization");
        let (status, body) = if authorization.as_deref() != Some(&format!("Token token={TOKEN}")) {
            (401, error_body("Unauthorized", 2006, &[]))
        } else if request.url.path() == "/incidents" {
            self.list(&state, &query)
        } else {
            let id = request.url.path().trim_start_matches("/incidents/");
            match state.incidents.iter().find(|s| s.incident["id"] == id) {
                Some(found) => (200, json!({ "incident": found.incident })),
                None => (404, error_body("Not Found", 2100, &[])),
            }
        };
        state.remaining = state.remaining.saturating_sub(1);
        state.log.push(Served {
            path: request.url.path().to_string(),
            query,
            status,
            authorization,
            accept: header("accept"),
        });
        ResponseTemplate::new(status)
            .insert_header("ratelimit-limit", "960")
            .insert_header("ratelimit-remaining", state.remaining.to_string().as_str())
            .insert_header("ratelimit-reset", "30")
            .insert_header("x-request-id", "0f3c1b2a-test")
            .set_body_raw(
                body.to_string().into_bytes(),
                "application/json; charset=utf-8",
            )
    }
}

fn sort(incidents: &mut [Stored]) {
    incidents.sort_by(|a, b| {
        (a.created, a.incident["id"].as_str()).cmp(&(b.created, b.incident["id"].as_str()))
    });
}

impl Pagerduty {
    /// A server holding `incidents` (PagerDuty JSON, see [`incident`]).
    pub async fn start(incidents: Vec<Value>) -> Pagerduty {
        let mut incidents: Vec<Stored> = incidents.into_iter().map(stored).collect();
        sort(&mut incidents);
        let server = leaked(MockServer::start().await);
        let state = Arc::new(Mutex::new(State {
            incidents,
            log: Vec::new(),
            remaining: 960,
        }));
        Mock::given(method("GET"))
            .and(path_regex(r"^/incidents(/[A-Z0-9]+)?$"))
            .respond_with(Api {
                state: state.clone(),
            })
            .with_priority(10)
            .mount(&server)
            .await;
        Pagerduty { server, state }
    }

    /// The base_url to configure: http://127.0.0.1:PORT.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// host:port, as errors name it.
    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    /// Replaces (by id) or adds incidents.
    pub fn upsert(&self, incidents: Vec<Value>) {
        let mut state = self.state.lock().unwrap();
        for incident in incidents {
            let new = stored(incident);
            match state
                .incidents
                .iter_mut()
                .find(|s| s.incident["id"] == new.incident["id"])
            {
                Some(existing) => *existing = new,
                None => state.incidents.push(new),
            }
        }
        sort(&mut state.incidents);
    }

    /// Everything answered by the fake API (not by mocks mounted over it), in order.
    pub fn served(&self) -> Vec<Served> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }

    /// Every request that reached the server, mocks over the fake API included.
    pub async fn requests(&self) -> usize {
        self.server.received_requests().await.unwrap().len()
    }

    /// Answers the next `times` GETs of `/incidents` with `template` instead of the fake API.
    pub async fn interrupt(&self, template: ResponseTemplate, times: u64) {
        Mock::given(method("GET"))
            .and(path("/incidents"))
            .respond_with(template)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }
}
