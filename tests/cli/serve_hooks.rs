//! `serve --ingest`'s webhook routes translating deliveries (docs/EVENTS.md#webhooks): GitHub
//! `deployment_status`, `workflow_run`, `pull_request` and `issues`, GitLab Pipeline, Merge
//! Request and Deployment Hooks, shaped as the providers send them (octokit/webhooks'
//! examples, GitLab's "Webhook events" page: extra fields included, GitLab's
//! "2026-03-02 10:00:00 UTC" times). Each delivery is stored once by its delivery id; an
//! unsupported event or an unknown repository is 202; a hostile body is 4xx and the store is
//! unchanged.

use serde_json::{Value, json};

use super::events::exported;
use super::serve_ingest::{Served, config_with_keys, post};

const HEAD: &str = "3484a3fb816e0859fd6e1cea078d76385ff50625";
const MERGE: &str = "9d4c1e0b5f0f1f8d51c3d5f5b6a4e7c2a1b0c9d8";

const SOURCES: &str = r#"
[[sources]]
kind = "github"
repo = "octo-org/octo-repo"
service = "api"
base_url = "http://127.0.0.1:9"
incident_labels = ["incident"]

[[sources]]
kind = "gitlab"
project = "gitlab-org/gitlab-test"
service = "web"
base_url = "http://127.0.0.1:9"
"#;

fn signature(body: &[u8]) -> String {
    use hmac::{KeyInit as _, Mac as _};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"gh-secret").unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

