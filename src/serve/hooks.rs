//! `serve --ingest`: the GitHub and GitLab webhook routes, `POST /v1/hooks/github` and
//! `POST /v1/hooks/gitlab` (docs/EVENTS.md#webhooks).
//!
//! A route answers 404 until its secret is configured (`[serve] github_webhook_secret_env`,
//! `gitlab_webhook_token_env`). A delivery is verified before its body is parsed: GitHub's
//! `X-Hub-Signature-256` is the HMAC-SHA256 of the exact body bytes under the secret, checked
//! in constant time (`hmac`'s `verify_slice`); GitLab's `X-Gitlab-Token` is the token itself,
//! compared in constant time through SHA-256. A missing or wrong signature is 401 and nothing
//! is read or stored. A verified `ping` (GitHub) is 200.
//!
//! A verified delivery is translated by the GitHub or GitLab source of its repository or project
//! (`sources::hooks`: the poll's own translation, so a hook and a later poll of the same item
//! store one event) and stored in one transaction under the source name `hook:github` or
//! `hook:gitlab`, with its delivery id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`) as a
//! watermark of that source: a delivery seen before (GitHub's "Redeliver", a retry after a
//! timeout) is answered 200 `{"duplicate": true}` and stores nothing again. Ids older than a
//! week are forgotten (at most once an hour). Deliveries are handled one at a time per
//! process, so a delivery and its replay cannot race.
//!
//! | answer | when |
//! |---|---|
//! | 200 `{"inserted","updated","unchanged","removed","delivery"}` | stored |
//! | 200 `{"duplicate": true, "delivery"}` | that delivery id was stored before: nothing stored again |
//! | 202 `{"ignored"}` | an event flowdeck keeps nothing of, a repository or project no source reads, an environment that is not production, an older delivery than what is stored |
//! | 400 `{"error"}` | the body is not the provider's JSON for that event, carries `\u0000` or an impossible date, or the delivery id is not one; nothing stored |
//! | 401 / 404 / 405 / 408 / 413 | as above and as `POST /v1/events` |
//! | 503 | the store cannot be read or written now: the provider retries |

use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Body, Bytes};
use hyper::{HeaderMap, Request, Response, StatusCode};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::ingest::{Ingest, answer, read_body};
use crate::sources::hooks::{HookError, Hooks as Targets, Translated};
use crate::store::{BatchCount, Store};

/// The webhook secrets, as read at start.
#[derive(Default)]
pub struct Hooks {
    /// GitHub's webhook secret (the HMAC key).
    pub github_secret: Option<Vec<u8>>,
    /// GitLab's webhook token's SHA-256.
    pub gitlab_token: Option<[u8; 32]>,
    /// The configured GitHub and GitLab sources, which deliveries are routed to.
    pub targets: Targets,
    /// Held while a delivery is checked against the delivery ids stored and stored; holds
    /// when delivery ids were last forgotten.
    pub one_at_a_time: std::sync::Mutex<Option<std::time::Instant>>,
}

