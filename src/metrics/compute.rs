//! The measures of one scope over one window, selected from a derived `History`.
//!
//! Which timestamp puts an item in the window: deployment finished_at for frequency, lead time,
//! failure rate, recovery, rework and batch size; incident started_at for time to restore; run
//! created_at for CI; merged_at for PR cycle time; work in progress is counted at min(to, now).

use chrono::Datelike;

use super::history::{History, RunClass};
use super::measures::*;
use super::stats::{median, median_and_p90, rate};
use super::window::{Window, local_day, whole_weeks};
use crate::model::Timestamp;

/// A set of services measured together: everything, one service, or a team.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Everything, including incidents that name no service.
    pub all: bool,
    pub services: Vec<u32>,
    mask: Vec<bool>,
}

impl Scope {
    pub fn all(history: &History) -> Scope {
        Scope {
            all: true,
            services: (0..history.services.len() as u32).collect(),
            mask: vec![true; history.services.len()],
        }
    }

    pub fn services(history: &History, services: &[u32]) -> Scope {
        let mut mask = vec![false; history.services.len()];
        for &s in services {
            if let Some(m) = mask.get_mut(s as usize) {
                *m = true;
            }
        }
        Scope {
            all: false,
            services: services.to_vec(),
            mask,
        }
    }

    pub fn contains(&self, service: u32) -> bool {
        self.mask.get(service as usize).copied().unwrap_or(false)
    }
}

/// The items of a time-ordered list whose time lies in the window.
fn in_window<'a, T>(times: &[Timestamp], items: &'a [T], window: &Window) -> &'a [T] {
    let start = times.partition_point(|t| *t < window.from);
    let end = times.partition_point(|t| *t < window.to);
    &items[start..end]
}

/// The counted deployments of a scope that finished in the window, in no particular order.
pub fn deployments_in(history: &History, scope: &Scope, window: &Window) -> Vec<u32> {
    let mut out = Vec::new();
    for &s in &scope.services {
        let service = &history.services[s as usize];
        out.extend_from_slice(in_window(
            &service.deployment_finished,
            &service.deployments,
            window,
        ));
    }
    out
}

/// Every measure of a scope over a window; `now` bounds work in progress.
pub fn compute(history: &History, scope: &Scope, window: &Window, now: Timestamp) -> MetricSet {
    let deployments = deployments_in(history, scope, window);
    let mut set = MetricSet {
        deployment_frequency: deployment_frequency(history, &deployments, window),
        ..MetricSet::default()
    };
    deployment_measures(history, &deployments, &mut set);
    set.time_to_restore = time_to_restore(history, scope, window);
    set.ci = ci_health(history, scope, window);
    set.pr_cycle_time = pr_cycle_time(history, scope, window);
    set.wip = wip(history, scope, window.to.min(now));
    set
}

fn deployment_frequency(
    history: &History,
    deployments: &[u32],
    window: &Window,
) -> DeploymentFrequency {
    let tz = history.rules.timezone;
    let days = window.days();
    let count = deployments.len() as u64;
    // Distinct local days with a deployment, as a bitmap over the window's days.
    let first_day = local_day(window.from, tz).num_days_from_ce();
    let last_day = local_day(window.to, tz).num_days_from_ce();
    let span = (last_day - first_day + 1).max(1) as usize;
    let mut deployed = vec![false; span];
    for &d in deployments {
        let day = history.deployments[d as usize].local_day - first_day;
        if let Some(slot) = usize::try_from(day).ok().and_then(|i| deployed.get_mut(i)) {
            *slot = true;
        }
    }
    let deploy_days = deployed.iter().filter(|d| **d).count() as u64;
    let weeks = whole_weeks(window, tz);
    let median_per_week = if weeks.is_empty() {
        (days > 0.0).then(|| deploy_days as f64 * 7.0 / days)
    } else {
        let mut per_week: Vec<u32> = weeks
            .iter()
            .map(|monday| {
                let start = monday.num_days_from_ce() - first_day;
                (start..start + 7)
                    .filter(|&i| {
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| deployed.get(i))
                            .copied()
                            .unwrap_or(false)
                    })
                    .count() as u32
            })
            .collect();
        median(&mut per_week)
    };
    DeploymentFrequency {
        deployments: count,
        per_day: (days > 0.0).then(|| count as f64 / days),
        deploy_days,
        median_deploy_days_per_week: median_per_week,
        band: history
            .rules
            .bands
            .frequency(median_per_week, deploy_days, days),
    }
}

