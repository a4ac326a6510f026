//! `unusual_deployment`: the health panels' verdict (docs/METRICS.md#health-panels-and-the-
//! deployment-verdict) on the deployments of the last day, read at most every [`EVERY`] (the
//! panels are range queries against Prometheus, which a notifier woken after every sync must
//! not send each time). A deployment is judged once its `compare` span after it is over; a
//! worsening its panels call unusual becomes an observation, sent once like every transition.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::commands::panels;
use crate::config::Config;
use crate::health::assess;
use crate::metrics::{History, Window};
use crate::model::Timestamp;
use crate::store::Store;

use super::detect::{self, FRESH, Observation};

/// The shortest time between two reads of the panels.
pub const EVERY: Duration = Duration::from_secs(5 * 60);
/// How much history before a deployment its verdict compares with (7 days, and a day of
/// deployments to judge).
const SPAN: chrono::Duration = chrono::Duration::days(8);

#[derive(Debug, Default)]
pub struct HealthWatch {
    last: Option<Instant>,
    found: Vec<Observation>,
}

impl HealthWatch {
    /// The unusual deployments of the last day (the last read's, between reads).
    pub fn observe(
        &mut self,
        config: &Config,
        store: &Arc<dyn Store>,
        history: &History,
        now: Timestamp,
    ) -> Vec<Observation> {
        if config.panels.is_empty() {
            return Vec::new();
        }
        if self.last.is_some_and(|last| last.elapsed() < EVERY) {
            return self.found.clone();
        }
        self.last = Some(Instant::now());
        let compare = config
            .panels
            .iter()
            .map(|p| p.compare.as_chrono())
            .max()
            .unwrap_or_default();
        let judged: Vec<u32> = history
            .events
            .deployments
            .iter()
            .enumerate()
            .filter(|(_, d)| now - d.finished_at <= FRESH && d.finished_at + compare <= now)
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        if judged.is_empty() {
            self.found.clear();
            return Vec::new();
        }
        let window = Window::ending(now, SPAN);
        let read = match panels::try_read(config, store.clone(), history, &window) {
            Ok(read) => read,
            Err(error) => {
                tracing::warn!(error = %error, "health panels not read for notifications");
                return self.found.clone();
            }
        };
        let table = assess(&read, &history.events.deployments, &judged);
        let verdicts: Vec<(u32, String)> = judged
            .iter()
            .filter(|&&d| table.worse(d))
            .map(|&d| {
                let worse: Vec<String> = table
                    .of(d)
                    .iter()
                    .filter(|h| h.worse)
                    .map(|h| h.describe())
                    .collect();
                (d, worse.join(", "))
            })
            .collect();
        self.found = detect::unusual(history, &verdicts);
        self.found.clone()
    }
}