fn github(port: u16, event: &str, delivery: &str, body: &[u8]) -> (u16, Value) {
    let signed = signature(body);
    let (status, text) = post(
        port,
        "/v1/hooks/github",
        &[
            ("Content-Type", "application/json"),
            ("X-GitHub-Event", event),
            ("X-GitHub-Delivery", delivery),
            ("X-GitHub-Hook-ID", "292430182"),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
            ("X-Hub-Signature-256", &signed),
        ],
        body,
    );
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn gitlab(port: u16, event: &str, uuid: &str, body: &[u8]) -> (u16, Value) {
    let (status, text) = post(
        port,
        "/v1/hooks/gitlab",
        &[
            ("Content-Type", "application/json"),
            ("X-Gitlab-Event", event),
            ("X-Gitlab-Event-UUID", uuid),
            ("X-Gitlab-Instance", "https://gitlab.example.com"),
            ("X-Gitlab-Token", "gl-token"),
        ],
        body,
    );
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn user(login: &str, id: u64) -> Value {
    json!({
        "login": login, "id": id, "node_id": "MDQ6VXNlcjIxMDMxMDY3",
        "avatar_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
        "url": format!("https://api.github.com/users/{login}"),
        "html_url": format!("https://github.com/{login}"), "type": "User", "site_admin": false
    })
}

fn repository() -> Value {
    json!({
        "id": 300029405, "node_id": "MDEwOlJlcG9zaXRvcnkzMDAwMjk0MDU=", "name": "octo-repo",
        "full_name": "octo-org/octo-repo", "private": false, "owner": user("octo-org", 41548062),
        "html_url": "https://github.com/octo-org/octo-repo",
        "url": "https://api.github.com/repos/octo-org/octo-repo",
        "deployments_url": "https://api.github.com/repos/octo-org/octo-repo/deployments",
        "created_at": "2020-09-30T19:04:56Z", "updated_at": "2020-10-05T16:32:10Z",
        "pushed_at": "2020-10-05T16:32:07Z", "default_branch": "main"
    })
}

fn deployment() -> Value {
    json!({
        "url": "https://api.github.com/repos/octo-org/octo-repo/deployments/145988746",
        "id": 145988746u64, "node_id": "MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=", "sha": HEAD,
        "ref": "v1.4.0", "task": "deploy", "payload": {}, "original_environment": "production",
        "environment": "production", "description": null, "creator": user("Codertocat", 21031067),
        "created_at": "2026-03-02T10:00:00Z", "updated_at": "2026-03-02T10:04:00Z",
        "statuses_url": "https://api.github.com/repos/octo-org/octo-repo/deployments/145988746/statuses",
        "repository_url": "https://api.github.com/repos/octo-org/octo-repo",
        "performed_via_github_app": null
    })
}

fn deployment_status(state: &str, id: u64, at: &str) -> Vec<u8> {
    let body = json!({
        "action": "created",
        "deployment_status": {
            "url": format!("https://api.github.com/repos/octo-org/octo-repo/deployments/145988746/statuses/{id}"),
            "id": id, "node_id": "MDE2OkRlcGxveW1lbnRTdGF0dXMyMDk5MTYyNTQ=", "state": state,
            "creator": user("Codertocat", 21031067), "description": "", "environment": "production",
            "target_url": "", "environment_url": "https://api.example.com", "log_url": "",
            "created_at": at, "updated_at": at,
            "deployment_url": "https://api.github.com/repos/octo-org/octo-repo/deployments/145988746",
            "repository_url": "https://api.github.com/repos/octo-org/octo-repo"
        },
        "deployment": deployment(),
        "repository": repository(),
        "sender": user("Codertocat", 21031067)
    });
    serde_json::to_vec_pretty(&body).unwrap()
}

fn workflow_run() -> Vec<u8> {
    let body = json!({
        "action": "completed",
        "workflow_run": {
            "id": 289782451u64, "name": "CI", "node_id": "MDExOldvcmtmbG93UnVuMjg5NzgyNDUx",
            "head_branch": "main", "head_sha": HEAD, "path": ".github/workflows/ci.yml",
            "run_number": 562, "event": "push", "status": "completed", "conclusion": "failure",
            "workflow_id": 2823525, "check_suite_id": 1291536064u64,
            "html_url": "https://github.com/octo-org/octo-repo/actions/runs/289782451",
            "pull_requests": [], "created_at": "2026-03-02T09:30:00Z",
            "updated_at": "2026-03-02T09:41:00Z", "run_attempt": 1,
            "run_started_at": "2026-03-02T09:31:00Z",
            "head_commit": {"id": HEAD, "message": "Add cache", "timestamp": "2026-03-02T09:29:00Z",
                "author": {"name": "Ann", "email": "ann@example.com"}},
            "repository": repository(), "head_repository": repository()
        },
        "workflow": {"id": 2823525, "name": "CI", "path": ".github/workflows/ci.yml", "state": "active"},
        "repository": repository(),
        "sender": user("Codertocat", 21031067)
    });
    serde_json::to_vec(&body).unwrap()
}

fn pull_request() -> Vec<u8> {
    let body = json!({
        "action": "closed", "number": 12,
        "pull_request": {
            "url": "https://api.github.com/repos/octo-org/octo-repo/pulls/12", "id": 279147437u64,
            "node_id": "MDExOlB1bGxSZXF1ZXN0Mjc5MTQ3NDM3",
            "html_url": "https://github.com/octo-org/octo-repo/pull/12", "number": 12,
            "state": "closed", "locked": false, "title": "Add cache \u{1b}[31m(red)\u{1b}[0m",
            "user": user("ann", 1), "body": "Speeds up reads.", "created_at": "2026-03-01T08:00:00Z",
            "updated_at": "2026-03-01T15:00:00Z", "closed_at": "2026-03-01T15:00:00Z",
            "merged_at": "2026-03-01T15:00:00Z", "merge_commit_sha": MERGE, "draft": false,
            "head": {"label": "ann:cache", "ref": "cache", "sha": HEAD, "user": user("ann", 1)},
            "base": {"label": "octo-org:main", "ref": "main", "sha": MERGE},
            "merged": true, "comments": 1, "review_comments": 2, "commits": 3
        },
        "repository": repository(),
        "sender": user("ann", 1)
    });
    serde_json::to_vec(&body).unwrap()
}

fn issue(labels: &[&str]) -> Vec<u8> {
    let labels: Vec<Value> = labels
        .iter()
        .map(|name| json!({"id": 1362934389u64, "node_id": "MDU6TGFiZWwxMzYyOTM0Mzg5", "name": name, "color": "d73a4a", "default": false}))
        .collect();
    let body = json!({
        "action": "labeled",
        "issue": {
            "url": "https://api.github.com/repos/octo-org/octo-repo/issues/7", "id": 444500041u64,
            "node_id": "MDU6SXNzdWU0NDQ1MDAwNDE=", "number": 7, "title": "Checkout is down",
            "user": user("bob", 2), "labels": labels, "state": "open", "locked": false,
            "comments": 0, "created_at": "2026-03-02T11:00:00Z", "updated_at": "2026-03-02T11:02:00Z",
            "closed_at": null, "author_association": "OWNER", "body": "500s on /checkout",
            "html_url": "https://github.com/octo-org/octo-repo/issues/7"
        },
        "label": {"name": "incident"},
        "repository": repository(),
        "sender": user("bob", 2)
    });
    serde_json::to_vec(&body).unwrap()
}

fn gitlab_project() -> Value {
    json!({
        "id": 1, "name": "Gitlab Test", "description": "Aut reprehenderit ut est.",
        "web_url": "https://gitlab.example.com/gitlab-org/gitlab-test", "avatar_url": null,
        "git_ssh_url": "git@gitlab.example.com:gitlab-org/gitlab-test.git",
        "git_http_url": "https://gitlab.example.com/gitlab-org/gitlab-test.git",
        "namespace": "Gitlab Org", "visibility_level": 20,
        "path_with_namespace": "gitlab-org/gitlab-test", "default_branch": "main"
    })
}

fn gitlab_user() -> Value {
    json!({"id": 1, "name": "Administrator", "username": "root",
        "avatar_url": "https://www.gravatar.com/avatar/e32bd13e2add097461cb96824b7a829c?s=80&d=identicon",
        "email": "admin@example.com"})
}

fn pipeline_hook() -> Vec<u8> {
    let body = json!({
        "object_kind": "pipeline",
        "object_attributes": {
            "id": 31, "iid": 3, "name": "Pipeline for branch: main", "ref": "main", "tag": false,
            "sha": HEAD, "before_sha": MERGE, "source": "push", "status": "success",
            "detailed_status": "passed", "stages": ["build", "test", "deploy"],
            "created_at": "2026-03-02 09:00:00 UTC", "finished_at": "2026-03-02 09:12:00 UTC",
            "duration": 63, "queued_duration": 12, "variables": [],
            "url": "https://gitlab.example.com/gitlab-org/gitlab-test/-/pipelines/31"
        },
        "merge_request": null,
        "user": gitlab_user(),
        "project": gitlab_project(),
        "commit": {"id": HEAD, "message": "Add cache", "title": "Add cache",
            "timestamp": "2026-03-02T08:59:00+00:00",
            "url": format!("https://gitlab.example.com/gitlab-org/gitlab-test/-/commit/{HEAD}"),
            "author": {"name": "Ann", "email": "ann@example.com"}},
        "builds": [
            {"id": 380, "stage": "deploy", "name": "production", "status": "skipped",
             "created_at": "2026-03-02 09:00:01 UTC", "started_at": null, "finished_at": null},
            {"id": 377, "stage": "test", "name": "test-image", "status": "success",
             "created_at": "2026-03-02 09:00:01 UTC", "started_at": "2026-03-02 09:02:00 UTC",
             "finished_at": "2026-03-02 09:12:00 UTC"},
            {"id": 376, "stage": "build", "name": "build-image", "status": "success",
             "created_at": "2026-03-02 09:00:01 UTC", "started_at": "2026-03-02 09:01:00 UTC",
             "finished_at": "2026-03-02 09:02:00 UTC"}
        ]
    });
    serde_json::to_vec(&body).unwrap()
}

fn merge_request_hook() -> Vec<u8> {
    let body = json!({
        "object_kind": "merge_request", "event_type": "merge_request",
        "user": gitlab_user(),
        "project": gitlab_project(),
        "object_attributes": {
            "id": 99, "iid": 45, "target_branch": "main", "source_branch": "cache",
            "source_project_id": 1, "author_id": 1, "assignee_ids": [], "title": "Add cache",
            "created_at": "2026-03-01 08:00:00 UTC", "updated_at": "2026-03-01 15:00:00 UTC",
            "milestone_id": null, "state": "merged", "merge_status": "can_be_merged",
            "target_project_id": 1, "description": "Speeds up reads.",
            "merge_commit_sha": MERGE,
            "url": "https://gitlab.example.com/gitlab-org/gitlab-test/-/merge_requests/45",
            "last_commit": {"id": HEAD, "message": "Add cache\n", "title": "Add cache",
                "timestamp": "2026-03-01T07:00:00+00:00",
                "url": format!("https://gitlab.example.com/gitlab-org/gitlab-test/-/commit/{HEAD}"),
                "author": {"name": "Ann", "email": "ann@example.com"}},
            "work_in_progress": false, "draft": false, "action": "merge"
        },
        "labels": [],
        "changes": {"state_id": {"previous": 1, "current": 3}},
        "repository": {"name": "Gitlab Test", "url": "git@gitlab.example.com:gitlab-org/gitlab-test.git",
            "homepage": "https://gitlab.example.com/gitlab-org/gitlab-test"}
    });
    serde_json::to_vec(&body).unwrap()
}

fn deployment_hook(status: &str, at: &str) -> Vec<u8> {
    let body = json!({
        "object_kind": "deployment", "status": status, "status_changed_at": at,
        "deployment_id": 15, "deployable_id": 796,
        "deployable_url": "https://gitlab.example.com/gitlab-org/gitlab-test/-/jobs/796",
        "environment": "production", "environment_tier": "production",
        "environment_slug": "production", "environment_external_url": "https://example.com",
        "project": gitlab_project(),
        "short_sha": &HEAD[..8],
        "user": gitlab_user(), "user_url": "https://gitlab.example.com/root",
        "commit_url": format!("https://gitlab.example.com/gitlab-org/gitlab-test/-/commit/{HEAD}"),
        "commit_title": "Add cache", "ref": "main"
    });
    serde_json::to_vec(&body).unwrap()
}

/// The exported lines of one type, by their key.
fn lines(export: &str, kind: &str) -> Vec<Value> {
    export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == kind)
        .collect()
}

#[test]
fn github_deliveries_are_stored_once_as_the_poll_would_store_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_keys(dir.path(), SOURCES);
    let served = Served::start(dir.path(), &config, false);
    let port = served.port;

    let success = deployment_status("success", 2, "2026-03-02T10:05:00Z");
    let (status, body) = github(
        port,
        "deployment_status",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        &success,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["inserted"], 1);
    // The same delivery again (a redelivery) stores nothing; the same content under another
    // delivery id is unchanged.
    let (status, body) = github(
        port,
        "deployment_status",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        &success,
    );
    assert_eq!(
        (status, body["duplicate"].clone()),
        (200, json!(true)),
        "{body}"
    );
    let (status, body) = github(
        port,
        "deployment_status",
        "9a1b0c2d-0000-11e3-81ab-4c9367dc0958",
        &success,
    );
    assert_eq!(
        (status, body["unchanged"].clone()),
        (200, json!(1)),
        "{body}"
    );
    // An older status arriving late, and the `inactive` a newer deployment brings, leave the
    // success at its time, as the poll's full status list would.
    for (n, (state, at)) in [
        ("in_progress", "2026-03-02T10:01:00Z"),
        ("inactive", "2026-03-03T10:00:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let late = deployment_status(state, 10 + n as u64, at);
        let (status, body) = github(port, "deployment_status", &format!("late-{n}"), &late);
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = github(port, "workflow_run", "run-1", &workflow_run());
    assert_eq!(status, 200, "{body}");
    let (status, body) = github(port, "pull_request", "pr-1", &pull_request());
    assert_eq!(status, 200, "{body}");
    let (status, body) = github(port, "issues", "issue-1", &issue(&["bug", "Incident"]));
    assert_eq!(status, 200, "{body}");
    let (status, body) = github(port, "issues", "issue-2", &issue(&["bug"]));
    assert_eq!(status, 202, "{body}");
    assert!(
        body["ignored"]
            .as_str()
            .unwrap()
            .contains("incident_labels"),
        "{body}"
    );

    let export = exported(dir.path(), &config);
    let deployments = lines(&export, "deployment");
    assert_eq!(deployments.len(), 1, "{export}");
    let d = &deployments[0];
    assert_eq!(d["id"], "github:octo-org/octo-repo:145988746");
    assert_eq!(d["service"], "api");
    assert_eq!(d["status"], "success");
    assert_eq!(d["finished_at"], "2026-03-02T10:05:00Z");
    assert_eq!(d["started_at"], "2026-03-02T10:00:00Z");
    assert_eq!(d["name"], "v1.4.0");
    assert_eq!(d["production"], true);
    assert_eq!(d["url"], "https://api.example.com");
    assert_eq!(d["sha"], HEAD);
    let runs = lines(&export, "pipeline_run");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["id"], "github:octo-org/octo-repo:run:289782451");
    assert_eq!(runs[0]["workflow"], "ci.yml");
    assert_eq!(runs[0]["conclusion"], "failure");
    assert_eq!(runs[0]["finished_at"], "2026-03-02T09:41:00Z");
    let prs = lines(&export, "pull_request");
    assert_eq!(prs.len(), 1);
    assert_eq!(prs[0]["number"], 12);
    assert_eq!(prs[0]["merge_sha"], MERGE);
    assert_eq!(
        prs[0]["title"], "Add cache \u{1b}[31m(red)\u{1b}[0m",
        "kept as sent"
    );
    let incidents = lines(&export, "incident");
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0]["id"], "github:octo-org/octo-repo#7");
    assert_eq!(incidents[0]["services"], json!(["api"]));
}

