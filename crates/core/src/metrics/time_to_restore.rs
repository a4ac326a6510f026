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
use super::pooled::median_and_p90_pooled;
use super::rows::{IncidentRow, NONE, ServiceRows, nanos, seconds};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimeToRestore {
    pub incidents: u64,
    pub open: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
}

/// The rows of `incidents` (indices, in index order) by start time, ties in index order: one
/// service's, or every incident for the total (which also holds incidents of no service).
pub(crate) fn fill_rows(history: &History, incidents: &[u32], out: &mut ServiceRows) {
    let events = &history.events.incidents;
    let mut order = incidents.to_vec();
    order.sort_by_key(|&i| events[i as usize].started_at);
    out.incident_time = order
        .iter()
        .map(|&i| nanos(events[i as usize].started_at))
        .collect();
    out.incidents = order
        .iter()
        .map(|&i| {
            let incident = &events[i as usize];
            IncidentRow {
                incident: i,
                duration_seconds: incident.resolved_at.map_or(NONE, |resolved| {
                    seconds((resolved - incident.started_at).num_seconds())
                }),
                shared: history.incident_services[i as usize].len() > 1,
            }
        })
        .collect();
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
    let (median_seconds, p90_seconds) = median_and_p90_pooled(&[&durations]);
    TimeToRestore {
        incidents,
        open,
        median_seconds,
        p90_seconds,
    }
}
