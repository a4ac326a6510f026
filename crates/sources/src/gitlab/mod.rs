//! GitLab (gitlab.com and self-managed) as a polled source: deployments to production-tier
//! environments with the commits each shipped first, pipelines with durations, merge requests
//! with their first commit and first review. Token from `token_env`, else GITLAB_TOKEN, sent
//! as the PRIVATE-TOKEN header.
//!
//! Files: `setup` (config), `api` (every request), `payload` (GitLab's JSON), `translate`
//! (payloads to model events), `walk` (newest-first lists and cursors), `state` (watermarks),
//! `sync` with `merge_requests`, `pipelines`, `deployments`, and `probe`.

mod api;
mod deployments;
mod merge_requests;
mod payload;
mod pipelines;
mod probe;
mod setup;
mod state;
mod sync;
mod translate;
mod walk;

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;

pub use api::HttpClient;
pub use setup::DEFAULT_INTERVAL;

use self::api::Api;
use self::setup::Settings;
use super::SourceError;
use super::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use flowdeck_config::GitlabSourceConfig;

pub struct GitlabSource {
    settings: Settings,
    api: Api,
    interval: Duration,
}

impl fmt::Debug for GitlabSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitlabSource")
            .field("settings", &self.settings)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl GitlabSource {
    /// Reads the token now (from `token_env`, else GITLAB_TOKEN; none is anonymous access).
    pub fn new(config: &GitlabSourceConfig, http: HttpClient) -> Result<GitlabSource, SourceError> {
        let settings = Settings::from_config(config)?;
        let api = Api::new(http, &settings);
        let interval = settings.interval.unwrap_or(DEFAULT_INTERVAL);
        Ok(GitlabSource {
            settings,
            api,
            interval,
        })
    }

    /// The poll interval when the source's config sets none (e.g. `general.refresh`).
    pub fn with_default_interval(mut self, interval: Duration) -> GitlabSource {
        self.interval = self.settings.interval.unwrap_or(interval);
        self
    }

    /// Uses this token instead of the one config points at (a token found elsewhere, e.g. a
    /// keyring; tests).
    pub fn with_token(mut self, token: SecretString) -> GitlabSource {
        self.api.set_token(Some(token.clone()));
        self.settings.token = Some(token);
        self
    }

    /// The project as configured (a path or a numeric id).
    pub fn project(&self) -> &str {
        &self.settings.project
    }
}

impl Source for GitlabSource {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn kind(&self) -> &'static str {
        "gitlab"
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
