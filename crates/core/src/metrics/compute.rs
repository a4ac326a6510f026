//! The measures of one scope over one window, selected from a derived `History`.
//!
//! Which timestamp puts an item in the window: deployment finished_at for frequency, lead time,
//! failure rate, recovery, rework and batch size; incident started_at for time to restore; run
//! created_at for CI; merged_at for PR cycle time; work in progress is counted at min(to, now).

use chrono::Datelike;

use super::history::{History, RunClass};
use super::measures::*;
use super::rows::{self, BASELINE, FAILED, NONE, RECOVERED, REWORK, ServiceRows, nanos};
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

/// A window with what every scope's computation over it shares, worked out once.
#[derive(Debug, Clone)]
pub struct PreparedWindow {
    pub window: Window,
    from: i64,
    to: i64,
    /// The local day of `from` (days from the common era), index 0 of the deploy-day bitmap.
    first_day: i32,
    /// Local days the window touches.
    span: usize,
    /// Mondays (as day numbers) of the ISO weeks lying wholly inside the window.
    weeks: Vec<i32>,
}

impl PreparedWindow {
    pub fn new(history: &History, window: Window) -> PreparedWindow {
        let tz = history.rules.timezone;
        let first_day = local_day(window.from, tz).num_days_from_ce();
        let last_day = local_day(window.to, tz).num_days_from_ce();
        PreparedWindow {
            window,
            from: nanos(window.from),
            to: nanos(window.to),
            first_day,
            span: (last_day - first_day + 1).max(1) as usize,
            weeks: whole_weeks(&window, tz)
                .iter()
                .map(|monday| monday.num_days_from_ce())
                .collect(),
        }
    }

    /// The range of a time-ordered list (nanoseconds) that lies in the window.
    fn range(&self, times: &[i64]) -> std::ops::Range<usize> {
        times.partition_point(|t| *t < self.from)..times.partition_point(|t| *t < self.to)
    }
}

/// Every measure of a scope over a window; `now` bounds work in progress.
pub fn compute(history: &History, scope: &Scope, window: &Window, now: Timestamp) -> MetricSet {
    compute_prepared(history, scope, &PreparedWindow::new(history, *window), now)
}

/// `compute` for a window already prepared (the report prepares each window once for every
/// service and team).
pub fn compute_prepared(
    history: &History,
    scope: &Scope,
    window: &PreparedWindow,
    now: Timestamp,
) -> MetricSet {
    let services: Vec<&ServiceRows> = scope
        .services
        .iter()
        .filter_map(|&s| history.rows.get(s as usize))
        .collect();
    let mut set = MetricSet::default();
    deployment_measures(history, &services, window, &mut set);
    set.time_to_restore = time_to_restore(history, scope, &services, window);
    set.ci = ci_health(&services, window);
    set.pr_cycle_time = pr_cycle_time(&services, window);
    set.wip = wip(&services, nanos(window.window.to.min(now)));
    set
}

