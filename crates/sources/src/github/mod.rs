//! The GitHub source (github.com, and Enterprise through `base_url`), over the REST API:
//!
//! - deployments: the Deployments API per production environment, each deployment's statuses
//!   read once (deploy time = its first success status), or runs of `deploy_workflows`;
//! - the commits each successful deployment shipped first: a compare with its predecessor;
//! - CI: Actions workflow runs, latest attempt of each;
//! - pull requests, with their first commit and first review by someone else;
//! - incidents: issues carrying an incident label.
//!
//! Inside: `client` is the one file speaking HTTP, `api` the payload types, `translate` turns
//! payloads into model events, `deployments`, `runs`, `pulls` and `issues` read each kind
//! incrementally from watermarks (`marks`), `known` remembers what is stored so unchanged data
//! costs nothing but conditional list requests, `probe` serves `flowdeck check`.
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
//!
//! An unchanged repository costs one conditional request per deploy environment, one for the
//! runs, one for the pull requests, one per incident label and one per deployment still in
//! progress: 5 with the defaults, all answered 304.

mod api;
mod client;
mod deployments;
mod issues;
mod known;
mod marks;
mod probe;
mod pulls;
mod runs;
mod translate;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::SourceError;
use crate::http::HttpClient;
use crate::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use crate::token::{self, TokenLookup};
use flowdeck_config::schema::GithubSourceConfig;
use flowdeck_core::model::EventSet;

use client::Api;
use known::Known;
use marks::Marks;

/// How often a GitHub source is polled when neither it nor `[general] refresh` says.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// What the config asks of one repository, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub repo: String,
    pub service: String,
    pub deploy_environments: Vec<String>,
    pub deploy_workflows: Vec<String>,
    pub ci_workflows: Vec<String>,
    pub incident_labels: Vec<String>,
}

/// The file name of a workflow as config or a run path names it ("ci.yml").
fn workflow_basename(name: &str) -> &str {
    let name = name.split('@').next().unwrap_or(name);
    name.rsplit('/').next().unwrap_or(name)
}

impl Settings {
    /// Every id of this source starts so (`github:acme/api:`).
    pub fn id_prefix(&self) -> String {
        format!("github:{}:", self.repo)
    }

    /// `github:acme/api:123456`
    pub fn deployment_id(&self, id: u64) -> String {
        format!("github:{}:{id}", self.repo)
    }

    /// A deployment made by a deploy workflow run, and a CI run: `github:acme/api:run:987`.
    pub fn run_deployment_id(&self, id: u64) -> String {
        format!("github:{}:run:{id}", self.repo)
    }

    pub fn is_configured_environment(&self, environment: &str) -> bool {
        self.deploy_environments
            .iter()
            .any(|e| e.eq_ignore_ascii_case(environment))
    }

    fn run_file<'a>(&self, run: &'a api::WorkflowRun) -> Option<&'a str> {
        run.path.as_deref().map(workflow_basename)
    }

    pub fn is_deploy_workflow(&self, run: &api::WorkflowRun) -> bool {
        self.run_file(run).is_some_and(|file| {
            self.deploy_workflows
                .iter()
                .any(|w| workflow_basename(w) == file)
        })
    }

    /// `ci_workflows` names the CI workflows; empty means every workflow.
    pub fn is_ci_workflow(&self, run: &api::WorkflowRun) -> bool {
        self.ci_workflows.is_empty()
            || self.run_file(run).is_some_and(|file| {
                self.ci_workflows
                    .iter()
                    .any(|w| workflow_basename(w) == file)
            })
    }
}

/// One repository on GitHub as a polled source.
pub struct GithubSource {
    name: String,
    api: Api,
    settings: Settings,
    interval: Duration,
    /// What the store holds of this source, for syncs that skip what is already known.
    known: tokio::sync::Mutex<Option<Known>>,
    syncs: AtomicU64,
}

