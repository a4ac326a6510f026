//! Webhook deliveries (GitHub, GitLab) into model events, for `serve --ingest`'s
//! `/v1/hooks/github` and `/v1/hooks/gitlab` (docs/EVENTS.md#webhooks).
//!
//! A delivery is routed to the configured source of its repository or project and translated
//! by that source's own translation (`github::webhook`, `gitlab::webhook`), so it stores what a
//! poll of the same item stores, under the same id. What a delivery lacks is read from the
//! stored event (the caller's [`Lookup`]). A delivery of an event flowdeck keeps nothing of,
//! or about a repository no source reads, is [`Translated::Ignored`] with the reason; a body
//! that is not the provider's JSON, or that carries a NUL character or an impossible date, is
//! refused ([`HookError::Payload`]) and nothing is stored.

use serde::de::DeserializeOwned;

use crate::SourceError;
use crate::github::webhook::{self as github, GithubHook};
use crate::gitlab::webhook::{self as gitlab, GitlabHook};
use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::events::EventKey;
use flowdeck_core::model::{EventKind, EventSet, Timestamp};
use flowdeck_store::StoreError;

/// Reads the stored events with the given keys.
pub type Lookup<'a> = &'a mut dyn FnMut(&[EventKey]) -> Result<EventSet, StoreError>;

/// What a verified delivery comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Translated {
    /// Events to store (upserted, as a poll's).
    Events(EventSet),
    /// Nothing to store, and why.
    Ignored(String),
}

/// Why a delivery stores nothing.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// The body is not what the provider sends (the answer is 400).
    #[error("{0}")]
    Payload(String),
    /// The stored event could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl HookError {
    /// Whether the same delivery can succeed later (a store that is locked or unreachable).
    pub fn is_retryable(&self) -> bool {
        matches!(self, HookError::Store(error) if error.is_retryable())
    }

    /// A body serde could not read as `what`, the error cut short (it may quote the body).
    pub(crate) fn payload(what: &str, error: &serde_json::Error) -> HookError {
        let detail: String = error.to_string().chars().take(300).collect();
        HookError::Payload(format!(
            "the body is not {what} as its webhooks send it: {detail}"
        ))
    }
}

/// The webhook side of every configured GitHub and GitLab source.
#[derive(Debug, Default)]
pub struct Hooks {
    github: Vec<GithubHook>,
    gitlab: Vec<GitlabHook>,
}

impl Hooks {
    /// One per GitHub and GitLab source of the config; a source whose section is wrong is
    /// left out (its poll's status line says why).
    pub fn from_config(config: &Config) -> Hooks {
        let mut hooks = Hooks::default();
        for source in &config.sources {
            let made: Result<(), SourceError> = match source {
                SourceConfig::Github(c) => GithubHook::new(c).map(|h| hooks.github.push(h)),
                SourceConfig::Gitlab(c) => GitlabHook::new(c).map(|h| hooks.gitlab.push(h)),
                _ => Ok(()),
            };
            if let Err(error) = made {
                tracing::warn!(source = %source.display_name(), %error, "its webhook deliveries are not read");
            }
        }
        hooks
    }

    /// A GitHub delivery (`X-GitHub-Event: event`), received at `now`.
    pub fn github(
        &self,
        event: &str,
        body: &[u8],
        now: Timestamp,
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        if !github::EVENTS.contains(&event) {
            return Ok(ignored_event(event));
        }
        refuse_nul(body)?;
        let Some(repo) = github::repository(event, body)? else {
            return Err(HookError::Payload(format!(
                "the {event} delivery names no repository"
            )));
        };
        let Some(hook) = self
            .github
            .iter()
            .find(|h| h.repo().eq_ignore_ascii_case(&repo))
        else {
            return Ok(Translated::Ignored(format!(
                "no [[sources]] kind = \"github\" reads {}",
                clipped(&repo)
            )));
        };
        plausible(hook.translate(event, body, lookup)?, now)
    }

    /// A GitLab delivery (`X-Gitlab-Event: event`), received at `now`.
    pub fn gitlab(
        &self,
        event: &str,
        body: &[u8],
        now: Timestamp,
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        if !gitlab::EVENTS.contains(&event) {
            return Ok(ignored_event(event));
        }
        refuse_nul(body)?;
        let Some(project) = gitlab::project(event, body)? else {
            return Err(HookError::Payload(format!(
                "the {event} delivery names no project"
            )));
        };
        let Some(hook) = self.gitlab.iter().find(|h| h.reads(&project)) else {
            return Ok(Translated::Ignored(format!(
                "no [[sources]] kind = \"gitlab\" reads {} (id {})",
                clipped(&project.path_with_namespace),
                project.id
            )));
        };
        plausible(hook.translate(event, body, &project, lookup)?, now)
    }
}

fn ignored_event(event: &str) -> Translated {
    Translated::Ignored(format!(
        "{} events carry nothing flowdeck keeps",
        clipped(event)
    ))
}

/// A name from a delivery, short enough to quote in an answer.
fn clipped(text: &str) -> String {
    let short: String = text.chars().take(200).collect();
    format!("{short:?}")
}

/// A NUL character (`\u0000`) cannot be kept by every store: the delivery is refused.
fn refuse_nul(body: &[u8]) -> Result<(), HookError> {
    if body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(HookError::Payload(
            "the body carries a NUL character (\\u0000), which flowdeck does not store".into(),
        ));
    }
    Ok(())
}

/// Events dated before 1990 or past tomorrow are refused, as a poll refuses them.
fn plausible(translated: Translated, now: Timestamp) -> Result<Translated, HookError> {
    match translated {
        Translated::Events(mut events) => {
            let refused = flowdeck_core::plausible::refuse_implausible(&mut events, now);
            if refused.is_empty() {
                Ok(Translated::Events(events))
            } else {
                Err(HookError::Payload(refused.join("; ")))
            }
        }
        ignored => Ok(ignored),
    }
}

/// A delivery's body read as `what` (e.g. "GitHub workflow_run").
pub(crate) fn parse<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, HookError> {
    serde_json::from_slice(body).map_err(|e| HookError::payload(what, &e))
}

/// The key of a stored event, for a [`Lookup`].
pub(crate) fn key(kind: EventKind, id: &str) -> EventKey {
    EventKey {
        kind,
        id: id.to_string(),
    }
}