#[test]
fn hostile_deliveries_are_refused_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_keys(dir.path(), SOURCES);
    let served = Served::start(dir.path(), &config, false);
    let port = served.port;
    let before = exported(dir.path(), &config);

    let good = deployment_status("success", 2, "2026-03-02T10:05:00Z");
    let text = String::from_utf8(good.clone()).unwrap();
    let wrong_type = text.replacen("\"id\": 145988746", "\"id\": \"one\"", 1);
    let nul = text.replacen("\"task\": \"deploy\"", "\"task\": \"de\\u0000ploy\"", 1);
    let long_ago = text.replace("2026-03-02T10:05:00Z", "1971-01-01T00:00:00Z");
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("empty", Vec::new(), 400),
        ("truncated", good[..good.len() / 2].to_vec(), 400),
        ("not JSON", b"\x1b[2J\x00\xff".to_vec(), 400),
        ("a wrong type", wrong_type.into_bytes(), 400),
        ("a NUL", nul.into_bytes(), 400),
        ("an impossible date", long_ago.into_bytes(), 400),
        ("an array", b"[]".to_vec(), 400),
        ("no repository", br#"{"action":"created"}"#.to_vec(), 400),
    ];
    for (what, body, expected) in &cases {
        let (status, answer) = github(port, "deployment_status", "hostile-1", body);
        assert_eq!(status, *expected, "{what}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .contains("nothing was stored"),
            "{what}: {answer}"
        );
    }
    // Over max_body (64 KiB in this config), a wrong signature, a delivery id that is not one.
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70_000));
    let (status, _) = github(port, "deployment_status", "hostile-2", huge.as_bytes());
    assert_eq!(status, 413);
    let (status, _) = post(
        port,
        "/v1/hooks/github",
        &[
            ("X-GitHub-Event", "deployment_status"),
            ("X-Hub-Signature-256", &signature(b"other bytes")),
        ],
        &good,
    );
    assert_eq!(status, 401);
    let (status, _) = github(port, "deployment_status", "../../etc/passwd", &good);
    assert_eq!(status, 400);
    let (status, _) = gitlab(port, "Deployment Hook", "6a0e7b1c-0000", b"{\"project\":");
    assert_eq!(status, 400);
    let (status, body) = gitlab(
        port,
        "Pipeline Hook",
        "6a0e7b1c-0001",
        &String::from_utf8(pipeline_hook())
            .unwrap()
            .replace("2026-03-02 09:00:00 UTC", "yesterday")
            .into_bytes(),
    );
    assert_eq!(status, 400, "{body}");
    // Unsupported events and repositories no source reads: 202, nothing stored.
    let (status, body) = github(port, "star", "star-1", br#"{"action":"created"}"#);
    assert_eq!(status, 202, "{body}");
    let other = text.replace("octo-org/octo-repo", "someone/else");
    let (status, body) = github(port, "deployment_status", "other-1", other.as_bytes());
    assert_eq!(status, 202, "{body}");
    assert!(
        body["ignored"].as_str().unwrap().contains("someone/else"),
        "{body}"
    );
    let (status, _) = gitlab(port, "Push Hook", "push-1", b"{}");
    assert_eq!(status, 202);

    assert_eq!(
        exported(dir.path(), &config),
        before,
        "the store is unchanged"
    );
}

