//! What the GitLab source remembers between syncs, as watermarks in the store (committed
//! atomically with the events they describe):
//!
//! | key                   | value                                                          |
//! |-----------------------|----------------------------------------------------------------|
//! | `horizon`             | the backfill horizon of the first sync (RFC 3339 with milliseconds), kept by the scaffold (`polled::Round`); its presence means the backfill is done |
//! | `project`             | `{"path": …, "web_url": …}` from GET /projects/:id            |
//! | `deployments:{env}`   | the cursor of that production environment's deployments      |
//! | `deployments:last`    | `{"id", "sha", "finished_at"}` of the newest counted deployment: the predecessor of the next |
//! | `pipelines`           | the cursor of the pipeline list                               |
//! | `merge_requests`      | the cursor of the merge request list                          |
//!
//! A cursor is "{updated_at} {ids at that instant}" (see `walk::Cursor`).

use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};

use super::walk::Cursor;
use crate::SourceError;
use crate::polled::{Horizon, Watermarks};
use flowdeck_core::model::Timestamp;

/// GitLab keeps its horizon under a name of its own, written with milliseconds (stores written
/// before the scaffold hold it so).
pub(super) const HORIZON: Horizon = Horizon {
    key: "horizon",
    precision: SecondsFormat::Millis,
};
pub(super) const PROJECT: &str = "project";
pub(super) const LAST_DEPLOYMENT: &str = "deployments:last";
pub(super) const PIPELINES: &str = "pipelines";
pub(super) const MERGE_REQUESTS: &str = "merge_requests";

pub(super) fn deployments_key(environment: &str) -> String {
    format!("deployments:{environment}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ProjectInfo {
    pub path: String,
    pub web_url: String,
}

/// The newest counted deployment stored: the predecessor of the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct LastDeployment {
    pub id: String,
    pub sha: String,
    pub finished_at: Timestamp,
}

/// A list's stored cursor; a damaged one is missing (the list is read again from the horizon).
pub(super) fn cursor(marks: &Watermarks, key: &str) -> Result<Option<Cursor>, SourceError> {
    marks.read(key, Cursor::parse)
}

/// How GitLab's watermarks write a time: RFC 3339 with milliseconds.
pub(super) fn timestamp(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A JSON watermark value.
pub(super) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
