//! What the screen shows for the current scope and window, computed when the scope, the window,
//! the data or the minute changes — never per frame.

use std::collections::HashSet;

use chrono::Duration;

use crate::snapshot::{
    DeploymentRow, Headline, IncidentRow, deployment_row, headline, incident_row,
};
use flowdeck_core::metrics::compute::{PreparedWindow, compute_prepared};
use flowdeck_core::metrics::{History, MetricSet, Scope, Window, deployments_in};
use flowdeck_core::model::{PipelineRun, RunStatus, Timestamp};

/// The five headline measures, in tile order.
pub(crate) const HEADLINE_COUNT: usize = 5;

/// A measure's values over the window in equal buckets (days, or weeks for long windows).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Series {
    pub(crate) bucket: &'static str,
    pub(crate) values: Vec<Option<f64>>,
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
    pub(crate) series: Vec<Series>,
    /// Counted deployments that finished in the window, newest first.
    pub(crate) deployments: Vec<DeploymentRow>,
    /// Non-merge changes of the window's non-baseline deployments, newest deployment first.
    pub(crate) changes: Vec<ChangeRow>,
    /// Incidents of the scope that started in the window or are still open, newest first.
    pub incidents: Vec<IncidentRow>,
    /// Pipeline runs of the scope in the window, running and queued first, then newest.
    pub(crate) runs: Vec<u32>,
}

impl ScopeData {
    pub(crate) fn build(
        history: &History,
        services: Vec<u32>,
        window: Window,
        now: Timestamp,
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
        let mut headline = headline(&metrics, &previous_metrics);
        // An empty window says when the latest deployment was, on the frequency tile.
        if let Some(note) = crate::snapshot::scope_note(
            history,
            &scope,
            metrics.deployment_frequency.deployments,
            &window,
            now,
        ) && let Some(tile) = headline.first_mut()
        {
            tile.detail = note;
        }
        let series = series(history, &scope, &window, now);

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

        ScopeData {
            window,
            services,
            metrics,
            previous_metrics,
            headline,
            series,
            deployments,
            changes,
            incidents,
            runs,
        }
    }
}

/// Each headline measure per day (windows up to 31 days) or per week.
fn series(history: &History, scope: &Scope, window: &Window, now: Timestamp) -> Vec<Series> {
    let (step, bucket) = if window.days() <= 31.0 {
        (Duration::days(1), "day")
    } else {
        (Duration::days(7), "week")
    };
    let mut buckets = Vec::new();
    let mut start = window.from;
    while start < window.to && buckets.len() < 400 {
        let end = (start + step).min(window.to);
        buckets.push(Window::new(start, end));
        start = end;
    }
    let mut out: Vec<Series> = (0..HEADLINE_COUNT)
        .map(|_| Series {
            bucket,
            values: Vec::with_capacity(buckets.len()),
        })
        .collect();
    for b in buckets {
        let m = compute_prepared(history, scope, &PreparedWindow::new(history, b), now);
        let values = [
            Some(m.deployment_frequency.deployments as f64),
            m.lead_time_for_changes.median_seconds,
            m.change_failure_rate.rate,
            m.failed_deployment_recovery_time.median_seconds,
            m.deployment_rework_rate.rate,
        ];
        for (series, value) in out.iter_mut().zip(values) {
            series.values.push(value);
        }
    }
    out
}
