//! A wiremock GitHub: pages with weak ETags answered 304 to a matching If-None-Match, GitHub's
//! rate-limit headers, Link headers with absolute URLs (next/last, prev/first), and a log of
//! what was asked.

use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One page of JSON, as GitHub serves it.
pub struct Page {
    body: String,
    etag: String,
    link: Option<String>,
}

pub fn etag_of(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("W/\"{hash:016x}{:016x}\"", body.len())
}

impl Page {
    pub fn new(body: &Value, link: Option<String>) -> Page {
        let body = body.to_string();
        Page {
            etag: etag_of(&body),
            body,
            link,
        }
    }
}

fn github_headers(template: ResponseTemplate) -> ResponseTemplate {
    template
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "4987")
        .insert_header("x-ratelimit-reset", "1774945200")
        .insert_header("x-ratelimit-used", "13")
        .insert_header("x-ratelimit-resource", "core")
        .insert_header("x-github-api-version-selected", "2022-11-28")
        .insert_header("x-github-media-type", "github.v3; format=json")
        .insert_header("cache-control", "private, max-age=60, s-maxage=60")
        .insert_header("vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
}

impl Respond for Page {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let matches = request
            .headers
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == self.etag));
        if matches {
            return github_headers(ResponseTemplate::new(304))
                .insert_header("etag", self.etag.as_str());
        }
        let mut template = github_headers(ResponseTemplate::new(200))
            .insert_header("etag", self.etag.as_str())
            .set_body_raw(self.body.clone(), "application/json; charset=utf-8");
        if let Some(link) = &self.link {
            template = template.insert_header("link", link.as_str());
        }
        template
    }
}

/// Serves `body` at `path` for requests carrying every `query` pair (and no `page` unless the
/// query names one).
pub async fn serve(
    server: &MockServer,
    at: &str,
    query: &[(&str, &str)],
    body: Value,
    link: Option<String>,
) {
    serve_with_priority(server, at, query, body, link, 5).await;
}

/// `serve`, winning over mocks of a higher priority number (wiremock: 1 is highest).
pub async fn serve_with_priority(
    server: &MockServer,
    at: &str,
    query: &[(&str, &str)],
    body: Value,
    link: Option<String>,
    priority: u8,
) {
    let mut mock = Mock::given(method("GET")).and(path(at));
    for (key, value) in query {
        mock = mock.and(query_param(*key, *value));
    }
    if !query.iter().any(|(k, _)| *k == "page") {
        mock = mock.and(query_param_is_missing("page"));
    }
    mock.respond_with(Page::new(&body, link))
        .with_priority(priority)
        .mount(server)
        .await;
}

/// GitHub's Link header for page `page` of `last`, at `url_without_page` (absolute, with its
/// query), e.g. `<…&page=2>; rel="next", <…&page=3>; rel="last"`.
pub fn link(url_without_page: &str, page: u32, last: u32) -> Option<String> {
    let at = |p: u32| format!("<{url_without_page}&page={p}>");
    let mut parts = Vec::new();
    if page > 1 {
        parts.push(format!("{}; rel=\"prev\"", at(page - 1)));
    }
    if page < last {
        parts.push(format!("{}; rel=\"next\"", at(page + 1)));
        parts.push(format!("{}; rel=\"last\"", at(last)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"first\"", at(1)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// What the server was asked: path, decoded query pairs, whether it was conditional.
#[derive(Debug, Clone)]
pub struct Asked {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub conditional: bool,
    pub authorization: Option<String>,
}

impl Asked {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// "/repos/acme/api/deployments?environment=production" style, for messages.
    pub fn show(&self) -> String {
        let query: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}?{}", self.path, query.join("&"))
    }
}

pub async fn asked(server: &MockServer) -> Vec<Asked> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| Asked {
            path: r.url.path().to_string(),
            query: r
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            conditional: r.headers.get("if-none-match").is_some(),
            authorization: r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
        .collect()
}
