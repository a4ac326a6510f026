//! The GitHub source (github.com, and Enterprise through `base_url`), over the REST API:
//!
//! - deployments: the Deployments API per production environment, each deployment's statuses
//!   read once (deploy time = its first success status), or runs of `deploy_workflows`;
//! - the commits each successful deployment shipped first: a compare with its predecessor;
//! - CI: Actions workflow runs, latest attempt of each;
//! - pull requests, with their first commit and first review by someone else;
//! - incidents: issues carrying an incident label.
//!
//! Files: `setup` (config), `api` (every request, what statuses mean), `payload` (GitHub's
//! JSON), `translate` (payloads to model events), `state` (watermarks); `runs`, `deployments`,
//! `pulls` and `issues` read each kind incrementally from the watermarks, `known` remembers what
//! is stored so unchanged data costs nothing but conditional list requests, `probe` serves
//! `flowdeck check`.
//!
//! A sync, in order (one request at a time):
//! 1. `actions/runs?created=>=DAY` (all pages; a range GitHub would cut at 1,000 results is split
//!    by days). DAY is the backfill horizon's day on a first sync, then the day of the oldest
//!    run of the last week still going, else of the newest run. When DAY moves, the listing
//!    from the new DAY is read at once, so the next unchanged poll finds it cached.
//! 2. Deployments (unless `deploy_workflows` is set: then the deploy workflows' runs from 1, and
//!    on a first sync the latest successful run of each before the horizon):
//!    - first sync only: the unfiltered first page, for environments GitHub flags
//!      `production_environment` (remembered);
//!    - per environment, `deployments?environment=E`, newest first, down to the newest id
//!      already seen (to the horizon on a first sync, then the statuses of older ones until one
//!      succeeded: the predecessor);
//!    - `deployments/{id}/statuses` of each new deployment, and of stored ones still in
//!      progress (for a week);
//!    - `compare/{previous sha}...{sha}` (all pages) for each new successful one that has a
//!      predecessor (stored, or found in this sync).
//! 3. `pulls?state=all&sort=updated&direction=desc` down to the last update seen (the horizon
//!    on a first sync, which also reads `pulls?state=open`); `pulls/{n}/commits` and
//!    `pulls/{n}/reviews` (first page each) once per merged pull request.
//! 4. Per incident label, `issues?labels=L&state=all&since=DAY` (all pages), DAY moving like 1.
//! 5. When the source compares the deployments of another source of its service (Jenkins,
//!    Buildkite, CircleCI, Argo CD; no git source: `shipped::compared`), `compare/{base}...{head}`
//!    (all pages, `compare.rs`) for each pair not kept in the store yet; none once all are kept.
//!
//! An unchanged repository costs one conditional request per deploy environment, one for the
//! runs, one for the pull requests, one per incident label and one per deployment still in
//! progress: 5 with the defaults, all answered 304.

mod api;
mod compare;
mod deployments;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
mod issues;
mod known;
mod payload;
mod probe;
mod pulls;
mod runs;
mod setup;
mod state;
mod translate;
pub mod webhook;
mod webhook_payload;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use self::api::Api;
use self::known::Known;
use self::setup::Settings;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup, format_time};
use crate::shipped::compared;
use flowdeck_config::{GithubSourceConfig, SourceConfig};
use flowdeck_core::model::EventSet;

/// One repository on GitHub as a polled source.
pub type GithubSource = Polled<Github>;

pub struct Github {
    settings: Settings,
    api: Api,
    /// What the store holds of this source, for syncs that skip what is already known.
    known: tokio::sync::Mutex<Option<Known>>,
    syncs: AtomicU64,
    /// Whether it compares other sources' deployments of its service (`shipped::compared`).
    compares_others: bool,
}

impl std::fmt::Debug for Github {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Github")
            .field("api", &self.api)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl GithubSource {
    /// Checks the config and finds the token (once: token_cmd, token_env, GH_TOKEN,
    /// GITHUB_TOKEN, then `gh auth token --hostname HOST`). No request is sent.
    pub fn new(config: &GithubSourceConfig, http: HttpClient) -> Result<GithubSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

impl Provider for Github {
    const KIND: &'static str = "github";
    type Config = GithubSourceConfig;

    fn config(source: &SourceConfig) -> Option<&GithubSourceConfig> {
        match source {
            SourceConfig::Github(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &GithubSourceConfig, setup: &Setup<'_>) -> Result<Github, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings)?;
        Ok(Github {
            compares_others: setup.compares_for(&settings.name),
            settings,
            api,
            known: tokio::sync::Mutex::new(None),
            syncs: AtomicU64::new(0),
        })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let mut known_slot = self.known.lock().await;
        let stored_marker = round.marks.get(state::SYNC_AT)?;
        let known = match known_slot.take() {
            Some(known) if known.marker == stored_marker => known_slot.insert(known),
            _ => {
                let events = round.stored_events()?;
                let mut known =
                    Known::from_events(events, &self.settings.id_prefix(), &self.settings.service);
                known.marker = stored_marker;
                known_slot.insert(known)
            }
        };

        let horizon = round.now - round.backfill;
        let (api, settings, marks) = (&self.api, &self.settings, &mut round.marks);

        let first_run_sync = marks.get(state::RUNS_CREATED_SINCE)?.is_none();
        let runs = runs::list(api, marks, round.now, horizon).await?;
        let mut found = if settings.deploy_workflows.is_empty() {
            deployments::from_deployments_api(api, settings, known, marks, round.now, horizon)
                .await?
        } else {
            let mut deploy_runs: Vec<payload::WorkflowRun> = runs
                .iter()
                .filter(|r| settings.is_deploy_workflow(r))
                .cloned()
                .collect();
            if first_run_sync {
                deploy_runs.extend(deployments::older_deploy_runs(api, settings, horizon).await?);
            }
            deployments::from_runs(settings, known, &deploy_runs)
        };
        deployments::attach_changes(api, known, &mut found).await?;
        let pull_requests = pulls::sync(api, &settings.service, known, marks, horizon).await?;
        let incidents = issues::sync(api, settings, marks, horizon).await?;

        let events = EventSet {
            services: Vec::new(),
            deployments: found
                .into_iter()
                .map(|p| p.deployment)
                .filter(|d| known.deployment_changed(d))
                .collect(),
            pull_requests,
            pipeline_runs: runs
                .iter()
                .filter(|r| settings.is_ci_workflow(r))
                .map(|r| {
                    translate::pipeline_run(r, settings.run_deployment_id(r.id), &settings.service)
                })
                .collect(),
            incidents,
        };
        let serial = self.syncs.fetch_add(1, Ordering::Relaxed);
        let marker = format!("{} #{serial}", format_time(round.now));
        marks.set(state::SYNC_AT, marker.clone());
        known.absorb(&events, marker);
        let mut found = Found::events(events);
        if self.compares_others {
            let forge = compare::Compares(api);
            found.degraded = compared::after_sync(
                &forge,
                round,
                &settings.name,
                &settings.service,
                &found.events,
            )
            .await?;
        }
        Ok(found)
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        probe::probe(&self.api, &self.settings, round).await
    }

    fn reads_others(&self) -> bool {
        self.compares_others
    }
}
