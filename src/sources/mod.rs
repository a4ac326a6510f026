//! Sources translate provider data into model events. Provider quirks stay inside their module.

pub mod collect;
pub mod demo;
pub mod git;
pub mod github;
pub mod gitlab;
pub mod http;
pub mod incidents;
pub mod live;
pub mod opsgenie;
pub mod pagerduty;
pub mod prometheus;
pub mod registry;
pub mod token;

pub use collect::{collect, collect_demo};

use serde::Serialize;

use crate::model::Timestamp;

/// Why a source could not deliver its events.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The source is configured in a way that cannot work; retrying will not help.
    #[error("{0}")]
    Config(String),
    /// The repository or API answered with something flowdeck cannot read.
    #[error("{0}")]
    Data(String),
    /// A passing failure (I/O, a lock, a timeout); the next attempt may succeed.
    #[error("{0}")]
    Transient(String),
    /// The provider's rate limit (or flowdeck's own request budget) is spent until `until`.
    #[error("{message}")]
    RateLimited { message: String, until: Timestamp },
}

impl SourceError {
    /// Whether trying again later can succeed without a change of config.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SourceError::Transient(_) | SourceError::RateLimited { .. }
        )
    }

    /// When trying again can succeed, when the provider said so.
    pub fn retry_at(&self) -> Option<Timestamp> {
        match self {
            SourceError::RateLimited { until, .. } => Some(*until),
            _ => None,
        }
    }

    /// A retryable failure: `RateLimited` when the HTTP error knows when, else `Transient`.
    pub fn retryable(message: String, http: &http::HttpError) -> SourceError {
        match http.retry_at() {
            Some(until) => SourceError::RateLimited { message, until },
            None => SourceError::Transient(message),
        }
    }
}

/// How a source fared, for the report's `sources[]` and the dashboard's status line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceStatus {
    pub name: String,
    pub kind: String,
    /// "ok", "stale" or "error".
    pub status: String,
    pub last_success_at: Option<Timestamp>,
    pub error: Option<String>,
    /// The earliest time the source's data is complete from; None when it holds all history.
    #[serde(skip)]
    pub covers_from: Option<Timestamp>,
}
