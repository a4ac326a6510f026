//! The wire: one request out, status + headers + body back (or why not), on whichever runtime
//! runs the I/O. Also what is checked and set before anything is sent: the URL, the headers,
//! the redirect policy.

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::auth::is_sensitive_header;
use super::error::{Endpoint, HttpError, clean_detail, host_key};
use super::request::Request;

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

pub(crate) fn build_headers(request: &Request) -> Result<HeaderMap, HttpError> {
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
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
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
pub(crate) struct Raw {
    pub status: u16,
    pub headers: HeaderMap,
    /// After same-origin redirects: the base for relative Link references.
    pub final_url: Url,
    pub body: Result<Vec<u8>, Transport>,
}

/// Why no (complete) answer came.
#[derive(Debug)]
pub(crate) enum Transport {
    Timeout,
    Connect(String),
    Tls(String),
    Truncated,
    TooLarge(usize),
    Redirect(String),
    Other(String),
}

impl Transport {
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Transport {
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

    pub(crate) fn kind(&self) -> &'static str {
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

    pub(crate) fn into_error(
        self,
        endpoint: &Endpoint,
        timeout: Duration,
        attempts: u32,
    ) -> HttpError {
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
pub(crate) async fn exchange(
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
    let announced = response.content_length();
    if announced.is_some_and(|len| usize::try_from(len).map_or(true, |len| len > max)) {
        return Err(Transport::TooLarge(max));
    }
    // An announced length is allocated once: grown by doubling, a 60 MB page would pass
    // through a 128 MB buffer and a copy. The announcement is bounded above, and a server
    // sending less only leaves capacity unused.
    let mut body = Vec::with_capacity(
        announced
            .and_then(|len| usize::try_from(len).ok())
            .unwrap_or(0)
            .min(max),
    );
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
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current: &(dyn std::error::Error + 'static) = err;
    while let Some(source) = next_cause(current) {
        current = source;
    }
    clean_detail(&current.to_string(), 200)
}