/// Deployment frequency, lead time, failure rate, recovery, rework and batch size: all over the
/// deployments that finished in the window.
fn deployment_measures(
    history: &History,
    services: &[&ServiceRows],
    window: &PreparedWindow,
    set: &mut MetricSet,
) {
    let bands = &history.rules.bands;
    let mut deployed = vec![false; window.span];
    let mut lead: Vec<u32> = Vec::new();
    let mut batch: Vec<u32> = Vec::new();
    let mut recovery: Vec<u32> = Vec::new();
    let (mut count, mut failed, mut unrecovered, mut rework) = (0u64, 0u64, 0u64, 0u64);
    for service in services {
        let range = window.range(&service.deploy_time);
        let deploys = &service.deploys[range];
        let (Some(first), Some(last)) = (deploys.first(), deploys.last()) else {
            continue;
        };
        count += deploys.len() as u64;
        // Lead times are stored in deploy order: the window's are one contiguous range.
        lead.extend_from_slice(&service.lead[first.lead_start as usize..last.lead_end as usize]);
        for row in deploys {
            if let Some(slot) = usize::try_from(row.local_day - window.first_day)
                .ok()
                .and_then(|i| deployed.get_mut(i))
            {
                *slot = true;
            }
            if row.flags & BASELINE == 0 {
                batch.push(row.changes);
            }
            if row.flags & FAILED != 0 {
                failed += 1;
                if row.flags & RECOVERED != 0 {
                    recovery.push(row.recovery_seconds);
                } else {
                    unrecovered += 1;
                }
            }
            if row.flags & REWORK != 0 {
                rework += 1;
            }
        }
    }

    let days = window.window.days();
    let deploy_days = deployed.iter().filter(|d| **d).count() as u64;
    let median_per_week = if window.weeks.is_empty() {
        (days > 0.0).then(|| deploy_days as f64 * 7.0 / days)
    } else {
        let mut per_week: Vec<u32> = window
            .weeks
            .iter()
            .map(|&monday| {
                let start = (monday - window.first_day).max(0) as usize;
                deployed
                    .get(start..(start + 7).min(deployed.len()))
                    .map_or(0, |week| week.iter().filter(|d| **d).count() as u32)
            })
            .collect();
        median(&mut per_week)
    };
    set.deployment_frequency = DeploymentFrequency {
        deployments: count,
        per_day: (days > 0.0).then(|| count as f64 / days),
        deploy_days,
        median_deploy_days_per_week: median_per_week,
        band: bands.frequency(median_per_week, deploy_days, days),
    };

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
fn time_to_restore(
    history: &History,
    scope: &Scope,
    services: &[&ServiceRows],
    window: &PreparedWindow,
) -> TimeToRestore {
    let mut durations: Vec<u32> = Vec::new();
    let (mut incidents, mut open) = (0u64, 0u64);
    let mut count = |row: &rows::IncidentRow| {
        incidents += 1;
        if row.duration_seconds == NONE {
            open += 1;
        } else {
            durations.push(row.duration_seconds);
        }
    };
    if scope.all {
        let all = &history.all_incidents;
        all.incidents[window.range(&all.incident_time)]
            .iter()
            .for_each(&mut count);
    } else {
        // Incidents of several services would be met once per member service.
        let mut seen: rustc_hash::FxHashSet<u32> = rustc_hash::FxHashSet::default();
        for service in services {
            for row in &service.incidents[window.range(&service.incident_time)] {
                if !row.shared || seen.insert(row.incident) {
                    count(row);
                }
            }
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
fn ci_health(services: &[&ServiceRows], window: &PreparedWindow) -> CiHealth {
    let (mut runs, mut succeeded) = (0u64, 0u64);
    let mut durations: Vec<u32> = Vec::new();
    let mut queues: Vec<u32> = Vec::new();
    for service in services {
        for row in &service.runs[window.range(&service.run_time)] {
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

/// PR cycle time (first commit → deployed) and its parts, for PRs merged in the window whose
/// authors are not excluded.
fn pr_cycle_time(services: &[&ServiceRows], window: &PreparedWindow) -> PrCycleTime {
    let mut prs = 0u64;
    let (mut cycle, mut coding, mut pickup, mut review, mut deploy) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let push = |values: &mut Vec<u32>, v: u32| {
        if v != NONE {
            values.push(v);
        }
    };
    for service in services {
        for row in &service.merged[window.range(&service.merged_time)] {
            prs += 1;
            push(&mut cycle, row.cycle);
            push(&mut coding, row.coding);
            push(&mut pickup, row.pickup);
            push(&mut review, row.review);
            push(&mut deploy, row.deploy);
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
fn wip(services: &[&ServiceRows], at: i64) -> Wip {
    let mut ages: Vec<i64> = Vec::new();
    for service in services {
        for row in &service.open {
            if row.created <= at && row.ended > at {
                ages.push((at - row.created) / 1_000_000_000);
            }
        }
    }
    Wip {
        open_prs: ages.len() as u64,
        median_age_seconds: median(&mut ages),
    }
}
