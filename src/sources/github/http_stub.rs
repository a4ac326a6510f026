//! TEMPORARY stand-in for `crate::sources::http` (branch helper/http), with the agreed API, so
//! this source compiles and its tests run before that branch is merged. Only `client.rs` uses
//! it; it is deleted when the real layer arrives.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use crate::model::Timestamp;

pub enum Auth {
    Bearer(SecretString),
    #[allow(dead_code)]
    PrivateToken(SecretString),
    None,
}

pub struct Request {
    pub url: Url,
    pub auth: Auth,
    pub accept: &'static str,
    pub headers: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateInfo {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<Timestamp>,
}

pub struct Response<T> {
    pub body: T,
    pub next: Option<Url>,
    pub not_modified: bool,
    pub rate: RateInfo,
    pub status: u16,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub sent: u64,
    pub not_modified: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {detail}")]
    Transport { url: String, detail: String },
    #[error("{url}: unreadable body: {detail}")]
    Body { url: String, detail: String },
}

impl HttpError {
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpError::Status { status, .. } => *status == 429 || *status >= 500,
            HttpError::Transport { .. } => true,
            HttpError::Body { .. } => false,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

type Cache = HashMap<String, (String, Vec<u8>, Option<String>)>;

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    cache: Arc<Mutex<Cache>>,
    counts: Arc<Mutex<RequestCounts>>,
    rates: Arc<Mutex<HashMap<String, RateInfo>>>,
}

impl HttpClient {
    pub fn new() -> Result<HttpClient, HttpError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent("flowdeck")
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| HttpError::Transport {
                url: String::new(),
                detail: e.to_string(),
            })?;
        Ok(HttpClient {
            client,
            cache: Arc::default(),
            counts: Arc::default(),
            rates: Arc::default(),
        })
    }

    pub fn requests_sent(&self) -> RequestCounts {
        self.counts.lock().map(|c| *c).unwrap_or_default()
    }

    pub fn rate(&self, host: &str) -> Option<RateInfo> {
        self.rates.lock().ok()?.get(host).cloned()
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        request: &Request,
    ) -> Result<Response<T>, HttpError> {
        let key = request.url.to_string();
        let cached = self.cache.lock().ok().and_then(|c| c.get(&key).cloned());
        let mut builder = self
            .client
            .get(request.url.clone())
            .header("Accept", request.accept);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        match &request.auth {
            Auth::Bearer(token) => {
                builder =
                    builder.header("Authorization", format!("Bearer {}", token.expose_secret()))
            }
            Auth::PrivateToken(token) => {
                builder = builder.header("PRIVATE-TOKEN", token.expose_secret())
            }
            Auth::None => {}
        }
        if let Some((etag, _, _)) = &cached {
            builder = builder.header("If-None-Match", etag);
        }
        let response = builder.send().await.map_err(|e| HttpError::Transport {
            url: key.clone(),
            detail: e.without_url().to_string(),
        })?;
        let status = response.status().as_u16();
        if let Ok(mut counts) = self.counts.lock() {
            counts.sent += 1;
            if status == 304 {
                counts.not_modified += 1;
            }
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let rate = RateInfo {
            limit: header("x-ratelimit-limit").and_then(|v| v.parse().ok()),
            remaining: header("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset: header("x-ratelimit-reset")
                .and_then(|v| v.parse::<i64>().ok())
                .and_then(|s| Utc.timestamp_opt(s, 0).single()),
        };
        if let (Some(host), Ok(mut rates)) = (request.url.host_str(), self.rates.lock())
            && (rate.remaining.is_some() || rate.limit.is_some())
        {
            rates.insert(host.to_string(), rate.clone());
        }
        let etag = header("etag");
        let next = header("link").and_then(|l| next_link(&l));
        if status == 304
            && let Some((_, body, next)) = cached
        {
            let body = serde_json::from_slice(&body).map_err(|e| HttpError::Body {
                url: key.clone(),
                detail: e.to_string(),
            })?;
            return Ok(Response {
                body,
                next: next.and_then(|n| Url::parse(&n).ok()),
                not_modified: true,
                rate,
                status,
            });
        }
        if !(200..300).contains(&status) {
            return Err(HttpError::Status { url: key, status });
        }
        let bytes = response.bytes().await.map_err(|e| HttpError::Transport {
            url: key.clone(),
            detail: e.without_url().to_string(),
        })?;
        let body = serde_json::from_slice(&bytes).map_err(|e| HttpError::Body {
            url: key.clone(),
            detail: e.to_string(),
        })?;
        if let (Some(etag), Ok(mut cache)) = (etag, self.cache.lock()) {
            cache.insert(key, (etag, bytes.to_vec(), next.clone()));
        }
        Ok(Response {
            body,
            next: next.and_then(|n| Url::parse(&n).ok()),
            not_modified: false,
            rate,
            status,
        })
    }
}

fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        if params.split(';').any(|p| p.trim() == "rel=\"next\"") {
            Some(
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string(),
            )
        } else {
            None
        }
    })
}