#[test]
fn gitlab_deliveries_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_keys(dir.path(), SOURCES);
    let served = Served::start(dir.path(), &config, false);
    let port = served.port;

    let (status, body) = gitlab(port, "Pipeline Hook", "b9a1-31", &pipeline_hook());
    assert_eq!(status, 200, "{body}");
    let (status, body) = gitlab(port, "Pipeline Hook", "b9a1-31", &pipeline_hook());
    assert_eq!(
        (status, body["duplicate"].clone()),
        (200, json!(true)),
        "{body}"
    );
    let (status, body) = gitlab(port, "Merge Request Hook", "c0ff-45", &merge_request_hook());
    assert_eq!(status, 200, "{body}");
    let (status, body) = gitlab(
        port,
        "Deployment Hook",
        "d1-run",
        &deployment_hook("running", "2026-03-02 10:00:00 +0100"),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = gitlab(
        port,
        "Deployment Hook",
        "d1-ok",
        &deployment_hook("success", "2026-03-02 10:07:00 UTC"),
    );
    assert_eq!((status, body["updated"].clone()), (200, json!(1)), "{body}");
    // The running delivery again under a new id, after the success: older, nothing changes.
    let (status, body) = gitlab(
        port,
        "Deployment Hook",
        "d1-late",
        &deployment_hook("running", "2026-03-02 10:00:00 +0100"),
    );
    assert_eq!(status, 202, "{body}");

    let export = exported(dir.path(), &config);
    let runs = lines(&export, "pipeline_run");
    assert_eq!(runs.len(), 1, "{export}");
    assert_eq!(runs[0]["id"], "gitlab:gitlab-org/gitlab-test:pipeline:31");
    assert_eq!(runs[0]["service"], "web");
    assert_eq!(runs[0]["conclusion"], "success");
    assert_eq!(runs[0]["created_at"], "2026-03-02T09:00:00Z");
    assert_eq!(runs[0]["started_at"], "2026-03-02T09:01:00Z");
    assert_eq!(runs[0]["finished_at"], "2026-03-02T09:12:00Z");
    let prs = lines(&export, "pull_request");
    assert_eq!(prs.len(), 1);
    assert_eq!(prs[0]["number"], 45);
    assert_eq!(prs[0]["author"], "root");
    assert_eq!(prs[0]["merged_at"], "2026-03-01T15:00:00Z");
    assert_eq!(prs[0]["merge_sha"], MERGE);
    let deployments = lines(&export, "deployment");
    assert_eq!(deployments.len(), 1);
    let d = &deployments[0];
    assert_eq!(d["id"], "gitlab:gitlab-org/gitlab-test:15");
    assert_eq!(d["status"], "success");
    assert_eq!(d["sha"], HEAD);
    assert_eq!(d["finished_at"], "2026-03-02T10:07:00Z");
    assert_eq!(d["started_at"], "2026-03-02T09:00:00Z");
}
