//! What can go wrong with a request, said in one sentence that names the host and the path —
//! never the token, never the query string (where some APIs put credentials), never the body.

use std::fmt;
use std::time::Duration;

use flowdeck_core::model::Timestamp;

/// Where a request went: host (with its port when not the scheme's default) and path, without
/// the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub path: String,
}

impl Endpoint {
    pub fn of(url: &url::Url) -> Endpoint {
        Endpoint {
            host: host_key(url),
            path: url.path().to_string(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.host, self.path)
    }
}

/// The key of a host in budgets, rate information and request counts: the host name, plus
/// `:port` when the URL names a port other than its scheme's default.
pub(crate) fn host_key(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// `scheme://host[:port]`, cleaned for a message (a hostile host name cannot inject text).
pub(crate) fn origin_text(url: &url::Url) -> String {
    clean_detail(&format!("{}://{}", url.scheme(), host_key(url)), 120)
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    /// 401: the token is missing, wrong or expired. A configuration error; never retried.
    #[error("{endpoint}: the server rejected the credentials (401 Unauthorized); check the token")]
    Unauthorized { endpoint: Endpoint },
    /// 403 that is not a rate limit. A configuration error; never retried.
    #[error(
        "{endpoint}: access denied (403 Forbidden); the token lacks the permission or scope to read it"
    )]
    Forbidden { endpoint: Endpoint },
    /// 404. A configuration error (a misspelt repository, or one the token cannot see); never retried.
    #[error(
        "{endpoint} was not found (404 Not Found); check the name and that the token can see it"
    )]
    NotFound { endpoint: Endpoint },
    /// The host's rate limit is spent: retries ran out, or the wait the headers ask for is longer
    /// than `HttpSettings::max_wait`. Try again at `until`.
    #[error("{endpoint}: rate limited by the server ({reason}); requests resume at {until}")]
    RateLimited {
        endpoint: Endpoint,
        until: Timestamp,
        reason: &'static str,
    },
    /// 5xx on every attempt.
    #[error("{endpoint}: the server failed with {status} on {attempts} attempt(s)")]
    Server {
        endpoint: Endpoint,
        status: u16,
        attempts: u32,
    },
    /// No complete answer within the request timeout, on every attempt.
    #[error("{endpoint}: no complete answer within {} s, on {attempts} attempt(s) (timeout)", timeout.as_secs_f64())]
    Timeout {
        endpoint: Endpoint,
        timeout: Duration,
        attempts: u32,
    },
    /// The connection could not be made (refused, unreachable, DNS), on every attempt.
    #[error("cannot connect to {host}: {detail}, on {attempts} attempt(s)")]
    Connect {
        host: String,
        detail: String,
        attempts: u32,
    },
    /// The TLS handshake failed (an unknown certificate authority, a wrong host name). Not retried.
    #[error("secure connection to {host} failed: {detail}")]
    Tls { host: String, detail: String },
    /// The body is not the JSON expected; `detail` has serde's line and column, not the body.
    #[error("{endpoint}: the answer is not the JSON expected ({detail})")]
    Malformed { endpoint: Endpoint, detail: String },
    /// The body ended before its announced end (connection closed mid-body), on every attempt.
    #[error(
        "{endpoint}: the answer was cut off before its end (truncated body), on {attempts} attempt(s)"
    )]
    Truncated { endpoint: Endpoint, attempts: u32 },
    /// The body is larger than `HttpSettings::max_body_bytes`.
    #[error(
        "{endpoint}: the answer is larger than {limit} bytes, the most flowdeck reads in one page; it was not read"
    )]
    TooLarge { endpoint: Endpoint, limit: usize },
    /// The per-host request budget is spent until `until`; no request was sent.
    #[error("the request budget for {host} ({limit} requests per {} s) is spent until {until}", window.as_secs())]
    BudgetExhausted {
        host: String,
        limit: u32,
        window: Duration,
        until: Timestamp,
    },
    /// The URL cannot be requested (not http/https, no host).
    #[error("invalid URL: {detail}")]
    InvalidUrl { detail: String },
    /// A next-page link, a redirect or a URL taken from a body leads away from the origin
    /// (scheme, host and port) the request's credentials belong to. Never followed: the token
    /// would go to a host the configuration did not name. Not retried.
    #[error(
        "{endpoint}: {via} leads to another host ({to}); not followed, the credentials for {from} go nowhere else"
    )]
    OtherHost {
        endpoint: Endpoint,
        /// "the next-page link", "a redirect (302)", "a URL in the answer".
        via: String,
        /// `scheme://host[:port]` of the configured origin.
        from: String,
        /// `scheme://host[:port]` it would have gone to.
        to: String,
    },
    /// The request cannot be built (a header value that is not valid in HTTP).
    #[error("{endpoint}: invalid request: {detail}")]
    InvalidRequest { endpoint: Endpoint, detail: String },
    /// Any other status (400, 410, 422, a redirect that was not followed, …). Not retried.
    /// `detail` is the server's own message when its body says one (a JSON `error` or
    /// `message`), cleaned and shortened: Prometheus explains a bad query only there.
    #[error("{endpoint}: unexpected answer {status}{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Status {
        endpoint: Endpoint,
        status: u16,
        detail: Option<String>,
    },
    /// Any other failure of the HTTP machinery.
    #[error("{endpoint}: request failed: {detail}")]
    Request { endpoint: Endpoint, detail: String },
    /// The HTTP client could not be created.
    #[error("cannot create the HTTP client: {detail}")]
    Build { detail: String },
}

