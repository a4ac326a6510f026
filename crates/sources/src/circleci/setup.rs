//! From config to what the CircleCI source needs: the API root (`{base_url}/api/v2/`), the token
//! (a secret from the moment it is read), the project slug split in its three parts, which
//! workflows are deployments and which CI, and the names events are stored under.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::CircleciSourceConfig;

/// Where the token is looked for when neither token_cmd nor token_env is set (CIRCLECI_TOKEN is
/// what the CircleCI CLI reads; CIRCLE_TOKEN what its docs' examples use).
const TOKEN_VARIABLES: &[&str] = &["CIRCLECI_TOKEN", "CIRCLE_TOKEN"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `circleci:<project>`.
    pub name: String,
    pub service: String,
    /// `gh/acme/api`, as configured (trimmed).
    pub project: String,
    /// The slug's three parts: vcs, organization, repository.
    pub slug: [String; 3],
    pub deploy_workflows: Vec<String>,
    /// Empty: every workflow that is not a deploy workflow.
    pub ci_workflows: Vec<String>,
    pub environment: String,
    /// `{base_url}/api/v2/`.
    pub api: Url,
    /// Where workflow links point: `https://app.circleci.com/` for circleci.com, else the
    /// server's own host.
    pub app: Url,
    pub token: SecretString,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("project", &self.project)
            .field("api", &self.api.as_str())
            .field("token", &"[redacted]")
            .field("deploy_workflows", &self.deploy_workflows)
            .field("ci_workflows", &self.ci_workflows)
            .finish_non_exhaustive()
    }
}

fn config_error(why: String) -> SourceError {
    SourceError::Config(format!("circleci source: {why}"))
}

/// `gh/acme/api` as its three parts; anything else names the key to fix.
fn slug(project: &str) -> Result<[String; 3], SourceError> {
    let parts: Vec<&str> = project.split('/').collect();
    match parts.as_slice() {
        [vcs, org, repo]
            if parts.iter().all(|p| {
                !p.is_empty() && !p.chars().any(|c| c.is_whitespace() || c.is_control())
            }) =>
        {
            Ok([vcs.to_string(), org.to_string(), repo.to_string()])
        }
        _ => Err(config_error(format!(
            "project {project:?} is not a project slug; expected \"<vcs>/<org>/<repo>\" such as \"gh/acme/api\""
        ))),
    }
}

fn names(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    out.dedup();
    out
}

/// The web app of an API host: app.circleci.com for circleci.com, the host itself for a
/// CircleCI server install.
fn app_root(base: &Url) -> Url {
    match base.host_str() {
        Some("circleci.com" | "www.circleci.com") => {
            Url::parse("https://app.circleci.com/").unwrap_or_else(|_| base.clone())
        }
        _ => base.clone(),
    }
}

impl Settings {
    pub(super) fn from_config(config: &CircleciSourceConfig) -> Result<Settings, SourceError> {
        let project = config.project.trim().to_string();
        let slug = slug(&project)?;
        let service = config.service.trim().to_string();
        if service.is_empty() {
            return Err(config_error("service is empty".into()));
        }
        let deploy_workflows = names(&config.deploy_workflows);
        let ci_workflows = names(&config.ci_workflows);
        if let Some(both) = deploy_workflows.iter().find(|w| ci_workflows.contains(w)) {
            return Err(config_error(format!(
                "workflow {both:?} is in both deploy_workflows and ci_workflows; a run is either a deployment or a CI run"
            )));
        }
        let base = api_root("circleci", &config.base_url, "https://circleci.com")?;
        let api = base
            .join("api/v2/")
            .map_err(|e| config_error(format!("base_url cannot hold the API path ({e})")))?;
        let environment = config.environment.trim().to_string();
        if environment.is_empty() {
            return Err(config_error("environment is empty".into()));
        }
        let token = required_token(
            "circleci",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("circleci:{project}")),
            service,
            project,
            slug,
            deploy_workflows,
            ci_workflows,
            environment,
            app: app_root(&base),
            api,
            token,
            interval: config.interval.map(|i| i.as_std()),
        })
    }

    pub(super) fn is_deploy(&self, workflow: &str) -> bool {
        self.deploy_workflows.iter().any(|w| w == workflow)
    }

    /// Whether a workflow's runs are CI runs: one of `ci_workflows`, or, when that is empty,
    /// any workflow that is not a deploy workflow.
    pub(super) fn is_ci(&self, workflow: &str) -> bool {
        if self.ci_workflows.is_empty() {
            !self.is_deploy(workflow)
        } else {
            self.ci_workflows.iter().any(|w| w == workflow)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn config(text: &str) -> CircleciSourceConfig {
        toml::from_str(&format!(
            "service = \"api\"\ntoken_cmd = \"printf %s t\"\n{text}"
        ))
        .unwrap()
    }

    #[test]
    fn slugs_have_three_parts() {
        for good in ["gh/acme/api", "bb/acme/api", "circleci/8e7f-1/9a2b-2"] {
            assert!(slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "acme/api",
            "gh/acme/api/x",
            "gh//api",
            "gh/ac me/api",
            "gh/acme/\u{1b}[31m",
        ] {
            let error = slug(bad).unwrap_err();
            assert!(error.to_string().contains("project"), "{bad}: {error}");
        }
    }

    #[test]
    fn settings_from_config() {
        let settings = Settings::from_config(&config(
            "project = \" gh/acme/api \"\ndeploy_workflows = [\"deploy\", \" \"]\n",
        ))
        .unwrap();
        assert_eq!(settings.name, "circleci:gh/acme/api");
        assert_eq!(settings.api.as_str(), "https://circleci.com/api/v2/");
        assert_eq!(settings.app.as_str(), "https://app.circleci.com/");
        assert_eq!(settings.deploy_workflows, ["deploy"]);
        assert!(settings.is_deploy("deploy") && !settings.is_ci("deploy"));
        assert!(settings.is_ci("build-and-test"));
        assert!(!format!("{settings:?}").contains("printf"));

        let server = Settings::from_config(&config(
            "project = \"gh/acme/api\"\nbase_url = \"https://circleci.acme.internal/\"\nci_workflows = [\"test\"]\n",
        ))
        .unwrap();
        assert_eq!(
            server.api.as_str(),
            "https://circleci.acme.internal/api/v2/"
        );
        assert_eq!(server.app.as_str(), "https://circleci.acme.internal/");
        assert!(server.is_ci("test") && !server.is_ci("lint"));

        let both = Settings::from_config(&config(
            "project = \"gh/acme/api\"\ndeploy_workflows = [\"x\"]\nci_workflows = [\"x\"]\n",
        ))
        .unwrap_err();
        assert!(both.to_string().contains("both"), "{both}");
        let bad_url = Settings::from_config(&config(
            "project = \"gh/acme/api\"\nbase_url = \"circleci.com\"\n",
        ))
        .unwrap_err();
        assert!(matches!(bad_url, SourceError::Config(_)));
    }
}
