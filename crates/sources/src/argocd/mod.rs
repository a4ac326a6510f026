//! Argo CD as a polled source of deployments (and, optionally, incidents) of one application.
//!
//! GitOps teams have no deployment API to poll, only the application's sync history: a sync
//! reads `GET /api/v1/applications/{name}` (one request, a Bearer token) and stores
//!
//! - every `status.history` entry newer than the newest one stored (on a first sync: those
//!   since the backfill horizon, and the newest one before it, the predecessor of the first
//!   deployment inside it) as a successful deployment. Argo CD keeps only
//!   `revisionHistoryLimit` entries (default 10); the store keeps every one seen, so the history
//!   outlives Argo CD's. A sync to a revision deployed before is a rollback by the rollback rule
//!   (docs/METRICS.md#rule-c-rollback): nothing here has to say so;
//! - the latest operation, when it failed, as a failed deploy job, recorded once (and one still
//!   running as in progress until its outcome is seen);
//! - with `incidents_from_health`, each period the application is Degraded as an incident of
//!   the service, opened when first seen Degraded and resolved when seen Healthy again.
//!
//! Every poll costs that one request, changed or not.
//!
//! Files: `setup` (config), `api` (the request and what statuses mean), `payload` (Argo CD's
//! Application JSON), `translate` (into deployments and incidents), `state` (what is
//! remembered).

mod api;
mod payload;
mod setup;
mod state;
mod translate;

use std::time::Duration;

use self::api::Api;
use self::payload::{Application, History};
use self::setup::Settings;
use self::state::{Known, Mark, Next};
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::ProbeReport;
use crate::polled::{Found, Polled, Provider, Round, Setup};
use flowdeck_config::{ArgocdSourceConfig, SourceConfig};
use flowdeck_core::model::{DeploymentStatus, EventSet, Timestamp};
use flowdeck_core::text::{human_duration, sanitize};

/// An Argo CD application as a polled source.
pub type ArgocdSource = Polled<Argocd>;

#[derive(Debug)]
pub struct Argocd {
    settings: Settings,
    api: Api,
}

impl ArgocdSource {
    /// Checks the config and reads the token (no request is sent).
    pub fn new(config: &ArgocdSourceConfig, http: HttpClient) -> Result<ArgocdSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }
}

impl Provider for Argocd {
    const KIND: &'static str = "argocd";
    type Config = ArgocdSourceConfig;

