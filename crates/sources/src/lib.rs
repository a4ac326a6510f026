//! flowdeck's sources: each provider turns its data into model events (provider quirks stay
//! inside its module), over the HTTP layer they share (`http`); the `poller` runs them on their
//! intervals and commits what they return to the store (docs/ARCHITECTURE.md).
//!
//! `pub(crate)` by default: only what the binary, tests, benches and examples use is public,
//! and `unreachable_pub` keeps a `pub` from hiding inside a private module.

#![warn(unreachable_pub)]

pub mod argocd;
pub mod buildkite;
pub mod circleci;
mod collect;
mod cuts;
pub mod demo;
pub mod detect;
pub mod events;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod github;
pub mod gitlab;
pub mod hooks;
pub mod http;
mod incidents;
pub mod jenkins;
pub mod live;
pub mod opsgenie;
pub mod pagerduty;
pub mod polled;
pub mod poller;
pub mod progress;
pub mod prometheus;
pub mod registry;
pub mod shipped;
mod token;

pub use collect::{collect, collect_demo};

use flowdeck_core::model::Timestamp;

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
