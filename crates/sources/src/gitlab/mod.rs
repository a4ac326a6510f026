//! GitLab (gitlab.com and self-managed) as a polled source: deployments to production-tier
//! environments with the commits each shipped first, pipelines with durations, merge requests
//! with their first commit and first review. Token from `token_env`, else GITLAB_TOKEN, sent
//! as the PRIVATE-TOKEN header.
//!
//! One sync: environments, merge requests, pipelines, deployments (in that order: deployments
//! resolve "This reverts merge request !N" with the merge shas the merge request list brought).
//! First sync (no horizon yet): GET /projects/:id (fails early and clearly on a wrong project
//! or token; gives the web URL), then every list down to the backfill horizon, the deployments
//! one successful deployment further (the baseline), and the open merge requests. Later syncs:
//! every list down to its cursor; a list whose first page answers 304 is unchanged and ends
//! there.
//!
//! Files: `setup` (config), `api` (every request, what statuses mean), `payload` (GitLab's
//! JSON), `translate` (payloads to model events), `state` (watermarks), `walk` (newest-first
//! lists and cursors), `context` (what the parts of a sync share), `merge_requests`,
//! `pipelines`, `deployments`, and `probe`; `compare` asks `repository/compare` for the
//! deployments of another source of the service that name only a sha (Jenkins, Argo CD, ...;
//! no git source: `shipped::compared`), once per pair, at the end of a sync.

mod api;
mod compare;
mod context;
mod deployments;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzz;
mod merge_requests;
mod payload;
mod pipelines;
mod probe;
mod setup;
mod state;
mod translate;
mod walk;
pub mod webhook;
mod webhook_payload;

use std::time::Duration;

use secrecy::SecretString;

use self::api::Api;
use self::context::Cx;
use self::payload::Environment;
use self::setup::Settings;
use self::state::{PROJECT, ProjectInfo};
use self::translate::Scope;
use crate::SourceError;
use crate::http::HttpClient;
use crate::live::{ProbeReport, SyncOutcome};
use crate::polled::{Found, Horizon, Polled, Provider, Round, Setup};
use crate::shipped::compared;
use flowdeck_config::{GitlabSourceConfig, SourceConfig};

/// One GitLab project as a polled source.
pub type GitlabSource = Polled<Gitlab>;

#[derive(Debug)]
pub struct Gitlab {
    settings: Settings,
    api: Api,
    /// Whether it compares other sources' deployments of its service (`shipped::compared`).
    compares_others: bool,
}

impl GitlabSource {
    /// Reads the token now (from `token_env`, else GITLAB_TOKEN; none is anonymous access).
    pub fn new(config: &GitlabSourceConfig, http: HttpClient) -> Result<GitlabSource, SourceError> {
        Polled::build(config, &Setup::new(&http, &[]))
    }

    /// Uses this token instead of the one config points at (a token found elsewhere, e.g. a
    /// keyring; tests).
    pub fn with_token(mut self, token: SecretString) -> GitlabSource {
        self.provider.api.set_token(Some(&token));
        self.provider.settings.token = Some(token);
        self
    }
}

impl Provider for Gitlab {
    const KIND: &'static str = "gitlab";
    const HORIZON: Horizon = state::HORIZON;
    type Config = GitlabSourceConfig;

    fn config(source: &SourceConfig) -> Option<&GitlabSourceConfig> {
        match source {
            SourceConfig::Gitlab(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &GitlabSourceConfig, setup: &Setup<'_>) -> Result<Gitlab, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(setup, &settings);
        Ok(Gitlab {
            compares_others: setup.compares_for(&settings.name),
            settings,
            api,
        })
    }

    fn name(&self) -> &str {
        &self.settings.name
    }

    fn interval(&self) -> Option<Duration> {
        self.settings.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let (api, settings) = (&self.api, &self.settings);
        let project = match round.marks.json::<ProjectInfo>(PROJECT)? {
            Some(p) => p,
            None => {
                let p = api.project().await?;
                ProjectInfo {
                    path: p.path_with_namespace,
                    web_url: p.web_url,
                }
            }
        };
        let mut out = SyncOutcome::default();
        out.watermarks
            .push((PROJECT.to_string(), state::json(&project)));
        let cx = Cx {
            api,
            settings,
            round,
            scope: Scope {
                service: &settings.service,
                project: &settings.project,
                path: Some(&project.path),
                web_url: Some(&project.web_url),
            },
            horizon: round.covers_from,
        };
        let environments: Vec<Environment> = api
            .get_all(
                api.project_url(&["environments"], &[("per_page", "100")]),
                "environments",
            )
            .await?;
        let mut merge_shas = merge_requests::sync(&cx, &mut out).await?;
        pipelines::sync(&cx, &mut out).await?;
        deployments::sync(&cx, &environments, &mut merge_shas, &mut out).await?;
        for (key, value) in out.watermarks {
            round.marks.set(key, value);
        }
        let mut found = Found::events(out.events);
        if self.compares_others {
            let forge = compare::Compares {
                api,
                scope: Scope {
                    service: &settings.service,
                    project: &settings.project,
                    path: Some(&project.path),
                    web_url: Some(&project.web_url),
                },
            };
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
