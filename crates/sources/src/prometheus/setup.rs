//! From config to what the Prometheus source needs: the API roots, the ALERTS selector, the
//! labels that name the service and severity, the gap that splits runs, and the tokens
//! (secrets from the moment they are read).

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::runs::Millis;
use crate::SourceError;
use crate::http::host_key;
use crate::token::{TokenLookup, resolve};
use flowdeck_config::schema::PrometheusSourceConfig;

/// One server's API: its root (ending in a slash), how it is named in messages, the token.
pub(super) struct Endpoint {
    pub root: Url,
    /// host, or host:port when the port is not the scheme's default.
    pub host: String,
    pub token: Option<SecretString>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("root", &self.root.as_str())
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

#[derive(Debug)]
pub(super) struct Settings {
    /// Shown and stored under: config `name`, else `prometheus:<url>`.
    pub name: String,
    /// The middle of every incident id: config `name`, else the URL's host and path.
    pub id_scope: String,
    pub prometheus: Endpoint,
    pub alertmanager: Option<Endpoint>,
    /// The label matchers of `selector`, without braces (may be empty).
    pub matchers: String,
    pub service_label: String,
    pub severity_label: String,
    pub gap: Millis,
    pub interval: Option<Duration>,
}

impl Settings {
    pub(super) fn from_config(config: &PrometheusSourceConfig) -> Result<Settings, SourceError> {
        let prometheus = endpoint("url", &config.url, config.token_env.as_ref())?;
        let alertmanager = match &config.alertmanager_url {
            Some(url) if !url.trim().is_empty() => Some(endpoint(
                "alertmanager_url",
                url,
                config.alertmanager_token_env.as_ref(),
            )?),
            _ => None,
        };
        let gap = config.gap.as_chrono().num_milliseconds();
        if gap < 1000 {
            return Err(SourceError::Config(format!(
                "prometheus source {}: gap = {:?} is too short; it splits an alert's samples into incidents and must exceed the rules' evaluation interval (default \"5m\")",
                config.url,
                config.gap.to_string()
            )));
        }
        for (key, value) in [
            ("service_label", &config.service_label),
            ("severity_label", &config.severity_label),
        ] {
            if value.trim().is_empty() {
                return Err(SourceError::Config(format!(
                    "prometheus source {}: {key} is empty; name an alert label",
                    config.url
                )));
            }
        }
        let path = prometheus.root.path().trim_end_matches('/');
        let scope = format!("{}{}", prometheus.host, if path == "/" { "" } else { path });
        Ok(Settings {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("prometheus:{}", config.url)),
            id_scope: config.name.clone().unwrap_or(scope),
            prometheus,
            alertmanager,
            matchers: matchers(&config.selector),
            service_label: config.service_label.trim().to_string(),
            severity_label: config.severity_label.trim().to_string(),
            gap,
            interval: config.interval.map(|d| d.as_std()),
        })
    }

    /// `ALERTS{alertstate="firing", <selector>}`
    pub(super) fn selector(&self) -> String {
        if self.matchers.is_empty() {
            "ALERTS{alertstate=\"firing\"}".to_string()
        } else {
            format!("ALERTS{{alertstate=\"firing\",{}}}", self.matchers)
        }
    }
}

/// The matchers of a selector as people may write it: `severity="page"`, `{severity="page"}`
/// or `ALERTS{severity="page"}`.
fn matchers(selector: &str) -> String {
    let mut text = selector.trim();
    if let Some(rest) = text.strip_prefix("ALERTS") {
        text = rest.trim_start();
    }
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        text = inner;
    }
    text.trim().trim_end_matches(',').trim().to_string()
}

fn endpoint(key: &str, url: &str, token_env: Option<&String>) -> Result<Endpoint, SourceError> {
    let mut root = Url::parse(url.trim())
        .map_err(|e| SourceError::Config(format!("{key} {url:?} is not a URL: {e}")))?;
    if !matches!(root.scheme(), "http" | "https") || root.host_str().is_none() {
        return Err(SourceError::Config(format!(
            "{key} {url:?} must be an http(s) URL such as http://127.0.0.1:9090"
        )));
    }
    root.set_query(None);
    root.set_fragment(None);
    if !root.path().ends_with('/') {
        let path = format!("{}/", root.path());
        root.set_path(&path);
    }
    let token = match token_env {
        Some(name) => resolve(&TokenLookup {
            command: None,
            env: Some(name.clone()),
            defaults: &[],
            gh_host: None,
            glab_host: None,
        })?,
        None => None,
    };
    Ok(Endpoint {
        host: host_key(&root),
        root,
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> PrometheusSourceConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn selectors_are_read_with_or_without_braces() {
        for written in [
            r#"severity="page""#,
            r#"{severity="page"}"#,
            r#"ALERTS{severity="page"}"#,
            r#" { severity="page", } "#,
        ] {
            assert_eq!(matchers(written), r#"severity="page""#, "{written}");
        }
        assert_eq!(matchers(""), "");
        assert_eq!(matchers("{}"), "");
    }

    #[test]
    fn settings_from_config() {
        let settings = Settings::from_config(&config(
            "url = \"http://127.0.0.1:9090/prom\"\nselector = 'team=~\"a|b\"'\n",
        ))
        .unwrap();
        assert_eq!(settings.name, "prometheus:http://127.0.0.1:9090/prom");
        assert_eq!(settings.id_scope, "127.0.0.1:9090/prom");
        assert_eq!(
            settings.prometheus.root.as_str(),
            "http://127.0.0.1:9090/prom/"
        );
        assert_eq!(
            settings.selector(),
            r#"ALERTS{alertstate="firing",team=~"a|b"}"#
        );
        assert_eq!(settings.gap, 300_000);
        assert_eq!(settings.service_label, "service");
        assert_eq!(settings.severity_label, "severity");
        assert!(settings.alertmanager.is_none());

        let settings = Settings::from_config(&config(
            "name = \"alerts\"\nurl = \"https://prom.example.com\"\nalertmanager_url = \"http://127.0.0.1:9093\"\ngap = \"10m\"\n",
        ))
        .unwrap();
        assert_eq!(settings.name, "alerts");
        assert_eq!(settings.id_scope, "alerts");
        assert_eq!(settings.selector(), r#"ALERTS{alertstate="firing"}"#);
        assert_eq!(settings.gap, 600_000);
        assert_eq!(
            settings.alertmanager.unwrap().root.as_str(),
            "http://127.0.0.1:9093/"
        );
    }

    #[test]
    fn bad_settings_are_config_errors() {
        for text in [
            "url = \"ftp://x\"",
            "url = \"not a url\"",
            "url = \"http://p\"\ngap = \"0s\"",
            "url = \"http://p\"\nservice_label = \" \"",
            "url = \"http://p\"\nalertmanager_url = \"localhost:9093\"",
            "url = \"http://p\"\ntoken_env = \"FLOWDECK_TEST_UNSET_PROMETHEUS_TOKEN\"",
        ] {
            let error = Settings::from_config(&config(text)).unwrap_err();
            assert!(matches!(error, SourceError::Config(_)), "{text}: {error}");
        }
    }
}
