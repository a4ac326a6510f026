//! Deployment frequency (docs/METRICS.md#deployment-frequency).
//!
//! Over the counted deployments that finished in the window: `deployments`, `per_day =
//! deployments / days`, and `deploy_days`, the local days (in `general.timezone`) with at least
//! one of them, distinct across the services of a total or team. The banded value is
//! `median_deploy_days_per_week`: for each ISO week lying wholly inside the window, its
//! deploy-days (0 to 7, a week without deployments counting 0), and the median over those
//! weeks; when no whole week lies inside, `deploy_days × 7 / days`. With no deployment at all
//! the median is a real 0, and low.

use serde::Serialize;

use super::bands::{Band, BandTable};
use super::draft::ServiceDraft;
use super::stats::median;
use super::window::DayIndexer;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeploymentFrequency {
    pub deployments: u64,
    pub per_day: Option<f64>,
    pub deploy_days: u64,
    pub median_deploy_days_per_week: Option<f64>,
    pub band: Option<Band>,
}

/// The local calendar day of every counted deployment's finished_at, in the configured timezone.
pub(crate) fn mark_local_days(draft: &mut ServiceDraft<'_, '_>) {
    let mut days = DayIndexer::new(draft.rules.timezone);
    for (&p, &finished) in draft.order.iter().zip(&draft.finished) {
        draft.facts[p as usize].local_day = days.day(finished);
    }
}

/// The local days a window touches, each marked when a counted deployment finished on it.
pub(crate) struct DeployDays {
    /// The local day (days from the common era) of index 0.
    first_day: i32,
    deployed: Vec<bool>,
}

impl DeployDays {
    pub(crate) fn new(first_day: i32, span: usize) -> Self {
        DeployDays {
            first_day,
            deployed: vec![false; span],
        }
    }

    pub(crate) fn mark(&mut self, local_day: i32) {
        if let Some(slot) = usize::try_from(local_day - self.first_day)
            .ok()
            .and_then(|i| self.deployed.get_mut(i))
        {
            *slot = true;
        }
    }

    fn count(days: &[bool]) -> u64 {
        days.iter().filter(|d| **d).count() as u64
    }
}

/// `weeks`: the Mondays (days from the common era) of the ISO weeks lying wholly inside the
/// window; `window_days`: its length in days.
pub(crate) fn measure(
    deployments: u64,
    days: &DeployDays,
    weeks: &[i32],
    window_days: f64,
    bands: &BandTable,
) -> DeploymentFrequency {
    let deploy_days = DeployDays::count(&days.deployed);
    let median_per_week = if weeks.is_empty() {
        (window_days > 0.0).then(|| deploy_days as f64 * 7.0 / window_days)
    } else {
        let mut per_week: Vec<u32> = weeks
            .iter()
            .map(|&monday| {
                let start = (monday - days.first_day).max(0) as usize;
                days.deployed
                    .get(start..(start + 7).min(days.deployed.len()))
                    .map_or(0, |week| DeployDays::count(week) as u32)
            })
            .collect();
        median(&mut per_week)
    };
    DeploymentFrequency {
        deployments,
        per_day: (window_days > 0.0).then(|| deployments as f64 / window_days),
        deploy_days,
        median_deploy_days_per_week: median_per_week,
        band: bands.frequency(median_per_week, deploy_days, window_days),
    }
}
