//! What the GitLab source remembers between syncs, as watermarks in the store (committed
//! atomically with the events they describe):
//!
//! | key                   | value                                                          |
//! |-----------------------|----------------------------------------------------------------|
//! | `horizon`             | the backfill horizon of the first sync (RFC 3339); its presence means the backfill is done |
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
use flowdeck_core::model::Timestamp;
use flowdeck_store::{Store, StoreError};

pub const HORIZON: &str = "horizon";
pub const PROJECT: &str = "project";
pub const LAST_DEPLOYMENT: &str = "deployments:last";
pub const PIPELINES: &str = "pipelines";
pub const MERGE_REQUESTS: &str = "merge_requests";

pub fn deployments_key(environment: &str) -> String {
    format!("deployments:{environment}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectInfo {
    pub path: String,
    pub web_url: String,
}

/// The newest counted deployment stored: the predecessor of the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastDeployment {
    pub id: String,
    pub sha: String,
    pub finished_at: Timestamp,
}

pub fn store_error(error: StoreError) -> SourceError {
    if error.is_retryable() {
        SourceError::Transient(error.to_string())
    } else {
        SourceError::Data(error.to_string())
    }
}

/// Reads this source's watermarks.
pub struct Marks<'a> {
    pub store: &'a dyn Store,
    pub source: &'a str,
}

impl Marks<'_> {
    pub fn get(&self, key: &str) -> Result<Option<String>, SourceError> {
        self.store.watermark(self.source, key).map_err(store_error)
    }

    pub fn cursor(&self, key: &str) -> Result<Option<Cursor>, SourceError> {
        Ok(self.get(key)?.as_deref().and_then(Cursor::parse))
    }

    pub fn horizon(&self) -> Result<Option<Timestamp>, SourceError> {
        Ok(self
            .get(HORIZON)?
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.to_utc()))
    }

    pub fn json<T: for<'de> Deserialize<'de>>(&self, key: &str) -> Result<Option<T>, SourceError> {
        Ok(self
            .get(key)?
            .and_then(|text| serde_json::from_str(&text).ok()))
    }
}

pub fn timestamp(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
