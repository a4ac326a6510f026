//! The client every HTTP source shares: one per process (it is `Clone`; clones share the
//! connection pool, the budgets, the counts and the rate information).
//!
//! One `get_json` is: validate the URL, take a request from the host's budget, send (with
//! If-None-Match when the cache has the URL), then by status:
//! - 2xx: parse; keep body + ETag + next link in the cache; 304: the cached body;
//! - 401, 404, and a 403 that is no rate limit: configuration errors, returned at once;
//! - 403/429 rate limits: wait until Retry-After, else x-ratelimit-reset / RateLimit-Reset, else
//!   back off; secondary limits and abuse detection wait at least 60 s (doubling when repeated);
//! - 5xx, timeouts, refused connections, truncated bodies: back off (Retry-After if given);
//!
//! retrying up to `max_retries` times. A wait longer than `max_wait` is not slept through: the
//! call returns `RateLimited { until }` (or the failure at hand) so the poller can schedule the
//! source at that time instead of holding a task for up to an hour.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::header::{ACCEPT, ETAG, HeaderMap, HeaderName, HeaderValue, IF_NONE_MATCH};
use serde::de::DeserializeOwned;
use tracing::instrument::WithSubscriber;
use url::Url;

use super::auth::{is_loopback, is_sensitive_header};
use super::backoff::{Backoff, Jitter};
use super::budget::{Budgets, RequestCounts};
use super::cache::EtagCache;
use super::clock::Clock;
use super::error::{Endpoint, HttpError, clean_detail, host_key, json_detail};
use super::paging::next_link;
use super::ratelimit::{self, LimitKind, RateInfo, SECONDARY_MIN_WAIT};
use super::request::{Request, Response};
use crate::model::Timestamp;
use crate::store::CachedResponse;

/// How the client behaves. `Default` gives the production values.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Sent on every request.
    pub user_agent: String,
    /// The whole request — connect, send, headers and body — must finish within this.
    pub timeout: Duration,
    /// Connecting must finish within this (part of `timeout`).
    pub connect_timeout: Duration,
    /// Retries after the first attempt, for 5xx, timeouts, connection failures, truncated
    /// bodies and rate limits.
    pub max_retries: u32,
    /// Backoff without server timing: retry n waits `min(backoff_max, backoff_base × 2^n)`,
    /// jittered into its upper half.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub jitter: Jitter,
    /// The longest single wait slept through in place. A server asking for more (a primary
    /// rate limit resetting in 40 minutes) gets `RateLimited { until }` back immediately.
    pub max_wait: Duration,
    /// Requests per host per `budget_window` (every request sent counts, retries and 304s
    /// included); `None`: unlimited. See `budget.rs`.
    pub budget_per_host: Option<u32>,
    pub budget_window: Duration,
    /// Larger bodies fail with `TooLarge` instead of filling memory.
    pub max_body_bytes: usize,
    /// Run the network I/O (and its timeouts) on this runtime instead of the caller's. Tests
    /// that pause the caller's clock give a real-time runtime here, so a paused clock only
    /// drives the client's waits and never fires a request timeout while a local server is
    /// answering. `None` in production.
    pub io_runtime: Option<tokio::runtime::Handle>,
}

