//! PagerDuty as a polled incident source: `GET /incidents` of the REST API v2, read in requests
//! of at most six months, with classic offset paging (past its 10,000-result cap the range is
//! continued from where it got to), `urgencies[]` and `service_ids[]` as configured, and the
//! incidents that pass the filters stored as flowdeck incidents (`pagerduty:<id>`).
//!
//! The API key is sent as `Authorization: Token token=<key>` with the v2 Accept type. It comes
//! from `token_cmd`, else the variable `token_env` names, else PAGERDUTY_TOKEN; without one the
//! source cannot be set up (PagerDuty has no anonymous access).
//!
//! A sync, shared with the other incident source (`crate::incidents::sync`), plans where the
//! listing starts, lists `[since, now]`, looks up by id what
//! was open at the last sync and did not come back, and hands the incidents that pass the
//! filters to the store with the new watermarks. Any failing request fails the whole sync:
//! nothing is half-stored, and the next sync starts from the same watermarks.
//!
//! Files: `setup` (config), `api` (every request, ranges and paging, what statuses mean),
//! `payload` (PagerDuty's JSON), `translate` (payloads to incidents, filters, service mapping),
//! `state` (how its incidents feed what every incident source remembers), `probe`.

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
use flowdeck_config::{PagerdutySourceConfig, SourceConfig};

/// A PagerDuty account as a polled source.
pub type PagerdutySource = Polled<Pagerduty>;

#[derive(Debug)]
pub struct Pagerduty {
    settings: Settings,
    api: Api,
}

impl PagerdutySource {
    /// Checks the config and reads the API key (no request is sent). `known_services` are the
    /// flowdeck services an unmapped PagerDuty service may be by name.
    pub fn new(
        config: &PagerdutySourceConfig,
        known_services: Vec<String>,
        http: HttpClient,
    ) -> Result<PagerdutySource, SourceError> {
        Polled::build(config, &Setup::new(&http, &known_services))
    }
}

impl Provider for Pagerduty {
    const KIND: &'static str = "pagerduty";
    type Config = PagerdutySourceConfig;

    fn config(source: &SourceConfig) -> Option<&PagerdutySourceConfig> {
        match source {
            SourceConfig::Pagerduty(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &PagerdutySourceConfig, setup: &Setup<'_>) -> Result<Pagerduty, SourceError> {
        let settings = Settings::from_config(config, setup.services.to_vec())?;
        let api = Api::new(setup, &settings);
        Ok(Pagerduty { settings, api })
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
