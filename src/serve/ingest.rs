//! `serve --ingest`: `POST /v1/events` takes flowdeck.events/v1 lines (docs/EVENTS.md#http-push)
//! and stores each request as one batch, in one transaction.
//!
//! In order, a request is: refused 405 unless POST; 401 without the bearer token (compared in
//! constant time, through SHA-256 so not even its length shows); 415 unless its content type
//! is NDJSON or JSON; 413 when its `Content-Length` or the bytes it sends pass `[serve]
//! max_body`; 408 when the whole body does not arrive within `[serve] request_timeout`; 400
//! with every bad line (`{"error", "lines": [{"line", "error"}], "more"}`) and nothing stored;
//! else stored, 200 with `{"inserted", "updated", "unchanged", "removed"}`. A store that cannot
//! be written is 503 (retry later).

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Body, Bytes};
use hyper::header::{
    ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE,
};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::hooks::Hooks;
use crate::events::{Batch, BatchError, ParseOptions};
use crate::store::Store;

/// The source name pushed events are stored under.
pub const SOURCE: &str = "push";

/// Told after a batch changed the store (the metrics are recomputed at once).
pub type OnCommit = Arc<dyn Fn() + Send + Sync>;

/// Everything the ingest routes need.
pub struct Ingest {
    pub store: Arc<dyn Store>,
    /// The bearer token's SHA-256; None: no token (only allowed on a loopback address).
    pub token: Option<[u8; 32]>,
    pub max_body: u64,
    pub timeout: Duration,
    pub options: ParseOptions,
    pub hooks: Hooks,
    pub on_commit: Option<OnCommit>,
}

impl Ingest {
    /// The token as kept: its SHA-256.
    pub fn token_digest(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }
}

/// The answer to a request under `/v1/`.
pub async fn handle<B>(ingest: Arc<Ingest>, request: Request<B>) -> Response<Full<Bytes>>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let path = request.uri().path().to_string();
    match path.as_str() {
        "/v1/events" | "/v1/hooks/github" | "/v1/hooks/gitlab" => {}
        _ => {
            return answer(
                StatusCode::NOT_FOUND,
                json!({"error": "not found: POST /v1/events"}),
            );
        }
    }
    if request.method() != Method::POST {
        let mut response = answer(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "only POST"}),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if path != "/v1/events" {
        return super::hooks::handle(ingest, &path, request).await;
    }
    if !authorized(&ingest, request.headers()) {
        let mut response = answer(
            StatusCode::UNAUTHORIZED,
            json!({"error": "a missing or wrong token: send Authorization: Bearer <token>"}),
        );
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    if !ndjson(request.headers()) {
        return answer(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!({"error": "send the events as Content-Type: application/x-ndjson (one JSON object per line)"}),
        );
    }
    let body = match read_body(&ingest, request).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let batch = match crate::events::parse_slice(&body, &ingest.options) {
        Ok(batch) => batch,
        Err(error) => return refused(error),
    };
    store(ingest, batch).await
}

/// Whether the request carries the configured token (any request, when none is configured).
fn authorized(ingest: &Ingest, headers: &HeaderMap) -> bool {
    let Some(expected) = &ingest.token else {
        return true;
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .map(|token| -> [u8; 32] { Sha256::digest(token).into() });
    given.is_some_and(|given| bool::from(given.ct_eq(expected)))
}

/// NDJSON (or JSON, one object per line).
fn ndjson(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" | "application/json"
    )
}

/// The whole body, within the size limit and the timeout; else the answer that refuses it.
pub(super) async fn read_body<B>(
    ingest: &Ingest,
    request: Request<B>,
) -> Result<Bytes, Response<Full<Bytes>>>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = || {
        answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"error": format!("the body is larger than {} bytes ([serve] max_body); split the batch", ingest.max_body)}),
        )
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > ingest.max_body) {
        return Err(too_large());
    }
    let limit = usize::try_from(ingest.max_body).unwrap_or(usize::MAX);
    let body = Limited::new(request.into_body(), limit);
    match tokio::time::timeout(ingest.timeout, body.collect()).await {
        Err(_) => Err(answer(
            StatusCode::REQUEST_TIMEOUT,
            json!({"error": format!("the body did not arrive within {} seconds", ingest.timeout.as_secs())}),
        )),
        Ok(Err(error)) => {
            if error
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                Err(too_large())
            } else {
                Err(answer(
                    StatusCode::BAD_REQUEST,
                    json!({"error": format!("the body could not be read: {error}")}),
                ))
            }
        }
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// 400 with every reported bad line; nothing was stored.
pub(super) fn refused(error: BatchError) -> Response<Full<Bytes>> {
    match error {
        BatchError::Invalid { errors, more } => answer(
            StatusCode::BAD_REQUEST,
            json!({
                "error": format!("{} invalid line(s); nothing was stored", errors.len() as u64 + more),
                "lines": errors,
                "more": more,
            }),
        ),
        BatchError::Read { line, detail } => answer(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("line {line}: {detail}; nothing was stored")}),
        ),
    }
}

/// Stores `batch` in one transaction (on a blocking thread: the store's calls block).
pub(super) async fn store(ingest: Arc<Ingest>, batch: Batch) -> Response<Full<Bytes>> {
    let store = ingest.store.clone();
    let written = tokio::task::spawn_blocking(move || {
        store.commit_batch(SOURCE, &batch.events, &batch.removals, &[], None)
    })
    .await;
    match written {
        Ok(Ok(count)) => {
            let u = count.upserts;
            if u.inserted + u.updated + count.removed > 0
                && let Some(on_commit) = &ingest.on_commit
            {
                on_commit();
            }
            answer(
                StatusCode::OK,
                json!({"inserted": u.inserted, "updated": u.updated, "unchanged": u.unchanged, "removed": count.removed}),
            )
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "could not store pushed events");
            let status = if error.is_retryable() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            answer(
                status,
                json!({"error": format!("nothing was stored: {error}")}),
            )
        }
        Err(error) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": format!("nothing was stored: {error}")}),
        ),
    }
}

pub(super) fn answer(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut text = body.to_string();
    text.push('\n');
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
