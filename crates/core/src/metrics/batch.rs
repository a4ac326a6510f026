//! Batch size (docs/METRICS.md#batch-size).
//!
//! The median number of changes (non-merge shipped commits, counted in `lead_time.rs`) per
//! non-baseline counted deployment that finished in the window. A rollback or a redeploy ships
//! nothing and counts as 0. No band.

use serde::Serialize;

use super::pooled::median_pooled;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchSize {
    pub median_changes: Option<f64>,
}

/// `changes`: the change counts of the window's non-baseline deployments.
pub(crate) fn measure(changes: &[u32]) -> BatchSize {
    BatchSize {
        median_changes: median_pooled(&[changes]),
    }
}
