//! From config to what the Buildkite source needs: the API root, the organization and pipeline
//! slugs checked, the API access token (a secret from the moment it is read), the names it
//! stores under.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::BuildkiteSourceConfig;

/// Where the token is looked for when neither token_cmd nor token_env is set.
const TOKEN_VARIABLES: &[&str] = &["BUILDKITE_TOKEN", "BUILDKITE_API_TOKEN"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `buildkite:<org>/<deploy_pipeline>`.
    pub name: String,
    pub service: String,
    pub root: Url,
    pub organization: String,
    pub deploy_pipeline: String,
    pub ci_pipelines: Vec<String>,
    pub environment: String,
    pub token: SecretString,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("root", &self.root.as_str())
            .field("organization", &self.organization)
            .field("deploy_pipeline", &self.deploy_pipeline)
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A Buildkite slug: lower-case letters, digits, `-` and `_`, as Buildkite makes them.
fn slug(key: &str, text: &str) -> Result<String, SourceError> {
    let text = text.trim();
    if text.is_empty()
        || text.len() > 100
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(SourceError::Config(format!(
            "buildkite source: {key} {text:?} is not a slug; expected the name as it appears in the pipeline's URL, like \"api-deploy\""
        )));
    }
    Ok(text.to_string())
}

impl Settings {
    pub(super) fn from_config(config: &BuildkiteSourceConfig) -> Result<Settings, SourceError> {
        let root = api_root("buildkite", &config.base_url, "https://api.buildkite.com")?;
        let organization = slug("organization", &config.organization)?;
        let deploy_pipeline = slug("deploy_pipeline", &config.deploy_pipeline)?;
        let ci_pipelines = config
            .ci_pipelines
            .iter()
            .map(|p| slug("ci_pipelines", p))
            .collect::<Result<Vec<_>, _>>()?;
        let environment = config.environment.trim();
        if environment.is_empty() {
            return Err(SourceError::Config(
                "buildkite source: environment is empty; leave it out for \"production\"".into(),
            ));
        }
        let token = required_token(
            "buildkite",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("buildkite:{organization}/{deploy_pipeline}")),
            service: config.service.clone(),
            root,
            organization,
            deploy_pipeline,
            ci_pipelines,
            environment: environment.to_string(),
            token,
            interval: config.interval.map(|i| i.as_std()),
        })
    }
}
