//! The polled sources a config names, built once per run around one shared HTTP client (so the
//! per-host budget and the ETag cache are shared by every repository on a host).

use std::sync::Arc;

use super::SourceError;
use super::github::GithubSource;
use super::gitlab::GitlabSource;
use super::http::{HttpClient, HttpSettings, StoreEtagCache, SystemClock};
use super::incidents::common::known_services;
use super::live::Source;
use super::opsgenie::OpsgenieSource;
use super::pagerduty::PagerdutySource;
use super::prometheus::PrometheusSource;
use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::status::{SourceState, SourceStatus};
use flowdeck_store::Store;

/// The kinds of source polled over the network into the store; every other kind (a local git
/// repository) is read directly where the report or dashboard runs. `collect`'s hint lists
/// these, so it names a new kind as soon as it is polled.
pub const POLLED_KINDS: [&str; 5] = ["github", "gitlab", "prometheus", "pagerduty", "opsgenie"];

/// Whether a configured source is polled over the network into the store (rather than read
/// directly, like a local git repository).
pub fn is_polled(source: &SourceConfig) -> bool {
    POLLED_KINDS.contains(&source.kind())
}

/// The polled sources of a config, and the ones that could not be set up.
pub struct PolledSources {
    pub sources: Vec<Arc<dyn Source>>,
    /// A source whose config cannot work (a token variable that is not set, a bad base_url):
    /// its status line says why; the others still run.
    pub broken: Vec<SourceStatus>,
}

/// The HTTP client every polled source shares: the ETag cache lives in the store.
pub fn http_client(store: Arc<dyn Store>) -> Result<HttpClient, SourceError> {
    HttpClient::new(
        HttpSettings::default(),
        Arc::new(StoreEtagCache(store)),
        Arc::new(SystemClock),
    )
    .map_err(SourceError::from)
}

/// Builds every polled source of `config`, in config order. Tokens are looked up here, once.
pub fn build(config: &Config, http: &HttpClient) -> PolledSources {
    let refresh = config.general.refresh.as_std();
    let mut polled = PolledSources {
        sources: Vec::new(),
        broken: Vec::new(),
    };
    for source in config.sources.iter().filter(|s| is_polled(s)) {
        let built: Result<Arc<dyn Source>, SourceError> = match source {
            SourceConfig::Github(github) => GithubSource::new(github, http.clone())
                .map(|s| Arc::new(s.with_default_interval(github, refresh)) as Arc<dyn Source>),
            SourceConfig::Gitlab(gitlab) => GitlabSource::new(gitlab, http.clone())
                .map(|s| Arc::new(s.with_default_interval(refresh)) as Arc<dyn Source>),
            SourceConfig::Prometheus(prometheus) => PrometheusSource::new(prometheus, http.clone())
                .map(|s| Arc::new(s.with_default_interval(refresh)) as Arc<dyn Source>),
            SourceConfig::Pagerduty(pagerduty) => {
                PagerdutySource::new(pagerduty, known_services(config), http.clone())
                    .map(|s| Arc::new(s.with_default_interval(refresh)) as Arc<dyn Source>)
            }
            SourceConfig::Opsgenie(opsgenie) => {
                OpsgenieSource::new(opsgenie, known_services(config), http.clone())
                    .map(|s| Arc::new(s.with_default_interval(refresh)) as Arc<dyn Source>)
            }
            _ => continue,
        };
        match built {
            Ok(built) => polled.sources.push(built),
            Err(error) => {
                tracing::warn!(source = %source.display_name(), %error, "source cannot be set up");
                polled.broken.push(SourceStatus {
                    name: source.display_name(),
                    kind: source.kind().to_string(),
                    status: SourceState::Error,
                    last_success_at: None,
                    error: Some(error.to_string()),
                    covers_from: None,
                });
            }
        }
    }
    polled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_but_git_is_polled() {
        use flowdeck_config::SOURCE_KINDS;
        for kind in SOURCE_KINDS {
            assert_eq!(POLLED_KINDS.contains(&kind), kind != "git", "{kind}");
        }
        assert!(POLLED_KINDS.iter().all(|kind| SOURCE_KINDS.contains(kind)));
    }
}
