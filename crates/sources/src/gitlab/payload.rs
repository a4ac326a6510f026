//! GitLab REST v4 payloads, as the API sends them (only the fields flowdeck reads; unknown
//! fields are ignored, so newer GitLab versions keep working). Timestamps are ISO 8601 with
//! milliseconds and an offset ("2026-03-02T10:00:00.000Z"), read into UTC.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

/// GET /projects/:id
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Project {
    pub path_with_namespace: String,
    pub web_url: String,
    #[serde(default)]
    pub visibility: Option<String>,
}

/// GET /user (who the token belongs to; only for `check`).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct User {
    pub username: String,
}

/// GET /projects/:id/environments
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Environment {
    pub name: String,
    /// production, staging, testing, development or other (GitLab 13.10+).
    #[serde(default)]
    pub tier: Option<String>,
}

/// The environment inside a deployment.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct DeploymentEnvironment {
    pub id: u64,
    pub name: String,
}

/// The job that ran a deployment (`deployable`).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Job {
    /// Whether the job ran for a tag.
    #[serde(default)]
    pub tag: bool,
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    #[serde(default)]
    pub web_url: Option<String>,
}

/// GET /projects/:id/deployments
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Deployment {
    pub id: u64,
    pub iid: u64,
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub sha: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// GitLab 15.x and later; older servers: the job's finished_at.
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    /// created, running, success, failed, canceled, skipped or blocked.
    pub status: String,
    pub environment: DeploymentEnvironment,
    /// Null for deployments created through the API without a job.
    #[serde(default)]
    pub deployable: Option<Job>,
}

/// A commit in a compare or a merge request.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Commit {
    pub id: String,
    pub title: String,
    pub message: String,
    pub author_name: String,
    pub authored_date: Timestamp,
    pub committed_date: Timestamp,
    #[serde(default)]
    pub parent_ids: Vec<String>,
}

/// GET /projects/:id/repository/compare
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Compare {
    /// Oldest first.
    pub commits: Vec<Commit>,
}

/// A user as other payloads embed it.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct UserRef {
    pub id: u64,
    pub username: String,
}

/// GET /projects/:id/merge_requests (and /deployments/:id/merge_requests, /merge_requests/:iid)
#[derive(Debug, Clone, Deserialize)]
pub(super) struct MergeRequest {
    pub iid: u64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// opened, closed, locked or merged.
    pub state: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub merged_at: Option<Timestamp>,
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
    /// Head of the source branch.
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    #[serde(default)]
    pub squash_commit_sha: Option<String>,
    pub source_branch: String,
    pub web_url: String,
    pub author: UserRef,
}

/// GET /projects/:id/merge_requests/:iid/commits (only the dates are read).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct MergeRequestCommit {
    pub authored_date: Timestamp,
}

/// GET /projects/:id/merge_requests/:iid/notes
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Note {
    pub body: String,
    pub author: UserRef,
    pub created_at: Timestamp,
    /// Notes GitLab writes itself ("added 1 commit", "approved this merge request").
    #[serde(default)]
    pub system: bool,
}

/// GET /projects/:id/pipelines
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Pipeline {
    pub id: u64,
    pub sha: String,
    #[serde(rename = "ref", default)]
    pub ref_name: Option<String>,
    pub status: String,
    /// push, web, trigger, schedule, api, merge_request_event, parent_pipeline, …
    #[serde(default)]
    pub source: Option<String>,
    /// `workflow:name` (GitLab 16.x+), when set.
    #[serde(default)]
    pub name: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub web_url: Option<String>,
}

/// GET /projects/:id/pipelines/:pipeline_id
#[derive(Debug, Clone, Deserialize)]
pub(super) struct PipelineDetail {
    pub status: String,
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
}

/// Items of the lists walked newest-updated first.
pub(super) trait Updated {
    fn updated_at(&self) -> Timestamp;
    /// Unique within its list (deployment id, merge request iid, pipeline id).
    fn key(&self) -> u64;
}

impl Updated for Deployment {
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    fn key(&self) -> u64 {
        self.id
    }
}

impl Updated for MergeRequest {
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    fn key(&self) -> u64 {
        self.iid
    }
}

impl Updated for Pipeline {
    fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    fn key(&self) -> u64 {
        self.id
    }
}
