//! Failed deployment recovery time (docs/METRICS.md#failed-deployment-recovery-time).
//!
//! A failed deployment is recovered at the earlier of (the latest `resolved_at` of the incidents
//! attributed to it, once every one of them is resolved) and (the `finished_at` of the first
//! rollback or revert deployment that undid it); its recovery time is `recovered_at −
//! finished_at`, clamped at 0. One with neither is unrecovered: counted, never dropped. Over the
//! failed deployments that finished in the window: `failed`, `recovered`, `unrecovered`, and the
//! median (banded) and p90 of the recovered ones.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::bands::{Band, BandTable};
use super::facts::History;
use super::pooled::median_and_p90_pooled;
use super::rows::seconds;
use crate::model::Timestamp;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecoveryTime {
    pub failed: u64,
    pub recovered: u64,
    pub unrecovered: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

/// Sets `recovered_at` of every failed deployment of `services`; runs after attribution and
/// the rollback and revert rules.
pub(crate) fn mark_recoveries(history: &mut History, services: &[u32]) {
    for &s in services {
        // Per deployment: whether every attributed incident is resolved, and the latest
        // resolution.
        let mut incident_state: FxHashMap<u32, (bool, Option<Timestamp>)> = FxHashMap::default();
        for &i in &history.services[s as usize].attributed {
            let incident = &history.events.incidents[i as usize];
            for attribution in &history.attributions[i as usize] {
                if history.deployments[attribution.deployment as usize].service != s {
                    continue;
                }
                let state = incident_state
                    .entry(attribution.deployment)
                    .or_insert((true, None));
                match incident.resolved_at {
                    Some(resolved) => state.1 = Some(state.1.map_or(resolved, |t| t.max(resolved))),
                    None => state.0 = false,
                }
            }
        }
        for &d in &history.services[s as usize].deployments {
            let facts = &mut history.deployments[d as usize];
            if !facts.failed() {
                continue;
            }
            let by_incidents = match incident_state.get(&d) {
                Some((true, resolved)) => *resolved,
                _ => None,
            };
            facts.recovered_at = match (by_incidents, facts.undone_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
}

/// The recovery time of a deployment that finished at `finished_at`, seconds; None while
/// unrecovered.
pub(crate) fn recovery_seconds(
    recovered_at: Option<Timestamp>,
    finished_at: Timestamp,
) -> Option<u32> {
    recovered_at.map(|recovered| seconds((recovered - finished_at).num_seconds()))
}

/// `recovery`: the recovery times of the window's recovered failed deployments, reordered.
pub(crate) fn measure(
    failed: u64,
    unrecovered: u64,
    recovery: &[u32],
    bands: &BandTable,
) -> RecoveryTime {
    let (median_seconds, p90_seconds) = median_and_p90_pooled(&[recovery]);
    RecoveryTime {
        failed,
        recovered: recovery.len() as u64,
        unrecovered,
        median_seconds,
        p90_seconds,
        band: bands.recovery(median_seconds),
    }
}
