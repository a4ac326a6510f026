//! Jenkins as a polled source of deployments and CI runs: each finished build of `deploy_job` is
//! a deployment attempt, each build of a `ci_jobs` job a CI run. Jenkins knows the sha a build
//! checked out, not the commits it shipped: those come from the service's git source
//! (docs/METRICS.md#deployments-that-name-only-a-sha).
//!
//! A sync, per job (the deploy job first, then each CI job, one request at a time): the
//! `allBuilds` tree query in ranges of 100, newest first, down to the job's settled build
//! number (every build at or below it was final at the last sync); on a first sync down to the
//! backfill horizon, and for the deploy job on to the first successful build before it (the
//! predecessor the first deployment inside the horizon is compared with). Builds still running
//! are read again at the next sync, until final (for a week at most).
//!
//! An unchanged poll costs one request per job (`{0,100}`); a first sync of N builds per job,
//! `ceil((N + 1) / 100)`.
//!
//! Files: `setup` (config), `api` (every request, what statuses mean), `payload` (Jenkins'
//! JSON), `translate` (builds to model events), `state` (watermarks).

mod api;
mod payload;
mod setup;
mod state;
mod translate;

use std::time::Duration;

use self::api::{Api, PAGE};
use self::payload::Build;
use self::setup::{Settings, job_name};
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup};
use flowdeck_config::{JenkinsSourceConfig, SourceConfig};
use flowdeck_core::model::{EventSet, Timestamp};

/// Ranges read at most per job and sync (20,000 builds).
const MAX_PAGES: u64 = 200;
/// Builds before the horizon looked at to find the predecessor.
const MAX_OLDER: usize = 20;
/// A build still running after this long no longer holds the settled number back.
const RECHECK: chrono::Duration = chrono::Duration::days(7);

/// A Jenkins source as the poller runs it.
pub type JenkinsSource = Polled<Jenkins>;

impl JenkinsSource {
    /// Checks the config and reads the token (no request is sent).
    pub fn new(
        config: &JenkinsSourceConfig,
        http: HttpClient,
    ) -> Result<JenkinsSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

#[derive(Debug)]
pub struct Jenkins {
    settings: Settings,
    api: Api,
}

impl Provider for Jenkins {
    const KIND: &'static str = "jenkins";
    type Config = JenkinsSourceConfig;

    fn config(source: &SourceConfig) -> Option<&JenkinsSourceConfig> {
        match source {
            SourceConfig::Jenkins(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &JenkinsSourceConfig, setup: &Setup<'_>) -> Result<Jenkins, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings);
        Ok(Jenkins { settings, api })
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
        let deploy = self.job(round, &settings.deploy_job, true).await?;
        events.deployments = deploy
            .iter()
            .filter_map(|b| translate::deployment(settings, b))
            .collect();
        for job in &settings.ci_jobs {
            let builds = self.job(round, job, false).await?;
            events.pipeline_runs.extend(
                builds
                    .iter()
                    .filter_map(|b| translate::pipeline_run(settings, job, b)),
            );
        }
        Ok(Found::events(events))
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        let job = &self.settings.deploy_job;
        let count = self.api.build_numbers(job).await?;
        let newest = self.api.builds(job, 0, 1).await?;
        let newest = match newest.first() {
            Some(build) => format!(
                ", newest #{} {}{}",
                build.number,
                if translate::is_final(build) {
                    build.result.as_deref().unwrap_or("?")
                } else {
                    "running"
                },
                translate::started(build)
                    .map(|at| format!(
                        " {} ago",
                        flowdeck_core::text::human_duration((round.now - at).num_seconds())
                    ))
                    .unwrap_or_default()
            ),
            None => String::new(),
        };
        let mut ci = Vec::new();
        for job in &self.settings.ci_jobs {
            let builds = self.api.builds(job, 0, 1).await?;
            ci.push(format!(
                "{} ({})",
                job_name(job),
                builds
                    .first()
                    .map_or("no builds".to_string(), |b| format!("newest #{}", b.number))
            ));
        }
        let ci = if ci.is_empty() {
            String::new()
        } else {
            format!("; CI jobs {}", ci.join(", "))
        };
        Ok(format!("job {}, {count} builds{newest}{ci}", job_name(job)))
    }
}

impl Jenkins {
    /// The builds of `job` to store in this sync, and its new settled number set in the marks.
    async fn job(
        &self,
        round: &mut Round,
        job: &[String],
        deploy: bool,
    ) -> Result<Vec<Build>, SourceError> {
        let name = job_name(job);
        let settled = state::settled(&round.marks, &name)?;
        let horizon = round.covers_from;
        let mut found: Vec<Build> = Vec::new();
        let mut newest: Option<u64> = None;
        let mut older = 0;
        let mut predecessor = !deploy;
        'pages: for page in 0..MAX_PAGES {
            let builds = self.api.builds(job, page * PAGE, PAGE).await?;
            let full = builds.len() as u64 >= PAGE;
            for build in builds {
                newest = Some(newest.map_or(build.number, |n| n.max(build.number)));
                match settled {
                    Some(settled) if build.number <= settled => break 'pages,
                    Some(_) => found.push(build),
                    None => {
                        let inside = translate::started(&build).is_some_and(|at| at >= horizon);
                        if inside {
                            found.push(build);
                            continue;
                        }
                        if predecessor {
                            break 'pages;
                        }
                        older += 1;
                        if build.result.as_deref() == Some("SUCCESS") && translate::is_final(&build)
                        {
                            found.push(build);
                            predecessor = true;
                        }
                        if predecessor || older >= MAX_OLDER {
                            break 'pages;
                        }
                    }
                }
            }
            if !full {
                break;
            }
            if page + 1 == MAX_PAGES {
                tracing::warn!(job = %name, "build listing cut at {MAX_PAGES} ranges");
            }
        }
        let next = settle(&found, settled.max(newest), round.now);
        if next != settled
            && let Some(next) = next
        {
            state::remember(&mut round.marks, &name, next);
        }
        Ok(found)
    }
}

/// The new settled number: below the oldest build still running (started within a week), else
/// the newest build seen.
fn settle(found: &[Build], newest: Option<u64>, now: Timestamp) -> Option<u64> {
    let running = found
        .iter()
        .filter(|b| !translate::is_final(b))
        .filter(|b| translate::started(b).is_some_and(|at| at >= now - RECHECK))
        .map(|b| b.number)
        .min();
    match running {
        Some(number) => Some(number.saturating_sub(1)),
        None => newest.or(Some(0)),
    }
}