impl Default for HttpSettings {
    fn default() -> HttpSettings {
        HttpSettings {
            user_agent: format!(
                "flowdeck/{} (+https://github.com/flowdeck/flowdeck)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 5,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            jitter: Jitter::Random,
            max_wait: Duration::from_secs(5 * 60),
            budget_per_host: None,
            budget_window: Duration::from_secs(3600),
            max_body_bytes: 64 * 1024 * 1024,
            io_runtime: None,
        }
    }
}

/// The shared HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    settings: HttpSettings,
    cache: Arc<dyn EtagCache>,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

struct State {
    counts: RequestCounts,
    rates: HashMap<String, RateInfo>,
    budgets: Budgets,
    backoff: Backoff,
    warned_plain_http: HashSet<String>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// A body as it came off the wire or out of the cache, before parsing.
struct Fetched {
    body: Vec<u8>,
    next: Option<Url>,
    not_modified: bool,
    rate: RateInfo,
    status: u16,
    etag: Option<String>,
}

impl HttpClient {
    /// Creates the client (installing rustls' ring crypto provider as the process default if
    /// none is installed yet). TLS certificates are verified against the platform's roots.
    pub fn new(
        settings: HttpSettings,
        cache: Arc<dyn EtagCache>,
        clock: Arc<dyn Clock>,
    ) -> Result<HttpClient, HttpError> {
        // Err means a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .tls_backend_rustls()
            .user_agent(settings.user_agent.as_str())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .redirect(same_origin_redirects())
            .build()
            .map_err(|err| HttpError::Build {
                detail: root_cause(&err),
            })?;
        let state = State {
            counts: RequestCounts::default(),
            rates: HashMap::new(),
            budgets: Budgets::new(settings.budget_per_host, settings.budget_window),
            backoff: Backoff::new(settings.backoff_base, settings.backoff_max, settings.jitter),
            warned_plain_http: HashSet::new(),
        };
        Ok(HttpClient {
            inner: Arc::new(Inner {
                http,
                settings,
                cache,
                clock,
                state: Mutex::new(state),
            }),
        })
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.inner.settings
    }

    /// The client's clock (sources can use it for "now" so tests stay consistent).
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// Requests sent so far, in total and per host.
    pub fn requests_sent(&self) -> RequestCounts {
        self.state().counts.clone()
    }

    /// The rate-limit budget `host` last reported (host key: `host` or `host:port`).
    pub fn rate(&self, host: &str) -> Option<RateInfo> {
        self.state().rates.get(host).copied()
    }

    /// Requests left in `host`'s budget window; `None` without a budget.
    pub fn budget_remaining(&self, host: &str) -> Option<u32> {
        let now = self.inner.clock.now();
        self.state().budgets.remaining(host, now)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// GETs `request.url` and parses the JSON body, conditionally when the cache knows the URL,
    /// retrying per the rules in the module documentation.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        request: &Request,
    ) -> Result<Response<T>, HttpError> {
        let fetched = self.fetch(request, true).await?;
        match serde_json::from_slice::<T>(&fetched.body) {
            Ok(body) => {
                self.remember(request, &fetched);
                Ok(into_response(fetched, body))
            }
            Err(err) if fetched.not_modified => {
                // The cached copy does not parse (another version wrote it, or it is damaged):
                // fetch afresh rather than fail on what the server says is unchanged.
                tracing::warn!(
                    endpoint = %request.endpoint(),
                    error = %json_detail(&err),
                    "cached body does not parse; refetching without If-None-Match"
                );
                let fetched = self.fetch(request, false).await?;
                let body = parse(request, &fetched.body)?;
                self.remember(request, &fetched);
                Ok(into_response(fetched, body))
            }
            Err(err) => Err(HttpError::Malformed {
                endpoint: request.endpoint(),
                detail: json_detail(&err),
            }),
        }
    }

    /// Keeps a fresh 2xx body with an ETag for the next conditional request.
    fn remember(&self, request: &Request, fetched: &Fetched) {
        if fetched.not_modified {
            return;
        }
        if let Some(etag) = &fetched.etag {
            let entry = CachedResponse {
                etag: etag.clone(),
                body: fetched.body.clone(),
                next: fetched.next.as_ref().map(|url| url.to_string()),
                fetched_at: self.inner.clock.now(),
            };
            self.inner.cache.put(request.url.as_str(), &entry);
        }
    }

