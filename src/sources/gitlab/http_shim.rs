//! TEMPORARY stand-in for `crate::sources::http` (branch helper/http, not merged yet), with the
//! agreed API, so the GitLab source builds and its tests run. Only `api.rs` uses it, through
//! `use super::http_shim as http;`; when helper/http lands this file is deleted and that line
//! becomes `use crate::sources::http;`.
//!
//! It does what the GitLab tests need and no more: auth headers, a timeout, an in-memory ETag
//! cache (If-None-Match, cached body on 304), Link paging, RateLimit-* headers and typed errors.
//! No retries, budget or persisted cache: those are the real layer's job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

pub enum Auth {
    Bearer(SecretString),
    PrivateToken(SecretString),
    None,
}

pub struct Request {
    pub url: Url,
    pub auth: Auth,
    pub accept: &'static str,
    pub headers: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Epoch seconds.
    pub reset: Option<i64>,
}

pub struct Response<T> {
    pub body: T,
    pub next: Option<Url>,
    pub not_modified: bool,
    pub rate: RateInfo,
    pub status: u16,
    /// GitLab's `x-total` (absent beyond 10,000 items and on some endpoints).
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub sent: u64,
    pub not_modified: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url} answered {status}{detail}")]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("cannot reach {url}: {detail}")]
    Transport { url: String, detail: String },
    #[error("{url} sent a body that is not the expected JSON: {detail}")]
    Decode { url: String, detail: String },
}

impl HttpError {
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpError::Status { status, .. } => *status == 429 || *status >= 500,
            HttpError::Transport { .. } => true,
            HttpError::Decode { .. } => true,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

struct Cached {
    etag: String,
    body: Vec<u8>,
    next: Option<Url>,
    total: Option<u64>,
}

#[derive(Default)]
struct Shared {
    cache: HashMap<String, Cached>,
    counts: RequestCounts,
    rates: HashMap<String, RateInfo>,
}

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    shared: Arc<Mutex<Shared>>,
}

impl HttpClient {
    pub fn new(user_agent: &str) -> Result<HttpClient, HttpError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| HttpError::Transport {
                url: String::new(),
                detail: e.to_string(),
            })?;
        Ok(HttpClient {
            client,
            shared: Arc::new(Mutex::new(Shared::default())),
        })
    }

    fn shared(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn requests_sent(&self) -> RequestCounts {
        self.shared().counts
    }

    pub fn rate(&self, host: &str) -> Option<RateInfo> {
        self.shared().rates.get(host).copied()
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        request: &Request,
    ) -> Result<Response<T>, HttpError> {
        let url = request.url.to_string();
        let mut builder = self
            .client
            .get(request.url.clone())
            .header("Accept", request.accept);
        builder = match &request.auth {
            Auth::Bearer(token) => builder.bearer_auth(token.expose_secret()),
            Auth::PrivateToken(token) => builder.header("PRIVATE-TOKEN", token.expose_secret()),
            Auth::None => builder,
        };
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let cached_etag = self.shared().cache.get(&url).map(|c| c.etag.clone());
        if let Some(etag) = &cached_etag {
            builder = builder.header("If-None-Match", etag);
        }
        let response = builder.send().await.map_err(|e| HttpError::Transport {
            url: url.clone(),
            detail: e.without_url().to_string(),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let number = |name: &str| header(name).and_then(|v| v.trim().parse::<u64>().ok());
        let rate = RateInfo {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            reset: header("ratelimit-reset").and_then(|v| v.trim().parse().ok()),
        };
        {
            let mut shared = self.shared();
            shared.counts.sent += 1;
            if rate.remaining.is_some()
                && let Some(host) = request.url.host_str()
            {
                shared.rates.insert(host.to_string(), rate);
            }
        }
        if status == 304 {
            let mut shared = self.shared();
            shared.counts.not_modified += 1;
            if let Some(cached) = shared.cache.get(&url) {
                let body = serde_json::from_slice(&cached.body).map_err(|e| HttpError::Decode {
                    url: url.clone(),
                    detail: e.to_string(),
                })?;
                return Ok(Response {
                    body,
                    next: cached.next.clone(),
                    not_modified: true,
                    rate,
                    status,
                    total: cached.total,
                });
            }
        }
        let bytes = response.bytes().await.map_err(|e| HttpError::Transport {
            url: url.clone(),
            detail: e.without_url().to_string(),
        })?;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&bytes);
            let detail: String = crate::text::sanitize(text.trim())
                .chars()
                .take(200)
                .collect();
            return Err(HttpError::Status {
                url,
                status,
                detail: if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                },
            });
        }
        let body = serde_json::from_slice(&bytes).map_err(|e| HttpError::Decode {
            url: url.clone(),
            detail: e.to_string(),
        })?;
        let next = header("link").and_then(|l| next_link(&l));
        let total = number("x-total");
        if let Some(etag) = header("etag") {
            self.shared().cache.insert(
                url,
                Cached {
                    etag,
                    body: bytes.to_vec(),
                    next: next.clone(),
                    total,
                },
            );
        }
        Ok(Response {
            body,
            next,
            not_modified: false,
            rate,
            status,
            total,
        })
    }
}

/// The rel="next" target of a Link header.
fn next_link(link: &str) -> Option<Url> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        if !is_next {
            return None;
        }
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        Url::parse(target).ok()
    })
}