impl HttpError {
    /// Whether trying again later can succeed without a change of configuration. The client
    /// has already retried these as far as its settings allow; this tells the poller to schedule
    /// another attempt (at `retry_at()` when known) rather than report a configuration error.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            HttpError::RateLimited { .. }
                | HttpError::Server { .. }
                | HttpError::Timeout { .. }
                | HttpError::Connect { .. }
                | HttpError::Truncated { .. }
                | HttpError::BudgetExhausted { .. }
                | HttpError::Request { .. }
        )
    }

    /// Whether the configuration (token, URL, repository name, certificates) must change.
    pub fn is_config_error(&self) -> bool {
        matches!(
            self,
            HttpError::Unauthorized { .. }
                | HttpError::Forbidden { .. }
                | HttpError::NotFound { .. }
                | HttpError::Tls { .. }
                | HttpError::InvalidUrl { .. }
                | HttpError::OtherHost { .. }
                | HttpError::InvalidRequest { .. }
        )
    }

    /// When a retry can succeed, if the server or the budget said so.
    pub fn retry_at(&self) -> Option<Timestamp> {
        match self {
            HttpError::RateLimited { until, .. } | HttpError::BudgetExhausted { until, .. } => {
                Some(*until)
            }
            _ => None,
        }
    }

    /// The HTTP status the server answered with, when the failure is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Unauthorized { .. } => Some(401),
            HttpError::Forbidden { .. } => Some(403),
            HttpError::NotFound { .. } => Some(404),
            HttpError::Server { status, .. } | HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// How a source reports an HTTP failure: configuration errors as `Config` (shown as such, not
/// retried), answers it cannot read as `Data`, the rest as `Transient` (retried at the next poll,
/// or at `HttpError::retry_at`).
impl From<HttpError> for crate::SourceError {
    fn from(err: HttpError) -> Self {
        let message = err.to_string();
        if err.is_config_error() {
            crate::SourceError::Config(message)
        } else if err.is_retryable() {
            crate::SourceError::retryable(message, &err)
        } else {
            crate::SourceError::Data(message)
        }
    }
}

/// Text from the network made safe for a one-line message: no control characters, bounded length.
pub(crate) fn clean_detail(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

/// The message an error body gives, if it is JSON with a string `error` or `message` (at the
/// top or inside an `error` object), as one clean line of at most 300 characters.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let message = text(&value["error"])
        .or_else(|| text(&value["message"]))
        .or_else(|| text(&value["error"]["message"]))?;
    let message = clean_detail(message.trim(), 300);
    (!message.is_empty()).then_some(message)
}

