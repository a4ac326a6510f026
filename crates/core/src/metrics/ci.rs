//! CI health (docs/METRICS.md#ci-health).
//!
//! Over the pipeline runs created in the window (sources keep one record per run, its latest
//! attempt). A completed run that concluded `success` succeeded; `failure`, `timed_out` or
//! `startup_failure` failed; every other run (cancelled, skipped, neutral, not completed yet) is
//! left out of the rate. `runs = succeeded + failed`, `success_rate = succeeded / runs`; the
//! median and p90 duration (`finished_at − started_at`) are over the runs that succeeded or
//! failed, the median queue (`started_at − created_at`) over every run that started. Both are
//! clamped at 0. No band.

use serde::Serialize;

use super::pooled::{median_and_p90_pooled, median_pooled};
use super::rows::{NONE, RunClass, RunRow, ServiceRows, nanos, seconds};
use super::stats::rate;
use crate::model::{PipelineRun, RunConclusion, RunStatus, Timestamp};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CiHealth {
    pub runs: u64,
    pub succeeded: u64,
    pub success_rate: Option<f64>,
    pub median_duration_seconds: Option<f64>,
    pub p90_duration_seconds: Option<f64>,
    pub median_queue_seconds: Option<f64>,
}

/// How a run counts, how long it ran and how long it queued.
pub(crate) fn row(run: &PipelineRun) -> RunRow {
    let class = match (run.status, run.conclusion) {
        (RunStatus::Completed, Some(RunConclusion::Success)) => RunClass::Success,
        (
            RunStatus::Completed,
            Some(RunConclusion::Failure | RunConclusion::TimedOut | RunConclusion::StartupFailure),
        ) => RunClass::Failure,
        _ => RunClass::Excluded,
    };
    let duration_seconds = match (class, run.started_at, run.finished_at) {
        (RunClass::Success | RunClass::Failure, Some(start), Some(end)) => {
            seconds((end - start).num_seconds().max(0))
        }
        _ => NONE,
    };
    let queue_seconds = run.started_at.map_or(NONE, |start| {
        seconds((start - run.created_at).num_seconds().max(0))
    });
    RunRow {
        class,
        duration_seconds,
        queue_seconds,
    }
}

/// One service's run rows by created_at, ties in index order, from its runs as
/// `(created_at, index, row)` in index order; returns the runs in that order.
pub(crate) fn fill_rows(
    mut runs: Vec<(Timestamp, u32, RunRow)>,
    out: &mut ServiceRows,
) -> Vec<u32> {
    runs.sort_by_key(|&(created, _, _)| created);
    out.run_time = runs.iter().map(|&(created, _, _)| nanos(created)).collect();
    out.runs = runs.iter().map(|&(_, _, row)| row).collect();
    runs.into_iter().map(|(_, r, _)| r).collect()
}

/// `lists`: the rows of the runs created in the window, one list per service of the scope.
pub(crate) fn measure<'a>(lists: impl IntoIterator<Item = &'a [RunRow]>) -> CiHealth {
    let (mut runs, mut succeeded) = (0u64, 0u64);
    let mut durations: Vec<u32> = Vec::new();
    let mut queues: Vec<u32> = Vec::new();
    for row in lists.into_iter().flatten() {
        match row.class {
            RunClass::Success => {
                runs += 1;
                succeeded += 1;
            }
            RunClass::Failure => runs += 1,
            RunClass::Excluded => {}
        }
        if row.duration_seconds != NONE {
            durations.push(row.duration_seconds);
        }
        if row.queue_seconds != NONE {
            queues.push(row.queue_seconds);
        }
    }
    let (median_duration, p90_duration) = median_and_p90_pooled(&[&durations]);
    CiHealth {
        runs,
        succeeded,
        success_rate: rate(succeeded, runs),
        median_duration_seconds: median_duration,
        p90_duration_seconds: p90_duration,
        median_queue_seconds: median_pooled(&[&queues]),
    }
}
