//! From config to what the Jenkins source needs: the Jenkins root, the job paths checked, the
//! user and API token (a secret from the moment it is read), the names it stores under.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::JenkinsSourceConfig;

/// Where the API token is looked for when neither token_cmd nor token_env is set.
const TOKEN_VARIABLES: &[&str] = &["JENKINS_TOKEN"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `jenkins:<deploy_job>`.
    pub name: String,
    pub service: String,
    /// The Jenkins root, ending in a slash.
    pub root: Url,
    /// Folder names of the deploy job, outermost first (`deploy/api-production`).
    pub deploy_job: Vec<String>,
    pub ci_jobs: Vec<Vec<String>>,
    pub environment: String,
    pub user: String,
    pub token: SecretString,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("root", &self.root.as_str())
            .field("deploy_job", &self.deploy_job)
            .field("user", &self.user)
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// `deploy/api-production` as its folder names; empty names (`a//b`, a leading or trailing
/// `/`), `.` and `..` are refused, and so is a `job/` prefix pasted from a URL.
pub(super) fn job_path(key: &str, text: &str) -> Result<Vec<String>, SourceError> {
    let bad = |why: &str| {
        SourceError::Config(format!(
            "jenkins source: {key} {text:?} {why}; expected a job path like \"deploy/api-production\" (folders separated by /)"
        ))
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(bad("is empty"));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    let parts: Vec<String> = text.split('/').map(str::to_string).collect();
    if parts.iter().any(|p| p.is_empty() || p == "." || p == "..") {
        return Err(bad("has an empty, . or .. folder name"));
    }
    if parts.first().is_some_and(|p| p == "job") && parts.len() > 1 {
        return Err(bad(
            "starts with job/ (write the folder names, not the URL path)",
        ));
    }
    Ok(parts)
}

/// The path as written in the config.
pub(super) fn job_name(path: &[String]) -> String {
    path.join("/")
}

impl Settings {
    pub(super) fn from_config(config: &JenkinsSourceConfig) -> Result<Settings, SourceError> {
        let root = api_root("jenkins", &config.base_url, "https://jenkins.example.com")?;
        let deploy_job = job_path("deploy_job", &config.deploy_job)?;
        let ci_jobs = config
            .ci_jobs
            .iter()
            .map(|j| job_path("ci_jobs", j))
            .collect::<Result<Vec<_>, _>>()?;
        let user = config.user.trim().to_string();
        if user.is_empty() || user.contains(':') || user.chars().any(char::is_control) {
            return Err(SourceError::Config(
                "jenkins source: user must be the Jenkins user name the API token belongs to (not empty, no ':' or control characters)".into(),
            ));
        }
        let token = required_token(
            "jenkins",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        let environment = config.environment.trim();
        if environment.is_empty() {
            return Err(SourceError::Config(
                "jenkins source: environment is empty; leave it out for \"production\"".into(),
            ));
        }
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("jenkins:{}", config.deploy_job.trim())),
            service: config.service.clone(),
            root,
            deploy_job,
            ci_jobs,
            environment: environment.to_string(),
            user,
            token,
            interval: config.interval.map(|i| i.as_std()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_paths_are_folder_names() {
        assert_eq!(
            job_path("deploy_job", " deploy/api-production ").ok(),
            Some(vec!["deploy".to_string(), "api-production".to_string()])
        );
        for bad in ["", "/a", "a/", "a//b", "a/../b", "job/a", "a\u{1b}[31m"] {
            assert!(job_path("deploy_job", bad).is_err(), "{bad:?}");
        }
    }
}
