//! What one answer means: a result, a failure for good, or a retry after a wait.
//!
//! - 2xx: the body (with its ETag and next link); 304: the cached body and next link;
//! - 401, 404, a 403 that is no rate limit, any other 4xx/3xx: fail at once (configuration);
//! - 403/429 rate limits: wait until Retry-After, else the reset header (GitHub, GitLab,
//!   PagerDuty), else one throttling period (Opsgenie's X-RateLimit-Period-In-Sec), else back off; a
//!   secondary limit or abuse detection waits at least 60 s, doubling each time it repeats;
//! - 5xx: Retry-After if given, else back off; timeouts, refused connections, truncated
//!   bodies: back off. TLS failures and oversized bodies fail at once.

use std::time::Duration;

use reqwest::header::{ETAG, LOCATION};
use url::Url;

use super::error::{Endpoint, HttpError, origin_text, server_message};
use super::link::next_link;
use super::ratelimit::{self, LimitKind, RateInfo, SECONDARY_MIN_WAIT};
use super::transport::{Raw, Transport};
use flowdeck_core::model::Timestamp;
use flowdeck_store::CachedResponse;

/// A body as it came off the wire or out of the cache, before parsing.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub body: Vec<u8>,
    pub next: Option<Url>,
    pub not_modified: bool,
    pub rate: RateInfo,
    pub status: u16,
    pub etag: Option<String>,
}

/// What to do after one attempt.
#[derive(Debug)]
pub(crate) enum Step {
    Done(Fetched),
    Fail(HttpError),
    /// Wait, then try again; `failure` is the error if no retry is left or the wait is too long.
    Retry {
        wait: Duration,
        failure: HttpError,
    },
}

/// One attempt's context.
pub(crate) struct Attempt<'a> {
    pub endpoint: &'a Endpoint,
    /// The origin the request's credentials are for: a redirect elsewhere is refused.
    pub scope: &'a Url,
    pub now: Timestamp,
    /// 0 for the first attempt.
    pub retry: u32,
    /// The client's request timeout, for the Timeout error.
    pub timeout: Duration,
    /// The rate information of the answer (empty without one).
    pub rate: RateInfo,
}

/// The retry state kept across the attempts of one request.
pub(crate) struct Retrier<F> {
    /// Secondary limits met so far: each doubles the next floor.
    pub secondary_hits: u32,
    /// The exponential backoff wait for retry n (0-based).
    pub backoff: F,
}

impl<F: FnMut(u32) -> Duration> Retrier<F> {
    /// Reads one attempt's outcome. `cached` is the entry If-None-Match was sent for; a 304
    /// takes it.
    pub(crate) fn decide(
        &mut self,
        outcome: Result<Raw, Transport>,
        attempt: &Attempt<'_>,
        cached: &mut Option<CachedResponse>,
    ) -> Step {
        let endpoint = attempt.endpoint;
        let attempts = attempt.retry + 1;
        let raw = match outcome {
            Ok(raw) => raw,
            Err(transport) => return self.transport_failure(transport, attempt),
        };
        match raw.status {
            304 => match cached.take() {
                Some(cached) => Step::Done(Fetched {
                    next: cached.next.as_deref().and_then(|n| Url::parse(n).ok()),
                    body: cached.body,
                    not_modified: true,
                    rate: attempt.rate,
                    status: 304,
                    etag: None,
                }),
                None => Step::Fail(HttpError::Status {
                    endpoint: endpoint.clone(),
                    status: 304,
                    detail: None,
                }),
            },
            status @ 200..=299 => match raw.body {
                Ok(body) => Step::Done(Fetched {
                    next: next_link(&raw.headers, &raw.final_url),
                    etag: raw
                        .headers
                        .get(ETAG)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                    body,
                    not_modified: false,
                    rate: attempt.rate,
                    status,
                }),
                Err(transport) => self.transport_failure(transport, attempt),
            },
            401 => Step::Fail(HttpError::Unauthorized {
                endpoint: endpoint.clone(),
            }),
            404 => Step::Fail(HttpError::NotFound {
                endpoint: endpoint.clone(),
            }),
            status @ (403 | 429) => {
                let body = raw.body.as_deref().unwrap_or_default();
                match ratelimit::classify(status, &raw.headers, body, attempt.now) {
                    None => Step::Fail(HttpError::Forbidden {
                        endpoint: endpoint.clone(),
                    }),
                    Some(limit) => {
                        let mut wait = until(limit.resume_at, attempt.now)
                            .unwrap_or_else(|| (self.backoff)(attempt.retry));
                        if limit.kind == LimitKind::Secondary {
                            let floor = SECONDARY_MIN_WAIT
                                .saturating_mul(2u32.saturating_pow(self.secondary_hits));
                            wait = wait.max(floor);
                            self.secondary_hits += 1;
                        }
                        let until =
                            attempt.now + chrono::Duration::from_std(wait).unwrap_or_default();
                        Step::Retry {
                            wait,
                            failure: HttpError::RateLimited {
                                endpoint: endpoint.clone(),
                                until,
                                reason: limit.kind.describe(),
                            },
                        }
                    }
                }
            }
            status @ 500..=599 => Step::Retry {
                wait: until(
                    ratelimit::retry_after(&raw.headers, attempt.now),
                    attempt.now,
                )
                .unwrap_or_else(|| (self.backoff)(attempt.retry)),
                failure: HttpError::Server {
                    endpoint: endpoint.clone(),
                    status,
                    attempts,
                },
            },
            status @ 300..=399 => Step::Fail(redirect_failure(status, &raw, attempt)),
            status => Step::Fail(HttpError::Status {
                endpoint: endpoint.clone(),
                status,
                detail: raw.body.as_deref().ok().and_then(server_message),
            }),
        }
    }

