//! CircleCI (API v2) as a polled source of deployments and CI runs.
//!
//! A sync reads the project's pipelines, newest first (`GET /project/{slug}/pipeline`, paged by
//! `next_page_token` passed back as `page-token`), down to the newest pipeline the last sync
//! read (on a first sync, down to the backfill horizon), then each new pipeline's workflows
//! (`GET /pipeline/{id}/workflow`), and again the workflows of pipelines that were still running
//! at the last sync. Runs of `deploy_workflows` are deployment attempts; the other workflows
//! (or only `ci_workflows`) CI runs (`translate` says how). A first sync also reads on past the
//! horizon until one older pipeline with a successful deploy workflow, the predecessor of the
//! first deployment inside it.
//!
//! An unchanged poll costs one request (the first page of pipelines), plus one per pipeline
//! still running. A first sync costs a page per 20 pipelines plus one request per pipeline.
//! A workflow rerun after its pipeline ended (and after [`state::WAIT_DAYS`]) is not seen. A
//! pipeline whose workflows CircleCI answers 404 for is read again next sync, not dropped.
//!
//! The token is sent as `Circle-Token`; it comes from `token_cmd`, else the variable `token_env`
//! names, else CIRCLECI_TOKEN, then CIRCLE_TOKEN. 429s wait `Retry-After` (the HTTP layer).
//!
//! Files: `setup` (config), `api` (every request and what statuses mean), `payload` (CircleCI's
//! JSON), `translate` (workflows to deployments and CI runs), `state` (what is remembered).

mod api;
mod payload;
mod setup;
mod state;
mod translate;

use std::time::Duration;

use self::api::Api;
use self::payload::Pipeline;
use self::setup::Settings;
use self::translate::Facts;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup, format_time};
use flowdeck_config::{CircleciSourceConfig, SourceConfig};
use flowdeck_core::model::{EventSet, Timestamp};
use flowdeck_core::text::human_duration;

/// Pages of pipelines read at most in one sync (20,000 pipelines).
const MAX_PAGES: usize = 1_000;
/// Older pipelines whose workflows a first sync reads at most, looking for the predecessor.
const MAX_OLDER: usize = 100;
/// Pages of pipelines and pipelines' workflows `check` reads at most.
const PROBE_PAGES: usize = 10;
const PROBE_PIPELINES: usize = 20;

/// A CircleCI project as a polled source.
pub type CircleciSource = Polled<Circleci>;

#[derive(Debug)]
pub struct Circleci {
    settings: Settings,
    api: Api,
}

impl CircleciSource {
    /// Checks the config and reads the token (no request is sent).
    pub fn new(
        config: &CircleciSourceConfig,
        http: HttpClient,
    ) -> Result<CircleciSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

impl Provider for Circleci {
    const KIND: &'static str = "circleci";
    type Config = CircleciSourceConfig;

