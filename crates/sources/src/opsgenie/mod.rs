//! Opsgenie as a polled incident source: alerts from `GET /v2/alerts` of the Alert API, found
//! with Opsgenie's search query (`createdAt >= <epoch ms>`, the configured priorities and the
//! user's `query`), sorted by creation, following `paging.next` (past Opsgenie's 20,000-result
//! cap the query goes on from the last creation time read), and stored as flowdeck incidents
//! (`opsgenie:<id>`), closed at `createdAt + report.closeTime`.
//!
//! The API key is sent as `Authorization: GenieKey <key>`. It comes from `token_cmd`, else the
//! variable `token_env` names, else OPSGENIE_API_KEY, then OPSGENIE_TOKEN; without one the
//! source cannot be set up. Throttling (429 with `X-RateLimit-State: THROTTLED`) waits the
//! `X-RateLimit-Period-In-Sec` the HTTP layer reads.
//!
//! A sync, shared with the other incident source (`crate::incidents::sync`), plans where the
//! listing starts, lists the alerts created since then, looks
//! up by id what was open at the last sync and did not come back, and hands the alerts that
//! pass the filters to the store with the new watermarks. Any failing request fails the whole
//! sync: nothing is half-stored, and the next sync starts from the same watermarks.
//!
//! Files: `setup` (config), `api` (every request, the query and paging, what statuses mean),
//! `payload` (Opsgenie's JSON), `translate` (payloads to incidents, filters, service mapping),
//! `state` (how its alerts feed what every incident source remembers), `probe`.

mod api;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
mod payload;
mod probe;
mod setup;
mod state;
mod translate;

use std::time::Duration;

use self::api::Api;
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::incidents;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup};
use flowdeck_config::{OpsgenieSourceConfig, SourceConfig};

/// An Opsgenie account as a polled source.
pub type OpsgenieSource = Polled<Opsgenie>;

#[derive(Debug)]
pub struct Opsgenie {
    settings: Settings,
    api: Api,
}

impl OpsgenieSource {
    /// Checks the config and reads the API key (no request is sent). `known_services` are the
    /// flowdeck services an alert's tags, integration or source may name.
    pub fn new(
        config: &OpsgenieSourceConfig,
        known_services: Vec<String>,
        http: HttpClient,
    ) -> Result<OpsgenieSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &known_services))
    }
}

impl Provider for Opsgenie {
    const KIND: &'static str = "opsgenie";
    type Config = OpsgenieSourceConfig;

    fn config(source: &SourceConfig) -> Option<&OpsgenieSourceConfig> {
        match source {
            SourceConfig::Opsgenie(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &OpsgenieSourceConfig, setup: &Setup<'_>) -> Result<Opsgenie, SourceError> {
        let settings = Settings::from_config(config, setup.services.to_vec())?;
        let api = Api::new(setup, &settings);
        Ok(Opsgenie { settings, api })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        incidents::sync::sync(self, round).await
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        probe::probe(&self.api, &self.settings, round).await
    }
}
