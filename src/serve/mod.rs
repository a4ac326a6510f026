//! `flowdeck serve --metrics ADDR`: the measures as an OpenMetrics / Prometheus text endpoint,
//! so teams that live in Grafana can chart flowdeck's numbers next to their own.
//!
//! The exposition is built from the same [`Snapshot`](crate::snapshot::Snapshot) the reports
//! are, whenever the data changes (a sync, a store notification) or the window moves (every
//! refresh interval), and published whole; a scrape only copies the last one out. A value the
//! JSON report gives as null (no data) is left out, never written as 0.
//!
//! # Names and labels
//!
//! Every measure is a gauge (the window slides, so nothing here only grows: there are no
//! counters and no `_total`), in base units (seconds; ratios from 0 to 1), per scope:
//!
//! - `scope="total"`: every service pooled (as the report's `metrics`);
//! - `scope="team", team="…"`: a team's services pooled;
//! - `scope="service", service="…", team="…"` (team when the service has one);
//!
//! and always `window="30d"` (the window's length). Sources have `source` and `kind`.
//!
//! | metric | type | unit | report key |
//! |---|---|---|---|
//! | `flowdeck_deployments` | gauge | | deployment_frequency.deployments |
//! | `flowdeck_deployments_per_day` | gauge | | deployment_frequency.per_day |
//! | `flowdeck_deploy_dates` | gauge | | deployment_frequency.deploy_days |
//! | `flowdeck_deploy_dates_per_week_median` | gauge | | deployment_frequency.median_deploy_days_per_week |
//! | `flowdeck_lead_time_median_seconds` | gauge | seconds | lead_time_for_changes.median_seconds |
//! | `flowdeck_lead_time_p90_seconds` | gauge | seconds | lead_time_for_changes.p90_seconds |
//! | `flowdeck_lead_time_seconds` | histogram | seconds | lead times (`_count` = lead_time_for_changes.changes) |
//! | `flowdeck_change_failure_ratio` | gauge | ratio | change_failure_rate.rate |
//! | `flowdeck_failed_deployments` | gauge | | change_failure_rate.failed |
//! | `flowdeck_recovered_deployments` | gauge | | failed_deployment_recovery_time.recovered |
//! | `flowdeck_unrecovered_deployments` | gauge | | failed_deployment_recovery_time.unrecovered |
//! | `flowdeck_recovery_time_median_seconds` | gauge | seconds | failed_deployment_recovery_time.median_seconds |
//! | `flowdeck_recovery_time_p90_seconds` | gauge | seconds | failed_deployment_recovery_time.p90_seconds |
//! | `flowdeck_recovery_time_seconds` | histogram | seconds | recovery times (`_count` = …recovered) |
//! | `flowdeck_incidents` | gauge | | time_to_restore.incidents |
//! | `flowdeck_open_incidents` | gauge | | time_to_restore.open |
//! | `flowdeck_time_to_restore_median_seconds` | gauge | seconds | time_to_restore.median_seconds |
//! | `flowdeck_time_to_restore_p90_seconds` | gauge | seconds | time_to_restore.p90_seconds |
//! | `flowdeck_rework_deployments` | gauge | | deployment_rework_rate.rework |
//! | `flowdeck_rework_ratio` | gauge | ratio | deployment_rework_rate.rate |
//! | `flowdeck_ci_runs` | gauge | | ci.runs |
//! | `flowdeck_ci_succeeded_runs` | gauge | | ci.succeeded |
//! | `flowdeck_ci_success_ratio` | gauge | ratio | ci.success_rate |
//! | `flowdeck_ci_duration_median_seconds` | gauge | seconds | ci.median_duration_seconds |
//! | `flowdeck_ci_duration_p90_seconds` | gauge | seconds | ci.p90_duration_seconds |
//! | `flowdeck_ci_queue_median_seconds` | gauge | seconds | ci.median_queue_seconds |
//! | `flowdeck_band{measure, band}` | gauge | | the band of deployment_frequency, lead_time_for_changes, change_failure_rate, failed_deployment_recovery_time: 1 for the band it is in, 0 for the other three |
//! | `flowdeck_window_start_timestamp_seconds{window}` | gauge | seconds | window.from |
//! | `flowdeck_window_end_timestamp_seconds{window}` | gauge | seconds | window.to (when computed) |
//! | `flowdeck_source_up{source, kind}` | gauge | | 1 when the source's last sync worked |
//! | `flowdeck_last_sync_timestamp_seconds{source, kind}` | gauge | seconds | sources[].last_success_at |
//!
//! Deploy-days are `deploy_dates`: `promtool check metrics` reads a `_days` in a name as a
//! time unit that should have been seconds. The histograms describe the window's items, not
//! a running count: read them with `histogram_quantile(0.5, flowdeck_lead_time_seconds_bucket)`
//! directly, never through `rate()`. Buckets: lead time 1h, 4h, 1d, 3d, 7d, 14d, 30d, 90d,
//! 180d; recovery 5m, 15m, 30m, 1h, 4h, 12h, 1d, 3d, 7d, 30d (every band threshold is a bound).

