//! Prometheus (with its Alertmanager) as a polled incident source.
//!
//! An incident is a run of raw samples of `ALERTS{alertstate="firing", <selector>}`: it
//! starts at the run's first sample and resolves one evaluation after its last; it is open
//! while Prometheus still says the alert fires and its samples keep coming. Samples are read
//! with instant queries of range vectors, never with query_range, whose step would invent
//! samples for the lookback delta after the last one (backfilled history has no staleness
//! markers to stop it). The exact rules are in `runs`; what is remembered between syncs in
//! `state`; the order of requests in `sync`.
//!
//! Alertmanager (`alertmanager_url`) says whether an open incident reaches anyone: its labels
//! gain `alertmanager=active` or `alertmanager=suppressed` with `silenced_by=<id>` /
//! `inhibited_by=<id>`, which the dashboard shows as "(silenced)" / "(inhibited)".
//!
//! Files: `setup` (config), `api` (every request and what its failures mean), `payload`
//! (the servers' JSON), `translate` (runs to incidents), `state` (watermarks), `series` (label
//! sets, hashes, titles), `runs` (the rules), `alertmanager`, `sync` (the order of requests),
//! `probe`.

mod alertmanager;
mod api;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
mod panels;
mod payload;
mod probe;
mod runs;
mod series;
mod setup;
mod state;
mod sync;
mod translate;

use std::time::Duration;

use self::api::{Api, Server};
pub use self::panels::{MAX_POINTS, PanelReader, PanelSpan, step_ms};
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup};
use flowdeck_config::{PrometheusSourceConfig, SourceConfig};

/// A Prometheus (with its Alertmanager) as a polled source.
pub type PrometheusSource = Polled<Prometheus>;

#[derive(Debug)]
pub struct Prometheus {
    settings: Settings,
    prometheus: Api,
    alertmanager: Option<Api>,
}

impl PrometheusSource {
    /// Checks the config and reads the tokens (`token_env`, `alertmanager_token_env`). No
    /// request is sent.
    pub fn new(
        config: &PrometheusSourceConfig,
        http: HttpClient,
    ) -> Result<PrometheusSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

impl Provider for Prometheus {
    const KIND: &'static str = "prometheus";
    type Config = PrometheusSourceConfig;

    fn config(source: &SourceConfig) -> Option<&PrometheusSourceConfig> {
        match source {
            SourceConfig::Prometheus(config) => Some(config),
            _ => None,
        }
    }

    fn setup(
        config: &PrometheusSourceConfig,
        setup: &Setup<'_>,
    ) -> Result<Prometheus, SourceError> {
        let settings = Settings::from_config(config)?;
        let prometheus = Api::new(setup, &settings.prometheus, Server::Prometheus);
        let alertmanager = settings
            .alertmanager
            .as_ref()
            .map(|endpoint| Api::new(setup, endpoint, Server::Alertmanager));
        Ok(Prometheus {
            settings,
            prometheus,
            alertmanager,
        })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        sync::sync(
            &self.prometheus,
            self.alertmanager.as_ref(),
            &self.settings,
            round,
        )
        .await
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        probe::probe(
            &self.prometheus,
            self.alertmanager.as_ref(),
            &self.settings,
            round,
        )
        .await
    }
}
