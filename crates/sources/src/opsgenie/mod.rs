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
//! A sync plans where the listing starts (`state`), lists the alerts created since then, looks
//! up by id what was open at the last sync and did not come back, and hands the alerts that
//! pass the filters to the store with the new watermarks. Any failing request fails the whole
//! sync: nothing is half-stored, and the next sync starts from the same watermarks.
//!
//! Files: `setup` (config), `api` (every request, the query and paging, what statuses mean),
//! `payload` (Opsgenie's JSON), `translate` (payloads to incidents, filters, service mapping),
//! `state` (what is remembered, shared with PagerDuty: `crate::incidents::state`), `probe`.

mod api;
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
use crate::incidents::state::{Tally, plan};
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup, format_time};
use flowdeck_config::{OpsgenieSourceConfig, SourceConfig};
use flowdeck_core::model::EventSet;

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
        let (api, settings) = (&self.api, &self.settings);
        let plan = plan(&round.marks, round.covers_from, round.now)?;
        let listed = api::alerts(api, settings, plan.since).await?;
        let mut tally = Tally::new(&plan);
        for alert in listed.values() {
            tally.add(state::seen(alert, settings), || {
                translate::incident(alert, settings)
            });
        }
        for id in tally.missing() {
            match api.alert(&id).await? {
                Some(alert) => tally.add(state::seen(&alert, settings), || {
                    translate::incident(&alert, settings)
                }),
                None => {
                    tracing::info!(source = %settings.name, alert = %id, "an alert open at the last sync is gone from Opsgenie")
                }
            }
        }
        tracing::debug!(
            source = %settings.name,
            listed = listed.len(),
            stored = tally.incidents.len(),
            open = tally.open.len(),
            since = %format_time(plan.since),
            "opsgenie sync"
        );
        tally.remember(&mut round.marks, round.now);
        Ok(Found::events(EventSet {
            incidents: tally.incidents,
            ..EventSet::default()
        }))
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        probe::probe(&self.api, &self.settings, round).await
    }
}
