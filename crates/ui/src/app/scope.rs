//! What the screen shows for the current scope and window, computed when the scope, the window,
//! the data or the minute changes — never per frame.

use std::collections::{HashMap, HashSet};

use chrono::Duration;

use super::state::Measure;
use crate::snapshot::{
    DeploymentRow, Headline, HeadlineInput, IncidentRow, deployment_row, headline, incident_row,
    missing_data, reaches_back,
};
use flowdeck_core::metrics::compute::{PreparedWindow, compute_prepared};
use flowdeck_core::metrics::{History, MetricSet, Scope, Window, deployments_in};
use flowdeck_core::model::{PipelineRun, RunStatus, Timestamp};
use flowdeck_core::status::SourceStatus;

/// A measure's values over the window in equal buckets: days for a month or less, weeks up to
/// half a year, 30 days beyond (so a long window still fits a chart's width).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Series {
    /// "day", "week", "30 days".
    pub(crate) bucket: &'static str,
    /// Where each bucket starts; the last ends at the window's end.
    pub(crate) starts: Vec<Timestamp>,
    pub(crate) values: Vec<Option<f64>>,
}

impl Series {
    /// Whether any bucket has a value.
    pub(crate) fn has_data(&self) -> bool {
        self.values.iter().any(|v| v.is_some_and(|v| v > 0.0))
    }
}

/// The newest counted deployment of the scope outside the window, and how many the scope has
/// in all: what an empty window's list says instead of "nothing here".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Elsewhere {
    pub(crate) newest: Option<u32>,
    pub(crate) total: usize,
}

/// One commit with the deployment that shipped it, for the lead-time list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChangeRow {
    pub(crate) sha: String,
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) deployment: u32,
    pub(crate) deployment_name: String,
    pub(crate) service: String,
    pub(crate) lead_seconds: i64,
}

#[derive(Debug, Clone)]
pub struct ScopeData {
    pub window: Window,
    /// Services in scope (indices into the history's services).
    pub(crate) services: Vec<u32>,
    pub metrics: MetricSet,
    pub(crate) previous_metrics: MetricSet,
    pub(crate) headline: Vec<Headline>,
    /// Every measure's series, in `Measure::ALL` order.
    pub(crate) series: Vec<Series>,
    /// Failed deployments of the scope nobody recovered from, that are still their service's
    /// newest: what is broken now, newest first.
    pub(crate) failing: Vec<u32>,
    /// The scope's deployments outside the window.
    pub(crate) elsewhere: Elsewhere,
    /// Counted deployments that finished in the window, newest first.
    pub(crate) deployments: Vec<DeploymentRow>,
    /// Non-merge changes of the window's non-baseline deployments, newest deployment first.
    pub(crate) changes: Vec<ChangeRow>,
    /// Incidents of the scope that started in the window or are still open, newest first.
    pub incidents: Vec<IncidentRow>,
    /// Pipeline runs of the scope in the window, running and queued first, then newest.
    pub(crate) runs: Vec<u32>,
    /// The failed runs among them that the same workflow passed on the same branch since:
    /// old news, shown faded.
    pub(crate) fixed_runs: HashSet<u32>,
}

