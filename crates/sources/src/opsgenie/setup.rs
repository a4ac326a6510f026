//! From config to what the Opsgenie source needs: the API root, the API key (a secret from the
//! moment it is read), the priorities, the search query, the service map, where alert links
//! point, and the names events are stored under.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::OpsgenieSourceConfig;

/// Where the API key is looked for when neither token_cmd nor token_env is set
/// (OPSGENIE_API_KEY is what Opsgenie's own tools and Terraform provider read).
const TOKEN_VARIABLES: &[&str] = &["OPSGENIE_API_KEY", "OPSGENIE_TOKEN"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `opsgenie:<base_url>`.
    pub name: String,
    /// The API root, ending in a slash.
    pub api: Url,
    pub token: SecretString,
    /// A tag, `service:` tag value, integration name or alert source -> flowdeck service.
    pub service_map: BTreeMap<String, String>,
    /// The flowdeck services the config knows.
    pub known_services: Vec<String>,
    /// Upper-case ("P1"); empty: every priority.
    pub priorities: Vec<String>,
    /// The user's own search query, ANDed with flowdeck's; may be empty.
    pub query: String,
    /// Where alert links point: `{app}/alert/detail/{id}/details`; None: no link.
    pub app: Option<Url>,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("api", &self.api.as_str())
            .field("token", &"[redacted]")
            .field("service_map", &self.service_map)
            .field("priorities", &self.priorities)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

/// The web app of an API host: app.opsgenie.com for api.opsgenie.com, app.eu.opsgenie.com for
/// api.eu.opsgenie.com; other hosts (a proxy, a test server) need `app_url`.
fn default_app(api: &Url) -> Option<Url> {
    let host = api.host_str()?;
    let app = host.strip_prefix("api.")?;
    if app != "opsgenie.com" && app != "eu.opsgenie.com" {
        return None;
    }
    Url::parse(&format!("https://app.{app}/")).ok()
}

impl Settings {
    /// Checks the config and reads the API key (token_cmd, token_env, then OPSGENIE_API_KEY,
    /// OPSGENIE_TOKEN).
    pub(super) fn from_config(
        config: &OpsgenieSourceConfig,
        known_services: Vec<String>,
    ) -> Result<Settings, SourceError> {
        let api = api_root("opsgenie", &config.base_url, "https://api.opsgenie.com")?;
        let mut priorities: Vec<String> = config
            .priorities
            .iter()
            .map(|p| p.trim().to_ascii_uppercase())
            .filter(|p| !p.is_empty())
            .collect();
        priorities.sort_unstable();
        priorities.dedup();
        if let Some(bad) = priorities
            .iter()
            .find(|p| !matches!(p.as_str(), "P1" | "P2" | "P3" | "P4" | "P5"))
        {
            return Err(SourceError::Config(format!(
                "opsgenie source: priority {bad:?} is not one of \"P1\" … \"P5\""
            )));
        }
        let app = match &config.app_url {
            Some(app_url) => Some(api_root(
                "opsgenie",
                app_url,
                "https://acme.app.opsgenie.com",
            )
            .map_err(|_| {
                SourceError::Config(format!(
                    "opsgenie source: app_url {app_url:?} is not an http(s) URL such as \"https://acme.app.opsgenie.com\""
                ))
            })?),
            None => default_app(&api),
        };
        let token = required_token(
            "opsgenie",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("opsgenie:{}", config.base_url)),
            api,
            token,
            service_map: config.service_map.clone(),
            known_services,
            priorities,
            query: config.query.trim().to_string(),
            app,
            interval: config.interval.map(|i| i.as_std()),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn app_links_follow_the_api_region() {
        let app = |api: &str| default_app(&Url::parse(api).unwrap()).map(|u| u.to_string());
        assert_eq!(
            app("https://api.opsgenie.com/").as_deref(),
            Some("https://app.opsgenie.com/")
        );
        assert_eq!(
            app("https://api.eu.opsgenie.com/").as_deref(),
            Some("https://app.eu.opsgenie.com/")
        );
        assert_eq!(app("http://127.0.0.1:9999/"), None);
        assert_eq!(app("https://api.evil.com/"), None);
    }
}
