//! The shared HTTP layer against local servers: faults, rate limits (waits measured on tokio's
//! paused clock), conditional requests, paging, the budget, and secrets kept out of errors and logs.
//! See tests/support/http_harness.rs for how paused time and real sockets are combined.

use crate::support::http_harness;
#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};

use std::sync::Arc;
use std::time::Duration;

use flowdeck::model::EventSet;
use flowdeck::sources::http::{
    Auth, HttpClient, HttpError, HttpSettings, MemoryEtagCache, Request, StoreEtagCache, TokioClock,
};
use flowdeck::store::{CachedResponse, Store, StoreError, StoredStatus, UpsertCount};
use http_harness::{RawServer, client, client_with, closed_port, raw_json, settings, start};
use secrecy::SecretString;
use serde::Deserialize;
use tokio::time::Instant;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: u64,
}

fn url(server: &MockServer, path_and_query: &str) -> url::Url {
    url::Url::parse(&format!("{}{path_and_query}", server.uri())).unwrap()
}

fn get(server: &MockServer, path_and_query: &str) -> Request {
    Request::get(url(server, path_and_query), Auth::None)
}

fn bearer(token: &str) -> Auth {
    Auth::Bearer(SecretString::from(token.to_string()))
}

fn epoch_after(seconds: i64) -> String {
    (start() + chrono::Duration::seconds(seconds))
        .timestamp()
        .to_string()
}

async fn requests_to(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

// ---------------------------------------------------------------------------------------------
// Faults

#[tokio::test(start_paused = true)]
async fn server_error_then_success_backs_off_once() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 1}])))
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    let response = client
        .get_json::<Vec<Item>>(&get(&server, "/items"))
        .await
        .unwrap();
    assert_eq!(response.body, [Item { id: 1 }]);
    assert_eq!(response.status, 200);
    // Backoff without jitter: base 1 s for the first retry.
    assert_eq!(t0.elapsed(), secs(1));
    let counts = client.requests_sent();
    assert_eq!((counts.total, counts.retries), (2, 1));
}

#[tokio::test(start_paused = true)]
async fn bad_gateway_with_html_then_success() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 2}])))
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    let response = client
        .get_json::<Vec<Item>>(&get(&server, "/items"))
        .await
        .unwrap();
    assert_eq!(response.body, [Item { id: 2 }]);
    assert_eq!(t0.elapsed(), secs(1 + 2));
    assert_eq!(requests_to(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn persistent_server_errors_give_up_after_max_retries() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(503).set_body_string("<html>down for maintenance</html>"),
        )
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        max_retries: 3,
        ..settings()
    });
    let t0 = Instant::now();
    let err = client
        .get_json::<Vec<Item>>(&get(&server, "/items?page=1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            HttpError::Server {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable() && !err.is_config_error());
    let message = err.to_string();
    assert!(
        message.contains("503") && message.contains("/items"),
        "{message}"
    );
    assert!(
        !message.contains("<html") && !message.contains("page=1"),
        "{message}"
    );
    assert_eq!(t0.elapsed(), secs(1 + 2 + 4));
    assert_eq!(requests_to(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn server_error_honours_retry_after() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "12"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    client
        .get_json::<Vec<Item>>(&get(&server, "/items"))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(12));
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retryable_and_named() {
    let closed = closed_port();
    let port = closed.port;
    let (client, _) = client_with(HttpSettings {
        max_retries: 2,
        ..settings()
    });
    let request = Request::get(
        url::Url::parse(&format!("http://127.0.0.1:{port}/api/v4/projects")).unwrap(),
        Auth::None,
    );
    let t0 = Instant::now();
    let err = client
        .get_json::<serde_json::Value>(&request)
        .await
        .unwrap_err();
    let HttpError::Connect {
        host,
        detail,
        attempts,
    } = &err
    else {
        panic!("expected a connection error, got {err:?}");
    };
    assert_eq!(host, &format!("127.0.0.1:{port}"));
    assert!(detail.to_lowercase().contains("refused"), "{detail}");
    // Tried once more, not through every retry: a server that refuses is down.
    assert_eq!(*attempts, 2);
    assert!(err.is_retryable());
    assert!(
        err.to_string()
            .starts_with(&format!("cannot connect to 127.0.0.1:{port}")),
        "{err}"
    );
    // One backoff wait (1 s), where every retry took 1 + 2 + 4 + 8 + 16 s before.
    assert_eq!(t0.elapsed(), secs(1));
}

/// Here the I/O runs on the paused runtime itself (no `io_runtime`): the server's answer is 60
/// real seconds away, so when the runtime idles tokio jumps its clock to the request timeout,
/// which fires at once and exactly.
#[tokio::test(start_paused = true)]
async fn timeout_on_paused_time() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(secs(60)))
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        io_runtime: None,
        timeout: secs(30),
        connect_timeout: secs(30),
        max_retries: 2,
        ..settings()
    });
    let t0 = Instant::now();
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/slow"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, HttpError::Timeout { attempts: 3, timeout, .. } if timeout == secs(30)),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("timeout"), "{err}");
    // Three attempts of 30 s, with backoff of 1 s and 2 s between them.
    assert_eq!(t0.elapsed(), secs(30 + 1 + 30 + 2 + 30));
}

