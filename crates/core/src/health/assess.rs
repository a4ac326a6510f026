//! Every listed deployment's verdict on every panel that has a series for its service.

use std::collections::HashMap;

use serde::Serialize;

use super::verdict::Baseline;
use super::{Panels, Unit};
use crate::model::Deployment;

/// One panel's verdict on one deployment, as the report's `deployments[].health[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub panel: String,
    /// Null when the series has no sample in the span before (or after) the deployment.
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub delta: Option<f64>,
    pub unusual: bool,
    /// Unusual and the bad way (a hint beside the failure reasons; never a failure).
    pub worse: bool,
    #[serde(skip)]
    pub unit: Unit,
}

impl Health {
    /// "error rate 0.2% → 1.4% ▲ unusual"
    pub fn describe(&self) -> String {
        let value = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| self.unit.format(v));
        let arrow = match self.delta {
            Some(d) if d > 0.0 => " ▲",
            Some(d) if d < 0.0 => " ▼",
            Some(_) => " =",
            None => "",
        };
        let tail = if self.unusual { " unusual" } else { "" };
        format!(
            "{} {} → {}{arrow}{tail}",
            self.panel,
            value(self.before),
            value(self.after)
        )
    }
}

/// The verdicts of deployments, by their index in the history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthTable {
    by_deployment: HashMap<u32, Vec<Health>>,
}

impl HealthTable {
    pub fn of(&self, deployment: u32) -> &[Health] {
        self.by_deployment
            .get(&deployment)
            .map_or(&[], Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.by_deployment.is_empty()
    }

    /// Whether any panel finds the deployment unusually worse.
    pub fn worse(&self, deployment: u32) -> bool {
        self.of(deployment).iter().any(|h| h.worse)
    }

    /// A sort key for lists: the largest unusual worsening first, then other unusual
    /// changes, then the rest (0).
    pub fn rank(&self, deployment: u32) -> u8 {
        let health = self.of(deployment);
        if health.iter().any(|h| h.worse) {
            2
        } else {
            u8::from(health.iter().any(|h| h.unusual))
        }
    }
}

/// The verdict of every deployment `indices` names (into `deployments`) on every panel.
pub fn assess(panels: &Panels, deployments: &[Deployment], indices: &[u32]) -> HealthTable {
    let mut by_service: HashMap<&str, Vec<u32>> = HashMap::new();
    for &d in indices {
        if let Some(deployment) = deployments.get(d as usize) {
            by_service
                .entry(deployment.service.as_str())
                .or_default()
                .push(d);
        }
    }
    let mut table = HealthTable::default();
    for panel in &panels.panels {
        for series in &panel.series {
            let Some(listed) = by_service.get(series.service.as_str()) else {
                continue;
            };
            let mut baseline = Baseline::new(&series.points, panel.compare_ms);
            for &d in listed {
                let Some(deployment) = deployments.get(d as usize) else {
                    continue;
                };
                let finished = deployment.finished_at.timestamp_millis();
                let started = deployment
                    .started_at
                    .map_or(finished, |s| s.timestamp_millis());
                let verdict = baseline
                    .as_mut()
                    .and_then(|b| b.verdict(started, finished, panel.better));
                table.by_deployment.entry(d).or_default().push(Health {
                    panel: panel.name.clone(),
                    before: verdict.map(|v| v.before),
                    after: verdict.map(|v| v.after),
                    delta: verdict.map(|v| v.delta),
                    unusual: verdict.is_some_and(|v| v.unusual),
                    worse: verdict.is_some_and(|v| v.worse),
                    unit: panel.unit,
                });
            }
        }
    }
    table
}