    /// Sends `request` until it succeeds, fails for good, or retries run out.
    async fn fetch(&self, request: &Request, conditional: bool) -> Result<Fetched, HttpError> {
        let settings = &self.inner.settings;
        let url = &request.url;
        check_url(url)?;
        let endpoint = Endpoint::of(url);
        self.warn_plain_http(request);

        let cached = if conditional {
            self.inner.cache.get(url.as_str())
        } else {
            None
        };
        let if_none_match = cached
            .as_ref()
            .and_then(|c| HeaderValue::from_str(&c.etag).ok());
        let is_conditional = if_none_match.is_some();
        let mut headers = build_headers(request)?;
        if let Some(etag) = if_none_match {
            headers.insert(IF_NONE_MATCH, etag);
        }

        let mut retry: u32 = 0;
        let mut secondary_hits: u32 = 0;
        loop {
            let now = self.inner.clock.now();
            {
                let mut state = self.state();
                if let Err(spent) = state.budgets.take(&endpoint.host, now) {
                    return Err(HttpError::BudgetExhausted {
                        host: endpoint.host.clone(),
                        limit: spent.limit,
                        window: settings.budget_window,
                        until: spent.until,
                    });
                }
                state
                    .counts
                    .record(&endpoint.host, is_conditional, retry > 0);
            }

            let started = std::time::Instant::now();
            let outcome = self.exchange(url, &headers).await;
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let now = self.inner.clock.now();
            let attempts = retry + 1;

            // What to do next: give up with an error, or wait and retry (failing with the
            // given error if retries or patience run out).
            let (wait, failure): (Duration, HttpError) = match outcome {
                Err(transport) => {
                    tracing::debug!(
                        method = "GET",
                        host = %endpoint.host,
                        path = %endpoint.path,
                        error = transport.kind(),
                        duration_ms,
                        retry,
                        conditional = is_conditional,
                        "http request failed"
                    );
                    let failure = transport.into_error(&endpoint, settings.timeout, attempts);
                    if !failure.is_retryable() {
                        return Err(failure);
                    }
                    (self.backoff(retry), failure)
                }
                Ok(raw) => {
                    tracing::debug!(
                        method = "GET",
                        host = %endpoint.host,
                        path = %endpoint.path,
                        status = raw.status,
                        duration_ms,
                        retry,
                        conditional = is_conditional,
                        "http request"
                    );
                    let rate = RateInfo::from_headers(&raw.headers, now);
                    if rate.is_known() {
                        self.state().rates.insert(endpoint.host.clone(), rate);
                    }
                    match raw.status {
                        304 => {
                            let Some(cached) = cached else {
                                return Err(HttpError::Status {
                                    endpoint,
                                    status: 304,
                                });
                            };
                            self.state().counts.record_not_modified(&endpoint.host);
                            return Ok(Fetched {
                                next: cached.next.as_deref().and_then(|n| Url::parse(n).ok()),
                                body: cached.body,
                                not_modified: true,
                                rate,
                                status: 304,
                                etag: None,
                            });
                        }
                        status @ 200..=299 => match raw.body {
                            Ok(body) => {
                                return Ok(Fetched {
                                    body,
                                    next: next_link(&raw.headers, &raw.final_url),
                                    not_modified: false,
                                    rate,
                                    status,
                                    etag: raw
                                        .headers
                                        .get(ETAG)
                                        .and_then(|v| v.to_str().ok())
                                        .map(str::to_string),
                                });
                            }
                            Err(transport) => {
                                let failure =
                                    transport.into_error(&endpoint, settings.timeout, attempts);
                                if !failure.is_retryable() {
                                    return Err(failure);
                                }
                                (self.backoff(retry), failure)
                            }
                        },
                        401 => return Err(HttpError::Unauthorized { endpoint }),
                        404 => return Err(HttpError::NotFound { endpoint }),
                        status @ (403 | 429) => {
                            let body = raw.body.as_deref().unwrap_or_default();
                            let Some(limit) = ratelimit::classify(status, &raw.headers, body, now)
                            else {
                                return Err(HttpError::Forbidden { endpoint });
                            };
                            let mut wait = match limit.resume_at {
                                Some(at) => (at - now).to_std().unwrap_or_default(),
                                None => Duration::ZERO,
                            };
                            if wait.is_zero() {
                                // No timing, or a reset already past (clock skew): back off.
                                wait = self.backoff(retry);
                            }
                            if limit.kind == LimitKind::Secondary {
                                let floor = SECONDARY_MIN_WAIT
                                    .saturating_mul(2u32.saturating_pow(secondary_hits));
                                wait = wait.max(floor);
                                secondary_hits += 1;
                            }
                            let until = now + chrono::Duration::from_std(wait).unwrap_or_default();
                            (
                                wait,
                                HttpError::RateLimited {
                                    endpoint: endpoint.clone(),
                                    until,
                                    reason: limit.kind.describe(),
                                },
                            )
                        }
                        status @ 500..=599 => {
                            let wait = ratelimit::retry_after(&raw.headers, now)
                                .and_then(|at| (at - now).to_std().ok())
                                .filter(|wait| !wait.is_zero())
                                .unwrap_or_else(|| self.backoff(retry));
                            (
                                wait,
                                HttpError::Server {
                                    endpoint: endpoint.clone(),
                                    status,
                                    attempts,
                                },
                            )
                        }
                        status => return Err(HttpError::Status { endpoint, status }),
                    }
                }
            };

            if retry >= settings.max_retries {
                return Err(failure);
            }
            if wait > settings.max_wait {
                tracing::info!(
                    host = %endpoint.host,
                    wait_s = wait.as_secs(),
                    max_wait_s = settings.max_wait.as_secs(),
                    "not waiting that long in place: {failure}"
                );
                return Err(failure);
            }
            tracing::info!(
                host = %endpoint.host,
                path = %endpoint.path,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                retry = retry + 1,
                "retrying: {failure}"
            );
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        self.state().backoff.delay(retry)
    }

    /// Warns (once per host) when a token is about to travel over plain http off this machine.
    fn warn_plain_http(&self, request: &Request) {
        let url = &request.url;
        if url.scheme() != "http" || !request.auth.is_some() || is_loopback(url) {
            return;
        }
        let host = host_key(url);
        if self.state().warned_plain_http.insert(host.clone()) {
            tracing::warn!(
                host = %host,
                "sending a token over plain http to {host}: anyone on the network path can read it; use https"
            );
        }
    }

    /// One request on the wire: status, headers and body (or why there are none).
    async fn exchange(&self, url: &Url, headers: &HeaderMap) -> Result<Raw, Transport> {
        let request = self
            .inner
            .http
            .get(url.clone())
            .headers(headers.clone())
            .build()
            .map_err(Transport::from_reqwest)?;
        let io = exchange(
            self.inner.http.clone(),
            request,
            self.inner.settings.max_body_bytes,
        )
        .with_current_subscriber();
        match &self.inner.settings.io_runtime {
            Some(runtime) => runtime
                .spawn(io)
                .await
                .map_err(|err| Transport::Other(format!("the I/O task failed: {err}")))?,
            None => io.await,
        }
    }
}

fn into_response<T>(fetched: Fetched, body: T) -> Response<T> {
    Response {
        body,
        next: fetched.next,
        not_modified: fetched.not_modified,
        rate: fetched.rate,
        status: fetched.status,
    }
}

fn parse<T: DeserializeOwned>(request: &Request, body: &[u8]) -> Result<T, HttpError> {
    serde_json::from_slice(body).map_err(|err| HttpError::Malformed {
        endpoint: request.endpoint(),
        detail: json_detail(&err),
    })
}

/// https and http only, with a host, and without credentials in the URL (they would end up in
/// the ETag cache's keys).
pub(crate) fn check_url(url: &Url) -> Result<(), HttpError> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err(HttpError::InvalidUrl {
            detail: format!(
                "{}:// URLs are not supported; use https:// (or http:// for a local server)",
                clean_detail(url.scheme(), 20)
            ),
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(HttpError::InvalidUrl {
            detail: format!("{} has no host", url.scheme()),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HttpError::InvalidUrl {
            detail: format!(
                "a URL for {} carries credentials; configure a token instead",
                host_key(url)
            ),
        });
    }
    Ok(())
}

fn build_headers(request: &Request) -> Result<HeaderMap, HttpError> {
    let invalid = |detail: String| HttpError::InvalidRequest {
        endpoint: request.endpoint(),
        detail,
    };
    let mut headers = HeaderMap::new();
    let accept = HeaderValue::from_str(request.accept)
        .map_err(|_| invalid("the Accept value is not a valid header value".to_string()))?;
    headers.insert(ACCEPT, accept);
    request
        .auth
        .apply(&mut headers)
        .map_err(|detail| invalid(detail.to_string()))?;
    for (name, value) in &request.headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(format!("{name:?} is not a valid header name")))?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| invalid(format!("the value of {name} is not a valid header value")))?;
        if is_sensitive_header(name) {
            value.set_sensitive(true);
        }
        headers.append(header, value);
    }
    Ok(headers)
}

/// Redirects are followed (up to 5) only within the same scheme, host and port: a credential
/// header (PRIVATE-TOKEN is not one reqwest knows to strip) never follows a redirect elsewhere.
/// A redirect that is not followed comes back as `HttpError::Status`.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// An answer off the wire.
struct Raw {
    status: u16,
    headers: HeaderMap,
    /// After same-origin redirects: the base for relative Link references.
    final_url: Url,
    body: Result<Vec<u8>, Transport>,
}

/// Why no (complete) answer came.
#[derive(Debug)]
enum Transport {
    Timeout,
    Connect(String),
    Tls(String),
    Truncated,
    TooLarge(usize),
    Redirect(String),
    Other(String),
}

impl Transport {
    fn from_reqwest(err: reqwest::Error) -> Transport {
        let err = err.without_url();
        if err.is_timeout() {
            return Transport::Timeout;
        }
        if let Some(tls) = find_source::<rustls::Error>(&err) {
            return Transport::Tls(clean_detail(&tls.to_string(), 200));
        }
        if err.is_connect() {
            return Transport::Connect(root_cause(&err));
        }
        if err.is_body() || err.is_decode() {
            return Transport::Truncated;
        }
        if err.is_redirect() {
            return Transport::Redirect(root_cause(&err));
        }
        Transport::Other(root_cause(&err))
    }