pub mod exposition;
pub mod families;
pub mod hooks;
pub mod http;
pub mod ingest;

use std::sync::{Arc, RwLock};

use hyper::body::Bytes;

pub use exposition::{Family, Format};
pub use families::{measure_families, source_families};
pub use http::{MetricsServer, Routes};

/// The `window` label of a window's length: whole days as days ("7d", "30d", "90d", as
/// people name them), anything else as the config writes durations ("36h", "90m").
pub fn window_label(length: crate::config::HumanDuration) -> String {
    let seconds = length.as_chrono().num_seconds();
    if seconds > 0 && seconds % 86_400 == 0 {
        format!("{}d", seconds / 86_400)
    } else {
        length.to_string()
    }
}

/// One exposition in both formats, rendered once per change.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposition {
    pub openmetrics: Bytes,
    pub prometheus: Bytes,
}

impl Exposition {
    /// The measure families, then the source families, in both formats.
    pub fn render(measures: &[Family], sources: &[Family]) -> Exposition {
        let one = |format: Format| {
            let mut out = String::new();
            exposition::write(&mut out, measures, format);
            exposition::write(&mut out, sources, format);
            exposition::finish(&mut out, format);
            Bytes::from(out)
        };
        Exposition {
            openmetrics: one(Format::OpenMetrics),
            prometheus: one(Format::Prometheus),
        }
    }

    pub fn body(&self, format: Format) -> Bytes {
        match format {
            Format::OpenMetrics => self.openmetrics.clone(),
            Format::Prometheus => self.prometheus.clone(),
        }
    }
}

/// The exposition scrapes are answered from: replaced whole by the refresher, read by every
/// scrape (a clone of an `Arc`, nothing computed).
#[derive(Debug, Default)]
pub struct Published {
    current: RwLock<Option<Arc<Exposition>>>,
}

impl Published {
    pub fn publish(&self, exposition: Exposition) {
        let fresh = Arc::new(exposition);
        match self.current.write() {
            Ok(mut current) => *current = Some(fresh),
            // A writer never panics while holding the lock; kept total all the same.
            Err(poisoned) => *poisoned.into_inner() = Some(fresh),
        }
    }

    /// The last exposition published; None before the first.
    pub fn current(&self) -> Option<Arc<Exposition>> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::HumanDuration;

    #[test]
    fn windows_are_labelled_in_days_when_they_are_whole_days() {
        let label = |text: &str| window_label(text.parse::<HumanDuration>().unwrap());
        assert_eq!(label("30d"), "30d");
        assert_eq!(label("1w"), "7d");
        assert_eq!(label("2w"), "14d");
        assert_eq!(label("36h"), "1d12h");
        assert_eq!(label("90m"), "1h30m");
    }
}
