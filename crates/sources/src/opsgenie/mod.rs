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
//! Files: `setup` (config), `api` (every request), `payload` (Opsgenie's JSON), `list` (query
//! and paging), `translate` (payloads to incidents, filters, service mapping), `sync`, `probe`.
//! What is remembered between syncs, and where a sync starts, is shared with PagerDuty:
//! `crate::incidents::marks`.

mod api;
mod list;
mod payload;
mod probe;
mod setup;
mod sync;
mod translate;

use std::fmt;
use std::time::Duration;

pub use list::OFFSET_CAP;
pub use setup::{DEFAULT_INTERVAL, TOKEN_VARIABLES};

use self::api::Api;
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use flowdeck_config::OpsgenieSourceConfig;

pub struct OpsgenieSource {
    settings: Settings,
    api: Api,
    interval: Duration,
}

impl fmt::Debug for OpsgenieSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpsgenieSource")
            .field("settings", &self.settings)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl OpsgenieSource {
    /// Checks the config and reads the API key (no request is sent). `known_services` are the
    /// flowdeck services an alert's tags, integration or source may name
    /// (`incidents::common::known_services`).
    pub fn new(
        config: &OpsgenieSourceConfig,
        known_services: Vec<String>,
        http: HttpClient,
    ) -> Result<OpsgenieSource, SourceError> {
        let settings = Settings::from_config(config, known_services)?;
        let api = Api::new(http, &settings);
        Ok(OpsgenieSource {
            interval: settings.interval.unwrap_or(DEFAULT_INTERVAL),
            settings,
            api,
        })
    }

    /// The poll interval when the source's config sets none (e.g. `general.refresh`).
    pub fn with_default_interval(mut self, interval: Duration) -> OpsgenieSource {
        self.interval = self.settings.interval.unwrap_or(interval);
        self
    }
}

impl Source for OpsgenieSource {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn kind(&self) -> &'static str {
        "opsgenie"
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn sync<'a>(&'a self, ctx: &'a SyncContext) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
        Box::pin(sync::sync(&self.api, &self.settings, ctx))
    }

    fn probe<'a>(
        &'a self,
        ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
        Box::pin(probe::probe(&self.api, &self.settings, ctx))
    }
}
