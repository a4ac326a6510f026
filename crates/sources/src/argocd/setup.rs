//! From config to what the Argo CD source needs: the API root (`{base_url}/api/v1/`), the token
//! (a secret from the moment it is read), the application (and its namespace), where links
//! point, and the names events are stored under.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::ArgocdSourceConfig;

/// Where the token is looked for when neither token_cmd nor token_env is set (ARGOCD_AUTH_TOKEN
/// is what the argocd CLI reads).
const TOKEN_VARIABLES: &[&str] = &["ARGOCD_AUTH_TOKEN", "ARGOCD_TOKEN"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `argocd:<application>`.
    pub name: String,
    pub service: String,
    pub application: String,
    pub namespace: Option<String>,
    /// `<namespace>/<application>` or `<application>`: the scope of event ids.
    pub scope: String,
    pub environment: String,
    /// `{base_url}/` (links) and `{base_url}/api/v1/` (requests).
    pub base: Url,
    pub api: Url,
    pub token: SecretString,
    pub incidents_from_health: bool,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("scope", &self.scope)
            .field("api", &self.api.as_str())
            .field("token", &"[redacted]")
            .field("incidents_from_health", &self.incidents_from_health)
            .finish_non_exhaustive()
    }
}

fn config_error(why: String) -> SourceError {
    SourceError::Config(format!("argocd source: {why}"))
}

/// A Kubernetes object name: lower-case letters, digits, '-' and '.', at most 253.
fn object_name(key: &str, value: &str) -> Result<String, SourceError> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 253
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if ok {
        Ok(value.to_string())
    } else {
        Err(config_error(format!(
            "{key} {value:?} is not an Argo CD application name (lower-case letters, digits, '-' and '.')"
        )))
    }
}

impl Settings {
    pub(super) fn from_config(config: &ArgocdSourceConfig) -> Result<Settings, SourceError> {
        let application = object_name("application", &config.application)?;
        let namespace = match &config.app_namespace {
            Some(ns) => Some(object_name("app_namespace", ns)?),
            None => None,
        };
        let service = config.service.trim().to_string();
        if service.is_empty() {
            return Err(config_error("service is empty".into()));
        }
        let environment = config.environment.trim().to_string();
        if environment.is_empty() {
            return Err(config_error("environment is empty".into()));
        }
        let base = api_root("argocd", &config.base_url, "https://argocd.example.com")?;
        let api = base
            .join("api/v1/")
            .map_err(|e| config_error(format!("base_url cannot hold the API path ({e})")))?;
        let token = required_token(
            "argocd",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        let scope = match &namespace {
            Some(ns) => format!("{ns}/{application}"),
            None => application.clone(),
        };
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("argocd:{application}")),
            service,
            application,
            namespace,
            scope,
            environment,
            base,
            api,
            token,
            incidents_from_health: config.incidents_from_health,
            interval: config.interval.map(|i| i.as_std()),
        })
    }

    /// The application's page in the Argo CD UI.
    pub(super) fn app_url(&self) -> Option<String> {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().ok()?;
            path.pop_if_empty().push("applications");
            if let Some(ns) = &self.namespace {
                path.push(ns);
            }
            path.push(&self.application);
        }
        Some(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn config(text: &str) -> ArgocdSourceConfig {
        toml::from_str(&format!(
            "service = \"api\"\nbase_url = \"https://argocd.example.com/\"\ntoken_cmd = \"printf %s t\"\n{text}"
        ))
        .unwrap()
    }

    #[test]
    fn settings_from_config() {
        let s = Settings::from_config(&config("application = \"api-production\"\n")).unwrap();
        assert_eq!(s.name, "argocd:api-production");
        assert_eq!(s.api.as_str(), "https://argocd.example.com/api/v1/");
        assert_eq!(
            s.app_url().as_deref(),
            Some("https://argocd.example.com/applications/api-production")
        );
        let s = Settings::from_config(&config(
            "application = \"api\"\napp_namespace = \"team-a\"\n",
        ))
        .unwrap();
        assert_eq!(s.scope, "team-a/api");
        assert_eq!(
            s.app_url().as_deref(),
            Some("https://argocd.example.com/applications/team-a/api")
        );
        for bad in ["", "API", "a/b", "x y", "\u{1b}[31m", &"a".repeat(254)] {
            let mut c = config("application = \"x\"\n");
            c.application = bad.to_string();
            let error = Settings::from_config(&c).unwrap_err();
            assert!(error.to_string().contains("application"), "{bad}: {error}");
        }
    }
}