    fn kind(&self) -> &'static str {
        match self {
            Transport::Timeout => "timeout",
            Transport::Connect(_) => "connect",
            Transport::Tls(_) => "tls",
            Transport::Truncated => "truncated",
            Transport::TooLarge(_) => "too large",
            Transport::Redirect(_) => "redirect",
            Transport::Other(_) => "other",
        }
    }

    fn into_error(self, endpoint: &Endpoint, timeout: Duration, attempts: u32) -> HttpError {
        let endpoint = endpoint.clone();
        match self {
            Transport::Timeout => HttpError::Timeout {
                endpoint,
                timeout,
                attempts,
            },
            Transport::Connect(detail) => HttpError::Connect {
                host: endpoint.host,
                detail,
                attempts,
            },
            Transport::Tls(detail) => HttpError::Tls {
                host: endpoint.host,
                detail,
            },
            Transport::Truncated => HttpError::Truncated { endpoint, attempts },
            Transport::TooLarge(limit) => HttpError::TooLarge { endpoint, limit },
            // A redirect error is a server's configuration: do not retry it here.
            Transport::Redirect(detail) => HttpError::InvalidRequest { endpoint, detail },
            Transport::Other(detail) => HttpError::Request { endpoint, detail },
        }
    }
}

/// The I/O of one request, on whichever runtime runs it.
async fn exchange(
    http: reqwest::Client,
    request: reqwest::Request,
    max_body: usize,
) -> Result<Raw, Transport> {
    let mut response = http
        .execute(request)
        .await
        .map_err(Transport::from_reqwest)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let final_url = response.url().clone();
    let body = read_body(&mut response, max_body).await;
    Ok(Raw {
        status,
        headers,
        final_url,
        body,
    })
}

async fn read_body(response: &mut reqwest::Response, max: usize) -> Result<Vec<u8>, Transport> {
    if response
        .content_length()
        .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > max))
    {
        return Err(Transport::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Transport::from_reqwest)? {
        if body.len().saturating_add(chunk.len()) > max {
            return Err(Transport::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn find_source<'a, E: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut current = Some(err);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<E>() {
            return Some(found);
        }
        current = next_cause(err);
    }
    None
}

/// The cause of an error. io::Error::source() skips its own payload, where tokio-rustls puts
/// the rustls::Error (wrapped twice), so the payload is the next cause there.
fn next_cause<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match err.downcast_ref::<std::io::Error>() {
        Some(io) => match io.get_ref() {
            Some(payload) => Some(payload as &(dyn std::error::Error + 'static)),
            None => std::error::Error::source(io),
        },
        None => err.source(),
    }
}

/// The innermost cause of an error ("Connection refused (os error 111)"), cleaned for one line.
/// reqwest's own message names the URL (query included), so it is never used whole.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current: &(dyn std::error::Error + 'static) = err;
    while let Some(source) = next_cause(current) {
        current = source;
    }
    clean_detail(&current.to_string(), 200)
}
