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

use super::facts::{History, RunFacts, ServiceFacts};
use super::rows::{NONE, RunClass, RunRow, ServiceRows, nanos, seconds};
use super::stats::{median, median_and_p90, rate};
use crate::model::{PipelineRun, RunConclusion, RunStatus};

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
pub(crate) fn classify(run: &PipelineRun) -> RunFacts {
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
            Some((end - start).num_seconds().max(0))
        }
        _ => None,
    };
    let queue_seconds = run
        .started_at
        .map(|start| (start - run.created_at).num_seconds().max(0));
    RunFacts {
        class,
        duration_seconds,
        queue_seconds,
    }
}

/// The run rows of one service, by created_at.
pub(crate) fn fill_rows(history: &History, service: &ServiceFacts, out: &mut ServiceRows) {
    for &r in &service.runs {
        let run = &history.events.pipeline_runs[r as usize];
        let facts = &history.runs[r as usize];
        out.run_time.push(nanos(run.created_at));
        out.runs.push(RunRow {
            class: facts.class,
            duration_seconds: facts.duration_seconds.map_or(NONE, seconds),
            queue_seconds: facts.queue_seconds.map_or(NONE, seconds),
        });
    }
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
    let (median_duration, p90_duration) = median_and_p90(&mut durations);
    CiHealth {
        runs,
        succeeded,
        success_rate: rate(succeeded, runs),
        median_duration_seconds: median_duration,
        p90_duration_seconds: p90_duration,
        median_queue_seconds: median(&mut queues),
    }
}
