//! Every GitLab request flowdeck makes, in one place: URLs (the project path URL-encoded as one
//! segment, "group%2Fsub%2Fweb"), the PRIVATE-TOKEN header, paging, and what GitLab's statuses
//! mean for a project (naming the project and host, never the token).

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::payload;
use super::setup::Settings;
use crate::SourceError;
use crate::http::{Auth, HttpError, RateInfo, Response};
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};

/// Pages walked at most in one list, a guard against servers whose Link headers loop.
pub(super) const MAX_PAGES: usize = 2_000;

#[derive(Debug, Clone)]
pub(super) struct Api {
    origin: Origin,
    project: String,
}

fn auth(token: Option<&SecretString>) -> Auth {
    match token {
        Some(token) => Auth::PrivateToken(token.clone()),
        None => Auth::None,
    }
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let words = Words {
            project: settings.project.clone(),
        };
        Api {
            origin: setup.origin(settings.api.clone(), auth(settings.token.as_ref()), words),
            project: settings.project.clone(),
        }
    }

    pub(super) fn set_token(&mut self, token: Option<&SecretString>) {
        self.origin.set_auth(auth(token));
    }

    /// `{api}/{segments…}?{query}`; each segment is one path segment, so "/" in it is encoded.
    pub(super) fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        self.origin.url(segments, query)
    }

    /// `{api}/projects/{project}/{segments…}?{query}`.
    pub(super) fn project_url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut all = vec!["projects", self.project.as_str()];
        all.extend_from_slice(segments);
        self.url(&all, query)
    }

    /// One page (or object).
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Response<T>, SourceError> {
        self.origin.get(url, what).await
    }

    /// One object, or None when GitLab answers 404 (a commit that no longer exists, a deleted
    /// merge request) or the answer is larger than the HTTP layer accepts (a compare whose diffs
    /// are huge): missing data, not a misconfigured source, and never a sync that fails forever.
    pub(super) async fn get_optional<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Option<Response<T>>, SourceError> {
        match self.origin.send(url).await {
            Ok(response) => Ok(Some(response)),
            Err(e) if e.status() == Some(404) => {
                tracing::warn!(project = %self.project, "GitLab has no {what} (404)");
                Ok(None)
            }
            Err(e @ HttpError::TooLarge { .. }) => {
                tracing::warn!(project = %self.project, error = %e, "GitLab {what} skipped");
                Ok(None)
            }
            Err(e) => Err(self.origin.explain(e, what)),
        }
    }

    /// Every page of a list, following Link headers.
    pub(super) async fn get_all<T: DeserializeOwned>(
        &self,
        first: Url,
        what: &str,
    ) -> Result<Vec<T>, SourceError> {
        self.origin.get_all(first, what, MAX_PAGES).await
    }

    pub(super) async fn project(&self) -> Result<payload::Project, SourceError> {
        Ok(self.get(self.project_url(&[], &[]), "project").await?.body)
    }

    /// The rate-limit budget GitLab last reported for this host.
    pub(super) fn rate(&self) -> Option<RateInfo> {
        self.origin.rate()
    }
}

/// What GitLab's answers mean for one project.
struct Words {
    project: String,
}

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!(
            "GitLab {} of project {} at {}",
            failure.what, self.project, failure.host
        )
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (project, host, what) = (&self.project, failure.host, failure.what);
        Some(Hint::Config(match status {
            401 if !failure.has_token => format!(
                "GitLab at {host} needs a token to read project {project} (401 Unauthorized): \
                 set GITLAB_TOKEN, or token_env to the variable holding one (scope read_api)"
            ),
            401 => format!(
                "GitLab at {host} refused the token for project {project} (401 Unauthorized): \
                 it is invalid, expired or revoked; the token needs the read_api scope"
            ),
            403 => format!(
                "GitLab at {host} denied access to the {what} of project {project} (403 Forbidden): \
                 the token needs the read_api scope and at least Reporter access"
            ),
            404 => format!(
                "GitLab at {host} has no project {project} (404 Not Found) — or the token cannot \
                 see it: check `project` (a path like group/web, or a numeric id) and the token"
            ),
            _ => return None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::http::{HttpClient, HttpSettings, NoEtagCache, SystemClock};

    fn api(project: &str, base_url: &str) -> Api {
        let config: flowdeck_config::GitlabSourceConfig = toml::from_str(&format!(
            "service = \"web\"\nproject = {project:?}\nbase_url = {base_url:?}\n"
        ))
        .unwrap();
        let settings = super::super::setup::Settings::from_config(&config).unwrap();
        let http = HttpClient::new(
            HttpSettings::default(),
            Arc::new(NoEtagCache),
            Arc::new(SystemClock),
        )
        .unwrap();
        Api::new(&Setup::new(&http, &[]), &settings)
    }

    #[test]
    fn a_project_path_is_one_encoded_segment_and_ids_stay_numbers() {
        let nested = api("group/sub/web", "https://git.example.com/gitlab");
        assert_eq!(
            nested
                .project_url(&["deployments"], &[("environment", "prod/eu")])
                .as_str(),
            "https://git.example.com/gitlab/api/v4/projects/group%2Fsub%2Fweb/deployments?environment=prod%2Feu"
        );
        let numeric = api("4711", "https://gitlab.com");
        assert_eq!(
            numeric.project_url(&["pipelines", "12"], &[]).as_str(),
            "https://gitlab.com/api/v4/projects/4711/pipelines/12"
        );
        assert_eq!(
            numeric.url(&["user"], &[]).as_str(),
            "https://gitlab.com/api/v4/user"
        );
    }
}
