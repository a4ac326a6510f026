//! Every Buildkite request flowdeck makes:
//! `GET /v2/organizations/{org}/pipelines/{pipeline}/builds?per_page=100` with `created_from`
//! (a first sync, from the horizon), `finished_from` (later syncs, from the watermark) or
//! `created_to` + `state=passed` (the predecessor before the horizon), paged by the
//! `Link: rel="next"` header; Bearer token. Buildkite allows 200 requests a minute per
//! organization and says so in `RateLimit-Remaining`/`RateLimit-Reset`; a 429 waits for the
//! reset (the HTTP layer reads both).

use super::payload::Build;
use super::setup::Settings;
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints, format_time};
use flowdeck_core::model::Timestamp;

/// Pages of one listing read at most in one sync (10,000 builds).
const MAX_PAGES: usize = 100;

/// Which builds a listing asks for.
pub(super) enum Since {
    Created(Timestamp),
    Finished(Timestamp),
    /// The newest build that passed before this time.
    PassedBefore(Timestamp),
    /// The newest build (for `check`).
    Newest,
}

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
    organization: String,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        Api {
            origin: setup.origin(
                settings.root.clone(),
                Auth::Bearer(settings.token.clone()),
                Words,
            ),
            organization: settings.organization.clone(),
        }
    }

    /// The builds of `pipeline` the listing selects, newest first, every page.
    pub(super) async fn builds(
        &self,
        pipeline: &str,
        since: Since,
    ) -> Result<Vec<Build>, SourceError> {
        let (key, at, extra, per_page, max_pages) = match since {
            Since::Created(at) => ("created_from", Some(at), None, "100", MAX_PAGES),
            Since::Finished(at) => ("finished_from", Some(at), None, "100", MAX_PAGES),
            Since::PassedBefore(at) => ("created_to", Some(at), Some(("state", "passed")), "1", 1),
            Since::Newest => ("", None, None, "1", 1),
        };
        let at = at.map(format_time);
        let mut query: Vec<(&str, &str)> = vec![("per_page", per_page)];
        if let Some(at) = &at {
            query.push((key, at));
        }
        if let Some(extra) = extra {
            query.push(extra);
        }
        let url = self.origin.url(
            &[
                "v2",
                "organizations",
                &self.organization,
                "pipelines",
                pipeline,
                "builds",
            ],
            &query,
        );
        let what = format!("the builds of pipeline {}/{pipeline}", self.organization);
        self.origin.get_all::<Build>(url, &what, max_pages).await
    }
}

/// What Buildkite's answers mean.
struct Words;

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("Buildkite at {} ({})", failure.host, failure.what)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, what) = (failure.host, failure.what);
        Some(Hint::Config(match status {
            401 => format!(
                "Buildkite at {host} rejected the API access token (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / BUILDKITE_TOKEN"
            ),
            403 => format!(
                "Buildkite at {host} refused to show {what} (403 Forbidden): the token lacks the read_builds scope or access to the organization"
            ),
            404 => format!(
                "Buildkite at {host} has no {what} (404 Not Found): check organization and the pipeline slugs (as in the pipeline's URL), and that the token may see them"
            ),
            _ => return None,
        }))
    }
}
