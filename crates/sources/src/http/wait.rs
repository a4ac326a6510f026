//! Telling someone that a request waits: before the client sleeps in place for a retry (a
//! rate limit's reset, a `Retry-After`, a backoff), its observer hears what is waited for and
//! until when, so `flowdeck report` can say it on stderr instead of waiting without a word.
//!
//! Which source the request is for comes from the task it runs in ([`on_behalf_of`]): the
//! poller runs each source's sync inside it, and the client, shared by every source, reads it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::error::HttpError;
use flowdeck_core::model::Timestamp;

tokio::task_local! {
    static SOURCE: Arc<str>;
}

/// A wait about to begin.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// The source the request is for, when known ("github:acme/api").
    pub source: Option<String>,
    /// `host` or `host:port`.
    pub host: String,
    /// What is waited for: "the rate limit", "the server to recover (503)", "a retry".
    pub what: String,
    pub until: Timestamp,
    pub wait: Duration,
}

/// Hears every wait of a client ([`HttpClient::observe_waits`](super::HttpClient::observe_waits)).
pub type WaitObserver = Arc<dyn Fn(&Waiting) + Send + Sync>;

/// Runs `future` as the work of `source`: the waits of its requests name it.
pub async fn on_behalf_of<F: Future>(source: &str, future: F) -> F::Output {
    SOURCE.scope(Arc::from(source), future).await
}

/// The source the current task works for, if any.
pub(crate) fn current_source() -> Option<String> {
    SOURCE.try_with(|s| s.to_string()).ok()
}

/// What a retry after `failure` waits for, in words.
pub(crate) fn what_for(failure: &HttpError) -> String {
    match failure {
        HttpError::RateLimited { .. } | HttpError::BudgetExhausted { .. } => "rate limit".into(),
        HttpError::Server { status, .. } => format!("server to recover (HTTP {status})"),
        HttpError::Timeout { .. } => "server to answer (timeout)".into(),
        HttpError::Connect { .. } => "server to accept connections".into(),
        HttpError::Truncated { .. } => "server to send a whole answer".into(),
        _ => "next retry".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_source_is_known_inside_its_scope_only() {
        assert_eq!(current_source(), None);
        let inside = on_behalf_of("github:acme/api", async { current_source() }).await;
        assert_eq!(inside.as_deref(), Some("github:acme/api"));
    }
}
