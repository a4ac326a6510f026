//! The measures of one scope over one window, selected from a derived `History`: this file picks
//! each measure's items by window and scope, the measure's own file turns them into numbers.
//!
//! Which timestamp puts an item in the window (docs/METRICS.md#which-timestamp-puts-an-item-in-a-window):
//! deployment finished_at for frequency, lead time, failure rate, recovery, rework and batch
//! size; incident started_at for time to restore; run created_at for CI; merged_at for PR cycle
//! time; work in progress is counted at min(to, now). Totals and teams pool the items of their
//! services, never their results (docs/METRICS.md#scopes-and-pooling).

use chrono::Datelike;

use super::facts::History;
use super::frequency::DeployDays;
use super::measures::MetricSet;
use super::rows::{BASELINE, FAILED, RECOVERED, REWORK, ServiceRows, nanos};
use super::window::{Window, local_day, whole_weeks};
use super::{
    batch, ci, failure_rate, frequency, lead_time, pr_cycle, recovery, rework_rate,
    time_to_restore, wip,
};
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

/// The scope's counted deployment that finished last before `before`, if any: what an empty
/// window names ("the latest, v1.2.0, was 40 days ago").
pub fn latest_deployment_before(
    history: &History,
    scope: &Scope,
    before: Timestamp,
) -> Option<u32> {
    scope
        .services
        .iter()
        .filter_map(|&s| {
            let service = history.services.get(s as usize)?;
            let end = service.deployment_finished.partition_point(|t| *t < before);
            let at = end.checked_sub(1)?;
            Some((
                *service.deployment_finished.get(at)?,
                *service.deployments.get(at)?,
            ))
        })
        .max()
        .map(|(_, index)| index)
}

/// A window with what every scope's computation over it shares, worked out once.
#[derive(Debug, Clone)]
pub struct PreparedWindow {
    pub(crate) window: Window,
    from: i64,
    pub(crate) to: i64,
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
    let bands = &history.rules.bands;
    let deploys = DeployTally::over(&services, window);
    // Everything also holds the incidents that name no service.
    let incidents: Vec<&[_]> = if scope.all {
        let all = &history.all_incidents;
        vec![&all.incidents[window.range(&all.incident_time)]]
    } else {
        services
            .iter()
            .map(|s| &s.incidents[window.range(&s.incident_time)])
            .collect()
    };
    MetricSet {
        deployment_frequency: frequency::measure(
            deploys.count,
            &deploys.days,
            &window.weeks,
            window.window.days(),
            bands,
        ),
        lead_time_for_changes: lead_time::measure(&deploys.lead, bands),
        change_failure_rate: failure_rate::measure(deploys.failed, deploys.count, bands),
        failed_deployment_recovery_time: recovery::measure(
            deploys.failed,
            deploys.unrecovered,
            &deploys.recovery,
            bands,
        ),
        time_to_restore: time_to_restore::measure(incidents),
        deployment_rework_rate: rework_rate::measure(deploys.rework, deploys.count),
        ci: ci::measure(services.iter().map(|s| &s.runs[window.range(&s.run_time)])),
        pr_cycle_time: pr_cycle::measure(
            services
                .iter()
                .map(|s| &s.merged[window.range(&s.merged_time)]),
        ),
        batch_size: batch::measure(&deploys.batch),
        wip: wip::measure(
            services.iter().map(|s| s.open.as_slice()),
            nanos(window.window.to.min(now)),
        ),
    }
}

/// What the deployment measures read from the counted deployments that finished in the window,
/// gathered in one pass over the scope's rows.
struct DeployTally<'h> {
    count: u64,
    days: DeployDays,
    /// The window's lead times, one slice per service (stored in deploy order, so contiguous).
    lead: Vec<&'h [u32]>,
    batch: Vec<u32>,
    failed: u64,
    recovery: Vec<u32>,
    unrecovered: u64,
    rework: u64,
}

impl<'h> DeployTally<'h> {
    fn over(services: &[&'h ServiceRows], window: &PreparedWindow) -> DeployTally<'h> {
        let mut tally = DeployTally {
            count: 0,
            days: DeployDays::new(window.first_day, window.span),
            lead: Vec::new(),
            batch: Vec::new(),
            failed: 0,
            recovery: Vec::new(),
            unrecovered: 0,
            rework: 0,
        };
        for service in services {
            let deploys = &service.deploys[window.range(&service.deploy_time)];
            let (Some(first), Some(last)) = (deploys.first(), deploys.last()) else {
                continue;
            };
            tally.count += deploys.len() as u64;
            // Lead times are stored in deploy order: the window's are one contiguous range.
            tally
                .lead
                .push(&service.lead[first.lead_start as usize..last.lead_end as usize]);
            for row in deploys {
                tally.days.mark(row.local_day);
                if row.flags & BASELINE == 0 {
                    tally.batch.push(row.changes);
                }
                if row.flags & FAILED != 0 {
                    tally.failed += 1;
                    if row.flags & RECOVERED != 0 {
                        tally.recovery.push(row.recovery_seconds);
                    } else {
                        tally.unrecovered += 1;
                    }
                }
                if row.flags & REWORK != 0 {
                    tally.rework += 1;
                }
            }
        }
        tally
    }
}