impl std::fmt::Debug for GithubSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubSource")
            .field("name", &self.name)
            .field("api", &self.api)
            .field("settings", &self.settings)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl GithubSource {
    /// Checks the config and finds the token (once: token_cmd, token_env, GH_TOKEN,
    /// GITHUB_TOKEN, then `gh auth token --hostname HOST`). No request is sent.
    pub fn new(config: &GithubSourceConfig, http: HttpClient) -> Result<GithubSource, SourceError> {
        let root = client::parse_base_url(&config.base_url)?;
        let host = root.host_str().unwrap_or_default();
        // The CLI knows github.com by its web host.
        let gh_host = if host == "api.github.com" {
            "github.com"
        } else {
            host
        };
        let token = token::resolve(&TokenLookup {
            command: config.token_cmd.clone(),
            env: config.token_env.clone(),
            defaults: &["GH_TOKEN", "GITHUB_TOKEN"],
            gh_host: Some(gh_host.to_string()),
        })?;
        if token.is_some()
            && root.scheme() == "http"
            && !matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
        {
            tracing::warn!(
                base_url = %config.base_url,
                "the GitHub token travels over plain http to a host that is not this machine"
            );
        }
        let api = Api::new(http, &config.base_url, &config.repo, token)?;
        if config.deploy_environments.is_empty() && config.deploy_workflows.is_empty() {
            return Err(SourceError::Config(format!(
                "github source {}: deploy_environments and deploy_workflows are both empty, so nothing is a deployment",
                config.repo
            )));
        }
        Ok(GithubSource {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| format!("github:{}", config.repo)),
            api,
            settings: Settings {
                repo: config.repo.clone(),
                service: config.service.clone(),
                deploy_environments: config.deploy_environments.clone(),
                deploy_workflows: config.deploy_workflows.clone(),
                ci_workflows: config.ci_workflows.clone(),
                incident_labels: config.incident_labels.clone(),
            },
            interval: config.interval.map_or(DEFAULT_INTERVAL, |i| i.as_std()),
            known: tokio::sync::Mutex::new(None),
            syncs: AtomicU64::new(0),
        })
    }

    /// Polls every `interval` (the source's own `interval` in config wins; the caller passes
    /// `[general] refresh` here when the source sets none).
    pub fn with_default_interval(
        mut self,
        config: &GithubSourceConfig,
        interval: Duration,
    ) -> Self {
        if config.interval.is_none() {
            self.interval = interval;
        }
        self
    }

    async fn run_sync(&self, ctx: &SyncContext) -> Result<SyncOutcome, SourceError> {
        let mut known_slot = self.known.lock().await;
        let mut marks = Marks::new(ctx.store.clone(), &self.name);
        let stored_marker = marks.get(marks::SYNC_AT)?;
        let known = match known_slot.take() {
            Some(known) if known.marker == stored_marker => known_slot.insert(known),
            _ => {
                let events = ctx.store.load().map_err(marks::store_error)?;
                let mut known =
                    Known::from_events(events, &self.settings.id_prefix(), &self.settings.service);
                known.marker = stored_marker;
                known_slot.insert(known)
            }
        };

        let horizon = ctx.now - ctx.backfill;
        let covers_from = match marks.timestamp(marks::BACKFILL_FROM)? {
            Some(from) => from,
            None => {
                marks.set(marks::BACKFILL_FROM, marks::format_time(horizon));
                horizon
            }
        };
        let (api, settings) = (&self.api, &self.settings);

        let first_run_sync = marks.get(marks::RUNS_CREATED_SINCE)?.is_none();
        let runs = runs::list(api, &mut marks, ctx.now, horizon).await?;
        let mut found = if settings.deploy_workflows.is_empty() {
            deployments::from_deployments_api(api, settings, known, &mut marks, ctx.now, horizon)
                .await?
        } else {
            let mut deploy_runs: Vec<api::WorkflowRun> = runs
                .iter()
                .filter(|r| settings.is_deploy_workflow(r))
                .cloned()
                .collect();
            if first_run_sync {
                deploy_runs.extend(deployments::older_deploy_runs(api, settings, horizon).await?);
            }
            deployments::from_runs(api, settings, known, &deploy_runs)
        };
        deployments::attach_changes(api, known, &mut found).await?;
        let pull_requests = pulls::sync(api, &settings.service, known, &mut marks, horizon).await?;
        let incidents = issues::sync(api, settings, &mut marks, horizon).await?;

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
        let marker = format!("{} #{serial}", marks::format_time(ctx.now));
        marks.set(marks::SYNC_AT, marker.clone());
        known.absorb(&events, marker);
        Ok(SyncOutcome {
            events,
            watermarks: marks.updates,
            covers_from: Some(covers_from),
            degraded: None,
        })
    }
}

impl Source for GithubSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "github"
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn sync<'a>(&'a self, ctx: &'a SyncContext) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
        Box::pin(self.run_sync(ctx))
    }

    fn probe<'a>(
        &'a self,
        ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
        Box::pin(probe::probe(&self.api, &self.settings, ctx))
    }
}
