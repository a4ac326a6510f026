//! GitLab REST v4 payloads with the fields, nesting and formats GitLab sends (trimmed of
//! nothing flowdeck reads, and keeping much it does not, so the parser meets the real shapes).

use serde_json::{Value, json};

pub const WEB: &str = "https://gitlab.example.com";
pub const PROJECT_ID: u64 = 4711;

/// "2026-03-02T10:00:00" → "2026-03-02T10:00:00.000Z", GitLab's format.
pub fn z(t: &str) -> String {
    format!("{t}.000Z")
}

/// A deterministic 40-hex sha for a name.
pub fn sha(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}{:016x}{:08x}", h.rotate_left(21), (h >> 7) as u32)
}

#[derive(Clone, Copy)]
pub struct Who {
    pub id: u64,
    pub username: &'static str,
    pub name: &'static str,
}

pub const ALICE: Who = Who {
    id: 11,
    username: "alice",
    name: "Alice Doe",
};
pub const BOB: Who = Who {
    id: 12,
    username: "bob",
    name: "Bob Roe",
};
pub const CAROL: Who = Who {
    id: 13,
    username: "carol",
    name: "Carol Poe",
};

pub fn user(who: Who) -> Value {
    json!({
        "id": who.id,
        "username": who.username,
        "public_email": "",
        "name": who.name,
        "state": "active",
        "locked": false,
        "avatar_url": format!("https://secure.gravatar.com/avatar/{}?s=80&d=identicon", who.id),
        "web_url": format!("{WEB}/{}", who.username)
    })
}

pub fn project() -> Value {
    json!({
        "id": PROJECT_ID,
        "description": "The web shop",
        "name": "web",
        "name_with_namespace": "group / web",
        "path": "web",
        "path_with_namespace": "group/web",
        "created_at": z("2024-01-10T09:00:00"),
        "default_branch": "main",
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": "git@gitlab.example.com:group/web.git",
        "http_url_to_repo": format!("{WEB}/group/web.git"),
        "web_url": format!("{WEB}/group/web"),
        "readme_url": format!("{WEB}/group/web/-/blob/main/README.md"),
        "forks_count": 0,
        "avatar_url": null,
        "star_count": 3,
        "last_activity_at": z("2026-03-29T12:00:00"),
        "namespace": {"id": 40, "name": "group", "path": "group", "kind": "group", "full_path": "group", "parent_id": null, "avatar_url": null, "web_url": format!("{WEB}/groups/group")},
        "visibility": "private",
        "archived": false,
        "empty_repo": false,
        "merge_method": "merge",
        "squash_option": "default_off",
        "permissions": {"project_access": {"access_level": 30, "notification_level": 3}, "group_access": null}
    })
}

pub fn environment(id: u64, name: &str, tier: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "slug": name.replace('/', "-"),
        "description": null,
        "external_url": format!("https://{name}.web.example.com"),
        "state": "available",
        "tier": tier,
        "created_at": z("2024-02-01T10:00:00"),
        "updated_at": z("2026-03-20T10:00:00"),
        "enable_advanced_logs_querying": false,
        "logs_api_path": format!("/group/web/-/logs/k8s.json?environment_name={name}"),
        "auto_stop_at": null,
        "kubernetes_namespace": null,
        "flux_resource_path": null
    })
}

pub fn commit(
    name: &str,
    title: &str,
    body: &str,
    author: Who,
    authored: &str,
    committed: &str,
    parents: &[&str],
) -> Value {
    let message = if body.is_empty() {
        format!("{title}\n")
    } else {
        format!("{title}\n\n{body}\n")
    };
    let id = sha(name);
    json!({
        "id": id,
        "short_id": &id[..8],
        "created_at": committed,
        "parent_ids": parents.iter().map(|p| sha(p)).collect::<Vec<_>>(),
        "title": title,
        "message": message,
        "author_name": author.name,
        "author_email": format!("{}@example.com", author.username),
        "authored_date": authored,
        "committer_name": author.name,
        "committer_email": format!("{}@example.com", author.username),
        "committed_date": committed,
        "trailers": {},
        "extended_trailers": {},
        "web_url": format!("{WEB}/group/web/-/commit/{id}")
    })
}