pub(super) async fn handle<B>(
    ingest: Arc<Ingest>,
    path: &str,
    request: Request<B>,
) -> Response<Full<Bytes>>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let github = path == "/v1/hooks/github";
    let configured = if github {
        ingest.hooks.github_secret.is_some()
    } else {
        ingest.hooks.gitlab_token.is_some()
    };
    if !configured {
        let key = if github {
            "github_webhook_secret_env"
        } else {
            "gitlab_webhook_token_env"
        };
        return answer(
            StatusCode::NOT_FOUND,
            json!({"error": format!("this hook is off: set [serve] {key}")}),
        );
    }
    let headers = request.headers().clone();
    // GitLab's token is in a header: checked before the body is read.
    if !github && !gitlab_verified(&ingest.hooks, &headers) {
        return unverified("X-Gitlab-Token");
    }
    let body = match read_body(&ingest, request).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if github && !github_verified(&ingest.hooks, &headers, &body) {
        return unverified("X-Hub-Signature-256");
    }
    let event = header(
        &headers,
        if github {
            "x-github-event"
        } else {
            "x-gitlab-event"
        },
    );
    if github && event == "ping" {
        return answer(StatusCode::OK, json!({"pong": true}));
    }
    let delivery_header = if github {
        "x-github-delivery"
    } else {
        "x-gitlab-event-uuid"
    };
    let delivery = header(&headers, delivery_header);
    let delivery = if delivery.is_empty() {
        None
    } else if is_delivery_id(&delivery) {
        Some(delivery)
    } else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("{delivery_header} is not a delivery id (at most 128 letters, digits and dashes); nothing was stored")}),
        );
    };
    let on_commit = ingest.on_commit.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        deliver(&ingest, github, &event, &body, delivery.as_deref())
    })
    .await;
    match outcome {
        Ok(Ok(Delivered::Stored { count, delivery })) => {
            let u = count.upserts;
            if u.inserted + u.updated > 0
                && let Some(on_commit) = &on_commit
            {
                on_commit();
            }
            answer(
                StatusCode::OK,
                json!({"inserted": u.inserted, "updated": u.updated, "unchanged": u.unchanged, "removed": count.removed, "delivery": delivery}),
            )
        }
        Ok(Ok(Delivered::Duplicate(delivery))) => answer(
            StatusCode::OK,
            json!({"duplicate": true, "delivery": delivery, "stored": "nothing: this delivery was stored before"}),
        ),
        Ok(Ok(Delivered::Ignored(why))) => answer(
            StatusCode::ACCEPTED,
            json!({"ignored": format!("{why}; nothing was stored")}),
        ),
        Ok(Err(HookError::Payload(why))) => answer(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("{why}; nothing was stored")}),
        ),
        Ok(Err(error)) => {
            tracing::warn!(%error, "could not store a webhook delivery");
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

/// How long a delivery id is kept: GitHub redelivers deliveries of the last 3 days, GitLab
/// retries within hours.
const KEEP_DELIVERY_IDS: chrono::Duration = chrono::Duration::days(7);

/// How often (at most) the ids older than that are deleted.
const FORGET_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// What a verified delivery came to.
enum Delivered {
    Stored {
        count: BatchCount,
        delivery: Option<String>,
    },
    Duplicate(String),
    Ignored(String),
}

/// Checks the delivery id, translates the delivery against what is stored, and stores it with
/// its id, in one transaction (blocking: the store's calls block).
fn deliver(
    ingest: &Ingest,
    github: bool,
    event: &str,
    body: &[u8],
    delivery: Option<&str>,
) -> Result<Delivered, HookError> {
    let mut forgotten_at = ingest
        .hooks
        .one_at_a_time
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let store: &dyn Store = ingest.store.as_ref();
    let source = if github { "hook:github" } else { "hook:gitlab" };
    let mark = delivery.map(|id| format!("delivery:{id}"));
    if let (Some(mark), Some(id)) = (&mark, delivery)
        && store.watermark(source, mark)?.is_some()
    {
        return Ok(Delivered::Duplicate(id.to_string()));
    }
    let now = chrono::Utc::now();
    let mut lookup = |keys: &[crate::events::EventKey]| store.events_with_keys(keys);
    let translated = if github {
        ingest.hooks.targets.github(event, body, now, &mut lookup)?
    } else {
        ingest.hooks.targets.gitlab(event, body, now, &mut lookup)?
    };
    let events = match translated {
        Translated::Events(events) => events,
        Translated::Ignored(why) => return Ok(Delivered::Ignored(why)),
    };
    let marks: Vec<(String, String)> = mark
        .into_iter()
        .map(|m| (m, now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
        .collect();
    let count = store.commit_batch(source, &events, &[], &marks, None)?;
    if forgotten_at.is_none_or(|at| at.elapsed() >= FORGET_EVERY) {
        *forgotten_at = Some(std::time::Instant::now());
        let before = (now - KEEP_DELIVERY_IDS).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Err(error) = store.forget_watermarks(source, "delivery:", &before) {
            tracing::warn!(%error, "could not forget old webhook delivery ids");
        }
    }
    Ok(Delivered::Stored {
        count,
        delivery: delivery.map(str::to_string),
    })
}

/// GitHub's delivery GUIDs and GitLab's event UUIDs: letters, digits and dashes.
fn is_delivery_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn unverified(header: &str) -> Response<Full<Bytes>> {
    answer(
        StatusCode::UNAUTHORIZED,
        json!({"error": format!("a missing or wrong {header}; nothing was stored")}),
    )
}

/// `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of `body` under the secret.
fn github_verified(hooks: &Hooks, headers: &HeaderMap, body: &[u8]) -> bool {
    use hmac::{KeyInit as _, Mac as _};
    let Some(secret) = &hooks.github_secret else {
        return false;
    };
    let Some(signature) = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .and_then(hex_bytes)
    else {
        return false;
    };
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

fn gitlab_verified(hooks: &Hooks, headers: &HeaderMap) -> bool {
    let Some(expected) = &hooks.gitlab_token else {
        return false;
    };
    headers
        .get("x-gitlab-token")
        .map(|given| -> [u8; 32] { Sha256::digest(given.as_bytes()).into() })
        .is_some_and(|given| bool::from(given.ct_eq(expected)))
}

/// Lower- or upper-case hex into bytes; None for anything else.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > 256 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use hmac::{KeyInit as _, Mac as _};

    fn signed(secret: &[u8], body: &[u8]) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(body);
        let bytes = mac.finalize().into_bytes();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256={hex}")
    }

    fn hooks() -> Hooks {
        Hooks {
            github_secret: Some(b"s3cret".to_vec()),
            gitlab_token: Some(Sha256::digest(b"gl-token").into()),
            ..Hooks::default()
        }
    }

    #[test]
    fn github_signatures_are_checked_against_the_exact_body() {
        let hooks = hooks();
        let body = br#"{"action":"completed"}"#;
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-hub-signature-256",
            signed(b"s3cret", body).parse().unwrap(),
        );
        assert!(github_verified(&hooks, &headers, body));
        assert!(!github_verified(
            &hooks,
            &headers,
            br#"{"action":"completed" }"#
        ));
        let upper = signed(b"s3cret", body)
            .to_uppercase()
            .replace("SHA256=", "sha256=");
        headers.insert("x-hub-signature-256", upper.parse().unwrap());
        assert!(
            github_verified(&hooks, &headers, body),
            "hex in either case"
        );
        for bad in [
            signed(b"other", body),
            "sha256=".into(),
            "sha256=zz".into(),
            "sha1=abc".into(),
            signed(b"s3cret", body)[..20].to_string(),
        ] {
            headers.insert("x-hub-signature-256", bad.parse().unwrap());
            assert!(!github_verified(&hooks, &headers, body), "{bad}");
        }
        headers.remove("x-hub-signature-256");
        assert!(!github_verified(&hooks, &headers, body));
    }

    #[test]
    fn gitlab_tokens_are_compared_whole() {
        let hooks = hooks();
        let mut headers = HeaderMap::new();
        assert!(!gitlab_verified(&hooks, &headers));
        headers.insert("x-gitlab-token", "gl-token".parse().unwrap());
        assert!(gitlab_verified(&hooks, &headers));
        for bad in ["gl-toke", "gl-token ", "GL-TOKEN", ""] {
            headers.insert("x-gitlab-token", bad.parse().unwrap());
            assert!(!gitlab_verified(&hooks, &headers), "{bad:?}");
        }
    }
}
