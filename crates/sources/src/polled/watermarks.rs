//! A source's watermarks: what it stored at its last sync (read from the store), and the new
//! values this sync sets, committed atomically with its events (or not at all).

use std::sync::Arc;

use chrono::{NaiveTime, SecondsFormat};
use serde::de::DeserializeOwned;

use crate::SourceError;
use flowdeck_core::model::Timestamp;
use flowdeck_store::{Store, StoreError};

pub struct Watermarks {
    store: Arc<dyn Store>,
    source: String,
    /// New values, in the order set (one per key: setting a key again replaces it).
    updates: Vec<(String, String)>,
}

impl std::fmt::Debug for Watermarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watermarks")
            .field("source", &self.source)
            .field("updates", &self.updates)
            .finish_non_exhaustive()
    }
}

impl Watermarks {
    pub(crate) fn new(store: Arc<dyn Store>, source: &str) -> Watermarks {
        Watermarks {
            store,
            source: source.to_string(),
            updates: Vec::new(),
        }
    }

    /// The source's name, as its watermarks are stored under.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The stored value (never one set during this sync).
    pub fn get(&self, key: &str) -> Result<Option<String>, SourceError> {
        self.store.watermark(&self.source, key).map_err(store_error)
    }

    /// The stored value read by `parse`; one it cannot read is missing.
    pub fn read<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, SourceError> {
        Ok(self.get(key)?.as_deref().and_then(parse))
    }

    /// A stored time (RFC 3339).
    pub fn timestamp(&self, key: &str) -> Result<Option<Timestamp>, SourceError> {
        self.read(key, |v| v.parse::<Timestamp>().ok())
    }

    /// A stored JSON value; one that does not parse (another version wrote it) is missing.
    pub fn json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SourceError> {
        self.read(key, |v| serde_json::from_str(v).ok())
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        self.updates.retain(|(k, _)| *k != key);
        self.updates.push((key, value.into()));
    }

    /// A value as JSON (a cursor); `json` reads it back.
    pub fn set_json<T: serde::Serialize>(&mut self, key: impl Into<String>, value: &T) {
        match serde_json::to_string(value) {
            Ok(text) => self.set(key, text),
            Err(error) => tracing::warn!(%error, "a watermark could not be written as JSON"),
        }
    }

    /// Forgets a cursor: stored empty, which `json` reads as missing (the store keeps its
    /// rows, so the schema does not change).
    pub fn clear(&mut self, key: impl Into<String>) {
        self.set(key, "");
    }

    /// What this sync set so far, handed over to a part commit (`Round::commit_part`).
    pub(crate) fn take_updates(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.updates)
    }

    /// What this sync set, in order.
    pub(crate) fn into_updates(self) -> Vec<(String, String)> {
        self.updates
    }
}

/// A store failure as a source error: retryable when the store says so.
pub(crate) fn store_error(error: StoreError) -> SourceError {
    if error.is_retryable() {
        SourceError::Transient(error.to_string())
    } else {
        SourceError::Data(error.to_string())
    }
}

/// RFC 3339 in whole seconds with a Z ("2026-03-02T10:00:00Z"), as most APIs write times.
pub(crate) fn format_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Midnight UTC of a time's day: a watermark that moves at most once a day keeps a request URL
/// stable, so unchanged polls are answered 304.
pub(crate) fn day_start(t: Timestamp) -> Timestamp {
    t.date_naive().and_time(NaiveTime::MIN).and_utc()
}