/// GET repository/compare: commits oldest first, with diffs.
pub fn compare(commits: Vec<Value>) -> Value {
    let last = commits.last().cloned().unwrap_or(Value::Null);
    let diffs: Vec<Value> = commits
        .iter()
        .enumerate()
        .map(|(i, _)| {
            json!({
                "diff": "@@ -1 +1 @@\n-old\n+new\n",
                "new_path": format!("app/file{i}.rb"),
                "old_path": format!("app/file{i}.rb"),
                "a_mode": "100644",
                "b_mode": "100644",
                "new_file": false,
                "renamed_file": false,
                "deleted_file": false,
                "generated_file": false
            })
        })
        .collect();
    json!({
        "commit": last,
        "commits": commits,
        "diffs": diffs,
        "compare_timeout": false,
        "compare_same_ref": false,
        "web_url": format!("{WEB}/group/web/-/compare/a...b")
    })
}

pub struct Deploy {
    pub id: u64,
    pub iid: u64,
    pub sha: String,
    pub git_ref: &'static str,
    pub tag: bool,
    pub status: &'static str,
    pub environment: (u64, &'static str),
    pub created: String,
    pub started: String,
    pub finished: String,
    pub updated: String,
}

pub fn deployment(d: &Deploy) -> Value {
    let job_status = d.status;
    json!({
        "id": d.id,
        "iid": d.iid,
        "ref": d.git_ref,
        "sha": d.sha,
        "created_at": d.created,
        "updated_at": d.updated,
        "finished_at": if matches!(d.status, "success" | "failed" | "canceled") { Value::String(d.finished.clone()) } else { Value::Null },
        "status": d.status,
        "user": user(ALICE),
        "environment": {
            "id": d.environment.0,
            "name": d.environment.1,
            "slug": d.environment.1,
            "external_url": format!("https://{}.web.example.com", d.environment.1),
            "created_at": z("2024-02-01T10:00:00"),
            "updated_at": z("2026-03-20T10:00:00")
        },
        "deployable": {
            "id": d.id + 9000,
            "status": job_status,
            "stage": "deploy",
            "name": "deploy:production",
            "ref": d.git_ref,
            "tag": d.tag,
            "coverage": null,
            "allow_failure": false,
            "created_at": d.created,
            "started_at": d.started,
            "finished_at": d.finished,
            "erased_at": null,
            "duration": 95.5,
            "queued_duration": 1.2,
            "user": user(ALICE),
            "commit": {
                "id": d.sha,
                "short_id": &d.sha[..8],
                "title": "Deployed commit",
                "created_at": d.created,
                "parent_ids": [],
                "message": "Deployed commit\n",
                "author_name": ALICE.name,
                "author_email": "alice@example.com",
                "authored_date": d.created,
                "committer_name": ALICE.name,
                "committer_email": "alice@example.com",
                "committed_date": d.created,
                "trailers": {},
                "extended_trailers": {},
                "web_url": format!("{WEB}/group/web/-/commit/{}", d.sha)
            },
            "pipeline": {
                "id": d.id + 5000,
                "iid": d.iid + 300,
                "project_id": PROJECT_ID,
                "sha": d.sha,
                "ref": d.git_ref,
                "status": job_status,
                "source": "push",
                "created_at": d.created,
                "updated_at": d.updated,
                "web_url": format!("{WEB}/group/web/-/pipelines/{}", d.id + 5000)
            },
            "failure_reason": if d.status == "failed" { Value::String("script_failure".into()) } else { Value::Null },
            "web_url": format!("{WEB}/group/web/-/jobs/{}", d.id + 9000),
            "project": {"ci_job_token_scope_enabled": false},
            "artifacts": [],
            "runner": {"id": 8, "description": "shared-runner-1", "ip_address": null, "active": true, "paused": false, "is_shared": true, "runner_type": "instance_type", "name": "gitlab-runner", "online": true, "status": "online"},
            "artifacts_expire_at": null,
            "archived": false,
            "tag_list": []
        }
    })
}

pub struct Mr {
    pub iid: u64,
    pub title: &'static str,
    pub description: &'static str,
    pub state: &'static str,
    pub author: Who,
    pub branch: &'static str,
    pub created: String,
    pub updated: String,
    pub merged: Option<String>,
    pub closed: Option<String>,
    pub head: String,
    pub merge_commit: Option<String>,
    pub squash_commit: Option<String>,
}

pub fn merge_request(m: &Mr) -> Value {
    json!({
        "id": 90000 + m.iid,
        "iid": m.iid,
        "project_id": PROJECT_ID,
        "title": m.title,
        "description": m.description,
        "state": m.state,
        "created_at": m.created,
        "updated_at": m.updated,
        "merged_by": if m.merged.is_some() { user(CAROL) } else { Value::Null },
        "merge_user": if m.merged.is_some() { user(CAROL) } else { Value::Null },
        "merged_at": m.merged,
        "merge_after": null,
        "prepared_at": m.created,
        "closed_by": if m.state == "closed" { user(m.author) } else { Value::Null },
        "closed_at": m.closed,
        "target_branch": "main",
        "source_branch": m.branch,
        "user_notes_count": 2,
        "upvotes": 0,
        "downvotes": 0,
        "author": user(m.author),
        "assignees": [user(m.author)],
        "assignee": user(m.author),
        "reviewers": [user(BOB)],
        "source_project_id": PROJECT_ID,
        "target_project_id": PROJECT_ID,
        "labels": [],
        "draft": false,
        "imported": false,
        "imported_from": "none",
        "work_in_progress": false,
        "milestone": null,
        "merge_when_pipeline_succeeds": false,
        "merge_status": "can_be_merged",
        "detailed_merge_status": if m.state == "opened" { "mergeable" } else { "not_open" },
        "sha": m.head,
        "merge_commit_sha": m.merge_commit,
        "squash_commit_sha": m.squash_commit,
        "discussion_locked": null,
        "should_remove_source_branch": true,
        "force_remove_source_branch": true,
        "reference": format!("!{}", m.iid),
        "references": {"short": format!("!{}", m.iid), "relative": format!("!{}", m.iid), "full": format!("group/web!{}", m.iid)},
        "web_url": format!("{WEB}/group/web/-/merge_requests/{}", m.iid),
        "time_stats": {"time_estimate": 0, "total_time_spent": 0, "human_time_estimate": null, "human_total_time_spent": null},
        "squash": m.squash_commit.is_some(),
        "squash_on_merge": m.squash_commit.is_some(),
        "task_completion_status": {"count": 0, "completed_count": 0},
        "has_conflicts": false,
        "blocking_discussions_resolved": true
    })
}

pub fn note(id: u64, iid: u64, body: &str, author: Who, created: &str, system: bool) -> Value {
    json!({
        "id": id,
        "type": if system { Value::Null } else { Value::String("DiscussionNote".into()) },
        "body": body,
        "attachment": null,
        "author": user(author),
        "created_at": created,
        "updated_at": created,
        "system": system,
        "noteable_id": 90000 + iid,
        "noteable_type": "MergeRequest",
        "project_id": PROJECT_ID,
        "resolvable": !system,
        "resolved": false,
        "resolved_by": null,
        "resolved_at": null,
        "confidential": false,
        "internal": false,
        "imported": false,
        "imported_from": "none",
        "noteable_iid": iid,
        "commands_changes": {}
    })
}

pub struct Pipe {
    pub id: u64,
    pub status: &'static str,
    pub source: &'static str,
    pub git_ref: &'static str,
    pub created: String,
    pub started: Option<String>,
    pub finished: Option<String>,
    pub updated: String,
}

pub fn pipeline(p: &Pipe) -> Value {
    json!({
        "id": p.id,
        "iid": p.id - 1000,
        "project_id": PROJECT_ID,
        "sha": sha(&format!("pipeline-{}", p.id)),
        "ref": p.git_ref,
        "status": p.status,
        "source": p.source,
        "created_at": p.created,
        "updated_at": p.updated,
        "web_url": format!("{WEB}/group/web/-/pipelines/{}", p.id),
        "name": null
    })
}

pub fn pipeline_detail(p: &Pipe) -> Value {
    let mut detail = pipeline(p);
    let seconds = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => {
            let a = chrono::DateTime::parse_from_rfc3339(a).unwrap();
            let b = chrono::DateTime::parse_from_rfc3339(b).unwrap();
            Value::from((b - a).num_seconds())
        }
        _ => Value::Null,
    };
    let extra = json!({
        "before_sha": "0000000000000000000000000000000000000000",
        "tag": false,
        "yaml_errors": null,
        "user": user(ALICE),
        "started_at": p.started,
        "finished_at": p.finished,
        "committed_at": null,
        "duration": seconds(&p.started, &p.finished),
        "queued_duration": seconds(&Some(p.created.clone()), &p.started),
        "coverage": null,
        "archived": false,
        "detailed_status": {
            "icon": format!("status_{}", p.status),
            "text": p.status,
            "label": p.status,
            "group": p.status,
            "tooltip": p.status,
            "has_details": true,
            "details_path": format!("/group/web/-/pipelines/{}", p.id),
            "illustration": null,
            "favicon": format!("/assets/ci_favicons/favicon_status_{}.png", p.status)
        }
    });
    if let (Value::Object(d), Value::Object(e)) = (&mut detail, extra) {
        d.extend(e);
    }
    detail
}
