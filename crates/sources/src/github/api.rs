//! The one place the GitHub source talks HTTP: URLs under the configured base, GitHub's headers,
//! the token, and what GitHub's statuses mean for a repository.

use serde::de::DeserializeOwned;
use url::Url;

use super::setup::Settings;
use crate::SourceError;
use crate::http::{Auth, RateInfo, Response};
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};

const ACCEPT: &str = "application/vnd.github+json";
const API_VERSION: &str = "2022-11-28";
/// The largest page the list endpoints give.
pub(super) const PER_PAGE: &str = "100";

/// The repository's API, with the token to call it.
#[derive(Debug, Clone)]
pub(super) struct Api {
    origin: Origin,
    /// `…/repos/{owner}/{repo}/`, ending in a slash.
    repo_base: Url,
    repo: String,
    /// Requests sent through this API, for the syncs' part commits (`pass.rs`).
    sent: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Result<Api, SourceError> {
        let (owner, name) = super::setup::parse_repo(&settings.repo)?;
        let mut repo_base = settings.root.clone();
        repo_base
            .path_segments_mut()
            .map_err(|()| {
                SourceError::Config(format!(
                    "base_url {:?} cannot have paths",
                    settings.root.as_str()
                ))
            })?
            .pop_if_empty()
            .extend(["repos", owner, name, ""]);
        let auth = match &settings.token {
            Some(token) => Auth::Bearer(token.clone()),
            None => Auth::None,
        };
        let words = Words {
            repo: settings.repo.clone(),
        };
        Ok(Api {
            origin: setup
                .origin(settings.root.clone(), auth, words)
                .accept(ACCEPT)
                .header("X-GitHub-Api-Version", API_VERSION),
            repo_base,
            repo: settings.repo.clone(),
            sent: Default::default(),
        })
    }

    pub(super) fn host(&self) -> &str {
        self.origin.host()
    }

    pub(super) fn repo(&self) -> &str {
        &self.repo
    }

    pub(super) fn has_token(&self) -> bool {
        self.origin.has_token()
    }

    /// `…/repos/{owner}/{repo}/{segments…}?{query}`; segments are percent-encoded.
    pub(super) fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        crate::http::api_url(&self.repo_base, segments, query)
    }

    /// The repository itself (`GET /repos/{owner}/{repo}`).
    pub(super) fn repo_url(&self) -> Url {
        let mut url = self.repo_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
        }
        url
    }

    /// A URL the API handed out (statuses_url, Link next): accepted only under the configured
    /// origin, so a payload cannot send the token elsewhere.
    pub(super) fn follow(&self, link: &str) -> Result<Url, SourceError> {
        self.origin.follow(link, "a link")
    }

    /// Whether a URL kept from an earlier sync (a listing's cursor) is under the API root as
    /// configured now (GitHub's next links name a repository by id, `/repositories/{id}/…`):
    /// one written before `base_url` changed is not used.
    pub(super) fn is_own(&self, url: &str) -> bool {
        url.starts_with(self.origin.root().as_str())
    }

    /// One GET, its errors in words that name the repository and host.
    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Response<T>, SourceError> {
        self.count();
        self.origin.get(url, "").await
    }

    /// Like `get`, but a 404 (a sha gone after a force push, a deleted deployment) is `None`.
    pub(super) async fn get_if_found<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Option<Response<T>>, SourceError> {
        self.count();
        self.origin.get_if_found(url, "").await
    }

    fn count(&self) {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Requests sent so far through this API.
    pub(super) fn sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The rate-limit budget last seen for this host.
    pub(super) fn rate(&self) -> Option<RateInfo> {
        self.origin.rate()
    }
}

/// What GitHub's answers mean for one repository.
struct Words {
    repo: String,
}

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("GitHub at {} ({})", failure.host, self.repo)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (repo, host) = (&self.repo, failure.host);
        Some(Hint::Config(match status {
            401 => format!(
                "GitHub at {host} rejected the token for {repo} (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / GH_TOKEN"
            ),
            403 => format!(
                "GitHub at {host} refused access to {repo} (403 Forbidden): the token lacks a permission (repo contents, deployments, actions, pull requests, issues: read) or the organization blocks it"
            ),
            404 if !failure.has_token => format!(
                "GitHub at {host} does not show {repo} (404 Not Found) and no token was found: check `repo`, or set token_env / token_cmd (a private repository looks missing without access)"
            ),
            404 => format!(
                "GitHub at {host} does not show {repo} (404 Not Found): check `repo` and `base_url`, and that the token can read the repository (a private repository looks missing without access)"
            ),
            _ => return None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpClient;

    fn api(http: &HttpClient, base_url: &str) -> Api {
        let settings = Settings {
            name: "github:acme/api".into(),
            repo: "acme/api".into(),
            root: super::super::setup::parse_base_url(base_url).unwrap(),
            token: None,
            service: "api".into(),
            deploy_environments: vec!["production".into()],
            deploy_workflows: Vec::new(),
            ci_workflows: Vec::new(),
            incident_labels: Vec::new(),
            interval: None,
        };
        Api::new(&Setup::new(http, &[]), &settings).unwrap()
    }

    #[test]
    fn urls_are_built_under_the_base_path() {
        let http = HttpClient::new(
            crate::http::HttpSettings::default(),
            std::sync::Arc::new(crate::http::NoEtagCache),
            std::sync::Arc::new(crate::http::SystemClock),
        )
        .unwrap();
        let api = api(&http, "https://ghe.example.com/api/v3");
        assert_eq!(
            api.url(&["deployments"], &[("environment", "prod uk")])
                .as_str(),
            "https://ghe.example.com/api/v3/repos/acme/api/deployments?environment=prod+uk"
        );
        assert_eq!(
            api.repo_url().as_str(),
            "https://ghe.example.com/api/v3/repos/acme/api"
        );
        let web = |base: &str| {
            let root = super::super::setup::parse_base_url(base).unwrap();
            super::super::setup::commit_url_under(&root, "acme/api", "abc")
        };
        assert_eq!(
            web("https://ghe.example.com/api/v3"),
            "https://ghe.example.com/acme/api/commit/abc"
        );
        let api = self::api(&http, "https://api.github.com/");
        assert_eq!(
            api.url(&["compare", "a1...b2"], &[]).as_str(),
            "https://api.github.com/repos/acme/api/compare/a1...b2"
        );
        assert_eq!(
            web("https://api.github.com/"),
            "https://github.com/acme/api/commit/abc"
        );
        assert!(api.follow("https://evil.example.com/x").is_err());
        assert!(api.follow("http://api.github.com/x").is_err());
        assert!(
            api.follow("https://api.github.com/repos/acme/api/deployments/1/statuses")
                .is_ok()
        );
    }
}
