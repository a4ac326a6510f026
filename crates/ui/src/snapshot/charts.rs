//! What the HTML report's charts draw that the snapshot's rows do not carry: deployments per
//! local day and every change's lead time in buckets. Not part of the JSON contract (the JSON
//! lists the deployments themselves), hence computed here from the history while it is at hand.

use chrono::{Datelike, NaiveDate};

use flowdeck_core::metrics::History;
use flowdeck_core::metrics::window::{Window, local_day};

/// Upper bounds (exclusive) of the lead-time buckets, seconds: <1h, 1h–1d, 1–7d, 7–30d, ≥30d.
pub(crate) const LEAD_TIME_BOUNDS: [i64; 4] = [3_600, 86_400, 7 * 86_400, 30 * 86_400];

/// The labels of the lead-time buckets, in order.
pub(crate) const LEAD_TIME_LABELS: [&str; 5] = ["< 1h", "1h – 1d", "1d – 7d", "7d – 30d", "≥ 30d"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charts {
    /// The first local day the window touches, and the count of counted deployments on each
    /// local day from it to the window's last (in the report's timezone).
    pub(crate) first_day: Option<NaiveDate>,
    pub(crate) deployments_per_day: Vec<u32>,
    /// Changes of the window's non-baseline deployments by lead time (see `LEAD_TIME_BOUNDS`);
    /// they add up to the lead-time measure's `changes`.
    pub lead_time_buckets: [u64; 5],
}

/// Longest window drawn day by day; longer ones would be hair-thin bars (the chart then groups
/// by week, see the HTML renderer).
const MAX_DAYS: i64 = 3_660;

impl Charts {
    /// `deployments`: indices of the counted deployments of the window (any order).
    pub(crate) fn build(history: &History, window: &Window, deployments: &[u32]) -> Charts {
        let tz = history.rules.timezone;
        let first = local_day(window.from, tz);
        // The window's end is exclusive: its last instant's day is the last day drawn.
        let last = local_day(window.to - chrono::Duration::nanoseconds(1), tz).max(first);
        let days = ((last - first).num_days() + 1).clamp(1, MAX_DAYS) as usize;
        let mut per_day = vec![0u32; days];
        let mut buckets = [0u64; 5];
        let first_number = first.num_days_from_ce();
        for &d in deployments {
            // The history keeps each deployment's local day: no time-zone arithmetic per row.
            let Some(facts) = history.deployments.get(d as usize) else {
                continue;
            };
            let day = facts.local_day - first_number;
            if let Some(count) = usize::try_from(day).ok().and_then(|i| per_day.get_mut(i)) {
                *count += 1;
            }
            for &lead in history.lead_times(d) {
                let bucket = LEAD_TIME_BOUNDS.partition_point(|&bound| bound <= lead);
                buckets[bucket] += 1;
            }
        }
        Charts {
            first_day: Some(first),
            deployments_per_day: per_day,
            lead_time_buckets: buckets,
        }
    }
}
