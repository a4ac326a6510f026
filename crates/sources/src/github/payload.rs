//! The GitHub REST payloads flowdeck reads (API version 2022-11-28), with GitHub's own field
//! names. Only the fields used are declared; everything else in a payload is ignored. Fields the
//! API documents as nullable are `Option`s. Items a backfill listed but has not read further yet
//! (deployments, pull requests) are kept in its cursor as the same JSON (`Serialize`).

use serde::{Deserialize, Serialize};

use flowdeck_core::model::Timestamp;

/// The part of a user object flowdeck reads (`user`, `creator`, `actor`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct User {
    pub login: String,
}

/// GET /repos/{owner}/{repo}
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Repository {
    pub full_name: String,
    #[serde(default)]
    pub private: bool,
}

/// An item of GET /repos/{owner}/{repo}/deployments.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct Deployment {
    pub id: u64,
    pub sha: String,
    /// The ref that was deployed: a branch, a tag or a sha.
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub environment: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub production_environment: Option<bool>,
}

/// An item of GET …/deployments/{id}/statuses (newest first).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct DeploymentStatus {
    pub id: u64,
    /// error, failure, inactive, in_progress, queued, pending or success.
    pub state: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub environment_url: Option<String>,
    #[serde(default)]
    pub log_url: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
}

/// GET /repos/{owner}/{repo}/compare/{base}...{head}
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Comparison {
    /// Commits in head and not in base, all pages together.
    #[serde(default)]
    pub total_commits: u64,
    #[serde(default)]
    pub commits: Vec<Commit>,
}

/// A commit as the compare and pull-request-commits endpoints give it.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Commit {
    pub sha: String,
    pub commit: GitCommit,
    /// The GitHub account of the author, when the email maps to one.
    #[serde(default)]
    pub author: Option<User>,
    /// Only counted: two or more parents make a merge.
    #[serde(default)]
    pub parents: Vec<serde::de::IgnoredAny>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct GitCommit {
    pub author: Option<GitActor>,
    pub committer: Option<GitActor>,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct GitActor {
    pub name: Option<String>,
    pub date: Option<Timestamp>,
}

/// GET /repos/{owner}/{repo}/actions/runs (and …/workflows/{file}/runs).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct WorkflowRuns {
    pub total_count: u64,
    #[serde(default)]
    pub workflow_runs: Vec<WorkflowRun>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct WorkflowRun {
    pub id: u64,
    /// The workflow's name ("CI").
    pub name: Option<String>,
    /// ".github/workflows/ci.yml" (sometimes with "@ref" appended).
    #[serde(default)]
    pub path: Option<String>,
    pub head_branch: Option<String>,
    pub head_sha: String,
    /// requested, queued, pending, waiting, in_progress or completed.
    pub status: Option<String>,
    /// success, failure, cancelled, skipped, timed_out, startup_failure, neutral,
    /// action_required or stale; null while not completed.
    pub conclusion: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub run_started_at: Option<Timestamp>,
    #[serde(default = "first_attempt")]
    pub run_attempt: u32,
    pub html_url: Option<String>,
}

fn first_attempt() -> u32 {
    1
}

/// An item of GET /repos/{owner}/{repo}/pulls.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct PullRequest {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub user: Option<User>,
    pub html_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub merged_at: Option<Timestamp>,
    pub merge_commit_sha: Option<String>,
    pub head: Branch,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub(super) struct Branch {
    #[serde(rename = "ref")]
    pub git_ref: String,
}

/// An item of GET …/pulls/{number}/reviews (oldest first).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Review {
    pub user: Option<User>,
    /// APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.
    pub state: String,
    /// Absent on a pending review.
    #[serde(default)]
    pub submitted_at: Option<Timestamp>,
}

/// An item of GET /repos/{owner}/{repo}/issues (pull requests included, marked by
/// `pull_request`).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Issue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub state: String,
    pub html_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// Present (an object) when the issue is a pull request.
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

/// Labels are objects in REST responses; the schema also allows plain strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Label {
    Object { name: String },
    Name(String),
}

impl Label {
    pub(super) fn name(&self) -> &str {
        match self {
            Label::Object { name } | Label::Name(name) => name,
        }
    }
}
