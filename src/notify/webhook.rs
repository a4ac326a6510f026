//! `webhook = "https://…"`: the event POSTed as JSON. The body is the event a command reads
//! (`kind`, `item`, `state`, `services`, `text`, `url`, `at`); its `text` is the field Slack's
//! incoming webhooks (and Mattermost's, and Rocket.Chat's) show, and they ignore the rest.
//!
//! Sent through the HTTP layer (`HttpClient::post_json`): each attempt must finish within
//! [`TIMEOUT`]; a 5xx, a timeout or a dropped connection is retried [`RETRIES`] times with a
//! short backoff, a 4xx never; at worst a webhook holds its delivery thread for about
//! `(RETRIES + 1) × TIMEOUT` plus the waits, never longer. The URL's path is its secret: no
//! error or log line shows more than its scheme and host.

use std::sync::Arc;
use std::time::Duration;

use crate::config::notify::WebhookUrl;
use crate::sources::http::{HttpClient, HttpSettings, NoEtagCache, Request, SystemClock};

use super::event::Event;

/// How long one attempt may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts after the first.
pub const RETRIES: u32 = 2;

/// Posts events; owns the small runtime its requests run on (it lives on the delivery thread).
pub struct Poster {
    runtime: tokio::runtime::Runtime,
    client: HttpClient,
}

impl Poster {
    pub fn new() -> Result<Poster, String> {
        Poster::with(TIMEOUT, RETRIES, Duration::from_millis(500))
    }

    /// A poster with other bounds (tests use a short timeout).
    pub fn with(timeout: Duration, retries: u32, backoff: Duration) -> Result<Poster, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("could not start the webhook runtime: {e}"))?;
        let settings = HttpSettings {
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(5)),
            max_retries: retries,
            backoff_base: backoff,
            backoff_max: backoff * 4,
            // A Retry-After longer than this is not waited for: the next event tries again.
            max_wait: Duration::from_secs(30),
            // Only the status is read: a huge answer is not kept.
            max_body_bytes: 1 << 20,
            ..HttpSettings::default()
        };
        let client = HttpClient::new(settings, Arc::new(NoEtagCache), Arc::new(SystemClock))
            .map_err(|e| e.to_string())?;
        Ok(Poster { runtime, client })
    }

    /// POSTs `event` to `webhook`; Err says why (naming the host only).
    pub fn post(&self, webhook: &WebhookUrl, event: &Event) -> Result<u16, String> {
        let url = url::Url::parse(&webhook.0)
            .map_err(|_| format!("the webhook URL for {} does not parse", webhook.host()))?;
        let request = Request::post_json(url, event.json().into_bytes());
        self.runtime
            .block_on(self.client.post_json(&request))
            .map_err(|e| format!("webhook {}: {e}", webhook.host()))
    }
}
