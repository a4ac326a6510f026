//! GitHub REST payloads (API version 2022-11-28) shaped as the real API writes them: every
//! field of the documented examples, real nesting, `null`s where GitHub writes null, URLs under
//! the server's base. Used by the wiremock fixtures of the GitHub source tests.

#![allow(clippy::too_many_arguments)]

use serde_json::{Value, json};

pub const OWNER: &str = "acme";
/// The repository id GitHub puts in its Link headers (`/repositories/{id}/…`).
pub const REPO_ID: u64 = 1_296_269;

/// A 40-hex-digit sha derived from a name, stable across runs.
pub fn sha(name: &str) -> String {
    let mut out = String::new();
    let mut seed: u64 = 0xcbf2_9ce4_8422_2325;
    while out.len() < 40 {
        for b in name.bytes() {
            seed ^= u64::from(b);
            seed = seed.wrapping_mul(0x0100_0000_01b3);
        }
        seed ^= out.len() as u64;
        seed = seed.wrapping_mul(0x0100_0000_01b3);
        out.push_str(&format!("{seed:016x}"));
    }
    out.truncate(40);
    out
}

fn node(prefix: &str, id: u64) -> String {
    format!("{prefix}_kwDOABCD{id:08}")
}

pub fn user(base: &str, login: &str) -> Value {
    let id = login
        .bytes()
        .fold(1000u64, |h, b| (h * 31 + u64::from(b)) % 10_000_000);
    let bot = login.ends_with("[bot]");
    json!({
        "login": login,
        "id": id,
        "node_id": node(if bot { "BOT" } else { "U" }, id),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": format!("{base}/users/{login}"),
        "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{base}/users/{login}/followers"),
        "following_url": format!("{base}/users/{login}/following{{/other_user}}"),
        "gists_url": format!("{base}/users/{login}/gists{{/gist_id}}"),
        "starred_url": format!("{base}/users/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{base}/users/{login}/subscriptions"),
        "organizations_url": format!("{base}/users/{login}/orgs"),
        "repos_url": format!("{base}/users/{login}/repos"),
        "events_url": format!("{base}/users/{login}/events{{/privacy}}"),
        "received_events_url": format!("{base}/users/{login}/received_events"),
        "type": if bot { "Bot" } else { "User" },
        "user_view_type": "public",
        "site_admin": false
    })
}

