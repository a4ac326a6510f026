//! Argo CD's Application, as `GET /api/v1/applications/{name}` returns it, as far as flowdeck
//! reads it: `status.history` (the successful syncs Argo CD keeps, at most
//! `spec.revisionHistoryLimit`, default 10), `status.operationState` (the latest operation),
//! `status.health` and `status.sync`. Unknown fields are ignored; fields Argo CD may leave out
//! are options.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Application {
    #[serde(default)]
    pub spec: Spec,
    #[serde(default)]
    pub status: Status,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Spec {
    #[serde(default)]
    pub revision_history_limit: Option<i64>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Source {
    #[serde(default, rename = "repoURL")]
    pub repo_url: Option<String>,
    #[serde(default)]
    pub target_revision: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Status {
    #[serde(default)]
    pub history: Vec<History>,
    #[serde(default)]
    pub operation_state: Option<OperationState>,
    #[serde(default)]
    pub health: Option<Health>,
    #[serde(default)]
    pub sync: Option<SyncStatus>,
}

/// One successful sync.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct History {
    pub id: i64,
    /// Empty for an application with several sources: then `revisions`.
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub revisions: Vec<String>,
    pub deployed_at: Timestamp,
    /// The operation's `startedAt` (absent in entries written by old versions).
    #[serde(default)]
    pub deploy_started_at: Option<Timestamp>,
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OperationState {
    /// Running, Terminating, Failed, Error, Succeeded.
    pub phase: String,
    pub started_at: Timestamp,
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    #[serde(default)]
    pub sync_result: Option<Revisions>,
    #[serde(default)]
    pub operation: Option<Operation>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Operation {
    #[serde(default)]
    pub sync: Option<Revisions>,
}

/// `syncResult` and `operation.sync`: the revision (or, for several sources, revisions).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Revisions {
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub revisions: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Health {
    /// Healthy, Progressing, Degraded, Suspended, Missing, Unknown.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub last_transition_time: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SyncStatus {
    /// Synced, OutOfSync, Unknown.
    #[serde(default)]
    pub status: Option<String>,
}

/// The first non-empty of a revision and a list of them, lower-case.
pub(crate) fn first_revision(revision: Option<&str>, revisions: &[String]) -> Option<String> {
    revision
        .into_iter()
        .chain(revisions.iter().map(String::as_str))
        .map(str::trim)
        .find(|r| !r.is_empty())
        .map(str::to_ascii_lowercase)
}

impl History {
    pub(crate) fn sha(&self) -> Option<String> {
        first_revision(self.revision.as_deref(), &self.revisions)
    }

    /// When the sync began: `deployStartedAt`, else (old entries) `deployedAt`.
    pub(crate) fn started(&self) -> Timestamp {
        self.deploy_started_at.unwrap_or(self.deployed_at)
    }
}

impl OperationState {
    /// The revision synced: `syncResult.revision`, else the one the operation asked for.
    pub(crate) fn sha(&self) -> Option<String> {
        let result = self.sync_result.as_ref();
        let asked = self.operation.as_ref().and_then(|o| o.sync.as_ref());
        result
            .and_then(|r| first_revision(r.revision.as_deref(), &r.revisions))
            .or_else(|| asked.and_then(|r| first_revision(r.revision.as_deref(), &r.revisions)))
    }
}

impl Application {
    pub(crate) fn health(&self) -> Option<&str> {
        self.status.health.as_ref()?.status.as_deref()
    }
}
