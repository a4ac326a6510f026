//! The standup: for a set of services, what shipped since the previous working day, which
//! deployments failed and which recovered, what is still open, and how CI fared. The dashboard's
//! standup screen presents it; a report can read the same facts.

use chrono::{Datelike, Duration, Weekday};
use chrono_tz::Tz;

use super::DeploymentRow;
use flowdeck_core::metrics::History;
use flowdeck_core::metrics::window::{local_day, start_of_day};
use flowdeck_core::model::{PipelineRun, RunConclusion, RunStatus, Timestamp};

/// How many change titles a shipped deployment names; the rest are counted.
const CHANGES_NAMED: usize = 3;
/// How many failed CI runs the standup names.
const FAILED_RUNS_NAMED: usize = 10;

/// A deployment that finished since the standup's start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shipped {
    /// Index into the history's deployments.
    pub(crate) deployment: u32,
    pub(crate) service: String,
    pub(crate) name: Option<String>,
    pub(crate) url: Option<String>,
    /// The titles of its first non-merge changes (at most three).
    pub(crate) changes: Vec<String>,
    /// How many more changes it shipped first than `changes` names.
    pub(crate) more: usize,
    pub(crate) failed: bool,
}

/// CI since the standup's start.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CiSince {
    /// Runs that succeeded.
    pub(crate) succeeded: usize,
    /// Runs with a verdict (success, failure, timed out, startup failure).
    pub(crate) decided: usize,
    /// Runs not completed yet (running or queued).
    pub(crate) running: usize,
    /// The first decided runs that did not succeed (indices into the history's pipeline runs).
    pub(crate) failed_runs: Vec<u32>,
}

/// What a standup covers, for the services of a scope.
#[derive(Debug, Clone)]
pub(crate) struct Standup {
    /// The previous working day's midnight in the configured timezone.
    pub(crate) since: Timestamp,
    /// Deployments that finished since then, by service, then in deploy order.
    pub(crate) shipped: Vec<Shipped>,
    /// Failed deployments that finished since then, or were not recovered before then.
    pub(crate) failed: Vec<DeploymentRow>,
    /// Those of `failed` that recovered since then.
    pub(crate) recovered: Vec<DeploymentRow>,
    /// Open incidents of the scope (indices into the history's incidents).
    pub(crate) open_incidents: Vec<u32>,
    /// Failed deployments not recovered yet.
    pub(crate) unrecovered: Vec<DeploymentRow>,
    pub(crate) ci: CiSince,
}

/// The start of the standup period: the previous working day's 00:00 in `tz` (Friday's on a
/// Monday).
pub(crate) fn standup_since(now: Timestamp, tz: Tz) -> Timestamp {
    let today = local_day(now, tz);
    let mut day = today - Duration::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(1);
    }
    start_of_day(day, tz)
}

impl Standup {
    /// The standup of `services` (indices into the history's services) at `now`. `deployments`
    /// are the counted deployments of the window on show (the failures are read from them).
    pub(crate) fn build(
        history: &History,
        services: &[u32],
        deployments: &[DeploymentRow],
        now: Timestamp,
    ) -> Standup {
        let since = standup_since(now, history.rules.timezone);
        let in_scope: Vec<&str> = services
            .iter()
            .filter_map(|&s| history.services.get(s as usize))
            .map(|s| s.name.as_str())
            .collect();
        let failed: Vec<DeploymentRow> = deployments
            .iter()
            .filter(|d| {
                d.failed && (d.finished_at >= since || d.recovered_at.is_none_or(|r| r >= since))
            })
            .cloned()
            .collect();
        let recovered = failed
            .iter()
            .filter(|d| d.recovered_at.is_some_and(|r| r >= since))
            .cloned()
            .collect();
        let everything = services.len() == history.services.len();
        let open_incidents = history
            .events
            .incidents
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.resolved_at.is_none()
                    && (everything || i.services.iter().any(|s| in_scope.contains(&s.as_str())))
            })
            .map(|(i, _)| i as u32)
            .collect();
        let unrecovered = deployments
            .iter()
            .filter(|d| d.failed && d.recovered_at.is_none())
            .cloned()
            .collect();
        Standup {
            since,
            shipped: shipped(history, services, since),
            failed,
            recovered,
            open_incidents,
            unrecovered,
            ci: ci_since(history, &in_scope, since),
        }
    }
}

