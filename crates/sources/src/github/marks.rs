//! Watermarks: what a sync reads from the store to go on where the last one stopped, and the new
//! values it hands back in its outcome (committed with the events, atomically).

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};

use crate::SourceError;
use flowdeck_core::model::Timestamp;
use flowdeck_store::{Store, StoreError};

pub const BACKFILL_FROM: &str = "backfill.from";
pub const SYNC_AT: &str = "sync.at";
pub const ENVIRONMENTS: &str = "deployments.environments";
pub const RUNS_CREATED_SINCE: &str = "runs.created_since";
pub const PULLS_UPDATED_SINCE: &str = "pulls.updated_since";

/// "deployments.newest_id:<environment>"
pub fn deployments_newest(environment: &str) -> String {
    format!("deployments.newest_id:{environment}")
}

/// "issues.since:<label>"
pub fn issues_since(label: &str) -> String {
    format!("issues.since:{label}")
}

pub fn store_error(error: StoreError) -> SourceError {
    if error.is_retryable() {
        SourceError::Transient(error.to_string())
    } else {
        SourceError::Data(error.to_string())
    }
}

pub struct Marks {
    store: Arc<dyn Store>,
    source: String,
    /// New values, in the order set.
    pub updates: Vec<(String, String)>,
}

impl Marks {
    pub fn new(store: Arc<dyn Store>, source: &str) -> Marks {
        Marks {
            store,
            source: source.to_string(),
            updates: Vec::new(),
        }
    }

    /// The stored value (not the ones set during this sync).
    pub fn get(&self, key: &str) -> Result<Option<String>, SourceError> {
        self.store.watermark(&self.source, key).map_err(store_error)
    }

    pub fn timestamp(&self, key: &str) -> Result<Option<Timestamp>, SourceError> {
        Ok(self.get(key)?.and_then(|v| v.parse::<Timestamp>().ok()))
    }

    pub fn date(&self, key: &str) -> Result<Option<NaiveDate>, SourceError> {
        Ok(self
            .get(key)?
            .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()))
    }

    pub fn number(&self, key: &str) -> Result<Option<u64>, SourceError> {
        Ok(self.get(key)?.and_then(|v| v.parse().ok()))
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        self.updates.retain(|(k, _)| *k != key);
        self.updates.push((key, value.into()));
    }
}

/// Midnight UTC of a time's day: watermarks that move at most once a day keep request URLs
/// stable, so unchanged polls are answered 304.
pub fn day_start(t: Timestamp) -> Timestamp {
    t.date_naive().and_time(NaiveTime::MIN).and_utc()
}

/// RFC 3339 with whole seconds and a Z, as GitHub writes times.
pub fn format_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
