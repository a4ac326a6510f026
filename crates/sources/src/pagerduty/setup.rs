//! From config to what the PagerDuty source needs: the API root, the API key (a secret from the
//! moment it is read), the filters, the service map and the names events are stored under.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::SourceError;
use crate::polled::{api_root, required_token};
use flowdeck_config::PagerdutySourceConfig;

/// Where the API key is looked for when neither token_cmd nor token_env is set.
const TOKEN_VARIABLES: &[&str] = &["PAGERDUTY_TOKEN"];

/// PagerDuty's incident statuses.
const STATUSES: [&str; 3] = ["triggered", "acknowledged", "resolved"];

pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `pagerduty:<base_url>`.
    pub name: String,
    /// The API root, ending in a slash.
    pub api: Url,
    pub token: SecretString,
    /// PagerDuty service id, or name, -> flowdeck service.
    pub service_map: BTreeMap<String, String>,
    /// The flowdeck services the config knows (an unmapped service of that name is it).
    pub known_services: Vec<String>,
    /// `service_ids[]` of the listing; empty: every service.
    pub service_ids: Vec<String>,
    /// Lower-case; empty: every urgency.
    pub urgencies: Vec<String>,
    /// Lower-case statuses that are stored; always includes "resolved".
    pub statuses: Vec<String>,
    pub interval: Option<Duration>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("name", &self.name)
            .field("api", &self.api.as_str())
            .field("token", &"[redacted]")
            .field("service_map", &self.service_map)
            .field("service_ids", &self.service_ids)
            .field("urgencies", &self.urgencies)
            .field("statuses", &self.statuses)
            .finish_non_exhaustive()
    }
}

fn lower(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Settings {
    /// Checks the config and reads the API key (token_cmd, token_env, then PAGERDUTY_TOKEN).
    pub(super) fn from_config(
        config: &PagerdutySourceConfig,
        known_services: Vec<String>,
    ) -> Result<Settings, SourceError> {
        let api = api_root("pagerduty", &config.base_url, "https://api.pagerduty.com")?;
        let urgencies = lower(&config.urgencies);
        if let Some(bad) = urgencies
            .iter()
            .find(|u| !matches!(u.as_str(), "high" | "low"))
        {
            return Err(SourceError::Config(format!(
                "pagerduty source: urgency {bad:?} is not one of \"high\", \"low\""
            )));
        }
        let statuses = lower(&config.statuses);
        if let Some(bad) = statuses.iter().find(|s| !STATUSES.contains(&s.as_str())) {
            return Err(SourceError::Config(format!(
                "pagerduty source: status {bad:?} is not one of \"triggered\", \"acknowledged\", \"resolved\""
            )));
        }
        if !statuses.iter().any(|s| s == "resolved") {
            return Err(SourceError::Config(
                "pagerduty source: statuses must include \"resolved\": an incident stored while open must be updated when it is resolved, or it stays open forever; [\"resolved\"] stores incidents once they are over".into(),
            ));
        }
        let token = required_token(
            "pagerduty",
            config.token_cmd.as_deref(),
            config.token_env.as_deref(),
            TOKEN_VARIABLES,
        )?;
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("pagerduty:{}", config.base_url)),
            api,
            token,
            service_map: config.service_map.clone(),
            known_services,
            service_ids: config
                .service_ids
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            urgencies,
            statuses,
            interval: config.interval.map(|i| i.as_std()),
        })
    }
}