impl ScopeData {
    pub(crate) fn build(
        history: &History,
        services: Vec<u32>,
        window: Window,
        now: Timestamp,
        sources: &[SourceStatus],
    ) -> ScopeData {
        let scope = if services.len() == history.services.len() {
            Scope::all(history)
        } else {
            Scope::services(history, &services)
        };
        let previous = window.previous();
        let current = PreparedWindow::new(history, window);
        let prior = PreparedWindow::new(history, previous);
        let metrics = compute_prepared(history, &scope, &current, now);
        let previous_metrics = compute_prepared(history, &scope, &prior, now);
        let headline = headline(HeadlineInput {
            current: &metrics,
            previous: &previous_metrics,
            bands: &history.rules.bands,
            window_days: window.days(),
            missing: missing_data(history, &services, sources),
            previous_known: reaches_back(sources, previous.from),
        });
        // An empty window already names its newest deployment on the tiles (headline.rs);
        // reports and `check` say it in the words of snapshot/quiet.rs.
        let series = series(history, &scope, &window, now);
        let (failing, elsewhere) = failing_and_elsewhere(history, &services, &window);

        let mut indices = deployments_in(history, &scope, &window);
        let events = &history.events;
        indices.sort_by(|&a, &b| {
            let (a, b) = (
                &events.deployments[a as usize],
                &events.deployments[b as usize],
            );
            (b.finished_at, b.id.as_bytes()).cmp(&(a.finished_at, a.id.as_bytes()))
        });
        let deployments: Vec<DeploymentRow> = indices
            .iter()
            .map(|&d| deployment_row(history, d))
            .collect();
        let mut changes = Vec::new();
        for row in &deployments {
            if row.baseline {
                continue;
            }
            let deployment = &events.deployments[row.index as usize];
            let leads = history.lead_times(row.index);
            for (change, lead) in deployment.changes.iter().filter(|c| !c.merge).zip(leads) {
                changes.push(ChangeRow {
                    sha: change.sha.clone(),
                    title: change.title.clone(),
                    author: change.author.clone(),
                    deployment: row.index,
                    deployment_name: row.name.clone().unwrap_or_else(|| row.id.clone()),
                    service: row.service.clone(),
                    lead_seconds: *lead,
                });
            }
        }

        let in_scope: HashSet<&str> = services
            .iter()
            .filter_map(|&s| history.services.get(s as usize))
            .map(|s| s.name.as_str())
            .collect();
        let all = scope.all;
        let mut incidents: Vec<IncidentRow> = events
            .incidents
            .iter()
            .enumerate()
            .filter(|(_, i)| all || i.services.iter().any(|s| in_scope.contains(s.as_str())))
            .filter(|(_, i)| {
                window.contains(i.started_at)
                    || (i.resolved_at.is_none() && i.started_at < window.to)
            })
            .map(|(i, _)| incident_row(history, i as u32))
            .collect();
        incidents.sort_by(|a, b| {
            (a.resolved_at.is_some(), b.started_at).cmp(&(b.resolved_at.is_some(), a.started_at))
        });

        let run_rank = |run: &PipelineRun| match run.status {
            RunStatus::InProgress | RunStatus::Queued => 0,
            RunStatus::Completed => 1,
        };
        let mut runs: Vec<u32> = events
            .pipeline_runs
            .iter()
            .enumerate()
            .filter(|(_, r)| in_scope.contains(r.service.as_str()))
            .filter(|(_, r)| window.contains(r.created_at) || run_rank(r) == 0)
            .map(|(i, _)| i as u32)
            .collect();
        runs.sort_by(|&a, &b| {
            let (a, b) = (
                &events.pipeline_runs[a as usize],
                &events.pipeline_runs[b as usize],
            );
            (run_rank(a), b.created_at).cmp(&(run_rank(b), a.created_at))
        });

        let fixed_runs = fixed_runs(&events.pipeline_runs, &runs);
        ScopeData {
            window,
            services,
            metrics,
            previous_metrics,
            headline,
            series,
            failing,
            elsewhere,
            deployments,
            changes,
            incidents,
            runs,
            fixed_runs,
        }
    }
}

/// The failed runs (of `runs`) followed by a successful run of the same service, workflow and
/// branch.
fn fixed_runs(all: &[PipelineRun], runs: &[u32]) -> HashSet<u32> {
    use flowdeck_core::model::RunConclusion;
    let mut last_success: HashMap<(&str, &str, Option<&str>), Timestamp> = HashMap::new();
    for run in runs.iter().filter_map(|&r| all.get(r as usize)) {
        if run.conclusion == Some(RunConclusion::Success) {
            let key = (
                run.service.as_str(),
                run.workflow.as_str(),
                run.branch.as_deref(),
            );
            let at = last_success.entry(key).or_insert(run.created_at);
            *at = (*at).max(run.created_at);
        }
    }
    runs.iter()
        .copied()
        .filter(|&r| {
            all.get(r as usize).is_some_and(|run| {
                matches!(
                    run.conclusion,
                    Some(
                        RunConclusion::Failure
                            | RunConclusion::TimedOut
                            | RunConclusion::StartupFailure
                    )
                ) && last_success
                    .get(&(
                        run.service.as_str(),
                        run.workflow.as_str(),
                        run.branch.as_deref(),
                    ))
                    .is_some_and(|&at| at > run.created_at)
            })
        })
        .collect()
}