/// Lead time, failure rate, recovery, rework and batch size: all over the same deployments.
fn deployment_measures(history: &History, deployments: &[u32], set: &mut MetricSet) {
    let bands = &history.rules.bands;
    let mut lead: Vec<i64> = Vec::new();
    let mut batch: Vec<u32> = Vec::new();
    let mut recovery: Vec<i64> = Vec::new();
    let (mut failed, mut unrecovered, mut rework) = (0u64, 0u64, 0u64);
    for &d in deployments {
        let facts = &history.deployments[d as usize];
        if !facts.baseline {
            lead.extend_from_slice(history.lead_times(d));
            batch.push(facts.changes);
        }
        if facts.failed() {
            failed += 1;
            match facts.recovered_at {
                Some(recovered) => {
                    let finished = history.events.deployments[d as usize].finished_at;
                    recovery.push((recovered - finished).num_seconds().max(0));
                }
                None => unrecovered += 1,
            }
        }
        if facts.rework() {
            rework += 1;
        }
    }
    let count = deployments.len() as u64;

    let changes = lead.len() as u64;
    let (lead_median, lead_p90) = median_and_p90(&mut lead);
    set.lead_time_for_changes = LeadTime {
        changes,
        median_seconds: lead_median,
        p90_seconds: lead_p90,
        band: bands.lead_time(lead_median),
    };

    let failure_rate = rate(failed, count);
    set.change_failure_rate = ChangeFailureRate {
        deployments: count,
        failed,
        rate: failure_rate,
        band: bands.change_failure_rate(failure_rate),
    };

    let recovered = recovery.len() as u64;
    let (recovery_median, recovery_p90) = median_and_p90(&mut recovery);
    set.failed_deployment_recovery_time = RecoveryTime {
        failed,
        recovered,
        unrecovered,
        median_seconds: recovery_median,
        p90_seconds: recovery_p90,
        band: bands.recovery(recovery_median),
    };

    set.deployment_rework_rate = ReworkRate {
        deployments: count,
        rework,
        rate: rate(rework, count),
    };
    set.batch_size = BatchSize {
        median_changes: median(&mut batch),
    };
}

/// Classic time to restore: started_at → resolved_at of every incident started in the window;
/// an incident of several services counts once.
fn time_to_restore(history: &History, scope: &Scope, window: &Window) -> TimeToRestore {
    let mut durations: Vec<i64> = Vec::new();
    let (mut incidents, mut open) = (0u64, 0u64);
    for (incident, services) in history
        .events
        .incidents
        .iter()
        .zip(&history.incident_services)
    {
        if !window.contains(incident.started_at) {
            continue;
        }
        if !scope.all && !services.iter().any(|&s| scope.contains(s)) {
            continue;
        }
        incidents += 1;
        match incident.resolved_at {
            Some(resolved) => durations.push((resolved - incident.started_at).num_seconds().max(0)),
            None => open += 1,
        }
    }
    let (median_seconds, p90_seconds) = median_and_p90(&mut durations);
    TimeToRestore {
        incidents,
        open,
        median_seconds,
        p90_seconds,
    }
}

/// CI success rate over the latest attempt of each run (cancelled, skipped and neutral runs are
/// left out), duration of those runs, and queue time of every run that started.
fn ci_health(history: &History, scope: &Scope, window: &Window) -> CiHealth {
    let (mut runs, mut succeeded) = (0u64, 0u64);
    let mut durations: Vec<i64> = Vec::new();
    let mut queues: Vec<i64> = Vec::new();
    for &s in &scope.services {
        let service = &history.services[s as usize];
        for &r in in_window(&service.run_created, &service.runs, window) {
            let facts = &history.runs[r as usize];
            match facts.class {
                RunClass::Success => {
                    runs += 1;
                    succeeded += 1;
                }
                RunClass::Failure => runs += 1,
                RunClass::Excluded => {}
            }
            if let Some(d) = facts.duration_seconds {
                durations.push(d);
            }
            if let Some(q) = facts.queue_seconds {
                queues.push(q);
            }
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

fn seconds_between(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<i64> {
    Some((to? - from?).num_seconds().max(0))
}

/// PR cycle time (first commit → deployed) and its parts, for PRs merged in the window whose
/// authors are not excluded. A PR without a known first commit starts when it was opened.
fn pr_cycle_time(history: &History, scope: &Scope, window: &Window) -> PrCycleTime {
    let mut prs = 0u64;
    let (mut cycle, mut coding, mut pickup, mut review, mut deploy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &s in &scope.services {
        let service = &history.services[s as usize];
        for &p in in_window(&service.pr_merged, &service.merged_prs, window) {
            let facts = &history.prs[p as usize];
            if facts.excluded {
                continue;
            }
            let pr = &history.events.pull_requests[p as usize];
            prs += 1;
            let opened = Some(pr.created_at);
            let first_commit = pr.first_commit_at.or(opened);
            cycle.extend(seconds_between(first_commit, facts.deployed_at));
            coding.extend(seconds_between(pr.first_commit_at, opened));
            pickup.extend(seconds_between(opened, pr.first_review_at));
            review.extend(seconds_between(pr.first_review_at, pr.merged_at));
            deploy.extend(seconds_between(pr.merged_at, facts.deployed_at));
        }
    }
    let (median_seconds, p90_seconds) = median_and_p90(&mut cycle);
    PrCycleTime {
        prs,
        median_seconds,
        p90_seconds,
        coding_median_seconds: median(&mut coding),
        pickup_median_seconds: median(&mut pickup),
        review_median_seconds: median(&mut review),
        deploy_median_seconds: median(&mut deploy),
    }
}

/// Pull requests open at `at` (created, and neither merged nor closed by then) and their ages.
fn wip(history: &History, scope: &Scope, at: Timestamp) -> Wip {
    let mut ages: Vec<i64> = Vec::new();
    for &s in &scope.services {
        for &p in &history.services[s as usize].prs {
            if history.prs[p as usize].excluded {
                continue;
            }
            let pr = &history.events.pull_requests[p as usize];
            let ended = [pr.merged_at, pr.closed_at]
                .into_iter()
                .flatten()
                .min()
                .is_some_and(|end| end <= at);
            if pr.created_at <= at && !ended {
                ages.push((at - pr.created_at).num_seconds().max(0));
            }
        }
    }
    Wip {
        open_prs: ages.len() as u64,
        median_age_seconds: median(&mut ages),
    }
}
