//! A git source read into the store, as `flowdeck collect` does: the collector reads the clone
//! on its interval like any polled source, so a dashboard, report or `serve` reading the shared
//! store sees tag deployments without a clone of its own (and every kind of deployment can
//! notify). Each sync reads every deploy tag again (a local read, no request): the store
//! upserts by stable id, so unchanged tags write nothing.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::SourceError;
use crate::live::{BoxFuture, ProbeReport, Source, SyncContext, SyncOutcome};
use flowdeck_config::schema::GitSourceConfig;
use flowdeck_core::model::{EventSet, Service};

/// The kind a git source's status line is stored under.
pub const KIND: &str = "git";

/// One `[[sources]]` entry of kind git, run by the poller.
#[derive(Debug)]
pub struct CollectedGit {
    name: String,
    config: Arc<GitSourceConfig>,
    base_dir: PathBuf,
    interval: Duration,
}

impl CollectedGit {
    /// The source as configured; `refresh` is the interval when the entry sets none.
    pub fn new(
        config: &GitSourceConfig,
        name: String,
        base_dir: PathBuf,
        refresh: Duration,
    ) -> Self {
        CollectedGit {
            name,
            interval: config.interval.map_or(refresh, |i| i.as_std()),
            config: Arc::new(config.clone()),
            base_dir,
        }
    }
}

impl Source for CollectedGit {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        KIND
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn sync<'a>(
        &'a self,
        _ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<SyncOutcome, SourceError>> {
        Box::pin(async move {
            let config = self.config.clone();
            let base_dir = self.base_dir.clone();
            // libgit2 blocks: off the poller's async workers.
            let loaded = tokio::task::spawn_blocking(move || super::load(&config, &base_dir))
                .await
                .map_err(|e| {
                    SourceError::Transient(format!("reading the repository stopped: {e}"))
                })??;
            Ok(SyncOutcome {
                events: EventSet {
                    services: vec![Service {
                        name: self.config.service.clone(),
                        team: None,
                    }],
                    deployments: loaded.deployments,
                    ..EventSet::default()
                },
                removals: Vec::new(),
                watermarks: Vec::new(),
                covers_from: None,
                degraded: None,
                committed: Default::default(),
            })
        })
    }

    fn probe<'a>(
        &'a self,
        _ctx: &'a SyncContext,
    ) -> BoxFuture<'a, Result<ProbeReport, SourceError>> {
        Box::pin(async move {
            let config = self.config.clone();
            let base_dir = self.base_dir.clone();
            let probe = tokio::task::spawn_blocking(move || super::probe(&config, &base_dir))
                .await
                .map_err(|e| {
                    SourceError::Transient(format!("reading the repository stopped: {e}"))
                })??;
            Ok(format!(
                "{} deploy tag(s), newest {}",
                probe.tags_matched,
                probe.newest_tag.as_deref().unwrap_or("none")
            ))
        })
    }
}