pub fn repository(base: &str, name: &str, private: bool) -> Value {
    json!({
        "id": REPO_ID,
        "node_id": node("R", REPO_ID),
        "name": name,
        "full_name": format!("{OWNER}/{name}"),
        "private": private,
        "owner": user(base, OWNER),
        "html_url": format!("https://github.com/{OWNER}/{name}"),
        "description": "The acme API",
        "fork": false,
        "url": format!("{base}/repos/{OWNER}/{name}"),
        "deployments_url": format!("{base}/repos/{OWNER}/{name}/deployments"),
        "pulls_url": format!("{base}/repos/{OWNER}/{name}/pulls{{/number}}"),
        "created_at": "2024-01-10T09:00:00Z",
        "updated_at": "2026-03-30T12:00:00Z",
        "pushed_at": "2026-03-30T11:58:00Z",
        "default_branch": "main",
        "visibility": if private { "private" } else { "public" },
        "permissions": {"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}
    })
}

pub fn deployment(
    base: &str,
    repo: &str,
    id: u64,
    sha: &str,
    git_ref: &str,
    environment: &str,
    created_at: &str,
    production: bool,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    json!({
        "url": format!("{repo_url}/deployments/{id}"),
        "id": id,
        "node_id": node("DE", id),
        "task": "deploy",
        "original_environment": environment,
        "environment": environment,
        "description": null,
        "created_at": created_at,
        "updated_at": created_at,
        "statuses_url": format!("{repo_url}/deployments/{id}/statuses"),
        "repository_url": repo_url,
        "creator": user(base, "github-actions[bot]"),
        "sha": sha,
        "ref": git_ref,
        "payload": {},
        "transient_environment": false,
        "production_environment": production,
        "performed_via_github_app": null
    })
}

pub fn deployment_status(
    base: &str,
    repo: &str,
    deployment: u64,
    id: u64,
    state: &str,
    environment: &str,
    created_at: &str,
    environment_url: &str,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    json!({
        "url": format!("{repo_url}/deployments/{deployment}/statuses/{id}"),
        "id": id,
        "node_id": node("DES", id),
        "state": state,
        "creator": user(base, "github-actions[bot]"),
        "description": "",
        "environment": environment,
        "target_url": format!("https://github.com/{OWNER}/{repo}/actions/runs/{}", 70_000 + deployment),
        "created_at": created_at,
        "updated_at": created_at,
        "deployment_url": format!("{repo_url}/deployments/{deployment}"),
        "repository_url": repo_url,
        "environment_url": environment_url,
        "log_url": format!("https://github.com/{OWNER}/{repo}/actions/runs/{}/job/{}", 70_000 + deployment, 90_000 + id),
        "performed_via_github_app": null
    })
}

/// A commit as compare and pull-request-commits list it. `parents` > 1 is a merge.
pub fn commit(
    base: &str,
    repo: &str,
    sha: &str,
    author: &str,
    authored_at: &str,
    committed_at: &str,
    message: &str,
    parents: &[String],
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    let login = author.to_lowercase();
    json!({
        "sha": sha,
        "node_id": format!("C_kwDOABCD{}", &sha[..12]),
        "commit": {
            "author": {"name": author, "email": format!("{login}@acme.example"), "date": authored_at},
            "committer": {"name": "GitHub", "email": "noreply@github.com", "date": committed_at},
            "message": message,
            "tree": {"sha": self::sha(&format!("tree {sha}")), "url": format!("{repo_url}/git/trees/{}", self::sha(&format!("tree {sha}")))},
            "url": format!("{repo_url}/git/commits/{sha}"),
            "comment_count": 0,
            "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}
        },
        "url": format!("{repo_url}/commits/{sha}"),
        "html_url": format!("https://github.com/{OWNER}/{repo}/commit/{sha}"),
        "comments_url": format!("{repo_url}/commits/{sha}/comments"),
        "author": user(base, &login),
        "committer": user(base, "web-flow"),
        "parents": parents.iter().map(|p| json!({
            "sha": p,
            "url": format!("{repo_url}/commits/{p}"),
            "html_url": format!("https://github.com/{OWNER}/{repo}/commit/{p}")
        })).collect::<Vec<_>>()
    })
}

pub fn comparison(
    base: &str,
    repo: &str,
    from: &str,
    to: &str,
    total: usize,
    commits: Vec<Value>,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    let stub = |s: &str| {
        commit(
            base,
            repo,
            s,
            "Ann",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "base",
            &[],
        )
    };
    json!({
        "url": format!("{repo_url}/compare/{from}...{to}"),
        "html_url": format!("https://github.com/{OWNER}/{repo}/compare/{from}...{to}"),
        "permalink_url": format!("https://github.com/{OWNER}/{repo}/compare/{OWNER}:{from}...{OWNER}:{to}"),
        "diff_url": format!("https://github.com/{OWNER}/{repo}/compare/{from}...{to}.diff"),
        "patch_url": format!("https://github.com/{OWNER}/{repo}/compare/{from}...{to}.patch"),
        "base_commit": stub(from),
        "merge_base_commit": stub(from),
        "status": "ahead",
        "ahead_by": total,
        "behind_by": 0,
        "total_commits": total,
        "commits": commits,
        "files": [{
            "sha": sha(&format!("blob {to}")),
            "filename": "src/cache.rs",
            "status": "modified",
            "additions": 10,
            "deletions": 2,
            "changes": 12,
            "blob_url": format!("https://github.com/{OWNER}/{repo}/blob/{to}/src/cache.rs"),
            "raw_url": format!("https://github.com/{OWNER}/{repo}/raw/{to}/src/cache.rs"),
            "contents_url": format!("{repo_url}/contents/src/cache.rs?ref={to}"),
            "patch": "@@ -1,2 +1,10 @@"
        }]
    })
}

#[allow(clippy::too_many_arguments)]
pub fn workflow_run(
    base: &str,
    repo: &str,
    id: u64,
    workflow: &str,
    file: &str,
    head_sha: &str,
    status: &str,
    conclusion: Option<&str>,
    created_at: &str,
    run_started_at: &str,
    updated_at: &str,
    run_attempt: u32,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    json!({
        "id": id,
        "name": workflow,
        "node_id": node("WFR", id),
        "head_branch": "main",
        "head_sha": head_sha,
        "path": format!(".github/workflows/{file}"),
        "display_title": format!("{workflow} on main"),
        "run_number": id % 1000,
        "event": "push",
        "status": status,
        "conclusion": conclusion,
        "workflow_id": 161_335,
        "check_suite_id": 40_000 + id,
        "check_suite_node_id": node("CS", 40_000 + id),
        "url": format!("{repo_url}/actions/runs/{id}"),
        "html_url": format!("https://github.com/{OWNER}/{repo}/actions/runs/{id}"),
        "pull_requests": [],
        "created_at": created_at,
        "updated_at": updated_at,
        "actor": user(base, "alice"),
        "run_attempt": run_attempt,
        "referenced_workflows": [],
        "run_started_at": run_started_at,
        "triggering_actor": user(base, "alice"),
        "jobs_url": format!("{repo_url}/actions/runs/{id}/jobs"),
        "logs_url": format!("{repo_url}/actions/runs/{id}/logs"),
        "check_suite_url": format!("{repo_url}/check-suites/{}", 40_000 + id),
        "artifacts_url": format!("{repo_url}/actions/runs/{id}/artifacts"),
        "cancel_url": format!("{repo_url}/actions/runs/{id}/cancel"),
        "rerun_url": format!("{repo_url}/actions/runs/{id}/rerun"),
        "previous_attempt_url": if run_attempt > 1 { json!(format!("{repo_url}/actions/runs/{id}/attempts/{}", run_attempt - 1)) } else { Value::Null },
        "workflow_url": format!("{repo_url}/actions/workflows/161335"),
        "head_commit": {
            "id": head_sha,
            "tree_id": sha(&format!("tree {head_sha}")),
            "message": "Build",
            "timestamp": created_at,
            "author": {"name": "Alice", "email": "alice@acme.example"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"}
        },
        "repository": {"id": REPO_ID, "node_id": node("R", REPO_ID), "name": repo, "full_name": format!("{OWNER}/{repo}"), "private": true, "owner": user(base, OWNER)},
        "head_repository": {"id": REPO_ID, "node_id": node("R", REPO_ID), "name": repo, "full_name": format!("{OWNER}/{repo}"), "private": true, "owner": user(base, OWNER)}
    })
}

pub fn workflow_runs(total_count: u64, runs: Vec<Value>) -> Value {
    json!({"total_count": total_count, "workflow_runs": runs})
}

/// A pull request as the list endpoint gives it.
#[allow(clippy::too_many_arguments)]
pub fn pull_request(
    base: &str,
    repo: &str,
    number: u64,
    title: &str,
    body: Option<&str>,
    author: &str,
    head_ref: &str,
    created_at: &str,
    updated_at: &str,
    closed_at: Option<&str>,
    merged_at: Option<&str>,
    merge_commit_sha: &str,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    let branch_repo = json!({"id": REPO_ID, "node_id": node("R", REPO_ID), "name": repo, "full_name": format!("{OWNER}/{repo}"), "private": true, "owner": user(base, OWNER), "html_url": format!("https://github.com/{OWNER}/{repo}"), "default_branch": "main"});
    json!({
        "url": format!("{repo_url}/pulls/{number}"),
        "id": 1_000_000 + number,
        "node_id": node("PR", number),
        "html_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}"),
        "diff_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}.diff"),
        "patch_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}.patch"),
        "issue_url": format!("{repo_url}/issues/{number}"),
        "number": number,
        "state": if closed_at.is_some() { "closed" } else { "open" },
        "locked": false,
        "title": title,
        "user": user(base, author),
        "body": body,
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": closed_at,
        "merged_at": merged_at,
        "merge_commit_sha": merge_commit_sha,
        "assignee": null,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "labels": [],
        "milestone": null,
        "draft": false,
        "commits_url": format!("{repo_url}/pulls/{number}/commits"),
        "review_comments_url": format!("{repo_url}/pulls/{number}/comments"),
        "review_comment_url": format!("{repo_url}/pulls/comments{{/number}}"),
        "comments_url": format!("{repo_url}/issues/{number}/comments"),
        "statuses_url": format!("{repo_url}/statuses/{merge_commit_sha}"),
        "head": {"label": format!("{OWNER}:{head_ref}"), "ref": head_ref, "sha": sha(&format!("head {number}")), "user": user(base, OWNER), "repo": branch_repo.clone()},
        "base": {"label": format!("{OWNER}:main"), "ref": "main", "sha": sha(&format!("base {number}")), "user": user(base, OWNER), "repo": branch_repo},
        "_links": {
            "self": {"href": format!("{repo_url}/pulls/{number}")},
            "html": {"href": format!("https://github.com/{OWNER}/{repo}/pull/{number}")},
            "issue": {"href": format!("{repo_url}/issues/{number}")},
            "comments": {"href": format!("{repo_url}/issues/{number}/comments")},
            "review_comments": {"href": format!("{repo_url}/pulls/{number}/comments")},
            "review_comment": {"href": format!("{repo_url}/pulls/comments{{/number}}")},
            "commits": {"href": format!("{repo_url}/pulls/{number}/commits")},
            "statuses": {"href": format!("{repo_url}/statuses/{merge_commit_sha}")}
        },
        "author_association": "MEMBER",
        "auto_merge": null,
        "active_lock_reason": null
    })
}

