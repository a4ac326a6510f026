//! Time to restore (docs/METRICS.md#time-to-restore).
//!
//! The classic measure, about incidents rather than deployments: for every incident that started
//! in the window, `resolved_at − started_at`, clamped at 0. `incidents` counts them and `open`
//! those still open; the median and p90 are over the resolved ones. No band. An incident of
//! several services counts once in a total or team and once in each of its services; the total
//! also counts incidents that name no service. Attribution plays no part.

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::facts::History;
use super::rows::{IncidentRow, NONE, ServiceRows, nanos, seconds};
use super::stats::median_and_p90;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimeToRestore {
    pub incidents: u64,
    pub open: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
}

/// Fills the incident rows of every service by start time, and returns those of all incidents
/// (for the total, which also holds incidents of no service).
pub(crate) fn fill_rows(history: &History, rows: &mut [ServiceRows]) -> ServiceRows {
    let incidents = &history.events.incidents;
    let mut order: Vec<u32> = (0..incidents.len() as u32).collect();
    order.sort_by_key(|&i| incidents[i as usize].started_at);
    let mut all = ServiceRows::default();
    for &i in &order {
        let incident = &incidents[i as usize];
        let services = &history.incident_services[i as usize];
        let row = IncidentRow {
            incident: i,
            duration_seconds: incident.resolved_at.map_or(NONE, |resolved| {
                seconds((resolved - incident.started_at).num_seconds())
            }),
            shared: services.len() > 1,
        };
        let time = nanos(incident.started_at);
        for &s in services {
            rows[s as usize].incident_time.push(time);
            rows[s as usize].incidents.push(row);
        }
        all.incident_time.push(time);
        all.incidents.push(row);
    }
    all
}

/// `lists`: the rows of the incidents started in the window, one list per service of the scope
/// (an incident of several services is met in each), or the one list of all incidents.
pub(crate) fn measure<'a>(lists: impl IntoIterator<Item = &'a [IncidentRow]>) -> TimeToRestore {
    let mut durations: Vec<u32> = Vec::new();
    let (mut incidents, mut open) = (0u64, 0u64);
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    for row in lists.into_iter().flatten() {
        if row.shared && !seen.insert(row.incident) {
            continue;
        }
        incidents += 1;
        if row.duration_seconds == NONE {
            open += 1;
        } else {
            durations.push(row.duration_seconds);
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
