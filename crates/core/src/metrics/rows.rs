//! Compact per-service rows in time order: what `compute` reads for every window and scope.
//!
//! The derived facts (`DeploymentFacts`, `RunFacts`, `PrFacts` in `facts`) keep everything
//! drill-down needs; these rows keep only the numbers aggregation needs, contiguous and in time
//! order, so that a window is a binary search and a scope is a handful of slices. A service's
//! lead times are stored in deploy order too, so the lead times of a window are one contiguous
//! range. `History::derive` fills them (`history.rs`); each measure's file says what its row
//! holds.

use crate::model::Timestamp;

/// Seconds that are unknown (a run that never started, an open incident).
pub(crate) const NONE: u32 = u32::MAX;

/// Clamps seconds into the row's u32 (136 years), negative to 0.
pub(crate) fn seconds(s: i64) -> u32 {
    s.clamp(0, i64::from(NONE - 1)) as u32
}

/// Seconds from one known instant to another, NONE when either is unknown.
pub(crate) fn between(from: Option<Timestamp>, to: Option<Timestamp>) -> u32 {
    match (from, to) {
        (Some(from), Some(to)) => seconds((to - from).num_seconds()),
        _ => NONE,
    }
}

/// Nanoseconds since the epoch, saturating outside 1677-2262.
pub(crate) fn nanos(t: Timestamp) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

pub(crate) const BASELINE: u8 = 1;
pub(crate) const FAILED: u8 = 2;
pub(crate) const REWORK: u8 = 4;
pub(crate) const RECOVERED: u8 = 8;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeployRow {
    pub(crate) local_day: i32,
    pub(crate) changes: u32,
    /// This deployment's lead times in `ServiceRows::lead`.
    pub(crate) lead_start: u32,
    pub(crate) lead_end: u32,
    pub(crate) recovery_seconds: u32,
    pub(crate) flags: u8,
}

/// How a pipeline run counts in CI health (docs/METRICS.md#ci-health; decided in `ci.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunClass {
    Success,
    Failure,
    /// Cancelled, skipped, neutral, still running: outside the success rate.
    Excluded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunRow {
    pub(crate) class: RunClass,
    pub(crate) duration_seconds: u32,
    pub(crate) queue_seconds: u32,
}

/// A merged pull request whose author is not excluded; parts of its cycle time in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MergedRow {
    pub(crate) cycle: u32,
    pub(crate) coding: u32,
    pub(crate) pickup: u32,
    pub(crate) review: u32,
    pub(crate) deploy: u32,
}

/// A pull request whose author is not excluded, for work in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenRow {
    pub(crate) created: i64,
    /// When it was merged or closed, whichever came first; i64::MAX while open.
    pub(crate) ended: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IncidentRow {
    pub(crate) incident: u32,
    /// started → resolved, NONE while open.
    pub(crate) duration_seconds: u32,
    /// It names more than one service, so a team or total must count it once.
    pub(crate) shared: bool,
}

/// Times are nanoseconds since the epoch (exact, and cheap to compare).
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceRows {
    pub(crate) deploy_time: Vec<i64>,
    pub(crate) deploys: Vec<DeployRow>,
    pub(crate) lead: Vec<u32>,
    pub(crate) run_time: Vec<i64>,
    pub(crate) runs: Vec<RunRow>,
    pub(crate) merged_time: Vec<i64>,
    pub(crate) merged: Vec<MergedRow>,
    pub(crate) open: Vec<OpenRow>,
    pub(crate) incident_time: Vec<i64>,
    pub(crate) incidents: Vec<IncidentRow>,
}