fn shipped(history: &History, services: &[u32], since: Timestamp) -> Vec<Shipped> {
    let events = &history.events;
    let mut shipped: Vec<u32> = Vec::new();
    for service in services
        .iter()
        .filter_map(|&s| history.services.get(s as usize))
    {
        for &d in service.deployments.iter().rev() {
            if events.deployments[d as usize].finished_at < since {
                break;
            }
            shipped.push(d);
        }
    }
    shipped.sort_by_key(|&d| {
        let deployment = &events.deployments[d as usize];
        (deployment.service.clone(), deployment.finished_at)
    });
    shipped
        .into_iter()
        .map(|d| {
            let deployment = &events.deployments[d as usize];
            let facts = &history.deployments[d as usize];
            let changes: Vec<String> = deployment
                .changes
                .iter()
                .filter(|c| !c.merge)
                .map(|c| c.title.clone())
                .take(CHANGES_NAMED)
                .collect();
            let counted = facts.changes as usize;
            Shipped {
                deployment: d,
                service: deployment.service.clone(),
                name: deployment.name.clone(),
                url: deployment.url.clone(),
                more: counted - changes.len().min(counted),
                changes,
                failed: facts.failed(),
            }
        })
        .collect()
}

fn ci_since(history: &History, in_scope: &[&str], since: Timestamp) -> CiSince {
    let runs: Vec<(usize, &PipelineRun)> = history
        .events
        .pipeline_runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.created_at >= since && in_scope.contains(&r.service.as_str()))
        .collect();
    let decided = |r: &PipelineRun| {
        matches!(
            r.conclusion,
            Some(
                RunConclusion::Success
                    | RunConclusion::Failure
                    | RunConclusion::TimedOut
                    | RunConclusion::StartupFailure
            )
        )
    };
    CiSince {
        succeeded: runs
            .iter()
            .filter(|(_, r)| r.conclusion == Some(RunConclusion::Success))
            .count(),
        decided: runs.iter().filter(|(_, r)| decided(r)).count(),
        running: runs
            .iter()
            .filter(|(_, r)| r.status != RunStatus::Completed)
            .count(),
        failed_runs: runs
            .iter()
            .filter(|(_, r)| decided(r) && r.conclusion != Some(RunConclusion::Success))
            .take(FAILED_RUNS_NAMED)
            .map(|(i, _)| *i as u32)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::deployment_row;
    use flowdeck_core::metrics::{Rules, Scope, Window, deployments_in};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_standup_starts_at_the_previous_working_days_midnight() {
        let utc = Tz::UTC;
        // Friday 2026-11-20 → Thursday; Monday 2026-11-23 → Friday; Sunday → Friday.
        assert_eq!(
            standup_since(at("2026-11-20T14:30:00Z"), utc),
            at("2026-11-19T00:00:00Z")
        );
        assert_eq!(
            standup_since(at("2026-11-23T08:00:00Z"), utc),
            at("2026-11-20T00:00:00Z")
        );
        assert_eq!(
            standup_since(at("2026-11-22T08:00:00Z"), utc),
            at("2026-11-20T00:00:00Z")
        );
        // Midnight in the configured timezone, not UTC's: 01:30 in Berlin is still Monday.
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            standup_since(at("2026-11-23T00:30:00Z"), berlin),
            at("2026-11-19T23:00:00Z")
        );
    }

    #[test]
    fn the_standup_of_the_demo_holds_together() {
        let now = at("2026-11-20T14:30:00Z");
        let (events, _) = flowdeck_sources::collect_demo(now);
        let history = History::derive(events, Rules::default());
        let services: Vec<u32> = (0..history.services.len() as u32).collect();
        let window = Window::ending(now, Duration::days(30));
        let rows: Vec<DeploymentRow> = deployments_in(&history, &Scope::all(&history), &window)
            .into_iter()
            .map(|d| deployment_row(&history, d))
            .collect();
        let standup = Standup::build(&history, &services, &rows, now);
        assert!(!standup.shipped.is_empty(), "the demo ships every day");
        let deployments = &history.events.deployments;
        for pair in standup.shipped.windows(2) {
            let (a, b) = (
                &deployments[pair[0].deployment as usize],
                &deployments[pair[1].deployment as usize],
            );
            assert!((&a.service, a.finished_at) <= (&b.service, b.finished_at));
        }
        for shipped in &standup.shipped {
            assert!(deployments[shipped.deployment as usize].finished_at >= standup.since);
            assert!(shipped.changes.len() <= CHANGES_NAMED);
        }
        for recovered in &standup.recovered {
            assert!(standup.failed.iter().any(|f| f.index == recovered.index));
        }
        for open in &standup.open_incidents {
            assert!(
                history.events.incidents[*open as usize]
                    .resolved_at
                    .is_none()
            );
        }
        assert!(standup.ci.succeeded <= standup.ci.decided);
        assert!(standup.ci.failed_runs.len() <= FAILED_RUNS_NAMED);
    }
}
