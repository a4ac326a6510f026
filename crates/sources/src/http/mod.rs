//! What all HTTP sources share: auth, the User-Agent, timeouts, conditional requests with an
//! ETag cache, Link-header paging, a per-host request budget, rate-limit handling and retries.
//!
//! Sources build a [`Request`], call [`HttpClient::get_json`] (one page) or
//! [`HttpClient::get_all`] / [`HttpClient::get_all_with`] / [`HttpClient::get_all_in`] /
//! [`HttpClient::pages`] (lists), and map [`HttpError`] to their status: `is_config_error()`
//! (401, a plain 403, 404, TLS, a bad URL) is shown as a configuration problem and not retried;
//! `is_retryable()` ones are tried again at `retry_at()` or the next poll.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use flowdeck_sources::http::*;
//! # async fn demo(token: secrecy::SecretString) -> Result<(), HttpError> {
//! let client = HttpClient::new(
//!     HttpSettings::default(),
//!     Arc::new(MemoryEtagCache::new()),
//!     Arc::new(SystemClock),
//! )?;
//! let url = url::Url::parse("https://api.github.com/repos/acme/api/deployments?per_page=100")
//!     .map_err(|e| HttpError::InvalidUrl { detail: e.to_string() })?;
//! let first = Request::get(url, Auth::Bearer(token))
//!     .accept("application/vnd.github+json")
//!     .header("X-GitHub-Api-Version", "2022-11-28");
//! let pages = client.get_all::<serde_json::Value>(first, 50).await?;
//! # Ok(()) }
//! ```

mod auth;
mod backoff;
mod budget;
mod cache;
mod client;
mod clock;
mod error;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
mod link;
mod paging;
mod ratelimit;
mod request;
mod retry;
mod transport;
mod wait;

// What tests and the binary use is public; the rest is the sources' own.
pub use auth::Auth;
pub use backoff::Jitter;
pub use cache::{EtagCache, MemoryEtagCache, NoEtagCache, StoreEtagCache};
pub use client::{HttpClient, HttpSettings};
pub use clock::{SystemClock, TokioClock};
pub use error::HttpError;
pub(crate) use paging::PageWalk;
pub use request::{Method, Request};
pub use wait::{WaitObserver, Waiting, on_behalf_of};

pub(crate) use error::{Endpoint, host_key, origin_text};
pub(crate) use ratelimit::RateInfo;
pub(crate) use request::{JSON, Response, api_url};