/// The same through the real-time I/O runtime, with a short timeout: the real path.
#[tokio::test(start_paused = true)]
async fn timeout_on_real_time() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(secs(20)))
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        timeout: Duration::from_millis(300),
        max_retries: 0,
        ..settings()
    });
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/slow"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, HttpError::Timeout { attempts: 1, .. }),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn malformed_json_names_the_position_not_the_body() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("[{\"id\": 1},\n {\"id\": \"sekrit-value\"}]"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/broken"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": 1,,}"))
        .mount(&server)
        .await;
    let (client, _) = client();
    let err = client
        .get_json::<Vec<Item>>(&get(&server, "/items"))
        .await
        .unwrap_err();
    let HttpError::Malformed { detail, .. } = &err else {
        panic!("expected Malformed, got {err:?}");
    };
    assert!(detail.contains("line 2 column"), "{detail}");
    assert!(!err.to_string().contains("sekrit"), "{err}");
    assert!(!err.is_retryable());
    let err = client
        .get_json::<Item>(&get(&server, "/broken"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 1 column 10"), "{err}");
    // Not retried: the same body would come back.
    assert_eq!(client.requests_sent().total, 2);
}

#[tokio::test(start_paused = true)]
async fn truncated_body_is_retried() {
    let server = RawServer::start(vec![
        // Content-Length promises more than is sent before the connection closes.
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"id\": 1}".to_vec(),
        // A chunked body cut in the middle of a chunk.
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n[{\"id\": 1}, {\"id".to_vec(),
        raw_json("[{\"id\": 1}, {\"id\": 2}]"),
    ]);
    let (client, _) = client();
    let t0 = Instant::now();
    let response = client
        .get_json::<Vec<Item>>(&Request::get(server.url("/items"), Auth::None))
        .await
        .unwrap();
    assert_eq!(response.body, [Item { id: 1 }, Item { id: 2 }]);
    assert_eq!(server.connections(), 3);
    assert_eq!(t0.elapsed(), secs(1 + 2));
}

#[tokio::test(start_paused = true)]
async fn truncated_body_every_time_is_named() {
    let server = RawServer::start(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"id\":".to_vec(),
    ]);
    let (client, _) = client_with(HttpSettings {
        max_retries: 1,
        ..settings()
    });
    let err = client
        .get_json::<Item>(&Request::get(server.url("/item"), Auth::None))
        .await
        .unwrap_err();
    assert!(
        matches!(err, HttpError::Truncated { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn unauthorized_is_a_configuration_error_not_retried() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/user"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"message": "Bad credentials"})),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let err = client
        .get_json::<serde_json::Value>(&Request::get(url(&server, "/user"), bearer("t0ken-401")))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::Unauthorized { .. }), "{err:?}");
    assert!(!err.is_retryable() && err.is_config_error());
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string().contains("401") && err.to_string().contains("/user"),
        "{err}"
    );
    assert_eq!(requests_to(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn not_found_is_a_configuration_error_not_retried() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/nope"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"message": "Not Found"})),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/repos/acme/nope"))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::NotFound { .. }), "{err:?}");
    assert!(!err.is_retryable() && err.is_config_error());
    assert!(
        err.to_string().contains("/repos/acme/nope was not found"),
        "{err}"
    );
    assert_eq!(requests_to(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn plain_forbidden_is_a_configuration_error_not_retried() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/api/deployments"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "4990")
                .set_body_json(
                    serde_json::json!({"message": "Resource not accessible by integration"}),
                ),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/repos/acme/api/deployments"))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::Forbidden { .. }), "{err:?}");
    assert!(!err.is_retryable() && err.is_config_error());
    assert_eq!(requests_to(&server).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Rate limits

#[tokio::test(start_paused = true)]
async fn github_primary_rate_limit_waits_exactly_until_reset() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/api/deployments"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", epoch_after(125).as_str())
                .insert_header("x-ratelimit-resource", "core")
                .set_body_json(serde_json::json!({
                    "message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
                })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/repos/acme/api/deployments"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "4999")
                .insert_header("x-ratelimit-reset", epoch_after(3725).as_str())
                .set_body_json(serde_json::json!([{"id": 7}])),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    let response = client
        .get_json::<Vec<Item>>(&get(&server, "/repos/acme/api/deployments"))
        .await
        .unwrap();
    assert_eq!(t0.elapsed(), secs(125));
    assert_eq!(response.body, [Item { id: 7 }]);
    assert_eq!(response.rate.remaining, Some(4999));
    let host = http_harness_host(&server);
    let rate = client.rate(&host).unwrap();
    assert_eq!(rate.limit, Some(5000));
    assert_eq!(
        rate.reset_at,
        Some(start() + chrono::Duration::seconds(3725))
    );
}

fn http_harness_host(server: &MockServer) -> String {
    server.address().to_string()
}

#[tokio::test(start_paused = true)]
async fn github_secondary_rate_limit_waits_at_least_a_minute() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/api/pulls"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "30")
                .insert_header("x-ratelimit-remaining", "4321")
                .insert_header("x-ratelimit-reset", epoch_after(2000).as_str())
                .set_body_json(serde_json::json!({
                    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits"
                })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/repos/acme/api/pulls"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    client
        .get_json::<Vec<Item>>(&get(&server, "/repos/acme/api/pulls"))
        .await
        .unwrap();
    // max(Retry-After 30 s, the 60 s floor for secondary limits).
    assert_eq!(t0.elapsed(), secs(60));
}

#[tokio::test(start_paused = true)]
async fn repeated_secondary_limits_double_the_wait_then_give_up() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/search"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string("You have triggered an abuse detection mechanism."),
        )
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        max_retries: 2,
        ..settings()
    });
    let t0 = Instant::now();
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/search"))
        .await
        .unwrap_err();
    // 60 s, 120 s, then the third answer would ask for 240 s: retries are spent.
    assert_eq!(t0.elapsed(), secs(60 + 120));
    let HttpError::RateLimited { until, reason, .. } = &err else {
        panic!("expected RateLimited, got {err:?}");
    };
    assert_eq!(*reason, "secondary rate limit");
    assert_eq!(*until, start() + chrono::Duration::seconds(180 + 240));
    assert_eq!(err.retry_at(), Some(*until));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("rate limited"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn too_many_requests_honours_retry_after() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/incidents"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let date = (start() + chrono::Duration::seconds(7 + 45))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    Mock::given(path("/incidents"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/incidents"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    client
        .get_json::<Vec<Item>>(&get(&server, "/incidents"))
        .await
        .unwrap();
    // 7 s (delay-seconds), then until the HTTP-date 45 s later.
    assert_eq!(t0.elapsed(), secs(7 + 45));
    assert_eq!(requests_to(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn gitlab_429_waits_until_ratelimit_reset() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/api/v4/projects/7/pipelines"))
        .and(header("PRIVATE-TOKEN", "glpat-limit"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("RateLimit-Limit", "600")
                .insert_header("RateLimit-Observed", "600")
                .insert_header("RateLimit-Remaining", "0")
                .insert_header("RateLimit-Reset", epoch_after(42).as_str())
                .set_body_string("Retry later\n"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v4/projects/7/pipelines"))
        .and(header("PRIVATE-TOKEN", "glpat-limit"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit-Limit", "600")
                .insert_header("RateLimit-Remaining", "599")
                .set_body_json(serde_json::json!([{"id": 1}])),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let request = Request::get(
        url(&server, "/api/v4/projects/7/pipelines"),
        Auth::PrivateToken(SecretString::from("glpat-limit")),
    );
    let t0 = Instant::now();
    let response = client.get_json::<Vec<Item>>(&request).await.unwrap();
    assert_eq!(t0.elapsed(), secs(42));
    assert_eq!(response.rate.remaining, Some(599));
}

#[tokio::test(start_paused = true)]
async fn a_reset_beyond_max_wait_returns_rate_limited_at_once() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/api/actions/runs"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", epoch_after(40 * 60).as_str())
                .set_body_json(
                    serde_json::json!({"message": "API rate limit exceeded for user ID 1."}),
                ),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let t0 = Instant::now();
    let err = client
        .get_json::<serde_json::Value>(&get(&server, "/repos/acme/api/actions/runs"))
        .await
        .unwrap_err();
    assert_eq!(t0.elapsed(), Duration::ZERO);
    assert_eq!(
        err.retry_at(),
        Some(start() + chrono::Duration::seconds(40 * 60))
    );
    assert!(
        matches!(
            err,
            HttpError::RateLimited {
                reason: "primary rate limit",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests_to(&server).await, 1);
}

// ---------------------------------------------------------------------------------------------
// Conditional requests, paging, budget

#[tokio::test(start_paused = true)]
async fn conditional_request_reuses_the_cached_body_on_304() {
    let server = leaked(MockServer::start().await);
    let etag = r#"W/"5e1a0c8b7f""#;
    let next = format!("{}/deployments?page=2", server.uri());
    Mock::given(path("/deployments"))
        .and(header("if-none-match", etag))
        .respond_with(
            ResponseTemplate::new(304)
                .insert_header("etag", etag)
                .insert_header("x-ratelimit-remaining", "4998"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/deployments"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", etag)
                .insert_header("link", format!("<{next}>; rel=\"next\"").as_str())
                .set_body_json(serde_json::json!([{"id": 1}, {"id": 2}])),
        )
        .mount(&server)
        .await;
    let (client, cache) = client();
    let request = get(&server, "/deployments?page=1");

    let first = client.get_json::<Vec<Item>>(&request).await.unwrap();
    assert!(!first.not_modified);
    assert_eq!(first.status, 200);
    assert_eq!(cache.len(), 1);

    let second = client.get_json::<Vec<Item>>(&request).await.unwrap();
    assert!(second.not_modified);
    assert_eq!(second.status, 304);
    assert_eq!(second.body, first.body);
    assert_eq!(
        second.next.as_ref().map(url::Url::as_str),
        Some(next.as_str())
    );
    assert_eq!(second.rate.remaining, Some(4998));

    let sent = server.received_requests().await.unwrap();
    assert!(sent[0].headers.get("if-none-match").is_none());
    assert_eq!(
        sent[1]
            .headers
            .get("if-none-match")
            .unwrap()
            .to_str()
            .unwrap(),
        etag
    );
    let counts = client.requests_sent();
    assert_eq!(
        (counts.total, counts.conditional, counts.not_modified),
        (2, 1, 1)
    );
    let host = counts.host(&server.address().to_string());
    assert_eq!((host.total, host.conditional, host.not_modified), (2, 1, 1));
}

#[tokio::test(start_paused = true)]
async fn the_persisted_cache_survives_a_new_client() {
    // A restart: a second client sharing the first one's cache sends only conditional requests.
    let server = leaked(MockServer::start().await);
    Mock::given(path("/runs"))
        .and(header("if-none-match", "\"abc\""))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(path("/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"abc\"")
                .set_body_json(serde_json::json!([{"id": 3}])),
        )
        .mount(&server)
        .await;
    let cache = Arc::new(MemoryEtagCache::new());
    let make = || {
        HttpClient::new(
            settings(),
            cache.clone(),
            Arc::new(TokioClock::starting_at(start())),
        )
        .unwrap()
    };
    let request = get(&server, "/runs");
    make().get_json::<Vec<Item>>(&request).await.unwrap();
    let restarted = make();
    let response = restarted.get_json::<Vec<Item>>(&request).await.unwrap();
    assert!(response.not_modified);
    assert_eq!(response.body, [Item { id: 3 }]);
    assert_eq!(restarted.requests_sent().not_modified, 1);
}

#[tokio::test(start_paused = true)]
async fn a_cached_body_that_no_longer_parses_is_refetched() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/runs"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(path("/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v2\"")
                .set_body_json(serde_json::json!([{"id": 4}])),
        )
        .mount(&server)
        .await;
    let (client, cache) = client();
    let request = get(&server, "/runs");
    flowdeck::sources::http::EtagCache::put(
        cache.as_ref(),
        request.url.as_str(),
        &CachedResponse {
            etag: "\"v1\"".into(),
            body: b"not json".to_vec(),
            next: None,
            fetched_at: start(),
        },
    );
    let response = client.get_json::<Vec<Item>>(&request).await.unwrap();
    assert_eq!(response.body, [Item { id: 4 }]);
    assert!(!response.not_modified);
    let refreshed = flowdeck::sources::http::EtagCache::get(cache.as_ref(), request.url.as_str());
    assert_eq!(refreshed.unwrap().etag, "\"v2\"");
}

/// A store whose every call fails.
struct BrokenStore;

impl Store for BrokenStore {
    fn load(&self) -> Result<EventSet, StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn commit_sync(
        &self,
        _: &str,
        _: &EventSet,
        _: &[(String, String)],
        _: &StoredStatus,
    ) -> Result<UpsertCount, StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn put_status(&self, _: &StoredStatus) -> Result<(), StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn statuses(&self) -> Result<Vec<StoredStatus>, StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn watermark(&self, _: &str, _: &str) -> Result<Option<String>, StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn cached_response(&self, _: &str) -> Result<Option<CachedResponse>, StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
    fn put_cached_response(&self, _: &str, _: &CachedResponse) -> Result<(), StoreError> {
        Err(StoreError::Io("disk on fire".into()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_cache_never_fails_a_request() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"abc\"")
                .set_body_json(serde_json::json!([{"id": 5}])),
        )
        .mount(&server)
        .await;
    let client = HttpClient::new(
        settings(),
        Arc::new(StoreEtagCache(Arc::new(BrokenStore))),
        Arc::new(TokioClock::starting_at(start())),
    )
    .unwrap();
    for _ in 0..2 {
        let response = client
            .get_json::<Vec<Item>>(&get(&server, "/runs"))
            .await
            .unwrap();
        assert_eq!(response.body, [Item { id: 5 }]);
    }
    assert_eq!(client.requests_sent().conditional, 0);
}

fn page_link(server: &MockServer, page: u32) -> String {
    format!(
        "{}/api/v4/projects/7/deployments?per_page=2&page={page}",
        server.uri()
    )
}

#[tokio::test(start_paused = true)]
async fn paging_follows_link_next_over_three_pages() {
    let server = leaked(MockServer::start().await);
    let links = |rels: &[(u32, &str)]| {
        rels.iter()
            .map(|(page, rel)| format!("<{}>; rel=\"{rel}\"", page_link(&server, *page)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pages = [
        (
            1,
            links(&[(1, "first"), (2, "next"), (3, "last")]),
            vec![1, 2],
        ),
        (
            2,
            links(&[(1, "prev"), (1, "first"), (3, "next"), (3, "last")]),
            vec![3, 4],
        ),
        (3, links(&[(2, "prev"), (1, "first"), (3, "last")]), vec![5]),
    ];
    for (page, link, ids) in &pages {
        let body: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        Mock::given(method("GET"))
            .and(path("/api/v4/projects/7/deployments"))
            .and(query_param("page", page.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("link", link.as_str())
                    .insert_header("x-total-pages", "3")
                    .set_body_json(body),
            )
            .mount(&server)
            .await;
    }
    let (client, _) = client();
    let first = Request::get(
        url::Url::parse(&page_link(&server, 1)).unwrap(),
        Auth::PrivateToken(SecretString::from("glpat-pages")),
    );
    let all = client.get_all::<Item>(first.clone(), 10).await.unwrap();
    assert_eq!(all.len(), 3);
    let ids: Vec<u64> = all
        .iter()
        .flat_map(|p| p.body.iter().map(|i| i.id))
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(
        all[0].next.as_ref().unwrap().as_str(),
        page_link(&server, 2)
    );
    assert!(all[2].next.is_none());
    // The token went to every page.
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers.get("private-token").unwrap(), "glpat-pages");
    }

    // max_pages cuts the walk short; the last page says where the list goes on.
    let two = client.get_all::<Item>(first, 2).await.unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(
        two[1].next.as_ref().unwrap().as_str(),
        page_link(&server, 3)
    );
}

#[derive(Debug, Deserialize)]
struct WorkflowRuns {
    #[allow(dead_code)]
    total_count: u64,
    workflow_runs: Vec<Item>,
}

#[tokio::test(start_paused = true)]
async fn paging_github_wrapped_lists() {
    let server = leaked(MockServer::start().await);
    let page2 = format!(
        "{}/repos/acme/api/actions/runs?per_page=2&page=2",
        server.uri()
    );
    Mock::given(path("/repos/acme/api/actions/runs"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"total_count": 3, "workflow_runs": [{"id": 30}]}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/repos/acme/api/actions/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{page2}>; rel=\"next\", <{page2}>; rel=\"last\"").as_str(),
                )
                .set_body_json(serde_json::json!({
                    "total_count": 3,
                    "workflow_runs": [{"id": 10}, {"id": 20}]
                })),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let first = get(&server, "/repos/acme/api/actions/runs?per_page=2");

    let typed = client
        .get_all_with(first.clone(), 10, |page: WorkflowRuns| page.workflow_runs)
        .await
        .unwrap();
    let ids: Vec<u64> = typed
        .iter()
        .flat_map(|p| p.body.iter().map(|i| i.id))
        .collect();
    assert_eq!(ids, [10, 20, 30]);

    let by_field = client
        .get_all_in::<Item>(first.clone(), 10, "workflow_runs")
        .await
        .unwrap();
    let ids: Vec<u64> = by_field
        .iter()
        .flat_map(|p| p.body.iter().map(|i| i.id))
        .collect();
    assert_eq!(ids, [10, 20, 30]);

    let err = client
        .get_all_in::<Item>(first, 10, "jobs")
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("no `jobs` list"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn a_next_link_to_another_origin_is_not_followed() {
    let server = leaked(MockServer::start().await);
    let elsewhere = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{}/steal>; rel=\"next\"", elsewhere.uri()).as_str(),
                )
                .set_body_json(serde_json::json!([{"id": 1}])),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let err = client
        .get_all::<Item>(
            Request::get(url(&server, "/items"), bearer("t0ken-origin")),
            5,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::OtherHost { .. }), "{err:?}");
    assert!(err.is_config_error() && !err.is_retryable(), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains("another host"), "{shown}");
    assert!(shown.contains(&elsewhere.address().to_string()), "{shown}");
    assert_eq!(requests_to(&elsewhere).await, 0);
}

#[tokio::test(start_paused = true)]
async fn a_url_from_an_answer_on_another_host_is_never_sent_the_credentials() {
    let server = leaked(MockServer::start().await);
    let elsewhere = leaked(MockServer::start().await);
    let (client, _) = client();
    let base = url(&server, "/api/v4/");
    // A source scopes its requests to its configured base; a URL it took from a body (a
    // statuses_url, a paging.next) that leads elsewhere is refused before anything is sent.
    for auth in [
        bearer("t0ken-body"),
        Auth::PrivateToken(SecretString::from("glpat-body")),
    ] {
        let request = Request::get(url(&elsewhere, "/steal"), auth).scoped_to(&base);
        let err = client.get_json::<Item>(&request).await.unwrap_err();
        assert!(matches!(err, HttpError::OtherHost { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&elsewhere.address().to_string()),
            "{err}"
        );
    }
    // A credential-like header counts as a credential too.
    let request = Request::get(url(&elsewhere, "/steal"), Auth::None)
        .header("Circle-Token", "c-secret")
        .scoped_to(&base);
    let err = client.get_json::<Item>(&request).await.unwrap_err();
    assert!(matches!(err, HttpError::OtherHost { .. }), "{err:?}");
    assert_eq!(requests_to(&elsewhere).await, 0);
}

#[tokio::test(start_paused = true)]
async fn redirects_stay_on_the_origin_and_one_elsewhere_is_named_not_followed() {
    let server = leaked(MockServer::start().await);
    let elsewhere = leaked(MockServer::start().await);
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/items"))
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .and(header("private-token", "glpat-redirect"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 4})))
        .mount(&server)
        .await;
    for status in [301u16, 302, 303, 307, 308] {
        let (from, to) = (
            format!("/away/{status}"),
            format!("{}/steal", elsewhere.uri()),
        );
        Mock::given(path(from.as_str()))
            .respond_with(ResponseTemplate::new(status).insert_header("location", to.as_str()))
            .mount(&server)
            .await;
        let protocol_relative = format!("/away-pr/{status}");
        let to = format!("//{}/steal", elsewhere.address());
        Mock::given(path(protocol_relative.as_str()))
            .respond_with(ResponseTemplate::new(status).insert_header("location", to.as_str()))
            .mount(&server)
            .await;
    }
    let (client, _) = client();
    let token = || Auth::PrivateToken(SecretString::from("glpat-redirect"));
    // Within the origin a redirect is followed, with the token.
    let moved = client
        .get_json::<Item>(&Request::get(url(&server, "/moved"), token()))
        .await
        .unwrap();
    assert_eq!(moved.body, Item { id: 4 });
    for status in [301u16, 302, 303, 307, 308] {
        for from in [format!("/away/{status}"), format!("/away-pr/{status}")] {
            let err = client
                .get_json::<Item>(&Request::get(url(&server, &from), token()))
                .await
                .unwrap_err();
            assert!(
                matches!(err, HttpError::OtherHost { .. }),
                "{status}: {err:?}"
            );
            let shown = err.to_string();
            assert!(shown.contains(&format!("redirect ({status})")), "{shown}");
            assert!(shown.contains(&elsewhere.address().to_string()), "{shown}");
            assert!(!shown.contains("glpat"), "{shown}");
        }
    }
    assert_eq!(requests_to(&elsewhere).await, 0);
}

#[tokio::test(start_paused = true)]
async fn a_protocol_relative_next_link_to_another_host_is_refused() {
    let server = leaked(MockServer::start().await);
    let elsewhere = leaked(MockServer::start().await);
    let link = format!("<//{}/steal?page=2>; rel=\"next\"", elsewhere.address());
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", link.as_str())
                .set_body_json(serde_json::json!([{"id": 1}])),
        )
        .mount(&server)
        .await;
    let (client, _) = client();
    let request = Request::get(
        url(&server, "/items"),
        Auth::PrivateToken(SecretString::from("glpat-next")),
    );
    // Through the pager and through a source's own loop over `Response::next` alike.
    let err = client
        .get_all::<Item>(request.clone(), 5)
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::OtherHost { .. }), "{err:?}");
    let err = client.get_json::<Vec<Item>>(&request).await.unwrap_err();
    assert!(matches!(err, HttpError::OtherHost { .. }), "{err:?}");
    assert!(err.to_string().contains("next-page link"), "{err}");
    assert_eq!(requests_to(&elsewhere).await, 0);
}

#[tokio::test(start_paused = true)]
async fn budget_exhaustion_stops_requests_until_the_window_ends() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        budget_per_host: Some(3),
        budget_window: secs(3600),
        ..settings()
    });
    let host = server.address().to_string();
    let request = get(&server, "/items");
    for _ in 0..3 {
        client.get_json::<Vec<Item>>(&request).await.unwrap();
    }
    assert_eq!(client.budget_remaining(&host), Some(0));
    let err = client.get_json::<Vec<Item>>(&request).await.unwrap_err();
    let HttpError::BudgetExhausted {
        host: named,
        limit,
        until,
        ..
    } = &err
    else {
        panic!("expected BudgetExhausted, got {err:?}");
    };
    assert_eq!((named.as_str(), *limit), (host.as_str(), 3));
    assert_eq!(*until, start() + chrono::Duration::hours(1));
    assert!(err.is_retryable() && err.retry_at().is_some());
    assert!(err.to_string().contains("budget"), "{err}");
    assert_eq!(requests_to(&server).await, 3);

    tokio::time::sleep(secs(3600)).await;
    client.get_json::<Vec<Item>>(&request).await.unwrap();
    assert_eq!(requests_to(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn retries_count_against_the_budget() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        budget_per_host: Some(2),
        ..settings()
    });
    let err = client
        .get_json::<Vec<Item>>(&get(&server, "/items"))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::BudgetExhausted { .. }), "{err:?}");
    assert_eq!(requests_to(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn every_request_carries_the_user_agent_and_accept() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/repos/acme/api"))
        .and(header("user-agent", "flowdeck-test/1"))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
        .and(header("authorization", "Bearer t0ken-ua"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
        .mount(&server)
        .await;
    let (client, _) = client();
    let request = Request::get(url(&server, "/repos/acme/api"), bearer("t0ken-ua"))
        .accept("application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28");
    let response = client.get_json::<Item>(&request).await.unwrap();
    assert_eq!(response.body, Item { id: 1 });
}

#[tokio::test(start_paused = true)]
async fn unsupported_urls_are_refused_before_sending() {
    let (client, _) = client();
    for bad in ["ftp://example.com/x", "https://user:pw@example.com/x"] {
        let request = Request::get(url::Url::parse(bad).unwrap(), Auth::None);
        let err = client
            .get_json::<serde_json::Value>(&request)
            .await
            .unwrap_err();
        assert!(matches!(err, HttpError::InvalidUrl { .. }), "{err:?}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
    assert_eq!(client.requests_sent().total, 0);
}

// ---------------------------------------------------------------------------------------------
// Secrets

const TOKEN: &str = "ghp_S3CRET0123456789abcdefTOKEN";

#[tokio::test(start_paused = true)]
async fn the_token_never_appears_in_errors_or_logs() {
    let logs = http_harness::logs();
    let server = leaked(MockServer::start().await);
    Mock::given(path("/ok"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "W/\"1\"")
                .set_body_json(serde_json::json!({"id": 1})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/unauthorized"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/forbidden"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    Mock::given(path("/down"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    Mock::given(path("/garbage"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("{{\"id\": \"{TOKEN}")))
        .mount(&server)
        .await;

    let (client, _) = client_with(HttpSettings {
        max_retries: 1,
        ..settings()
    });
    let github = |path: &str| Request::get(url(&server, path), bearer(TOKEN));
    let gitlab = |path: &str| {
        Request::get(
            url(&server, path),
            Auth::PrivateToken(SecretString::from(TOKEN)),
        )
        .header("X-Api-Token", TOKEN)
    };

    // Successful, then conditional (304 not mocked: a second 200), requests.
    client.get_json::<Item>(&github("/ok")).await.unwrap();
    client.get_json::<Item>(&github("/ok")).await.unwrap();
    let mut errors = Vec::new();
    let closed = closed_port();
    for request in [
        github("/unauthorized"),
        gitlab("/forbidden"),
        github("/down?access_token=QUERYSECRET"),
        gitlab("/limited"),
        github("/garbage"),
        Request::get(
            url::Url::parse(&format!("http://127.0.0.1:{}/refused", closed.port)).unwrap(),
            bearer(TOKEN),
        ),
    ] {
        let shown = format!("{request:?}");
        assert!(
            !shown.contains(TOKEN) && !shown.contains("QUERYSECRET"),
            "{shown}"
        );
        errors.push(client.get_json::<Item>(&request).await.unwrap_err());
    }
    assert!(
        matches!(errors[0], HttpError::Unauthorized { .. }),
        "{:?}",
        errors[0]
    );
    assert!(
        matches!(errors[5], HttpError::Connect { .. }),
        "{:?}",
        errors[5]
    );
    for err in &errors {
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
            assert!(!shown.contains("S3CRET"), "{shown}");
            assert!(!shown.contains("QUERYSECRET"), "{shown}");
        }
    }
    assert!(!format!("{client:?}").contains(TOKEN));

    // The server did get the token (the header is really sent)…
    let sent = server.received_requests().await.unwrap();
    assert!(sent.iter().any(|r| {
        r.headers
            .get("authorization")
            .is_some_and(|v| v == format!("Bearer {TOKEN}").as_str())
    }));
    assert!(
        sent.iter()
            .any(|r| r.headers.get("private-token").is_some_and(|v| v == TOKEN))
    );
    // …and the logs saw every request, but never the token.
    let text = logs.text();
    assert!(text.contains("http request"), "the capture works");
    assert!(
        text.contains("/unauthorized") && text.contains("/refused"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "token in logs");
    assert!(!text.contains("S3CRET"), "token in logs");
}

#[tokio::test(start_paused = true)]
async fn a_token_over_plain_http_off_this_machine_is_warned_about() {
    let logs = http_harness::logs();
    let (client, _) = client_with(HttpSettings {
        max_retries: 0,
        timeout: secs(2),
        connect_timeout: secs(2),
        ..settings()
    });
    let request = Request::get(
        url::Url::parse("http://gitlab.flowdeck-plain-http.invalid/api/v4/projects").unwrap(),
        Auth::PrivateToken(SecretString::from("glpat-plain-http-secret")),
    );
    let err = client
        .get_json::<serde_json::Value>(&request)
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let text = logs.text();
    let warning = text
        .lines()
        .find(|line| line.contains("WARN") && line.contains("gitlab.flowdeck-plain-http.invalid"))
        .unwrap_or_else(|| panic!("no warning in {text}"));
    assert!(warning.contains("plain http"), "{warning}");
    assert!(!text.contains("glpat-plain-http-secret"));

    // Loopback is exempt.
    let server = leaked(MockServer::start().await);
    Mock::given(path("/local"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let request = Request::get(url(&server, "/local"), bearer("local-token"));
    client
        .get_json::<serde_json::Value>(&request)
        .await
        .unwrap();
    let host = server.address().to_string();
    assert!(
        !logs.text().lines().any(|line| line.contains("WARN")
            && line.contains(&host)
            && line.contains("plain http")),
    );
}

#[tokio::test(start_paused = true)]
async fn https_to_a_plain_http_server_is_a_tls_error_not_retried() {
    // Also proves the rustls + ring client builds and handshakes (it reaches the server).
    let server = leaked(MockServer::start().await);
    let (client, _) = client();
    let request = Request::get(
        url::Url::parse(&format!("https://{}/x", server.address())).unwrap(),
        bearer("t0ken-tls"),
    );
    let err = client
        .get_json::<serde_json::Value>(&request)
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::Tls { .. }), "{err:?}");
    assert!(err.is_config_error() && !err.is_retryable());
    assert_eq!(client.requests_sent().total, 1);
}

#[test]
fn client_futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let (client, _) = client();
    let request = Request::get(url::Url::parse("https://example.com/").unwrap(), Auth::None);
    assert_send(client.get_json::<Item>(&request));
    assert_send(client.get_all::<Item>(request.clone(), 1));
    assert_send(client.get_all_in::<Item>(request.clone(), 1, "items"));
    let mut pager = client.pages::<Vec<Item>>(request, 1);
    assert_send(pager.next_page());
    fn assert_sync<T: Send + Sync + Clone>(_: &T) {}
    assert_sync(&client);
}

// ---------------------------------------------------------------------------------------------
// Bounded bodies and told waits

#[tokio::test(start_paused = true)]
async fn a_page_past_the_body_cap_is_refused_with_a_clear_error_whether_announced_or_not() {
    let server = leaked(MockServer::start().await);
    let big = format!("[{}]", vec!["{\"id\": 1}"; 2_000].join(","));
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big.clone()))
        .mount(&server)
        .await;
    let (client, _) = client_with(HttpSettings {
        max_body_bytes: 10_000,
        ..settings()
    });
    let err = client
        .get_json::<Vec<Item>>(&get(&server, "/big"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, HttpError::TooLarge { limit: 10_000, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the answer is larger than 10000 bytes, the most flowdeck reads in one page"),
        "{err}"
    );
    // Not announced (chunked): cut while reading, the same error.
    let chunked = RawServer::start(vec![
        [
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len()).into_bytes(),
        ]
        .concat(),
    ]);
    let err = client
        .get_json::<Vec<Item>>(&Request::get(chunked.url("/big"), Auth::None))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::TooLarge { .. }), "{err:?}");
    // Under the cap, the same page reads.
    let (client, _) = client_with(settings());
    let page = client
        .get_json::<Vec<Item>>(&get(&server, "/big"))
        .await
        .unwrap();
    assert_eq!(page.body.len(), 2_000);
}

#[tokio::test(start_paused = true)]
async fn every_wait_is_told_with_its_source_what_for_and_until_when() {
    let server = leaked(MockServer::start().await);
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "40"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": 7}"))
        .mount(&server)
        .await;
    let (client, _) = client();
    let told = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = told.clone();
    client.observe_waits(Arc::new(move |waiting| {
        sink.lock().unwrap().push(waiting.clone())
    }));
    let item = flowdeck::sources::http::on_behalf_of(
        "argo",
        client.get_json::<Item>(&get(&server, "/busy")),
    )
    .await
    .unwrap();
    assert_eq!(item.body, Item { id: 7 });
    let told = told.lock().unwrap().clone();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].source.as_deref(), Some("argo"));
    assert_eq!(told[0].what, "server to recover (HTTP 503)");
    assert_eq!(told[0].wait, secs(40));
    assert_eq!(told[0].until, start() + chrono::Duration::seconds(40));
}
