//! Every GitLab request flowdeck makes, in one place: URLs (the project path URL-encoded as one
//! segment, "group%2Fsub%2Fweb"), the PRIVATE-TOKEN header, paging, and HTTP errors turned into
//! source errors that name the project and host (never the token).

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::payload;
use crate::SourceError;
use crate::http;

pub use http::{HttpClient, RateInfo, Response};

/// Pages walked at most in one list, a guard against servers whose Link headers loop.
pub const MAX_PAGES: usize = 2_000;

#[derive(Clone)]
pub struct Api {
    http: HttpClient,
    api: Url,
    host: String,
    project: String,
    token: Option<SecretString>,
}

impl Api {
    pub fn new(http: HttpClient, settings: &super::setup::Settings) -> Api {
        Api {
            http,
            api: settings.api.clone(),
            host: settings.host.clone(),
            project: settings.project.clone(),
            token: settings.token.clone(),
        }
    }

    pub fn set_token(&mut self, token: Option<SecretString>) {
        self.token = token;
    }

    /// `{api}/{segments…}?{query}`; each segment is one path segment, so "/" in it is encoded.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        http::api_url(&self.api, segments, query)
    }

    /// `{api}/projects/{project}/{segments…}?{query}`.
    pub fn project_url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut all = vec!["projects", self.project.as_str()];
        all.extend_from_slice(segments);
        self.url(&all, query)
    }

    fn request(&self, url: Url) -> http::Request {
        let auth = match &self.token {
            Some(token) => http::Auth::PrivateToken(token.clone()),
            None => http::Auth::None,
        };
        http::Request::get(url, auth).scoped_to(&self.api)
    }

    /// One page (or object).
    pub async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Response<T>, SourceError> {
        self.http
            .get_json(&self.request(url))
            .await
            .map_err(|e| self.error(e, what))
    }

    /// One object, or None when GitLab answers 404 (a commit that no longer exists, a deleted
    /// merge request) or the answer is larger than the HTTP layer accepts (a compare whose diffs
    /// are huge): missing data, not a misconfigured source, and never a sync that fails forever.
    pub async fn get_optional<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Option<Response<T>>, SourceError> {
        match self.http.get_json(&self.request(url)).await {
            Ok(response) => Ok(Some(response)),
            Err(e) if e.status() == Some(404) => {
                tracing::warn!(project = %self.project, "GitLab has no {what} (404)");
                Ok(None)
            }
            Err(e @ http::HttpError::TooLarge { .. }) => {
                tracing::warn!(project = %self.project, error = %e, "GitLab {what} skipped");
                Ok(None)
            }
            Err(e) => Err(self.error(e, what)),
        }
    }

    /// Every page of a list, following Link headers.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        first: Url,
        what: &str,
    ) -> Result<Vec<T>, SourceError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next {
            let page: Response<Vec<T>> = self.get(url, what).await?;
            items.extend(page.body);
            pages += 1;
            next = page.next.filter(|_| pages < MAX_PAGES);
        }
        Ok(items)
    }

    pub async fn project(&self) -> Result<payload::Project, SourceError> {
        Ok(self.get(self.project_url(&[], &[]), "project").await?.body)
    }

    /// The rate-limit budget GitLab last reported for this host.
    pub fn rate(&self) -> Option<RateInfo> {
        self.http.rate(&http::host_key(&self.api))
    }

    /// An HTTP failure as a source error: 401/403/404 are configuration errors naming the
    /// project and host; what may pass is transient; the rest is bad data.
    pub fn error(&self, error: http::HttpError, what: &str) -> SourceError {
        let (project, host) = (&self.project, &self.host);
        match error.status() {
            Some(401) if self.token.is_none() => SourceError::Config(format!(
                "GitLab at {host} needs a token to read project {project} (401 Unauthorized): \
                 set GITLAB_TOKEN, or token_env to the variable holding one (scope read_api)"
            )),
            Some(401) => SourceError::Config(format!(
                "GitLab at {host} refused the token for project {project} (401 Unauthorized): \
                 it is invalid, expired or revoked; the token needs the read_api scope"
            )),
            Some(403) => SourceError::Config(format!(
                "GitLab at {host} denied access to the {what} of project {project} (403 Forbidden): \
                 the token needs the read_api scope and at least Reporter access"
            )),
            Some(404) => SourceError::Config(format!(
                "GitLab at {host} has no project {project} (404 Not Found) — or the token cannot \
                 see it: check `project` (a path like group/web, or a numeric id) and the token"
            )),
            _ if error.is_config_error() => SourceError::Config(format!(
                "GitLab {what} of project {project} at {host}: {error}"
            )),
            _ if error.is_retryable() => SourceError::retryable(
                format!("GitLab {what} of project {project} at {host}: {error}"),
                &error,
            ),
            _ => SourceError::Data(format!(
                "GitLab {what} of project {project} at {host}: {error}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::http::{HttpSettings, NoEtagCache, SystemClock};

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
        Api::new(http, &settings)
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