    fn config(source: &SourceConfig) -> Option<&CircleciSourceConfig> {
        match source {
            SourceConfig::Circleci(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &CircleciSourceConfig, setup: &Setup<'_>) -> Result<Circleci, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings);
        Ok(Circleci { settings, api })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let known = state::Known::read(&round.marks)?;
        let first = known.newest.is_none();
        let listed = self.list(known.newest.as_ref(), round.covers_from).await?;
        let mut events = EventSet::default();
        let mut open = Vec::new();
        for pipeline in &listed.new {
            let Some(facts) = Facts::of(pipeline) else {
                tracing::warn!(
                    pipeline = pipeline.number,
                    "CircleCI pipeline without a sha; skipped"
                );
                continue;
            };
            self.read_pipeline(facts, round.now, &mut events, &mut open)
                .await?;
        }
        for facts in known.open {
            if listed.new.iter().any(|p| p.id == facts.id) {
                continue;
            }
            self.read_pipeline(facts, round.now, &mut events, &mut open)
                .await?;
        }
        if first && !self.settings.deploy_workflows.is_empty() {
            self.predecessor(listed.next_token, listed.older, round.now, &mut events)
                .await?;
        }
        let newest = state::Newest::after(
            known.newest,
            listed.new.iter().map(|p| (p.id.as_str(), p.created_at)),
        );
        state::remember(&mut round.marks, newest.as_ref(), &open)?;
        Ok(Found::events(events))
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        // The pipelines since the horizon, newest first, at most PROBE_PAGES pages of them.
        let mut recent: Vec<Pipeline> = Vec::new();
        let mut token: Option<String> = None;
        let mut more = false;
        for page_number in 1..=PROBE_PAGES {
            let page = self.api.pipelines(token.as_deref()).await?;
            let listed = page.items.len();
            recent.extend(
                page.items
                    .into_iter()
                    .filter(|p| p.created_at >= round.covers_from),
            );
            token = page.next_page_token.filter(|t| !t.is_empty());
            let all_recent = recent.len() == listed + (page_number - 1) * 20;
            if token.is_none() || !all_recent {
                break;
            }
            more = page_number == PROBE_PAGES;
        }
        let count = recent.len();
        let newest = self.newest_deploy(&recent, round.now).await?;
        Ok(format!(
            "project {} on {}, token accepted; {}{} pipelines since {}; {newest}",
            self.settings.project,
            self.api.origin.host(),
            count,
            if more { "+" } else { "" },
            format_time(round.covers_from),
        ))
    }
}

/// What the pipeline listing found.
struct Listed {
    /// Pipelines not read before, newest first.
    new: Vec<Pipeline>,
    /// The pipelines of the last page read that are older than where the listing stopped.
    older: Vec<Pipeline>,
    /// The page after the last one read.
    next_token: Option<String>,
}

impl Circleci {
    /// The pipelines created since the last sync's newest (on a first sync, since `horizon`).
    async fn list(
        &self,
        newest: Option<&state::Newest>,
        horizon: Timestamp,
    ) -> Result<Listed, SourceError> {
        let mut listed = Listed {
            new: Vec::new(),
            older: Vec::new(),
            next_token: None,
        };
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.api.pipelines(token.as_deref()).await?;
            let mut reached = false;
            for pipeline in page.items {
                let known = match newest {
                    Some(newest) => newest.reaches(&pipeline.id, pipeline.created_at),
                    None => pipeline.created_at < horizon,
                };
                if known || reached {
                    reached = true;
                    listed.older.push(pipeline);
                } else {
                    listed.new.push(pipeline);
                }
            }
            token = page.next_page_token.filter(|t| !t.is_empty());
            if reached || token.is_none() {
                listed.next_token = token;
                return Ok(listed);
            }
        }
        tracing::warn!(project = %self.settings.project, "pipeline listing cut at {MAX_PAGES} pages");
        Ok(listed)
    }

    /// Reads a pipeline's workflows, adds their events, and keeps it open while they run.
    async fn read_pipeline(
        &self,
        facts: Facts,
        now: Timestamp,
        events: &mut EventSet,
        open: &mut Vec<Facts>,
    ) -> Result<(), SourceError> {
        let Some(workflows) = self.api.workflows(&facts.id).await? else {
            if facts.created_at >= now - chrono::Duration::days(state::WAIT_DAYS) {
                open.push(facts);
            }
            return Ok(());
        };
        translate::pipeline_events(&self.settings, &facts, &workflows, now, events);
        if state::still_open(&facts, &workflows, now) {
            open.push(facts);
        }
        Ok(())
    }

    /// On a first sync: the newest successful deploy workflow older than the horizon, read from
    /// the pipelines after where the listing stopped (at most [`MAX_OLDER`] of them).
    async fn predecessor(
        &self,
        mut token: Option<String>,
        mut older: Vec<Pipeline>,
        now: Timestamp,
        events: &mut EventSet,
    ) -> Result<(), SourceError> {
        let mut read = 0;
        loop {
            for pipeline in &older {
                if read >= MAX_OLDER {
                    return Ok(());
                }
                read += 1;
                let Some(facts) = Facts::of(pipeline) else {
                    continue;
                };
                let workflows = self.api.workflows(&pipeline.id).await?.unwrap_or_default();
                if let Some(success) = workflows
                    .iter()
                    .filter(|w| self.settings.is_deploy(&w.name) && w.status == "success")
                    .max_by_key(|w| w.created_at)
                {
                    events.deployments.push(translate::deployment(
                        &self.settings,
                        &facts,
                        success,
                        now,
                    ));
                    return Ok(());
                }
            }
            let Some(next) = token.take() else {
                return Ok(());
            };
            let page = self.api.pipelines(Some(&next)).await?;
            older = page.items;
            token = page.next_page_token.filter(|t| !t.is_empty());
        }
    }

    /// "newest deploy workflow success 2h ago (pipeline 412)", from the newest pipelines.
    async fn newest_deploy(
        &self,
        recent: &[Pipeline],
        now: Timestamp,
    ) -> Result<String, SourceError> {
        if self.settings.deploy_workflows.is_empty() {
            return Ok("no deploy_workflows configured: CI runs only".into());
        }
        for pipeline in recent.iter().take(PROBE_PIPELINES) {
            let workflows = self.api.workflows(&pipeline.id).await?.unwrap_or_default();
            if let Some(deploy) = workflows
                .iter()
                .filter(|w| self.settings.is_deploy(&w.name))
                .max_by_key(|w| w.created_at)
            {
                let at = deploy.stopped_at.unwrap_or(deploy.created_at);
                return Ok(format!(
                    "newest deploy workflow {} {} ago (pipeline {})",
                    flowdeck_core::text::sanitize(&deploy.status),
                    human_duration((now - at).num_seconds()),
                    pipeline.number
                ));
            }
        }
        Ok(format!(
            "no run of {} among the newest {} pipelines",
            self.settings.deploy_workflows.join(", "),
            recent.len().min(PROBE_PIPELINES)
        ))
    }
}