    fn transport_failure(&mut self, transport: Transport, attempt: &Attempt<'_>) -> Step {
        let failure = transport.into_error(attempt.endpoint, attempt.timeout, attempt.retry + 1);
        if failure.is_retryable() {
            Step::Retry {
                wait: (self.backoff)(attempt.retry),
                failure,
            }
        } else {
            Step::Fail(failure)
        }
    }
}

/// A redirect that came back unfollowed: the transport follows a few within the request's
/// origin, so this one leads elsewhere (named, never followed with the credentials) or is one
/// hop too many.
fn redirect_failure(status: u16, raw: &Raw, attempt: &Attempt<'_>) -> HttpError {
    let target = raw
        .headers
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| raw.final_url.join(location.trim()).ok());
    match target {
        Some(target) if target.origin() != attempt.scope.origin() => HttpError::OtherHost {
            endpoint: attempt.endpoint.clone(),
            via: format!("a redirect ({status})"),
            from: origin_text(attempt.scope),
            to: origin_text(&target),
        },
        _ => HttpError::Status {
            endpoint: attempt.endpoint.clone(),
            status,
            detail: Some(match target {
                Some(_) => "too many redirects".to_string(),
                None => "a redirect without a usable Location".to_string(),
            }),
        },
    }
}

/// The wait until `at`; `None` without a time or when it is already past (clock skew: back
/// off instead of hammering).
fn until(at: Option<Timestamp>, now: Timestamp) -> Option<Duration> {
    (at? - now).to_std().ok().filter(|wait| !wait.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn now() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
    }

    fn raw(status: u16, headers: &[(&'static str, &str)], body: &str) -> Result<Raw, Transport> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        Ok(Raw {
            status,
            headers: map,
            final_url: Url::parse("https://api.github.com/repos/o/r/pulls?page=2").unwrap(),
            body: Ok(body.as_bytes().to_vec()),
        })
    }

    fn endpoint() -> Endpoint {
        Endpoint {
            host: "api.github.com".into(),
            path: "/repos/o/r/pulls".into(),
        }
    }

    fn decide(
        retrier: &mut Retrier<impl FnMut(u32) -> Duration>,
        retry: u32,
        outcome: Result<Raw, Transport>,
    ) -> Step {
        let endpoint = endpoint();
        let scope = Url::parse("https://api.github.com/").unwrap();
        let attempt = Attempt {
            endpoint: &endpoint,
            scope: &scope,
            now: now(),
            retry,
            timeout: Duration::from_secs(30),
            rate: RateInfo::default(),
        };
        retrier.decide(outcome, &attempt, &mut None)
    }

    fn retrier() -> Retrier<impl FnMut(u32) -> Duration> {
        Retrier {
            secondary_hits: 0,
            backoff: |retry| Duration::from_secs(10 + u64::from(retry)),
        }
    }

    fn wait_of(step: &Step) -> Duration {
        match step {
            Step::Retry { wait, .. } => *wait,
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn success_resolves_the_next_link_against_the_final_url() {
        let step = decide(
            &mut retrier(),
            0,
            raw(
                200,
                &[
                    ("link", "</repos/o/r/pulls?page=3>; rel=\"next\""),
                    ("etag", "W/\"x\""),
                ],
                "[]",
            ),
        );
        let Step::Done(fetched) = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            fetched.next.unwrap().as_str(),
            "https://api.github.com/repos/o/r/pulls?page=3"
        );
        assert_eq!(fetched.etag.as_deref(), Some("W/\"x\""));
    }

    #[test]
    fn configuration_statuses_fail_at_once() {
        for (status, body) in [
            (401, ""),
            (404, ""),
            (403, "{\"message\":\"Must have admin rights\"}"),
            (422, ""),
            (301, ""),
        ] {
            let step = decide(&mut retrier(), 0, raw(status, &[], body));
            let Step::Fail(err) = step else {
                panic!("{status}: {step:?}")
            };
            assert_eq!(err.status(), Some(status));
        }
        // A 304 without a cached entry (If-None-Match was never sent) is not understood.
        assert!(matches!(
            decide(&mut retrier(), 0, raw(304, &[], "")),
            Step::Fail(_)
        ));
    }

    #[test]
    fn secondary_limits_double_from_a_minute() {
        let mut retrier = retrier();
        let body = "You have exceeded a secondary rate limit";
        let waits: Vec<u64> = (0..3)
            .map(|n| wait_of(&decide(&mut retrier, n, raw(403, &[], body))).as_secs())
            .collect();
        assert_eq!(waits, [60, 120, 240]);
        // A Retry-After longer than the floor wins.
        let mut retrier = self::retrier();
        assert_eq!(
            wait_of(&decide(
                &mut retrier,
                0,
                raw(403, &[("retry-after", "90")], body)
            )),
            Duration::from_secs(90)
        );
    }

    #[test]
    fn a_reset_in_the_past_backs_off() {
        let past = (now() - chrono::Duration::seconds(5))
            .timestamp()
            .to_string();
        let step = decide(
            &mut retrier(),
            2,
            raw(
                403,
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &past)],
                "",
            ),
        );
        assert_eq!(wait_of(&step), Duration::from_secs(12));
        let Step::Retry { failure, .. } = step else {
            unreachable!()
        };
        assert_eq!(
            failure.retry_at(),
            Some(now() + chrono::Duration::seconds(12))
        );
    }

    #[test]
    fn pagerduty_and_opsgenie_limits_wait_what_their_headers_say() {
        let step = decide(
            &mut retrier(),
            0,
            raw(
                429,
                &[
                    ("ratelimit-limit", "960"),
                    ("ratelimit-remaining", "0"),
                    ("ratelimit-reset", "20"),
                ],
                r#"{"error":{"message":"Rate Limit Exceeded","code":2020}}"#,
            ),
        );
        assert_eq!(wait_of(&step), Duration::from_secs(20));
        let step = decide(
            &mut retrier(),
            3,
            raw(
                429,
                &[
                    ("x-ratelimit-state", "THROTTLED"),
                    ("x-ratelimit-period-in-sec", "60"),
                ],
                r#"{"message":"Too many requests","took":0.001}"#,
            ),
        );
        assert_eq!(wait_of(&step), Duration::from_secs(60));
        let Step::Retry { failure, .. } = step else {
            unreachable!()
        };
        assert_eq!(
            failure.retry_at(),
            Some(now() + chrono::Duration::seconds(60))
        );
    }

    #[test]
    fn server_errors_take_retry_after_or_back_off() {
        assert_eq!(
            wait_of(&decide(
                &mut retrier(),
                0,
                raw(503, &[("retry-after", "3")], "")
            )),
            Duration::from_secs(3)
        );
        assert_eq!(
            wait_of(&decide(&mut retrier(), 1, raw(502, &[], "<html>"))),
            Duration::from_secs(11)
        );
    }

    #[test]
    fn transport_failures() {
        assert_eq!(
            wait_of(&decide(&mut retrier(), 0, Err(Transport::Timeout))),
            Duration::from_secs(10)
        );
        let truncated = raw(200, &[], "");
        let truncated = truncated.map(|mut raw| {
            raw.body = Err(Transport::Truncated);
            raw
        });
        assert!(matches!(
            decide(&mut retrier(), 0, truncated),
            Step::Retry {
                failure: HttpError::Truncated { .. },
                ..
            }
        ));
        assert!(matches!(
            decide(&mut retrier(), 0, Err(Transport::Tls("bad cert".into()))),
            Step::Fail(HttpError::Tls { .. })
        ));
        assert!(matches!(
            decide(&mut retrier(), 0, Err(Transport::TooLarge(10))),
            Step::Fail(HttpError::TooLarge { .. })
        ));
    }
}
