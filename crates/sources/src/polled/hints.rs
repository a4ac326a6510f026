//! From an HTTP failure to a source error, the same way for every source: what may pass is
//! retryable (at the provider's reset time when it said one), a configuration problem is a
//! `Config` error (shown as such, retried only at the poll interval), anything else is bad
//! `Data`. Only the words are the provider's: its [`StatusHints`].

use url::Url;

use crate::SourceError;
use crate::http::HttpError;

/// A provider's words for its failures.
pub(crate) trait StatusHints: Send + Sync {
    /// How any failure is introduced, naming the provider, host and scope
    /// ("GitHub at api.github.com (acme/api)"); the HTTP layer's sentence follows it.
    fn context(&self, failure: &Failure<'_>) -> String;

    /// What a status means for this provider, in words a user can act on (which key to check,
    /// which permission the token lacks): a 401, 403 or 404 above all, and a 400 where the
    /// provider says the query (the config) is wrong. None leaves the general words. Asked only
    /// for failures that are not retryable, so a hint never stops a retry.
    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let _ = (status, failure);
        None
    }
}

/// What failed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure<'a> {
    /// What was asked for ("deployments", "the query …").
    pub what: &'a str,
    /// host, or host:port when the port is not the scheme's default.
    pub host: &'a str,
    /// The API root as configured.
    pub root: &'a Url,
    /// Whether the requests carry a credential.
    pub has_token: bool,
    /// The server's own explanation, when its answer gave one (uncleaned: sanitize it).
    pub detail: Option<&'a str>,
}

/// What a status means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Hint {
    /// The configuration must change (a token, a URL, a name, a query).
    Config(String),
    /// The provider could not give what was asked, and waiting will not change that.
    Data(String),
}

/// The one mapping from an HTTP failure to a source error.
pub(crate) fn source_error(
    error: HttpError,
    failure: &Failure<'_>,
    hints: &dyn StatusHints,
) -> SourceError {
    if !error.is_retryable()
        && let Some(hint) = error
            .status()
            .and_then(|status| hints.hint(status, failure))
    {
        return match hint {
            Hint::Config(message) => SourceError::Config(message),
            Hint::Data(message) => SourceError::Data(message),
        };
    }
    let message = format!("{}: {error}", hints.context(failure));
    if error.is_retryable() {
        SourceError::retryable(message, &error)
    } else if error.is_config_error() {
        SourceError::Config(message)
    } else {
        SourceError::Data(message)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::http::Endpoint;

    struct Words;

    impl StatusHints for Words {
        fn context(&self, failure: &Failure<'_>) -> String {
            format!("Acme at {} ({})", failure.host, failure.what)
        }

        fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
            match status {
                401 if failure.has_token => Some(Hint::Config("Acme refused the token".into())),
                422 => Some(Hint::Data(format!(
                    "Acme could not run it: {}",
                    failure.detail.unwrap_or("no reason given")
                ))),
                500 => Some(Hint::Config("never asked: a 500 is retried".into())),
                _ => None,
            }
        }
    }

    fn map(error: HttpError, has_token: bool) -> SourceError {
        let root = Url::parse("https://acme.test/api/").unwrap();
        let detail = match &error {
            HttpError::Status { detail, .. } => detail.clone(),
            _ => None,
        };
        let failure = Failure {
            what: "builds",
            host: "acme.test",
            root: &root,
            has_token,
            detail: detail.as_deref(),
        };
        source_error(error, &failure, &Words)
    }

    fn endpoint() -> Endpoint {
        Endpoint {
            host: "acme.test".into(),
            path: "/api/builds".into(),
        }
    }

    #[test]
    fn hints_word_what_a_status_means() {
        let error = map(
            HttpError::Unauthorized {
                endpoint: endpoint(),
            },
            true,
        );
        assert!(matches!(error, SourceError::Config(ref m) if m == "Acme refused the token"));
        let error = map(
            HttpError::Status {
                endpoint: endpoint(),
                status: 422,
                detail: Some("too many samples".into()),
            },
            true,
        );
        assert!(
            matches!(error, SourceError::Data(ref m) if m.ends_with("too many samples")),
            "{error:?}"
        );
    }

    #[test]
    fn without_a_hint_the_class_follows_the_http_error() {
        let unhinted_401 = map(
            HttpError::Unauthorized {
                endpoint: endpoint(),
            },
            false,
        );
        assert!(
            matches!(unhinted_401, SourceError::Config(ref m) if m.starts_with("Acme at acme.test (builds): ")),
            "{unhinted_401:?}"
        );
        let malformed = map(
            HttpError::Malformed {
                endpoint: endpoint(),
                detail: "x".into(),
            },
            true,
        );
        assert!(matches!(malformed, SourceError::Data(_)));
        assert!(!malformed.is_retryable());
    }

    #[test]
    fn retryable_failures_stay_retryable_whatever_the_hints_say() {
        let server = map(
            HttpError::Server {
                endpoint: endpoint(),
                status: 500,
                attempts: 6,
            },
            true,
        );
        assert!(server.is_retryable(), "{server:?}");
        let until = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
            .unwrap()
            .to_utc();
        let limited = map(
            HttpError::RateLimited {
                endpoint: endpoint(),
                until,
                reason: "primary",
            },
            true,
        );
        assert_eq!(limited.retry_at(), Some(until));
    }
}
