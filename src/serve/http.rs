//! The HTTP side of `serve`: HTTP/1.1 (hyper) on the given address, answering the metrics
//! routes, the ingest routes (`/v1/…`, `ingest.rs`), or both when `--metrics` and `--ingest`
//! name the same address. `GET /metrics`
//! answers the exposition last published (never computed per scrape), in OpenMetrics when the
//! scraper's `Accept` asks for it, else in the Prometheus text format; `GET /` a small index;
//! anything else 404 (or 405 for another method on those paths). Until the first snapshot is
//! published, `/metrics` answers 503 with `Retry-After`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::Published;
use super::exposition::Format;
use super::ingest::Ingest;

/// A client that sends no complete request head within this long is dropped.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

const INDEX: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>flowdeck</title></head>\n<body><h1>flowdeck</h1>\n<p>DORA and flow measures for Prometheus: <a href=\"metrics\">/metrics</a> (OpenMetrics 1.0 or the Prometheus text format, as the scraper's Accept header asks).</p>\n</body></html>\n";

/// The running server; stops when shut down or dropped.
pub struct MetricsServer {
    runtime: Option<tokio::runtime::Runtime>,
    local_addr: SocketAddr,
}

/// What one address answers.
#[derive(Clone, Default)]
pub struct Routes {
    /// `/` and `/metrics`.
    pub metrics: Option<Arc<Published>>,
    /// `/v1/events` and the webhooks.
    pub ingest: Option<Arc<Ingest>>,
}

impl MetricsServer {
    /// Binds `addr` at once (so a taken or invalid address fails here) and serves `published`
    /// on a runtime of its own.
    pub fn start(addr: SocketAddr, published: Arc<Published>) -> std::io::Result<MetricsServer> {
        MetricsServer::serve(
            addr,
            Routes {
                metrics: Some(published),
                ingest: None,
            },
        )
    }

    /// Binds `addr` at once and serves `routes` on a runtime of its own (two worker threads
    /// when it takes pushes: a slow store write never holds up a scrape).
    pub fn serve(addr: SocketAddr, routes: Routes) -> std::io::Result<MetricsServer> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(if routes.ingest.is_some() { 2 } else { 1 })
            .thread_name("flowdeck-http")
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        runtime.spawn(accept_forever(listener, Arc::new(routes)));
        Ok(MetricsServer {
            runtime: Some(runtime),
            local_addr,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting and drops open connections (a scrape cut short is retried by the
    /// scraper).
    pub fn shutdown(mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn accept_forever(listener: tokio::net::TcpListener, routes: Arc<Routes>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(%error, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let routes = routes.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let routes = routes.clone();
                async move { Ok::<_, Infallible>(route(&routes, request).await) }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "a metrics connection ended with an error");
            }
        });
    }
}

/// The answer to one request: `/v1/…` to the ingest routes when they are served, the rest to
/// the metrics routes when they are.
async fn route(routes: &Routes, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let ingest_path = request.uri().path().starts_with("/v1/");
    match (&routes.ingest, &routes.metrics) {
        (Some(ingest), _) if ingest_path || routes.metrics.is_none() => {
            super::ingest::handle(ingest.clone(), request).await
        }
        (_, Some(published)) => respond(published, &request),
        // Not reached: a server serves at least one set of routes.
        (_, None) => answer(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"not found\n"),
        ),
    }
}

/// The answer to one request.
pub fn respond<B>(published: &Published, request: &Request<B>) -> Response<Full<Bytes>> {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    match request.uri().path() {
        "/metrics" if readable => {
            let accept = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
            let format = Format::negotiate(accept);
            match published.current() {
                Some(exposition) => answer(
                    StatusCode::OK,
                    format.content_type(),
                    exposition.body(format),
                ),
                None => {
                    let mut response = answer(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "text/plain; charset=utf-8",
                        Bytes::from_static(b"the first snapshot is being computed\n"),
                    );
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
                    response
                }
            }
        }
        "/" if readable => answer(
            StatusCode::OK,
            "text/html; charset=utf-8",
            Bytes::from_static(INDEX.as_bytes()),
        ),
        "/" | "/metrics" => {
            let mut response = answer(
                StatusCode::METHOD_NOT_ALLOWED,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"only GET and HEAD\n"),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            response
        }
        _ => answer(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"not found: try /metrics\n"),
        ),
    }
}

fn answer(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::serve::Exposition;
    use http_body_util::BodyExt as _;

    fn get(path: &str, accept: Option<&str>) -> Request<()> {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        request.body(()).unwrap()
    }

    fn body(response: Response<Full<Bytes>>) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = runtime
            .block_on(response.into_body().collect())
            .unwrap()
            .to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn published() -> Published {
        let published = Published::default();
        published.publish(Exposition {
            openmetrics: Bytes::from_static(b"x 1\n# EOF\n"),
            prometheus: Bytes::from_static(b"x 1\n"),
        });
        published
    }

    #[test]
    fn metrics_are_served_in_the_format_asked_for() {
        let published = published();
        let om = respond(
            &published,
            &get(
                "/metrics",
                Some("application/openmetrics-text;version=1.0.0"),
            ),
        );
        assert_eq!(om.status(), StatusCode::OK);
        assert_eq!(
            om.headers()[CONTENT_TYPE],
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        assert_eq!(body(om), "x 1\n# EOF\n");
        let text = respond(&published, &get("/metrics", None));
        assert_eq!(
            text.headers()[CONTENT_TYPE],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert_eq!(body(text), "x 1\n");
    }

    #[test]
    fn before_the_first_snapshot_metrics_are_unavailable() {
        let response = respond(&Published::default(), &get("/metrics", None));
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[RETRY_AFTER], "1");
    }

    #[test]
    fn the_index_links_to_metrics_and_other_paths_are_not_found() {
        let published = published();
        let index = respond(&published, &get("/", None));
        assert_eq!(index.status(), StatusCode::OK);
        assert!(body(index).contains("href=\"metrics\""));
        assert_eq!(
            respond(&published, &get("/nope", None)).status(),
            StatusCode::NOT_FOUND
        );
        let post = Request::builder()
            .method(Method::POST)
            .uri("/metrics")
            .body(())
            .unwrap();
        let refused = respond(&published, &post);
        assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(refused.headers()[ALLOW], "GET, HEAD");
    }
}
