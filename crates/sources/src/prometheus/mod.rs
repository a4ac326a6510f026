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
//! (the servers' JSON), `series` (label sets, hashes, titles), `runs` (the rules), `state`
//! (watermarks), `translate` (runs to incidents), `alertmanager`, `sync`, `probe`.

mod alertmanager;
mod api;
mod payload;
mod probe;
mod runs;
mod series;
mod setup;
mod state;
mod sync;
mod translate;

use std::time::Duration;

pub use setup::DEFAULT_INTERVAL;

use self::setup::Settings;
use super::SourceError;
use super::http::HttpClient;
use super::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use flowdeck_config::PrometheusSourceConfig;

pub struct PrometheusSource {
    settings: Settings,
    http: HttpClient,
    interval: Duration,
}

impl std::fmt::Debug for PrometheusSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrometheusSource")
            .field("settings", &self.settings)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl PrometheusSource {
    /// Checks the config and reads the tokens (`token_env`, `alertmanager_token_env`). No
    /// request is sent.
    pub fn new(
        config: &PrometheusSourceConfig,
        http: HttpClient,
    ) -> Result<PrometheusSource, SourceError> {
        let settings = Settings::from_config(config)?;
        let interval = settings.interval.unwrap_or(DEFAULT_INTERVAL);
        Ok(PrometheusSource {
            settings,
            http,
            interval,
        })
    }

    /// Polls every `interval` unless the source's own `interval` says otherwise.
    pub fn with_default_interval(mut self, interval: Duration) -> Self {
        if self.settings.interval.is_none() {
            self.interval = interval;
        }
        self
    }
}

impl Source for PrometheusSource {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn kind(&self) -> &'static str {
        "prometheus"
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn sync<'a>(&'a self, ctx: &'a SyncContext) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
        Box::pin(sync::sync(&self.http, &self.settings, ctx))
    }

    fn probe<'a>(
        &'a self,
        ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
        Box::pin(probe::probe(&self.http, &self.settings, ctx))
    }
}
