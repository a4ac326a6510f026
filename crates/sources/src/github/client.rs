//! The one place the GitHub source talks HTTP: URLs under the configured base, GitHub's headers,
//! the token, and what HTTP errors mean for a GitHub repository.

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::SourceError;
use crate::http::{Auth, HttpClient, HttpError, RateInfo, Request, api_url};

const ACCEPT: &str = "application/vnd.github+json";
const API_VERSION: &str = "2022-11-28";
/// The largest page the list endpoints give.
pub const PER_PAGE: &str = "100";

/// One page of an answer.
pub struct Page<T> {
    pub body: T,
    /// rel="next" of the Link header.
    pub next: Option<Url>,
}

/// The repository's API, with the token to call it.
#[derive(Clone)]
pub struct Api {
    http: HttpClient,
    /// `…/repos/{owner}/{repo}/`, ending in a slash.
    repo_base: Url,
    /// The API root, ending in a slash.
    root: Url,
    repo: String,
    /// Host (and port) for messages and rate-limit lookups.
    host: String,
    token: Option<SecretString>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("repo_base", &self.repo_base.as_str())
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// Checks `owner/name`: two non-empty parts of the characters GitHub allows.
pub fn parse_repo(repo: &str) -> Result<(&str, &str), SourceError> {
    let valid = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repo.split_once('/') {
        Some((owner, name)) if valid(owner) && valid(name) => Ok((owner, name)),
        _ => Err(SourceError::Config(format!(
            "repo {repo:?} is not of the form \"owner/name\""
        ))),
    }
}

/// The API root of `base_url`: https://api.github.com, https://HOST/api/v3 (Enterprise), or a
/// test server. Only http and https are accepted.
pub fn parse_base_url(base_url: &str) -> Result<Url, SourceError> {
    let mut url = Url::parse(base_url.trim())
        .map_err(|e| SourceError::Config(format!("base_url {base_url:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(SourceError::Config(format!(
            "base_url {base_url:?} must be an http(s) URL such as https://api.github.com or https://HOST/api/v3"
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Host and port as people write them ("api.github.com", "127.0.0.1:8080").
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::new(),
    }
}

impl Api {
    pub fn new(
        http: HttpClient,
        base_url: &str,
        repo: &str,
        token: Option<SecretString>,
    ) -> Result<Api, SourceError> {
        let (owner, name) = parse_repo(repo)?;
        let root = parse_base_url(base_url)?;
        let mut repo_base = root.clone();
        repo_base
            .path_segments_mut()
            .map_err(|()| SourceError::Config(format!("base_url {base_url:?} cannot have paths")))?
            .pop_if_empty()
            .extend(["repos", owner, name, ""]);
        Ok(Api {
            http,
            host: host_of(&root),
            repo_base,
            root,
            repo: repo.to_string(),
            token,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn repo(&self) -> &str {
        &self.repo
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// `…/repos/{owner}/{repo}/{segments…}?{query}`; segments are percent-encoded.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        api_url(&self.repo_base, segments, query)
    }

    /// The repository itself (`GET /repos/{owner}/{repo}`).
    pub fn repo_url(&self) -> Url {
        let mut url = self.repo_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
        }
        url
    }

    /// The commit's page on the web: github.com for api.github.com, the Enterprise host for
    /// HOST/api/v3, the API root otherwise.
    pub fn commit_url(&self, sha: &str) -> String {
        let mut web = self.root.clone();
        if self.host == "api.github.com" {
            web = Url::parse("https://github.com/").unwrap_or(web);
        } else if let Some(base) = web.path().strip_suffix("api/v3/") {
            let base = base.to_string();
            web.set_path(&base);
        }
        let path = web.path().trim_end_matches('/').to_string();
        web.set_path(&format!("{path}/{}/commit/{sha}", self.repo));
        web.to_string()
    }

    /// A URL the API handed out (statuses_url, Link next): accepted only under the configured
    /// host, so a payload cannot send the token elsewhere.
    pub fn follow(&self, link: &str) -> Result<Url, SourceError> {
        let url = Url::parse(link).map_err(|e| {
            SourceError::Data(format!(
                "GitHub at {} gave a bad link {link:?}: {e}",
                self.host
            ))
        })?;
        if url.scheme() != self.root.scheme() || host_of(&url) != self.host {
            return Err(SourceError::Data(format!(
                "GitHub at {} gave a link to another host ({}); not followed",
                self.host,
                host_of(&url)
            )));
        }
        Ok(url)
    }

    fn request(&self, url: Url) -> Request {
        Request {
            url,
            scope: self.root.clone(),
            auth: match &self.token {
                Some(token) => Auth::Bearer(token.clone()),
                None => Auth::None,
            },
            accept: ACCEPT,
            headers: vec![("X-GitHub-Api-Version", API_VERSION.to_string())],
        }
    }

    /// One GET, its errors in words that name the repository and host.
    pub async fn get<T: DeserializeOwned>(&self, url: Url) -> Result<Page<T>, SourceError> {
        match self.http.get_json::<T>(&self.request(url)).await {
            Ok(response) => Ok(Page {
                body: response.body,
                next: response.next,
            }),
            Err(error) => Err(self.explain(error)),
        }
    }

    /// Like `get`, but a 404 (a sha gone after a force push, a deleted deployment) is `None`.
    pub async fn get_if_found<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Option<Page<T>>, SourceError> {
        match self.http.get_json::<T>(&self.request(url)).await {
            Ok(response) => Ok(Some(Page {
                body: response.body,
                next: response.next,
            })),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(self.explain(error)),
        }
    }

    /// The rate-limit budget last seen for this host.
    pub fn rate(&self) -> Option<RateInfo> {
        self.http.rate(&self.host)
    }

    fn explain(&self, error: HttpError) -> SourceError {
        let (repo, host) = (&self.repo, &self.host);
        match error.status() {
            Some(401) => SourceError::Config(format!(
                "GitHub at {host} rejected the token for {repo} (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / GH_TOKEN"
            )),
            Some(403) => SourceError::Config(format!(
                "GitHub at {host} refused access to {repo} (403 Forbidden): the token lacks a permission (repo contents, deployments, actions, pull requests, issues: read) or the organization blocks it"
            )),
            Some(404) if self.token.is_none() => SourceError::Config(format!(
                "GitHub at {host} does not show {repo} (404 Not Found) and no token was found: check `repo`, or set token_env / token_cmd (a private repository looks missing without access)"
            )),
            Some(404) => SourceError::Config(format!(
                "GitHub at {host} does not show {repo} (404 Not Found): check `repo` and `base_url`, and that the token can read the repository (a private repository looks missing without access)"
            )),
            _ if error.is_retryable() => {
                SourceError::retryable(format!("GitHub at {host} ({repo}): {error}"), &error)
            }
            _ if error.is_config_error() => {
                SourceError::Config(format!("GitHub at {host} ({repo}): {error}"))
            }
            _ => SourceError::Data(format!("GitHub at {host} ({repo}): {error}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_must_be_owner_slash_name() {
        assert!(parse_repo("acme/api").is_ok());
        assert!(parse_repo("acme/api.js").is_ok());
        for bad in ["acme", "acme/", "/api", "acme/api/x", "acme/a b", "../x"] {
            assert!(parse_repo(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_built_under_the_base_path() {
        let http = HttpClient::new(
            crate::http::HttpSettings::default(),
            std::sync::Arc::new(crate::http::NoEtagCache),
            std::sync::Arc::new(crate::http::SystemClock),
        )
        .unwrap();
        let api = Api::new(
            http.clone(),
            "https://ghe.example.com/api/v3",
            "acme/api",
            None,
        )
        .unwrap();
        assert_eq!(
            api.url(&["deployments"], &[("environment", "prod uk")])
                .as_str(),
            "https://ghe.example.com/api/v3/repos/acme/api/deployments?environment=prod+uk"
        );
        assert_eq!(
            api.repo_url().as_str(),
            "https://ghe.example.com/api/v3/repos/acme/api"
        );
        assert_eq!(
            api.commit_url("abc"),
            "https://ghe.example.com/acme/api/commit/abc"
        );
        let api = Api::new(http, "https://api.github.com/", "acme/api", None).unwrap();
        assert_eq!(
            api.url(&["compare", "a1...b2"], &[]).as_str(),
            "https://api.github.com/repos/acme/api/compare/a1...b2"
        );
        assert_eq!(
            api.commit_url("abc"),
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
