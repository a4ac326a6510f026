//! Buildkite as a polled source of deployments and CI runs: each finished build of
//! `deploy_pipeline` is a deployment attempt, each build of a `ci_pipelines` pipeline a CI run.
//! Buildkite knows the sha a build ran, not the commits it shipped: those come from the
//! service's git source (docs/METRICS.md#deployments-that-name-only-a-sha).
//!
//! A sync, per pipeline (the deploy pipeline first, one request at a time): on a first sync,
//! every build created since the backfill horizon (`created_from`, all pages) and, for the
//! deploy pipeline, the newest build that passed before it (`created_to` + `state=passed`,
//! one build: the predecessor); later, every build finished since the newest `finished_at`
//! seen (`finished_from`, inclusive). A build running at the first sync is stored in progress
//! and again when it finishes.
//!
//! An unchanged poll costs one request per pipeline; a first sync of N builds per pipeline,
//! `ceil(N / 100)` pages plus one for the predecessor.
//!
//! Files: `setup` (config), `api` (every request, what statuses mean), `payload` (Buildkite's
//! JSON), `translate` (builds to model events), `state` (watermarks).

mod api;
mod payload;
mod setup;
mod state;
mod translate;

use std::time::Duration;

use self::api::{Api, Since};
use self::payload::Build;
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup};
use flowdeck_config::{BuildkiteSourceConfig, SourceConfig};
use flowdeck_core::model::EventSet;

/// A Buildkite source as the poller runs it.
pub type BuildkiteSource = Polled<Buildkite>;

impl BuildkiteSource {
    /// Checks the config and reads the token (no request is sent).
    pub fn new(
        config: &BuildkiteSourceConfig,
        http: HttpClient,
    ) -> Result<BuildkiteSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

#[derive(Debug)]
pub struct Buildkite {
    settings: Settings,
    api: Api,
}

impl Provider for Buildkite {
    const KIND: &'static str = "buildkite";
    type Config = BuildkiteSourceConfig;

    fn config(source: &SourceConfig) -> Option<&BuildkiteSourceConfig> {
        match source {
            SourceConfig::Buildkite(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &BuildkiteSourceConfig, setup: &Setup<'_>) -> Result<Buildkite, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings);
        Ok(Buildkite { settings, api })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let settings = &self.settings;
        let mut events = EventSet::default();
        let deploys = self
            .pipeline(round, &settings.deploy_pipeline, true)
            .await?;
        events.deployments = deploys
            .iter()
            .map(|b| translate::deployment(settings, b))
            .collect();
        for pipeline in &settings.ci_pipelines {
            let builds = self.pipeline(round, pipeline, false).await?;
            events.pipeline_runs.extend(
                builds
                    .iter()
                    .map(|b| translate::pipeline_run(settings, pipeline, b)),
            );
        }
        Ok(Found::events(events))
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        let settings = &self.settings;
        let newest = self
            .api
            .builds(&settings.deploy_pipeline, Since::Newest)
            .await?;
        let newest = match newest.first() {
            Some(build) => format!(
                ", newest #{} {} {} ago",
                build.number,
                build.state,
                flowdeck_core::text::human_duration(
                    (round.now - build.finished_at.unwrap_or(build.created_at)).num_seconds()
                )
            ),
            None => ", no builds yet".to_string(),
        };
        for pipeline in &settings.ci_pipelines {
            self.api.builds(pipeline, Since::Newest).await?;
        }
        let rate = match self.api.origin.rate() {
            Some(rate) => match (rate.remaining, rate.limit) {
                (Some(left), Some(limit)) => {
                    format!("; {left} of {limit} requests left this minute")
                }
                (Some(left), None) => format!("; {left} requests left this minute"),
                _ => String::new(),
            },
            None => String::new(),
        };
        Ok(format!(
            "pipeline {}/{}{newest}; {} CI pipeline(s) readable{rate}",
            settings.organization,
            settings.deploy_pipeline,
            settings.ci_pipelines.len()
        ))
    }
}

impl Buildkite {
    /// The builds of `pipeline` to store in this sync; its watermark set in the marks.
    async fn pipeline(
        &self,
        round: &mut Round,
        pipeline: &str,
        deploy: bool,
    ) -> Result<Vec<Build>, SourceError> {
        let from = state::finished_from(&round.marks, pipeline)?;
        let mut builds = match from {
            Some(at) => self.api.builds(pipeline, Since::Finished(at)).await?,
            None => {
                let mut builds = self
                    .api
                    .builds(pipeline, Since::Created(round.covers_from))
                    .await?;
                if deploy {
                    builds.extend(
                        self.api
                            .builds(pipeline, Since::PassedBefore(round.covers_from))
                            .await?,
                    );
                }
                builds
            }
        };
        // A build listed twice (at a page edge while builds were added) is stored once.
        builds.sort_by(|a, b| a.id.cmp(&b.id));
        builds.dedup_by(|a, b| a.id == b.id);
        let newest = builds
            .iter()
            .filter_map(|b| b.finished_at)
            .max()
            .into_iter()
            .chain(from)
            .max()
            // Nothing finished yet: later syncs list what finishes from the horizon on.
            .unwrap_or(round.covers_from);
        if Some(newest) != from {
            state::remember(&mut round.marks, pipeline, newest);
        }
        Ok(builds)
    }
}
