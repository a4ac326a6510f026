//! A local GitLab: wiremock on 127.0.0.1 answering like GitLab's REST v4 — weak ETags (304 on a
//! matching If-None-Match), Link headers with absolute URLs, x-page / x-next-page / x-per-page /
//! x-total / x-total-pages, RateLimit-* headers — and logging what it answered.

use super::leaked::{Leaked, leaked};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// The project every fixture serves: path "group/web", URL-encoded as one segment.
pub const PROJECT_PATH: &str = "/api/v4/projects/group%2Fweb";

/// One answer the server gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// Path and query, e.g. "/api/v4/projects/group%2Fweb/pipelines?order_by=updated_at&…".
    pub url: String,
    pub status: u16,
    /// The request carried If-None-Match.
    pub conditional: bool,
    /// The PRIVATE-TOKEN header, if any.
    pub token: Option<String>,
}

pub struct Gitlab {
    pub server: Leaked<MockServer>,
    log: Arc<Mutex<Vec<Served>>>,
}

struct Answer {
    status: u16,
    body: String,
    etag: Option<String>,
    headers: Vec<(String, String)>,
    log: Arc<Mutex<Vec<Served>>>,
}

impl Respond for Answer {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let if_none_match = header("if-none-match");
        let not_modified =
            self.etag.is_some() && if_none_match.is_some() && if_none_match == self.etag;
        let status = if not_modified { 304 } else { self.status };
        self.log.lock().unwrap().push(Served {
            url: match request.url.query() {
                Some(q) => format!("{}?{q}", request.url.path()),
                None => request.url.path().to_string(),
            },
            status,
            conditional: if_none_match.is_some(),
            token: header("private-token"),
        });
        let mut template = ResponseTemplate::new(status)
            .insert_header("RateLimit-Limit", "2000")
            .insert_header("RateLimit-Remaining", "1990")
            .insert_header("RateLimit-Reset", "1774915200")
            .insert_header("Cache-Control", "max-age=0, private, must-revalidate")
            .insert_header("Vary", "Origin, Accept-Encoding");
        if let Some(etag) = &self.etag {
            template = template.insert_header("ETag", etag.as_str());
        }
        if not_modified {
            return template;
        }
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template.set_body_raw(self.body.clone().into_bytes(), "application/json")
    }
}

/// A weak ETag of a body, as Rack::ETag computes one (a digest; any stable one will do).
fn weak_etag(body: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("W/\"{hash:016x}{:016x}\"", hash.rotate_left(29))
}

impl Gitlab {
    pub async fn start() -> Gitlab {
        Gitlab {
            server: leaked(MockServer::start().await),
            log: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The base_url to configure: http://127.0.0.1:PORT.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// host:port, as errors name it.
    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    /// Everything answered so far.
    pub fn served(&self) -> Vec<Served> {
        self.log.lock().unwrap().clone()
    }

    /// Forgets what was answered (the mocks stay).
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    fn answer(&self, status: u16, body: &Value, headers: Vec<(String, String)>) -> Answer {
        let body = body.to_string();
        Answer {
            status,
            etag: (status == 200).then(|| weak_etag(&body)),
            body,
            headers,
            log: self.log.clone(),
        }
    }

    /// Page `page` (1-based) of `pages` of a list at `path` with `query` (page 1 is the URL
    /// without `page`, as clients first ask for it). `priority`: lower wins over older mocks.
    #[allow(clippy::too_many_arguments)]
    pub async fn page(
        &self,
        path_: &str,
        query: &[(&str, &str)],
        page: u32,
        pages: u32,
        total: usize,
        items: Vec<Value>,
        priority: u8,
    ) {
        let per_page = query
            .iter()
            .find(|(k, _)| *k == "per_page")
            .map_or("20", |(_, v)| v);
        let link_to = |n: u32| {
            let mut url = url::Url::parse(&format!("{}{path_}", self.uri())).unwrap();
            {
                let mut pairs = url.query_pairs_mut();
                for (k, v) in query {
                    pairs.append_pair(k, v);
                }
                pairs.append_pair("page", &n.to_string());
            }
            url.to_string()
        };
        let mut links = Vec::new();
        if page > 1 {
            links.push(format!("<{}>; rel=\"prev\"", link_to(page - 1)));
        }
        if page < pages {
            links.push(format!("<{}>; rel=\"next\"", link_to(page + 1)));
        }
        links.push(format!("<{}>; rel=\"first\"", link_to(1)));
        links.push(format!("<{}>; rel=\"last\"", link_to(pages)));
        let headers = vec![
            ("Link".to_string(), links.join(", ")),
            ("X-Page".to_string(), page.to_string()),
            (
                "X-Next-Page".to_string(),
                if page < pages {
                    (page + 1).to_string()
                } else {
                    String::new()
                },
            ),
            (
                "X-Prev-Page".to_string(),
                if page > 1 {
                    (page - 1).to_string()
                } else {
                    String::new()
                },
            ),
            ("X-Per-Page".to_string(), per_page.to_string()),
            ("X-Total".to_string(), total.to_string()),
            ("X-Total-Pages".to_string(), pages.to_string()),
        ];
        let mut mock = Mock::given(method("GET")).and(path(path_));
        for (k, v) in query {
            mock = mock.and(query_param(*k, *v));
        }
        mock = if page == 1 {
            mock.and(query_param_is_missing("page"))
        } else {
            mock.and(query_param("page", page.to_string()))
        };
        mock.respond_with(self.answer(200, &Value::Array(items), headers))
            .with_priority(priority)
            .mount(&self.server)
            .await;
    }

    /// A one-page list.
    pub async fn list(&self, path_: &str, query: &[(&str, &str)], items: Vec<Value>) {
        let total = items.len();
        self.page(path_, query, 1, 1, total, items, 5).await;
    }

    /// A single object.
    pub async fn object(&self, path_: &str, query: &[(&str, &str)], body: Value) {
        let mut mock = Mock::given(method("GET")).and(path(path_));
        for (k, v) in query {
            mock = mock.and(query_param(*k, *v));
        }
        mock.respond_with(self.answer(200, &body, Vec::new()))
            .mount(&self.server)
            .await;
    }

    /// Every GET answered with `status` and GitLab's error body.
    pub async fn fail_all(&self, status: u16, message: &str) {
        Mock::given(method("GET"))
            .respond_with(self.answer(
                status,
                &serde_json::json!({ "message": message }),
                Vec::new(),
            ))
            .mount(&self.server)
            .await;
    }
}
