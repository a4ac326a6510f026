//! The polled sources, one line each, and the ones a config names, built once per run around one
//! shared HTTP client (so the per-host budget and the ETag cache are shared by every repository
//! on a host). Adding a source is its module and one line in `PROVIDERS`
//! (docs/ARCHITECTURE.md#the-polled-source-scaffold).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::SourceError;
use super::argocd::Argocd;
use super::buildkite::Buildkite;
use super::circleci::Circleci;
use super::events::Events;
use super::git::collected::CollectedGit;
use super::github::Github;
use super::gitlab::Gitlab;
use super::http::{HttpClient, HttpSettings, StoreEtagCache, SystemClock};
use super::jenkins::Jenkins;
use super::live::Source;
use super::opsgenie::Opsgenie;
use super::pagerduty::Pagerduty;
use super::polled::{Polled, Provider, Setup};
use super::prometheus::Prometheus;
use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::status::{SourceState, SourceStatus};
use flowdeck_store::Store;

/// Every polled source, in the order `collect`'s hint names them.
const PROVIDERS: &[Entry] = &[
    Entry::of::<Github>(),
    Entry::of::<Gitlab>(),
    Entry::of::<Prometheus>(),
    Entry::of::<Pagerduty>(),
    Entry::of::<Opsgenie>(),
    Entry::of::<Jenkins>(),
    Entry::of::<Buildkite>(),
    Entry::of::<Circleci>(),
    Entry::of::<Argocd>(),
    Entry::of::<Events>(),
];

/// The kinds of source polled over the network into the store; every other kind (a local git
/// repository) is read directly where the report or dashboard runs. `collect`'s hint lists
/// these, so it names a new kind as soon as it is polled.
pub const POLLED_KINDS: [&str; PROVIDERS.len()] = {
    let mut kinds = [""; PROVIDERS.len()];
    let mut i = 0;
    while i < PROVIDERS.len() {
        kinds[i] = PROVIDERS[i].kind;
        i += 1;
    }
    kinds
};

/// One polled kind and how a source of it is built from its `[[sources]]` entry.
struct Entry {
    kind: &'static str,
    /// None when the entry is of another kind.
    build: fn(&SourceConfig, &Setup<'_>, Duration) -> Option<Built>,
}

type Built = Result<Arc<dyn Source>, SourceError>;

impl Entry {
    const fn of<P: Provider>() -> Entry {
        Entry {
            kind: P::KIND,
            build: build_one::<P>,
        }
    }
}

fn build_one<P: Provider>(
    source: &SourceConfig,
    setup: &Setup<'_>,
    refresh: Duration,
) -> Option<Built> {
    let config = P::config(source)?;
    Some(
        Polled::<P>::build(config, setup)
            .map(|polled| Arc::new(polled.with_default_interval(refresh)) as Arc<dyn Source>),
    )
}

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
pub fn build(config: &Config, base_dir: &std::path::Path, http: &HttpClient) -> PolledSources {
    let refresh = config.general.refresh.as_std();
    let services = known_services(config);
    let compares: Vec<String> = crate::shipped::compared::fallbacks(config)
        .into_iter()
        .map(|f| f.forge)
        .collect();
    let setup = Setup::new(http, &services)
        .in_dir(base_dir)
        .comparing(&compares);
    let mut polled = PolledSources {
        sources: Vec::new(),
        broken: Vec::new(),
    };
    for source in &config.sources {
        let Some(built) = PROVIDERS
            .iter()
            .find_map(|entry| (entry.build)(source, &setup, refresh))
        else {
            continue;
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
                    collector: None,
                });
            }
        }
    }
    polled
}

/// The git sources of a config as sources the poller runs (`flowdeck collect` reads them into
/// the store like any polled source; see `git::collected`).
pub fn collected_git(config: &Config, base_dir: &Path) -> Vec<Arc<dyn Source>> {
    let refresh = config.general.refresh.as_std();
    config
        .sources
        .iter()
        .filter_map(|source| match source {
            SourceConfig::Git(git) => Some(Arc::new(CollectedGit::new(
                git,
                source.display_name(),
                base_dir.to_path_buf(),
                refresh,
            )) as Arc<dyn Source>),
            _ => None,
        })
        .collect()
}

/// The flowdeck services a config knows: its `[[services]]` and every service a deployment
/// source names. An unmapped provider service whose name is one of these is that service.
fn known_services(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = config.services.iter().map(|s| s.name.clone()).collect();
    for source in &config.sources {
        let named = match source {
            SourceConfig::Git(s) => Some(&s.service),
            SourceConfig::Github(s) => Some(&s.service),
            SourceConfig::Gitlab(s) => Some(&s.service),
            SourceConfig::Jenkins(s) => Some(&s.service),
            SourceConfig::Buildkite(s) => Some(&s.service),
            SourceConfig::Circleci(s) => Some(&s.service),
            SourceConfig::Argocd(s) => Some(&s.service),
            _ => None,
        };
        if let Some(name) = named
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_kind_but_git_is_polled() {
        use flowdeck_config::SOURCE_KINDS;
        for kind in SOURCE_KINDS {
            assert_eq!(POLLED_KINDS.contains(&kind), kind != "git", "{kind}");
        }
        assert!(POLLED_KINDS.iter().all(|kind| SOURCE_KINDS.contains(kind)));
    }

    /// A `[[sources]]` entry is built by the registry line of its own kind, and by no other.
    #[test]
    fn each_entry_takes_the_sources_of_its_kind() {
        let config = flowdeck_config::parse(
            r#"
            [[sources]]
            kind = "git"
            service = "api"
            [[sources]]
            kind = "github"
            service = "api"
            repo = "acme/api"
            token_env = "FLOWDECK_TEST_SURELY_UNSET_GH"
            [[sources]]
            kind = "gitlab"
            service = "web"
            project = "group/web"
            [[sources]]
            kind = "prometheus"
            url = "http://127.0.0.1:9090"
            [[sources]]
            kind = "pagerduty"
            [[sources]]
            kind = "opsgenie"
            [[sources]]
            kind = "jenkins"
            service = "api"
            base_url = "https://jenkins.example.com"
            deploy_job = "deploy/api"
            user = "ci-bot"
            token_cmd = "printf %s t"
            [[sources]]
            kind = "buildkite"
            service = "web"
            organization = "acme"
            deploy_pipeline = "web-deploy"
            [[sources]]
            kind = "circleci"
            service = "api"
            project = "gh/acme/api"
            token_cmd = "printf %s t"
            [[sources]]
            kind = "argocd"
            service = "api"
            base_url = "https://argocd.example.com"
            application = "api-production"
            token_cmd = "printf %s t"
            "#,
            std::path::Path::new("flowdeck.toml"),
        )
        .unwrap();
        let http =
            http_client(Arc::new(flowdeck_store::SqliteStore::in_memory().unwrap())).unwrap();
        let services = known_services(&config);
        assert_eq!(services, ["api", "web"]);
        let setup = Setup::new(&http, &services);
        for source in &config.sources {
            let takers: Vec<&str> = PROVIDERS
                .iter()
                .filter(|entry| (entry.build)(source, &setup, Duration::from_secs(1)).is_some())
                .map(|entry| entry.kind)
                .collect();
            if source.kind() == "git" {
                assert!(takers.is_empty(), "{takers:?}");
            } else {
                assert_eq!(takers, [source.kind()]);
            }
        }
    }
}
