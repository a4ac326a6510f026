//! A local Argo CD: wiremock on 127.0.0.1 answering `GET /api/v1/applications/{name}` like
//! Argo CD's API server — the Application as Argo CD returns it (metadata, spec with source,
//! destination, syncPolicy and revisionHistoryLimit; status with resources, sync, health,
//! history, reconciledAt, operationState, sourceType, summary), the history trimmed to
//! `revisionHistoryLimit` (default 10) entries with increasing ids as the controller keeps it,
//! `deployStartedAt` equal to the operation's `startedAt`, a Bearer token checked (401 like
//! Argo CD's gRPC gateway: `{"error", "code": 16, "message"}`), an unknown application 404
//! (`code: 5`) — and every request logged.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.ARGOTOPSECRET.sig";
pub const APP: &str = "api-production";
pub const REPO: &str = "https://github.com/acme/deploy";

/// One request the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub path: String,
    pub status: u16,
    pub authorization: Option<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    revision: String,
    started: String,
    deployed: String,
}

struct State {
    history: Vec<Entry>,
    next_id: i64,
    limit: usize,
    operation: Option<Value>,
    health: Value,
    sync_status: String,
    log: Vec<Served>,
}

fn application(state: &State) -> Value {
    let history: Vec<Value> = state
        .history
        .iter()
        .map(|e| {
            json!({
                "revision": e.revision,
                "deployedAt": e.deployed,
                "id": e.id,
                "source": {"repoURL": REPO, "path": "apps/api/production", "targetRevision": "HEAD"},
                "deployStartedAt": e.started,
                "initiatedBy": {"automated": true}
            })
        })
        .collect();
    let revision = state
        .history
        .last()
        .map(|e| e.revision.clone())
        .unwrap_or_default();
    let mut status = json!({
        "resources": [
            {"version": "v1", "kind": "Service", "namespace": "api", "name": "api", "status": "Synced", "health": {"status": "Healthy"}},
            {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "api", "name": "api", "status": "Synced", "health": state.health}
        ],
        "sync": {
            "status": state.sync_status,
            "comparedTo": {"source": {"repoURL": REPO, "path": "apps/api/production", "targetRevision": "HEAD"}, "destination": {"server": "https://kubernetes.default.svc", "namespace": "api"}},
            "revision": revision
        },
        "health": state.health,
        "history": history,
        "reconciledAt": "2026-03-31T00:00:00Z",
        "sourceType": "Kustomize",
        "summary": {"images": ["ghcr.io/acme/api:1.4.2"]},
        "controllerNamespace": "argocd"
    });
    if let Some(op) = &state.operation {
        status["operationState"] = op.clone();
    }
    json!({
        "metadata": {
            "name": APP,
            "namespace": "argocd",
            "uid": "0b4c4b2e-6f0c-4d0f-8b9e-5a3c1d2e0f11",
            "resourceVersion": "1234567",
            "generation": 42,
            "creationTimestamp": "2025-06-01T09:00:00Z",
            "labels": {"team": "payments"}
        },
        "spec": {
            "source": {"repoURL": REPO, "path": "apps/api/production", "targetRevision": "HEAD"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "api"},
            "project": "payments",
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true}},
            "revisionHistoryLimit": state.limit
        },
        "status": status
    })
}

