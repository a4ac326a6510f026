//! What a source asks for and what it gets back.

use std::fmt;

use url::Url;

use super::auth::{Auth, is_sensitive_header};
use super::error::Endpoint;
use super::ratelimit::RateInfo;

/// The default Accept header.
pub(crate) const JSON: &str = "application/json";

/// `{root}/{segments…}?{query}`: each segment is one path segment (percent-encoded, so a "/"
/// in a project path stays inside its segment), the query pairs form-encoded. What every API
/// client builds its requests from.
pub(crate) fn api_url(root: &Url, segments: &[&str], query: &[(&str, &str)]) -> Url {
    let mut url = root.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

/// The HTTP method: GET for every source; POST for a webhook (`Request::post_json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request (a GET, or a webhook's POST). `Debug` shows neither the token, nor sensitive
/// header values, nor the query; nor the path when the path is the secret (`secret_path`).
///
/// Its credentials (`auth`, and any credential-like header) belong to one origin, `scope`: the
/// client refuses to send the request anywhere else, and refuses a next-page link or a redirect
/// that leaves it. A source sets `scope` to its configured base URL (`scoped_to`), so even a URL
/// taken from an answer's body cannot carry the token to another host.
#[derive(Clone)]
pub struct Request {
    pub url: Url,
    pub auth: Auth,
    /// The origin (scheme, host, port) the credentials are for. `Request::get` takes the URL's.
    pub scope: Url,
    pub accept: &'static str,
    /// Extra headers (e.g. `X-GitHub-Api-Version`). Values of credential-like names are never logged.
    pub headers: Vec<(&'static str, String)>,
    pub method: Method,
    /// The body of a POST (JSON), sent with `Content-Type: application/json`.
    pub body: Option<Vec<u8>>,
    /// The URL's path and query are a credential (a webhook URL carries its token in its
    /// path): no error, log line or `Debug` shows more than its scheme and host.
    pub secret_path: bool,
}

impl Request {
    /// A GET of `url` accepting JSON.
    pub fn get(url: Url, auth: Auth) -> Request {
        Request {
            scope: url.clone(),
            url,
            auth,
            accept: JSON,
            headers: Vec::new(),
            method: Method::Get,
            body: None,
            secret_path: false,
        }
    }

    /// A POST of `json` to `url`, a webhook: no credential but the URL itself, whose path and
    /// query are never shown. Scoped to its own origin, so no redirect takes it elsewhere.
    pub fn post_json(url: Url, json: Vec<u8>) -> Request {
        Request {
            method: Method::Post,
            body: Some(json),
            secret_path: true,
            ..Request::get(url, Auth::None)
        }
    }

    /// Binds the credentials to `base`'s origin (the configured API root).
    pub fn scoped_to(mut self, base: &Url) -> Request {
        self.scope = base.clone();
        self
    }

    /// Whether the credentials may go to `url`: same scheme, host and port as `scope`.
    pub fn in_scope(&self, url: &Url) -> bool {
        url.origin() == self.scope.origin()
    }

    /// Whether the request carries a credential (a token, or a credential-like header).
    pub fn has_credentials(&self) -> bool {
        self.auth.is_some()
            || self
                .headers
                .iter()
                .any(|(name, _)| is_sensitive_header(name))
    }

    pub fn accept(mut self, accept: &'static str) -> Request {
        self.accept = accept;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    /// The same request (auth, accept, headers) for another URL: the next page.
    pub fn with_url(&self, url: Url) -> Request {
        Request {
            url,
            scope: self.scope.clone(),
            auth: self.auth.clone(),
            accept: self.accept,
            headers: self.headers.clone(),
            method: self.method,
            body: self.body.clone(),
            secret_path: self.secret_path,
        }
    }

    pub fn endpoint(&self) -> Endpoint {
        self.endpoint_of(&self.url)
    }

    /// Where `url` is, as errors and logs name it: host and path, or host and "/…" when the
    /// path is a secret.
    pub fn endpoint_of(&self, url: &Url) -> Endpoint {
        let endpoint = Endpoint::of(url);
        if self.secret_path {
            Endpoint {
                path: "/…".to_string(),
                ..endpoint
            }
        } else {
            endpoint
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query = if self.url.query().is_some() && !self.secret_path {
            "?…"
        } else {
            ""
        };
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_sensitive_header(name) {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                (*name, shown)
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field(
                "url",
                &format_args!("{}://{}{query}", self.url.scheme(), self.endpoint()),
            )
            .field("auth", &self.auth)
            .field("accept", &self.accept)
            .field("headers", &headers)
            .finish()
    }
}

/// A successful answer (200, or 304 answered from the cache).
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    pub body: T,
    /// The Link header's rel="next", absolute (relative references are resolved against the
    /// request URL). On a 304, the cached page's.
    pub next: Option<Url>,
    /// The body came from the ETag cache after a 304.
    pub not_modified: bool,
    /// The rate-limit budget the server reported with this answer.
    pub rate: RateInfo,
    /// 200 (or another 2xx), or 304.
    pub status: u16,
}

impl<T> Response<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            next: self.next,
            not_modified: self.not_modified,
            rate: self.rate,
            status: self.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn debug_hides_secrets_and_query() {
        let url = Url::parse("https://gitlab.example.com/api/v4/projects?private_token=q-secret")
            .unwrap();
        let request = Request::get(url, Auth::PrivateToken(SecretString::from("t-secret")))
            .header("X-Api-Key", "h-secret")
            .header("X-GitHub-Api-Version", "2022-11-28");
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains("gitlab.example.com/api/v4/projects?…"),
            "{shown}"
        );
        assert!(shown.contains("2022-11-28"), "{shown}");
    }

    #[test]
    fn a_webhook_post_shows_only_its_host() {
        let url =
            Url::parse("https://hooks.example.com/services/T000/B000/secret?token=q").unwrap();
        let request = Request::post_json(url, b"{}".to_vec());
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("T000"),
            "{shown}"
        );
        assert!(!shown.contains("token"), "{shown}");
        assert_eq!(request.endpoint().to_string(), "hooks.example.com/…");
        assert!(!request.has_credentials());
    }
}