/// The bucket a window's series is cut into.
fn bucket(window: &Window) -> (Duration, &'static str) {
    let days = window.days();
    if days <= 31.0 {
        (Duration::days(1), "day")
    } else if days <= 182.0 {
        (Duration::days(7), "week")
    } else {
        (Duration::days(30), "30 days")
    }
}

/// Every measure over the window, bucket by bucket, in `Measure::ALL` order.
fn series(history: &History, scope: &Scope, window: &Window, now: Timestamp) -> Vec<Series> {
    let (step, bucket) = bucket(window);
    let mut buckets = Vec::new();
    let mut start = window.from;
    while start < window.to && buckets.len() < 400 {
        let end = (start + step).min(window.to);
        buckets.push(Window::new(start, end));
        start = end;
    }
    let mut out: Vec<Series> = Measure::ALL
        .iter()
        .map(|_| Series {
            bucket,
            starts: buckets.iter().map(|b| b.from).collect(),
            values: Vec::with_capacity(buckets.len()),
        })
        .collect();
    for b in buckets {
        let m = compute_prepared(history, scope, &PreparedWindow::new(history, b), now);
        for (series, measure) in out.iter_mut().zip(Measure::ALL) {
            series.values.push(bucket_value(&m, measure));
        }
    }
    out
}

/// The number a bucket of `measure`'s series shows.
fn bucket_value(m: &MetricSet, measure: Measure) -> Option<f64> {
    match measure {
        Measure::DeploymentFrequency => Some(m.deployment_frequency.deployments as f64),
        Measure::LeadTime => m.lead_time_for_changes.median_seconds,
        Measure::ChangeFailureRate => m.change_failure_rate.rate,
        Measure::RecoveryTime => m.failed_deployment_recovery_time.median_seconds,
        Measure::ReworkRate => m.deployment_rework_rate.rate,
        Measure::TimeToRestore => m.time_to_restore.median_seconds,
        Measure::Ci => m.ci.success_rate,
        Measure::PullRequests => m.pr_cycle_time.median_seconds,
        Measure::BatchSize => m.batch_size.median_changes,
    }
}

/// The failed deployments still broken (unrecovered, and nothing newer shipped for their
/// service), and the scope's deployments outside the window.
fn failing_and_elsewhere(
    history: &History,
    services: &[u32],
    window: &Window,
) -> (Vec<u32>, Elsewhere) {
    let events = &history.events;
    let mut failing = Vec::new();
    let mut newest_outside: Option<u32> = None;
    let mut total = 0;
    for facts in services
        .iter()
        .filter_map(|&s| history.services.get(s as usize))
    {
        total += facts.deployments.len();
        if let Some(&last) = facts.deployments.last() {
            let d = &history.deployments[last as usize];
            if d.failed() && d.recovered_at.is_none() {
                failing.push(last);
            }
        }
        let outside = facts
            .deployments
            .iter()
            .rev()
            .find(|&&d| !window.contains(events.deployments[d as usize].finished_at));
        if let Some(&d) = outside {
            let newer = newest_outside.is_none_or(|n| {
                events.deployments[d as usize].finished_at
                    > events.deployments[n as usize].finished_at
            });
            if newer {
                newest_outside = Some(d);
            }
        }
    }
    failing.sort_by_key(|&d| std::cmp::Reverse(events.deployments[d as usize].finished_at));
    (
        failing,
        Elsewhere {
            newest: newest_outside,
            total,
        },
    )
}