fn operation(
    phase: &str,
    revision: &str,
    started: &str,
    finished: Option<&str>,
    message: &str,
) -> Value {
    let mut op = json!({
        "operation": {
            "sync": {"revision": revision, "syncStrategy": {"hook": {}}},
            "initiatedBy": {"automated": true},
            "retry": {"limit": 5}
        },
        "phase": phase,
        "message": message,
        "startedAt": started
    });
    if let Some(finished) = finished {
        op["finishedAt"] = json!(finished);
        op["syncResult"] = json!({
            "resources": [{"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "api", "name": "api", "status": if phase == "Succeeded" { "Synced" } else { "SyncFailed" }, "message": message, "hookPhase": phase, "syncPhase": "Sync"}],
            "revision": revision,
            "source": {"repoURL": REPO, "path": "apps/api/production", "targetRevision": "HEAD"}
        });
    }
    op
}

struct Api {
    state: Arc<Mutex<State>>,
}

fn grpc_error(code: u16, message: &str) -> Value {
    json!({"error": message, "code": code, "message": message})
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let path = request.url.path().to_string();
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (status, body) = if authorization.as_deref() != Some(&format!("Bearer {TOKEN}")) {
            (
                401,
                grpc_error(16, "invalid session: token signature is invalid"),
            )
        } else if path == format!("/api/v1/applications/{APP}") {
            (200, application(&state))
        } else {
            let name = path.trim_start_matches("/api/v1/applications/");
            (
                404,
                grpc_error(5, &format!("applications.argoproj.io \"{name}\" not found")),
            )
        };
        state.log.push(Served {
            path,
            status,
            authorization,
        });
        ResponseTemplate::new(status)
            .set_body_raw(body.to_string().into_bytes(), "application/json")
    }
}

pub struct Argocd {
    pub server: Leaked<MockServer>,
    state: Arc<Mutex<State>>,
}

impl Argocd {
    pub async fn start() -> Argocd {
        Argocd::on(leaked(MockServer::start().await)).await
    }

    /// The fake API on a server already started (on a listener the test chose).
    pub async fn on(server: Leaked<MockServer>) -> Argocd {
        let state = Arc::new(Mutex::new(State {
            history: Vec::new(),
            next_id: 0,
            limit: 10,
            operation: None,
            health: json!({"status": "Healthy", "lastTransitionTime": "2025-06-01T09:00:00Z"}),
            sync_status: "Synced".into(),
            log: Vec::new(),
        }));
        Mock::given(method("GET"))
            .and(path_regex(r"^/api/v1/applications/[^/]+$"))
            .respond_with(Api {
                state: state.clone(),
            })
            .with_priority(10)
            .mount(&server)
            .await;
        Argocd { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    pub fn set_limit(&self, limit: usize) {
        self.state.lock().unwrap().limit = limit;
    }

    /// A successful sync of `revision` that started at `started` and ended at `deployed`: a new
    /// history entry (the oldest dropped past the limit) and the operation Succeeded.
    pub fn sync(&self, revision: &str, started: &str, deployed: &str) {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        state.history.push(Entry {
            id,
            revision: revision.into(),
            started: started.into(),
            deployed: deployed.into(),
        });
        let limit = state.limit;
        let excess = state.history.len().saturating_sub(limit);
        state.history.drain(..excess);
        state.operation = Some(operation(
            "Succeeded",
            revision,
            started,
            Some(deployed),
            "successfully synced (all tasks run)",
        ));
    }

    /// A sync of `revision` that failed: only the operation says so.
    pub fn fail(&self, revision: &str, started: &str, finished: &str) {
        self.state.lock().unwrap().operation = Some(operation(
            "Failed",
            revision,
            started,
            Some(finished),
            "one or more objects failed to apply, reason: Deployment.apps \"api\" is invalid",
        ));
    }

    /// A sync of `revision` still running.
    pub fn running(&self, revision: &str, started: &str) {
        self.state.lock().unwrap().operation = Some(operation(
            "Running",
            revision,
            started,
            None,
            "waiting for healthy state of apps/Deployment/api",
        ));
    }

    /// The application's health: "Healthy", "Degraded", "Progressing"… since `at`.
    pub fn health(&self, status: &str, at: &str, message: Option<&str>) {
        let mut health = json!({"status": status, "lastTransitionTime": at});
        if let Some(message) = message {
            health["message"] = json!(message);
        }
        self.state.lock().unwrap().health = health;
    }

    pub fn served(&self) -> Vec<Served> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn clear_log(&self) {
        self.state.lock().unwrap().log.clear();
    }

    pub async fn requests(&self) -> usize {
        self.server.received_requests().await.unwrap().len()
    }

    /// Answers the next `times` GETs with `template` instead of the fake API.
    pub async fn interrupt(&self, template: ResponseTemplate, times: u64) {
        Mock::given(method("GET"))
            .and(path_regex(r"^/api/v1/applications/[^/]+$"))
            .respond_with(template)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }
}