    fn config(source: &SourceConfig) -> Option<&ArgocdSourceConfig> {
        match source {
            SourceConfig::Argocd(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &ArgocdSourceConfig, setup: &Setup<'_>) -> Result<Argocd, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings);
        Ok(Argocd { settings, api })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let app = self.api.application().await?;
        let known = Known::read(&round.marks)?;
        let mut events = EventSet::default();
        let mut next = Next::default();
        self.history(
            &app,
            known.history,
            round.covers_from,
            &mut events,
            &mut next,
        );
        self.operation(&app, &known, round.now, &mut events, &mut next);
        if self.settings.incidents_from_health {
            self.health(&app, known.degraded, round.now, &mut events, &mut next);
        }
        state::remember(&mut round.marks, &next)?;
        Ok(Found::events(events))
    }

    async fn probe(&self, round: &Round) -> Result<ProbeReport, SourceError> {
        let app = self.api.application().await?;
        let history = &app.status.history;
        let limit = app.spec.revision_history_limit.unwrap_or(10);
        let newest = history
            .iter()
            .max_by_key(|e| Mark::of(e))
            .map(|e| {
                format!(
                    ", newest {} ago",
                    human_duration((round.now - e.deployed_at).num_seconds())
                )
            })
            .unwrap_or_default();
        let word = |value: Option<&str>| sanitize(value.unwrap_or("Unknown"));
        let sync = app.status.sync.as_ref().and_then(|s| s.status.as_deref());
        let last_op = match &app.status.operation_state {
            Some(op) if op.phase != "Succeeded" => {
                format!(", last operation {}", sanitize(&op.phase))
            }
            _ => String::new(),
        };
        let repo = app
            .spec
            .source
            .as_ref()
            .and_then(|s| s.repo_url.as_deref())
            .map(|r| format!(" from {}", sanitize(r)))
            .unwrap_or_default();
        let project = sanitize(app.spec.project.as_deref().unwrap_or("default"));
        Ok(format!(
            "application {} (project {project}{repo}) on {}, token accepted; {} syncs in history (Argo CD keeps {limit}){newest}; health {}, sync {}{last_op}",
            self.settings.scope,
            self.api.origin.host(),
            history.len(),
            word(app.health()),
            word(sync),
        ))
    }
}

impl Argocd {
    /// The history entries not stored yet, as successful deployments.
    fn history(
        &self,
        app: &Application,
        stored: Option<Mark>,
        horizon: Timestamp,
        events: &mut EventSet,
        next: &mut Next,
    ) {
        let mut entries: Vec<&History> = app.status.history.iter().collect();
        entries.sort_by_key(|e| Mark::of(e));
        let new: Vec<&History> = match stored {
            Some(stored) => entries
                .iter()
                .copied()
                .filter(|e| Mark::of(e) > stored)
                .collect(),
            None => {
                // Since the horizon, and the newest one before it.
                let first_inside = entries.iter().position(|e| e.deployed_at >= horizon);
                let from = match first_inside {
                    Some(i) => i.saturating_sub(1),
                    None => entries.len().saturating_sub(1),
                };
                entries.get(from..).unwrap_or_default().to_vec()
            }
        };
        for entry in &new {
            match translate::synced(&self.settings, entry) {
                Some(deployment) => events.deployments.push(deployment),
                None => tracing::warn!(
                    application = %self.settings.scope,
                    id = entry.id,
                    "Argo CD history entry without a revision; skipped"
                ),
            }
        }
        next.history = entries.last().map(|e| Mark::of(e)).max(stored);
    }

    /// The latest operation, when it failed or runs; and the outcome of one seen running before.
    fn operation(
        &self,
        app: &Application,
        known: &Known,
        now: Timestamp,
        events: &mut EventSet,
        next: &mut Next,
    ) {
        let op = app.status.operation_state.as_ref();
        let current_id = op.map(|op| translate::id_of(&self.settings, op.started_at));
        if let Some(op) = op {
            let key = format!("{} {}", crate::polled::format_time(op.started_at), op.phase);
            if known.operation.as_deref() != Some(key.as_str())
                && let Some(deployment) = translate::operation(&self.settings, op, now)
            {
                if deployment.status == DeploymentStatus::InProgress {
                    next.running = Some(deployment.clone());
                }
                events.deployments.push(deployment);
            } else if op.phase == "Running" || op.phase == "Terminating" {
                next.running = known.running.clone();
            }
            next.operation = Some(key);
        }
        // One recorded in progress whose operation was replaced before its outcome was seen,
        // and that is not in the history (so did not succeed): cancelled, as far as anyone
        // can tell.
        if let Some(running) = &known.running
            && current_id.as_deref() != Some(running.id.as_str())
            && !app
                .status
                .history
                .iter()
                .any(|e| translate::id_of(&self.settings, e.started()) == running.id)
        {
            let mut cancelled = running.clone();
            cancelled.status = DeploymentStatus::Cancelled;
            cancelled.finished_at = now;
            events.deployments.push(cancelled);
        }
    }

    /// A Degraded period opened or closed.
    fn health(
        &self,
        app: &Application,
        open: Option<flowdeck_core::model::Incident>,
        now: Timestamp,
        events: &mut EventSet,
        next: &mut Next,
    ) {
        let health = app.status.health.as_ref();
        let transition = health
            .and_then(|h| h.last_transition_time)
            .filter(|t| *t <= now);
        match (app.health(), open) {
            (Some("Degraded"), None) => {
                let since = transition.unwrap_or(now);
                let message = health.and_then(|h| h.message.as_deref());
                let incident = translate::degraded(&self.settings, since, message);
                events.incidents.push(incident.clone());
                next.degraded = Some(incident);
            }
            (Some("Healthy"), Some(mut incident)) => {
                let at = transition
                    .filter(|t| *t > incident.started_at)
                    .unwrap_or(now);
                incident.resolved_at = Some(at);
                events.incidents.push(incident);
            }
            (_, open) => next.degraded = open,
        }
    }
}
