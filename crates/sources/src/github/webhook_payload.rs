//! The envelopes of GitHub's webhook deliveries flowdeck reads (docs.github.com, "Webhook
//! events and payloads"). The objects inside are the REST API's own (`payload`): a delivery's
//! `deployment`, `deployment_status`, `workflow_run`, `pull_request` and `issue` carry the
//! fields a listing gives, so one translation serves the poll and the hook.

use serde::Deserialize;

use super::payload;

/// What every delivery of a repository event names first.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    #[serde(default)]
    pub repository: Option<RepositoryRef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RepositoryRef {
    pub full_name: String,
}

/// `deployment` (action `created`) and `deployment_status` (action `created`, with the new
/// status).
#[derive(Debug, Deserialize)]
pub(super) struct DeploymentEvent {
    pub deployment: payload::Deployment,
    #[serde(default)]
    pub deployment_status: Option<payload::DeploymentStatus>,
}

/// `workflow_run` (actions `requested`, `in_progress`, `completed`). Older deliveries name the
/// workflow file only in `workflow.path`.
#[derive(Debug, Deserialize)]
pub(super) struct WorkflowRunEvent {
    pub workflow_run: payload::WorkflowRun,
    #[serde(default)]
    pub workflow: Option<WorkflowRef>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WorkflowRef {
    #[serde(default)]
    pub path: Option<String>,
}

/// `pull_request` (opened, edited, closed, reopened, synchronize, …).
#[derive(Debug, Deserialize)]
pub(super) struct PullRequestEvent {
    pub pull_request: payload::PullRequest,
}

/// `issues` (opened, labeled, closed, deleted, …).
#[derive(Debug, Deserialize)]
pub(super) struct IssuesEvent {
    pub action: String,
    pub issue: payload::Issue,
}