/// serde_json's complaint, with line and column, and without the document's own text: values
/// quoted in the message (`invalid type: string "…"`) are elided.
pub(crate) fn json_detail(error: &serde_json::Error) -> String {
    let message = error.to_string();
    // serde_json appends " at line L column C"; put it back ourselves after eliding.
    let core = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(core, _)| core);
    let mut elided = String::with_capacity(core.len());
    let mut in_quotes = false;
    for c in core.chars() {
        if c == '"' {
            if in_quotes {
                elided.push('…');
            }
            in_quotes = !in_quotes;
            elided.push(c);
        } else if !in_quotes {
            elided.push(c);
        }
    }
    format!(
        "{} at line {} column {}",
        clean_detail(&elided, 160),
        error.line(),
        error.column()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_detail_keeps_position_and_elides_values() {
        let err = serde_json::from_str::<u64>("\"glpat-abc\"").unwrap_err();
        let detail = json_detail(&err);
        assert!(!detail.contains("glpat"), "{detail}");
        assert!(detail.contains("line 1 column"), "{detail}");
        assert!(detail.contains("invalid type"), "{detail}");

        let err = serde_json::from_str::<Vec<u64>>("[1, 2,\n oops]").unwrap_err();
        let detail = json_detail(&err);
        assert!(detail.contains("line 2 column 2"), "{detail}");
    }

    #[test]
    fn server_messages_are_read_from_error_bodies() {
        let prometheus = br#"{"status":"error","errorType":"bad_data","error":"1:8: parse error:\nunexpected end"}"#;
        assert_eq!(
            server_message(prometheus).as_deref(),
            Some("1:8: parse error: unexpected end")
        );
        assert_eq!(
            server_message(br#"{"message":"400 Bad request"}"#).as_deref(),
            Some("400 Bad request")
        );
        assert_eq!(
            server_message(br#"{"error":{"message":"Invalid Input","code":2001}}"#).as_deref(),
            Some("Invalid Input")
        );
        assert_eq!(server_message(b"<html>Bad Request</html>"), None);
        assert_eq!(server_message(br#"{"error":""}"#), None);
        let long = format!(r#"{{"error":"{}"}}"#, "x".repeat(500));
        assert_eq!(
            server_message(long.as_bytes()).unwrap().chars().count(),
            301
        );
        let status = HttpError::Status {
            endpoint: Endpoint {
                host: "h".into(),
                path: "/api/v1/query".into(),
            },
            status: 400,
            detail: Some("parse error".into()),
        };
        assert_eq!(
            status.to_string(),
            "h/api/v1/query: unexpected answer 400 (parse error)"
        );
    }

    #[test]
    fn endpoint_has_no_query() {
        let url =
            url::Url::parse("https://gitlab.example.com:8443/api/v4/projects?private_token=s3cret")
                .unwrap();
        let endpoint = Endpoint::of(&url);
        assert_eq!(
            endpoint.to_string(),
            "gitlab.example.com:8443/api/v4/projects"
        );
        let url = url::Url::parse("https://api.github.com:443/x").unwrap();
        assert_eq!(host_key(&url), "api.github.com");
    }

    #[test]
    fn source_errors() {
        use crate::SourceError;
        let endpoint = Endpoint {
            host: "h".into(),
            path: "/p".into(),
        };
        let config: SourceError = HttpError::NotFound {
            endpoint: endpoint.clone(),
        }
        .into();
        assert!(matches!(config, SourceError::Config(ref m) if m.contains("h/p")));
        let data: SourceError = HttpError::Malformed {
            endpoint: endpoint.clone(),
            detail: "x".into(),
        }
        .into();
        assert!(matches!(data, SourceError::Data(_)));
        let transient: SourceError = HttpError::Truncated {
            endpoint,
            attempts: 6,
        }
        .into();
        assert!(transient.is_retryable());
    }

    #[test]
    fn configuration_errors_are_not_retryable() {
        let endpoint = Endpoint {
            host: "h".into(),
            path: "/p".into(),
        };
        for err in [
            HttpError::Unauthorized {
                endpoint: endpoint.clone(),
            },
            HttpError::Forbidden {
                endpoint: endpoint.clone(),
            },
            HttpError::NotFound { endpoint },
        ] {
            assert!(!err.is_retryable());
            assert!(err.is_config_error());
        }
    }
}
