//! Buildkite's JSON (REST API v2, `GET /v2/organizations/{org}/pipelines/{pipeline}/builds`),
//! the fields flowdeck reads, and nothing else.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Build {
    pub id: String,
    pub number: u64,
    /// running, scheduled, passed, failing, failed, blocked, canceling, canceled, skipped,
    /// not_run, creating, waiting.
    pub state: String,
    /// The sha; "HEAD" for a build started without one.
    #[serde(default)]
    pub commit: String,
    pub branch: Option<String>,
    pub web_url: Option<String>,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}
