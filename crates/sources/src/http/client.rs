//! The client every HTTP source shares: one per process (it is `Clone`; clones share the
//! connection pool, the budgets, the counts and the rate information).
//!
//! One `get_json` is: validate the URL, take a request from the host's budget (budget.rs), send
//! with If-None-Match when the cache has the URL (cache.rs), read the answer (transport.rs),
//! decide what it means (retry.rs), and sleep with `tokio::time::sleep` before a retry, up to
//! `max_retries` times. A wait longer than `max_wait` is not slept through: the call returns
//! `RateLimited { until }` (or the failure at hand) so the poller can schedule the source then
//! instead of holding a task for up to an hour.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, IF_NONE_MATCH};
use serde::de::DeserializeOwned;
use tracing::instrument::WithSubscriber;

use super::auth::is_loopback;
use super::backoff::{Backoff, Jitter};
use super::budget::{Budgets, RequestCounts};
use super::cache::EtagCache;
use super::clock::Clock;
use super::error::{Endpoint, HttpError, host_key, json_detail, origin_text};
use super::ratelimit::RateInfo;
use super::request::{JSON, Method, Request, Response};
use super::retry::{Attempt, Fetched, Retrier, Step};
use super::transport::{
    Raw, Transport, build_headers, check_url, exchange, root_cause, same_origin_redirects,
};
use super::wait::{self, WaitObserver, Waiting};
use flowdeck_core::model::Timestamp;
use flowdeck_store::CachedResponse;

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
    /// Told of every wait before it begins (`observe_waits`).
    observer: Mutex<Option<WaitObserver>>,
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
                observer: Mutex::new(None),
            }),
        })
    }

    /// Tells `observer` of every wait before a retry from now on (what is waited for and
    /// until when), whichever source's request it is.
    pub fn observe_waits(&self, observer: WaitObserver) {
        *self
            .inner
            .observer
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(observer);
    }

    fn tell_wait(&self, endpoint: &Endpoint, failure: &HttpError, wait: Duration) {
        let observer = self
            .inner
            .observer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(observer) = observer {
            let until = self.inner.clock.now()
                + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
            observer(&Waiting {
                source: wait::current_source(),
                host: endpoint.host.clone(),
                what: wait::what_for(failure),
                until,
                wait,
            });
        }
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
                let fetched = self.remember(request, fetched);
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
                let fetched = self.remember(request, fetched);
                Ok(into_response(fetched, body))
            }
            Err(err) => Err(HttpError::Malformed {
                endpoint: request.endpoint(),
                detail: json_detail(&err),
            }),
        }
    }

    /// POSTs `request` (made with `Request::post_json`, a webhook) and returns the status of
    /// its 2xx answer. Failures retry as a GET's do (5xx, timeouts, a refused connection once,
    /// rate limits), up to `max_retries`; a 4xx fails at once. Nothing is cached, and no error
    /// or log line names more of the URL than its host.
    pub async fn post_json(&self, request: &Request) -> Result<u16, HttpError> {
        self.fetch(request, false)
            .await
            .map(|fetched| fetched.status)
    }

    /// Keeps a fresh 2xx body with an ETag for the next conditional request. The body is
    /// decoded by then: it moves into the cache entry instead of being copied (a page is
    /// never held twice), and `fetched` comes back without it.
    fn remember(&self, request: &Request, mut fetched: Fetched) -> Fetched {
        if fetched.not_modified {
            return fetched;
        }
        if let Some(etag) = &fetched.etag {
            let entry = CachedResponse {
                etag: etag.clone(),
                body: std::mem::take(&mut fetched.body),
                next: fetched.next.as_ref().map(|url| url.to_string()),
                fetched_at: self.inner.clock.now(),
            };
            self.inner.cache.put(request.url.as_str(), &entry);
        }
        fetched
    }

    /// Sends `request` until it succeeds, fails for good, or retries run out.
    async fn fetch(&self, request: &Request, conditional: bool) -> Result<Fetched, HttpError> {
        let settings = &self.inner.settings;
        let url = &request.url;
        check_url(url)?;
        let endpoint = request.endpoint_of(url);
        if request.has_credentials() && !request.in_scope(url) {
            return Err(HttpError::OtherHost {
                endpoint: request.endpoint_of(&request.scope),
                via: "a link in an answer".to_string(),
                from: origin_text(&request.scope),
                to: origin_text(url),
            });
        }
        self.warn_plain_http(request);

        let mut cached = if conditional {
            self.inner.cache.get(url.as_str())
        } else {
            None
        };
        let if_none_match = cached
            .as_ref()
            .and_then(|c| HeaderValue::from_str(&c.etag).ok());
        let is_conditional = if_none_match.is_some();
        let mut headers = build_headers(request)?;
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        if let Some(etag) = if_none_match {
            headers.insert(IF_NONE_MATCH, etag);
        }

        let mut retrier = Retrier {
            secondary_hits: 0,
            backoff: |retry: u32| self.state().backoff.delay(retry),
        };
        let mut retry: u32 = 0;
        loop {
            self.take_budget(&endpoint.host, is_conditional, retry > 0)?;
            let started = std::time::Instant::now();
            let outcome = self.exchange(request, &headers).await;
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let now = self.inner.clock.now();
            let rate = match &outcome {
                Ok(raw) => {
                    tracing::debug!(
                        method,
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
                    rate
                }
                Err(transport) => {
                    tracing::debug!(
                        method,
                        host = %endpoint.host,
                        path = %endpoint.path,
                        error = transport.kind(),
                        duration_ms,
                        retry,
                        conditional = is_conditional,
                        "http request failed"
                    );
                    RateInfo::default()
                }
            };
            let attempt = Attempt {
                endpoint: &endpoint,
                scope: &request.scope,
                now,
                retry,
                timeout: settings.timeout,
                rate,
            };
            let (wait, failure) = match retrier.decide(outcome, &attempt, &mut cached) {
                Step::Done(fetched) => {
                    if let Some(next) = fetched.next.as_ref().filter(|next| !request.in_scope(next))
                    {
                        return Err(HttpError::OtherHost {
                            endpoint,
                            via: "the next-page link".to_string(),
                            from: origin_text(&request.scope),
                            to: origin_text(next),
                        });
                    }
                    if fetched.not_modified {
                        self.state().counts.record_not_modified(&endpoint.host);
                    }
                    return Ok(fetched);
                }
                Step::Fail(failure) => return Err(failure),
                Step::Retry { wait, failure } => (wait, failure),
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
            self.tell_wait(&endpoint, &failure, wait);
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// Takes one request from the host's budget and counts it, or says the budget is spent.
    fn take_budget(&self, host: &str, conditional: bool, retry: bool) -> Result<(), HttpError> {
        let now = self.inner.clock.now();
        let mut state = self.state();
        if let Err(spent) = state.budgets.take(host, now) {
            return Err(HttpError::BudgetExhausted {
                host: host.to_string(),
                limit: spent.limit,
                window: self.inner.settings.budget_window,
                until: spent.until,
            });
        }
        state.counts.record(host, conditional, retry);
        Ok(())
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
    async fn exchange(&self, request: &Request, headers: &HeaderMap) -> Result<Raw, Transport> {
        let http = &self.inner.http;
        let builder = match (request.method, &request.body) {
            (Method::Get, _) => http.get(request.url.clone()),
            (Method::Post, body) => http
                .post(request.url.clone())
                .header(CONTENT_TYPE, JSON)
                .body(body.clone().unwrap_or_default()),
        };
        let request = builder
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
