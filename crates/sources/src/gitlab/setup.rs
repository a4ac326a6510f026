//! From config to what the GitLab source needs: the API root, the project as the API names it,
//! the token (a secret from the moment it is read), and the names events are stored under.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::token::{TokenLookup, resolve};
use flowdeck_config::GitlabSourceConfig;

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `gitlab:<project>`.
    pub name: String,
    pub service: String,
    /// As configured: a path ("group/sub/web") or a numeric id ("4711").
    pub project: String,
    /// The API root, e.g. https://gitlab.com/api/v4 (self-managed: https://host/prefix/api/v4).
    pub api: Url,
    pub token: Option<SecretString>,
    /// Environment names that mean production besides GitLab's production tier.
    pub deploy_environments: Vec<String>,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("service", &self.service)
            .field("project", &self.project)
            .field("api", &self.api.as_str())
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("deploy_environments", &self.deploy_environments)
            .finish_non_exhaustive()
    }
}

impl Settings {
    pub(super) fn from_config(config: &GitlabSourceConfig) -> Result<Settings, SourceError> {
        let mut settings = Settings::without_token(config)?;
        let api = &settings.api;
        settings.token = resolve(&TokenLookup {
            command: None,
            env: config.token_env.clone(),
            defaults: &["GITLAB_TOKEN"],
            gh_host: None,
            // glab keeps a token per host, written as in its config (with a port if any).
            glab_host: api.host_str().map(|host| match api.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            }),
        })?;
        // A token over plain http to a non-loopback host is warned about by the HTTP layer.
        Ok(settings)
    }

    /// Checks the config, without looking for a token: what translating a webhook delivery
    /// needs (it sends no request).
    pub(super) fn without_token(config: &GitlabSourceConfig) -> Result<Settings, SourceError> {
        let project = config.project.trim().trim_matches('/').to_string();
        if project.is_empty() {
            return Err(SourceError::Config(
                "gitlab source: `project` is empty; give a path like \"group/web\" or a numeric id"
                    .into(),
            ));
        }
        let (_, api) = roots(&config.base_url)?;
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("gitlab:{project}")),
            service: config.service.clone(),
            project,
            api,
            token: None,
            deploy_environments: config.deploy_environments.clone(),
            interval: config.interval.map(|d| d.as_std()),
        })
    }

    /// Whether an environment counts as production: GitLab's production tier, or a name the
    /// config lists.
    pub(super) fn is_production(&self, name: &str, tier: Option<&str>) -> bool {
        tier == Some("production") || self.deploy_environments.iter().any(|e| e == name)
    }
}

/// The web root and the API root of a configured base URL ("https://gitlab.com",
/// "https://git.example.com/gitlab", or either with "/api/v4" already appended).
fn roots(base_url: &str) -> Result<(Url, Url), SourceError> {
    let invalid = |why: &str| {
        SourceError::Config(format!(
            "gitlab source: base_url {base_url:?} {why}; expected e.g. \"https://gitlab.com\""
        ))
    };
    let mut web =
        Url::parse(base_url.trim()).map_err(|e| invalid(&format!("is not a URL ({e})")))?;
    if !matches!(web.scheme(), "https" | "http") {
        return Err(invalid("is neither https nor http"));
    }
    if web.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host"));
    }
    if web.query().is_some() || web.fragment().is_some() {
        return Err(invalid("has a query or fragment"));
    }
    let path = web.path().trim_end_matches('/').to_string();
    let path = path.strip_suffix("/api/v4").unwrap_or(&path).to_string();
    web.set_path(&path);
    let mut api = web.clone();
    api.set_path(&format!("{path}/api/v4"));
    Ok((web, api))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_accept_gitlab_com_self_managed_prefixes_and_api_suffixes() {
        let (web, api) = roots("https://gitlab.com").unwrap();
        assert_eq!(web.as_str(), "https://gitlab.com/");
        assert_eq!(api.as_str(), "https://gitlab.com/api/v4");
        let (web, api) = roots("https://git.example.com/gitlab/").unwrap();
        assert_eq!(web.as_str(), "https://git.example.com/gitlab");
        assert_eq!(api.as_str(), "https://git.example.com/gitlab/api/v4");
        let (_, api) = roots("https://git.example.com/api/v4/").unwrap();
        assert_eq!(api.as_str(), "https://git.example.com/api/v4");
        assert!(roots("ftp://x").is_err());
        assert!(roots("gitlab.com").is_err());
    }
}
