//! What the Argo CD source remembers between syncs:
//!
//! | key | value |
//! |---|---|
//! | `backfill.from` | the first sync's horizon (the scaffold's) |
//! | `history.newest` | JSON `{"deployed_at", "id"}`: the newest history entry stored; only newer ones are read as new, so an unchanged poll stores nothing |
//! | `operation.last` | `<startedAt> <phase>` of the latest operation recorded: a failed one is recorded once |
//! | `operation.running` | JSON of the deployment recorded in progress, until its outcome is seen (or it is recorded cancelled, when a newer operation replaced it unseen) |
//! | `health.degraded` | JSON of the open incident of a Degraded period, until the application is seen Healthy again |
//!
//! Argo CD keeps only `revisionHistoryLimit` history entries (10 by default); flowdeck keeps
//! every one it has seen, so the stored history outlives Argo CD's as long as fewer syncs than
//! that happen between two polls.

use serde::{Deserialize, Serialize};

use super::payload::History;
use crate::SourceError;
use crate::polled::Watermarks;
use flowdeck_core::model::{Deployment, Incident, Timestamp};

const HISTORY: &str = "history.newest";
const OPERATION: &str = "operation.last";
const RUNNING: &str = "operation.running";
const DEGRADED: &str = "health.degraded";

/// The newest history entry stored, in the order entries are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct Mark {
    pub deployed_at: Timestamp,
    pub id: i64,
}

impl Mark {
    pub(super) fn of(entry: &History) -> Mark {
        Mark {
            deployed_at: entry.deployed_at,
            id: entry.id,
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Known {
    pub history: Option<Mark>,
    pub operation: Option<String>,
    pub running: Option<Deployment>,
    pub degraded: Option<Incident>,
}

impl Known {
    pub(super) fn read(marks: &Watermarks) -> Result<Known, SourceError> {
        Ok(Known {
            history: marks.json(HISTORY)?,
            operation: marks.get(OPERATION)?.filter(|v| !v.is_empty()),
            running: marks.json(RUNNING)?,
            degraded: marks.json(DEGRADED)?,
        })
    }
}

/// What this sync leaves for the next.
#[derive(Debug, Default)]
pub(super) struct Next {
    pub history: Option<Mark>,
    pub operation: Option<String>,
    pub running: Option<Deployment>,
    pub degraded: Option<Incident>,
}

pub(super) fn remember(marks: &mut Watermarks, next: &Next) -> Result<(), SourceError> {
    fn json<T: Serialize>(value: Option<&T>) -> Result<String, SourceError> {
        // "null" reads back as missing.
        serde_json::to_string(&value)
            .map_err(|e| SourceError::Data(format!("argocd watermarks: {e}")))
    }
    if let Some(history) = &next.history {
        marks.set(HISTORY, json(Some(history))?);
    }
    if let Some(operation) = &next.operation {
        marks.set(OPERATION, operation.clone());
    }
    marks.set(RUNNING, json(next.running.as_ref())?);
    marks.set(DEGRADED, json(next.degraded.as_ref())?);
    Ok(())
}
