//! From config to what the GitHub source needs: the API root, the repository, the token (found
//! once: token_cmd, token_env, GH_TOKEN, GITHUB_TOKEN, then `gh auth token --hostname HOST`; a
//! secret from the moment it is read), what counts as a deployment, CI run and incident, and the
//! ids events are stored under.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::payload;
use crate::SourceError;
use crate::token::{self, TokenLookup};
use flowdeck_config::GithubSourceConfig;

/// What the config asks of one repository, resolved once.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `github:<repo>`.
    pub name: String,
    /// `owner/name`.
    pub repo: String,
    /// The API root, ending in a slash.
    pub root: Url,
    pub token: Option<SecretString>,
    pub service: String,
    pub deploy_environments: Vec<String>,
    pub deploy_workflows: Vec<String>,
    pub ci_workflows: Vec<String>,
    pub incident_labels: Vec<String>,
    pub interval: Option<Duration>,
}

impl Settings {
    /// Checks the config and finds the token. No request is sent.
    pub(super) fn from_config(config: &GithubSourceConfig) -> Result<Settings, SourceError> {
        let mut settings = Settings::without_token(config)?;
        let host = settings.root.host_str().unwrap_or_default().to_string();
        // The CLI knows github.com by its web host.
        let gh_host = if host == "api.github.com" {
            "github.com".to_string()
        } else {
            host.clone()
        };
        settings.token = token::resolve(&TokenLookup {
            command: config.token_cmd.clone(),
            env: config.token_env.clone(),
            defaults: &["GH_TOKEN", "GITHUB_TOKEN"],
            gh_host: Some(gh_host),
            glab_host: None,
        })?;
        if settings.token.is_some()
            && settings.root.scheme() == "http"
            && !matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]" | "::1")
        {
            tracing::warn!(
                base_url = %config.base_url,
                "the GitHub token travels over plain http to a host that is not this machine"
            );
        }
        Ok(settings)
    }

    /// Checks the config, without looking for a token: what translating a webhook delivery
    /// needs (it sends no request).
    pub(super) fn without_token(config: &GithubSourceConfig) -> Result<Settings, SourceError> {
        let root = parse_base_url(&config.base_url)?;
        parse_repo(&config.repo)?;
        if config.deploy_environments.is_empty() && config.deploy_workflows.is_empty() {
            return Err(SourceError::Config(format!(
                "github source {}: deploy_environments and deploy_workflows are both empty, so nothing is a deployment",
                config.repo
            )));
        }
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("github:{}", config.repo)),
            repo: config.repo.clone(),
            root,
            token: None,
            service: config.service.clone(),
            deploy_environments: config.deploy_environments.clone(),
            deploy_workflows: config.deploy_workflows.clone(),
            ci_workflows: config.ci_workflows.clone(),
            incident_labels: config.incident_labels.clone(),
            interval: config.interval.map(|i| i.as_std()),
        })
    }

    /// Every id of this source starts so (`github:acme/api:`).
    pub(super) fn id_prefix(&self) -> String {
        format!("github:{}:", self.repo)
    }

    /// `github:acme/api:123456`
    pub(super) fn deployment_id(&self, id: u64) -> String {
        format!("github:{}:{id}", self.repo)
    }

    /// A deployment made by a deploy workflow run, and a CI run: `github:acme/api:run:987`.
    pub(super) fn run_deployment_id(&self, id: u64) -> String {
        format!("github:{}:run:{id}", self.repo)
    }

    /// An issue carrying an incident label: `github:acme/api#42`.
    pub(super) fn incident_id(&self, number: u64) -> String {
        format!("github:{}#{number}", self.repo)
    }

    /// A commit's page on the web ([`commit_url_under`]).
    pub(super) fn commit_url(&self, sha: &str) -> String {
        commit_url_under(&self.root, &self.repo, sha)
    }

    pub(super) fn is_configured_environment(&self, environment: &str) -> bool {
        self.deploy_environments
            .iter()
            .any(|e| e.eq_ignore_ascii_case(environment))
    }

    fn run_file<'a>(&self, run: &'a payload::WorkflowRun) -> Option<&'a str> {
        run.path.as_deref().map(workflow_basename)
    }

    pub(super) fn is_deploy_workflow(&self, run: &payload::WorkflowRun) -> bool {
        self.run_file(run).is_some_and(|file| {
            self.deploy_workflows
                .iter()
                .any(|w| workflow_basename(w) == file)
        })
    }

    /// `ci_workflows` names the CI workflows; empty means every workflow.
    pub(super) fn is_ci_workflow(&self, run: &payload::WorkflowRun) -> bool {
        self.ci_workflows.is_empty()
            || self.run_file(run).is_some_and(|file| {
                self.ci_workflows
                    .iter()
                    .any(|w| workflow_basename(w) == file)
            })
    }
}

/// The commit's page on the web: github.com for api.github.com, the Enterprise host for
/// HOST/api/v3, the API root otherwise.
pub(super) fn commit_url_under(root: &Url, repo: &str, sha: &str) -> String {
    let mut web = root.clone();
    if root.host_str() == Some("api.github.com") {
        web = Url::parse("https://github.com/").unwrap_or(web);
    } else if let Some(base) = web.path().strip_suffix("api/v3/") {
        let base = base.to_string();
        web.set_path(&base);
    }
    let path = web.path().trim_end_matches('/').to_string();
    web.set_path(&format!("{path}/{repo}/commit/{sha}"));
    web.to_string()
}

/// The file name of a workflow as config or a run path names it ("ci.yml").
pub(super) fn workflow_basename(name: &str) -> &str {
    let name = name.split('@').next().unwrap_or(name);
    name.rsplit('/').next().unwrap_or(name)
}

/// Checks `owner/name`: two non-empty parts of the characters GitHub allows.
pub(super) fn parse_repo(repo: &str) -> Result<(&str, &str), SourceError> {
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
pub(super) fn parse_base_url(base_url: &str) -> Result<Url, SourceError> {
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
}