pub fn review(
    base: &str,
    repo: &str,
    pr: u64,
    id: u64,
    login: &str,
    state: &str,
    submitted_at: &str,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    json!({
        "id": id,
        "node_id": node("PRR", id),
        "user": user(base, login),
        "body": "",
        "state": state,
        "html_url": format!("https://github.com/{OWNER}/{repo}/pull/{pr}#pullrequestreview-{id}"),
        "pull_request_url": format!("{repo_url}/pulls/{pr}"),
        "author_association": "MEMBER",
        "_links": {
            "html": {"href": format!("https://github.com/{OWNER}/{repo}/pull/{pr}#pullrequestreview-{id}")},
            "pull_request": {"href": format!("{repo_url}/pulls/{pr}")}
        },
        "submitted_at": submitted_at,
        "commit_id": sha(&format!("head {pr}"))
    })
}

/// An issue as the issues list gives it; `pull_request` makes it a pull request.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    base: &str,
    repo: &str,
    number: u64,
    title: &str,
    body: Option<&str>,
    labels: &[&str],
    created_at: &str,
    updated_at: &str,
    closed_at: Option<&str>,
    pull_request: bool,
) -> Value {
    let repo_url = format!("{base}/repos/{OWNER}/{repo}");
    let mut value = json!({
        "url": format!("{repo_url}/issues/{number}"),
        "repository_url": repo_url,
        "labels_url": format!("{repo_url}/issues/{number}/labels{{/name}}"),
        "comments_url": format!("{repo_url}/issues/{number}/comments"),
        "events_url": format!("{repo_url}/issues/{number}/events"),
        "html_url": format!("https://github.com/{OWNER}/{repo}/issues/{number}"),
        "id": 2_000_000 + number,
        "node_id": node("I", number),
        "number": number,
        "title": title,
        "user": user(base, "oncall-bob"),
        "labels": labels.iter().enumerate().map(|(i, name)| json!({
            "id": 5_000_000 + i as u64,
            "node_id": node("LA", i as u64),
            "url": format!("{repo_url}/labels/{name}"),
            "name": name,
            "color": "d73a4a",
            "default": false,
            "description": null
        })).collect::<Vec<_>>(),
        "state": if closed_at.is_some() { "closed" } else { "open" },
        "locked": false,
        "assignee": null,
        "assignees": [],
        "milestone": null,
        "comments": 3,
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": closed_at,
        "author_association": "MEMBER",
        "active_lock_reason": null,
        "body": body,
        "closed_by": if closed_at.is_some() { user(base, "oncall-bob") } else { Value::Null },
        "reactions": {"url": format!("{repo_url}/issues/{number}/reactions"), "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0},
        "timeline_url": format!("{repo_url}/issues/{number}/timeline"),
        "performed_via_github_app": null,
        "state_reason": if closed_at.is_some() { json!("completed") } else { Value::Null }
    });
    if pull_request && let Some(map) = value.as_object_mut() {
        map.insert(
            "pull_request".into(),
            json!({
                "url": format!("{repo_url}/pulls/{number}"),
                "html_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}"),
                "diff_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}.diff"),
                "patch_url": format!("https://github.com/{OWNER}/{repo}/pull/{number}.patch"),
                "merged_at": closed_at
            }),
        );
    }
    value
}
