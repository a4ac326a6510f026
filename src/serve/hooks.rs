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
//! Verified deliveries of the events the issue names (GitHub `deployment`,
//! `deployment_status`, `workflow_run`, `pull_request`, `issues`; GitLab `Deployment Hook`,
//! `Pipeline Hook`, `Merge Request Hook`) are answered 501 for now: translating them through
//! the pollers' translators is not built yet, so a hook never stores something a poll of the
//! same item would store differently. Any other event is 202 and ignored.

use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Body, Bytes};
use hyper::{HeaderMap, Request, Response, StatusCode};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::ingest::{Ingest, answer, read_body};

/// The webhook secrets, as read at start.
#[derive(Default)]
pub struct Hooks {
    /// GitHub's webhook secret (the HMAC key).
    pub github_secret: Option<Vec<u8>>,
    /// GitLab's webhook token's SHA-256.
    pub gitlab_token: Option<[u8; 32]>,
}

const GITHUB_EVENTS: [&str; 5] = [
    "deployment",
    "deployment_status",
    "workflow_run",
    "pull_request",
    "issues",
];
const GITLAB_EVENTS: [&str; 3] = ["Deployment Hook", "Pipeline Hook", "Merge Request Hook"];

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
    let (event, known): (String, &[&str]) = if github {
        (header(&headers, "x-github-event"), &GITHUB_EVENTS)
    } else {
        (header(&headers, "x-gitlab-event"), &GITLAB_EVENTS)
    };
    if github && event == "ping" {
        return answer(StatusCode::OK, json!({"pong": true}));
    }
    if known.contains(&event.as_str()) {
        return answer(
            StatusCode::NOT_IMPLEMENTED,
            json!({"error": format!("the delivery is verified, but {event:?} events are not translated yet; nothing was stored (the source's poll reads the item)")}),
        );
    }
    answer(
        StatusCode::ACCEPTED,
        json!({"ignored": format!("{event:?} events carry nothing flowdeck keeps")}),
    )
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
