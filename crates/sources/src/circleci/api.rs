//! Every CircleCI request flowdeck makes, in one place: URLs under `{base_url}/api/v2/`, the
//! `Circle-Token` header, `page-token` paging, and what CircleCI's statuses mean (naming the
//! project and host, never the token). CircleCI answers throttling with 429 and `Retry-After`,
//! which the HTTP layer waits for.
//!
//! - `GET /project/{vcs}/{org}/{repo}/pipeline[?page-token=…]`: the project's pipelines, newest
//!   first, 20 a page; `next_page_token` is null on the last page.
//! - `GET /pipeline/{id}/workflow[?page-token=…]`: one pipeline's workflows.

use super::payload::{Page, Pipeline, Workflow};
use super::setup::Settings;
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};

/// Pages of one pipeline's workflows read at most (a guard against a token that loops).
const MAX_WORKFLOW_PAGES: usize = 20;

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
    slug: [String; 3],
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let words = Words {
            project: settings.project.clone(),
        };
        Api {
            origin: setup.origin(
                settings.api.clone(),
                Auth::CircleToken(settings.token.clone()),
                words,
            ),
            slug: settings.slug.clone(),
        }
    }

    /// One page of the project's pipelines, newest first: the first, or the one `token` names.
    pub(super) async fn pipelines(
        &self,
        token: Option<&str>,
    ) -> Result<Page<Pipeline>, SourceError> {
        let [vcs, org, repo] = &self.slug;
        let query: Vec<(&str, &str)> = token.map(|t| ("page-token", t)).into_iter().collect();
        let url = self
            .origin
            .url(&["project", vcs, org, repo, "pipeline"], &query);
        Ok(self.origin.get(url, "pipelines").await?.body)
    }

    /// Every workflow of a pipeline; None when CircleCI answers 404 for it (a pipeline just
    /// listed is not gone: the caller reads it again next sync).
    pub(super) async fn workflows(
        &self,
        pipeline: &str,
    ) -> Result<Option<Vec<Workflow>>, SourceError> {
        let mut workflows = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_WORKFLOW_PAGES {
            let query: Vec<(&str, &str)> = token
                .as_deref()
                .map(|t| ("page-token", t))
                .into_iter()
                .collect();
            let url = self.origin.url(&["pipeline", pipeline, "workflow"], &query);
            let Some(page) = self
                .origin
                .get_if_found::<Page<Workflow>>(url, "workflows")
                .await?
            else {
                tracing::warn!(pipeline, "CircleCI has no workflows of the pipeline (404)");
                return Ok(None);
            };
            workflows.extend(page.body.items);
            match page.body.next_page_token.filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next),
                None => return Ok(Some(workflows)),
            }
        }
        tracing::warn!(
            pipeline,
            "workflow listing cut at {MAX_WORKFLOW_PAGES} pages"
        );
        Ok(Some(workflows))
    }
}

/// What CircleCI's answers mean.
struct Words {
    project: String,
}

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!(
            "CircleCI at {} ({} of project {})",
            failure.host, failure.what, self.project
        )
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, project) = (failure.host, &self.project);
        Some(Hint::Config(match status {
            401 => format!(
                "CircleCI at {host} rejected the token (401 Unauthorized): it is wrong or revoked; check token_cmd / token_env / CIRCLECI_TOKEN (a personal API token)"
            ),
            403 => format!(
                "CircleCI at {host} refused to show project {project} (403 Forbidden): the token's user cannot read it (a project API token cannot list pipelines; use a personal API token)"
            ),
            404 => format!(
                "CircleCI at {host} has no project {project}, or the token cannot see it (404 Not Found): check project (the slug in the app's URL, e.g. gh/acme/api) and base_url"
            ),
            _ => return None,
        }))
    }
}
