//! PagerDuty as a polled incident source: `GET /incidents` of the REST API v2, read in requests
//! of at most six months, with classic offset paging (past its 10,000-result cap the range is
//! continued from where it got to), `urgencies[]` and `service_ids[]` as configured, and the
//! incidents that pass the filters stored as flowdeck incidents (`pagerduty:<id>`).
//!
//! The API key is sent as `Authorization: Token token=<key>` with the v2 Accept type. It comes
//! from `token_cmd`, else the variable `token_env` names, else PAGERDUTY_TOKEN; without one the
//! source cannot be set up (PagerDuty has no anonymous access).
//!
//! Files: `setup` (config), `api` (every request), `payload` (PagerDuty's JSON), `list` (ranges
//! and paging), `translate` (payloads to incidents, filters, service mapping), `sync`, `probe`.
//! What is remembered between syncs, and where a sync starts, is shared with Opsgenie:
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

pub use list::{MAX_RANGE, OFFSET_CAP};
pub use setup::{DEFAULT_INTERVAL, TOKEN_VARIABLES};

use self::api::Api;
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use flowdeck_config::PagerdutySourceConfig;

pub struct PagerdutySource {
    settings: Settings,
    api: Api,
    interval: Duration,
}

impl fmt::Debug for PagerdutySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PagerdutySource")
            .field("settings", &self.settings)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl PagerdutySource {
    /// Checks the config and reads the API key (no request is sent). `known_services` are the
    /// flowdeck services an unmapped PagerDuty service may be by name
    /// (`incidents::common::known_services`).
    pub fn new(
        config: &PagerdutySourceConfig,
        known_services: Vec<String>,
        http: HttpClient,
    ) -> Result<PagerdutySource, SourceError> {
        let settings = Settings::from_config(config, known_services)?;
        let api = Api::new(http, &settings);
        Ok(PagerdutySource {
            interval: settings.interval.unwrap_or(DEFAULT_INTERVAL),
            settings,
            api,
        })
    }

    /// The poll interval when the source's config sets none (e.g. `general.refresh`).
    pub fn with_default_interval(mut self, interval: Duration) -> PagerdutySource {
        self.interval = self.settings.interval.unwrap_or(interval);
        self
    }
}

impl Source for PagerdutySource {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn kind(&self) -> &'static str {
        "pagerduty"
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
