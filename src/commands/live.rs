//! The polled part of a run: the store the config names, the sources polled into it, and what
//! the store holds turned into events and status lines. Only opened when the config has polled
//! sources (GitHub, GitLab): a git-only or demo run never touches the data folder.

use std::sync::Arc;

use super::CommandError;
use super::context::Context;
use crate::model::{EventSet, Timestamp};
use crate::poller::{self, SyncReport};
use crate::sources::live::Source;
use crate::sources::{SourceStatus, registry};
use crate::store::{OpenError, Store, StoreError, StoreLocation, StoredStatus};

/// How a polled source with no stored status yet is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYetSynced {
    /// A poller is running: its first sync is on the way (the dashboard).
    Syncing,
    /// Nothing will sync it in this run (`report --offline`, or its sync failed before any
    /// status could be stored).
    Missing,
}

pub struct Live {
    pub store: Arc<dyn Store>,
    pub sources: Vec<Arc<dyn Source>>,
    /// Configured sources that could not be set up, with the reason.
    broken: Vec<SourceStatus>,
    pub backfill: chrono::Duration,
}

impl Live {
    /// Opens the store and sets up the polled sources; None when the config polls nothing.
    /// A store that cannot be used (locked, damaged, newer) stops the command: nothing is
    /// replaced or written around it.
    pub fn open(ctx: &Context) -> Result<Option<Live>, CommandError> {
        if !polls_anything(ctx) {
            return Ok(None);
        }
        let store = open_store(ctx)?;
        Live::with_store(ctx, store).map(Some)
    }

    /// Sets up the polled sources around a store already open.
    pub fn with_store(ctx: &Context, store: Arc<dyn Store>) -> Result<Live, CommandError> {
        let config = &ctx.loaded.config;
        let http = registry::http_client(store.clone())
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
        let polled = registry::build(config, &http);
        Ok(Live {
            store,
            sources: polled.sources,
            broken: polled.broken,
            backfill: config.general.backfill.as_chrono(),
        })
    }

    /// Configured sources that could not be set up, with the reason.
    pub fn broken(&self) -> &[SourceStatus] {
        &self.broken
    }

    /// Syncs every source once at `now`, each failure logged and kept in its status.
    pub fn sync_round(&self, now: Timestamp) -> Result<Vec<SyncReport>, CommandError> {
        let reports = poller::sync_all_blocking(&self.sources, &self.store, self.backfill, now)
            .map_err(|e| {
                CommandError::Runtime(anyhow::Error::new(e).context("could not start the poller"))
            })?;
        Ok(reports)
    }

    /// Everything stored, and one status line per polled source (config order).
    pub fn read(&self, not_yet: NotYetSynced) -> Result<(EventSet, Vec<SourceStatus>), StoreError> {
        let events = self.store.load()?;
        let stored = self.store.statuses()?;
        let mut statuses: Vec<SourceStatus> = self
            .sources
            .iter()
            .map(
                |source| match stored.iter().find(|s| s.name == source.name()) {
                    Some(status) => from_stored(status),
                    None => waiting(source.name(), source.kind(), not_yet),
                },
            )
            .collect();
        statuses.extend(self.broken.iter().cloned());
        Ok((events, statuses))
    }
}

/// Whether the run has polled sources (and so a store).
pub fn polls_anything(ctx: &Context) -> bool {
    !ctx.demo && ctx.loaded.config.sources.iter().any(registry::is_polled)
}

/// The store `[general] store` names. A bad setting is a config error (exit 2); a store that
/// cannot be opened is a runtime one (exit 1).
pub fn open_store(ctx: &Context) -> Result<Arc<dyn Store>, CommandError> {
    let config = &ctx.loaded.config;
    let location = StoreLocation::parse(&config.general.store, &ctx.loaded.base_dir)
        .map_err(|e| CommandError::Usage(format!("[general] {e}")))?;
    location.open().map_err(|e| match e {
        OpenError::Locate(e) => CommandError::Usage(format!("[general] {e}")),
        OpenError::Store(e) => CommandError::Runtime(anyhow::Error::msg(e.to_string())),
    })
}

fn from_stored(status: &StoredStatus) -> SourceStatus {
    SourceStatus {
        name: status.name.clone(),
        kind: status.kind.clone(),
        status: status.status.clone(),
        last_success_at: status.last_success_at,
        error: status.error.clone(),
        covers_from: status.covers_from,
    }
}

fn waiting(name: &str, kind: &str, not_yet: NotYetSynced) -> SourceStatus {
    let (status, error) = match not_yet {
        NotYetSynced::Syncing => ("syncing", None),
        NotYetSynced::Missing => (
            "error",
            Some(
                "never synced: run `flowdeck report` without --offline, or the dashboard"
                    .to_string(),
            ),
        ),
    };
    SourceStatus {
        name: name.to_string(),
        kind: kind.to_string(),
        status: status.into(),
        last_success_at: None,
        error,
        covers_from: None,
    }
}
