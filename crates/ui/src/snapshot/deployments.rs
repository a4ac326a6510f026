//! The deployments a snapshot lists, newest first. A company-scale window lists half a million:
//! the JSON report streams them straight from the history (no owned copy of every row), and
//! the HTML and Markdown reports make rows only for the few hundred they show.

use serde::Serialize;
use serde::ser::SerializeSeq;

use std::sync::Arc;

use flowdeck_core::health::{Health, HealthTable};
use flowdeck_core::metrics::{History, Reason};
use flowdeck_core::model::Timestamp;

/// One report row for a counted deployment (owned: the dashboard keeps these).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeploymentRow {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) service: String,
    pub(crate) environment: String,
    pub(crate) sha: String,
    pub(crate) finished_at: Timestamp,
    pub(crate) url: Option<String>,
    pub(crate) baseline: bool,
    /// Non-merge commits it shipped first.
    pub(crate) changes: u32,
    pub(crate) lead_time_median_seconds: Option<f64>,
    pub(crate) failed: bool,
    pub(crate) failure_reasons: Vec<Reason>,
    pub(crate) rework: bool,
    pub(crate) rework_reasons: Vec<Reason>,
    pub(crate) recovered_at: Option<Timestamp>,
    pub(crate) recovery_seconds: Option<f64>,
    /// Each health panel's verdict (none without `[[panels]]`): a hint, never a failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) health: Vec<Health>,
    /// Index into the history's deployments, for drill-down.
    #[serde(skip)]
    pub(crate) index: u32,
}

/// A row borrowed from the history, for serializing: the same keys as `DeploymentRow` (a test
/// holds them equal), without copying a string.
#[derive(Serialize)]
struct RowView<'a> {
    id: &'a str,
    name: Option<&'a str>,
    service: &'a str,
    environment: &'a str,
    sha: &'a str,
    finished_at: Timestamp,
    url: Option<&'a str>,
    baseline: bool,
    changes: u32,
    lead_time_median_seconds: Option<f64>,
    failed: bool,
    failure_reasons: &'a [Reason],
    rework: bool,
    rework_reasons: &'a [Reason],
    recovered_at: Option<Timestamp>,
    recovery_seconds: Option<f64>,
    #[serde(skip_serializing_if = "<[Health]>::is_empty")]
    health: &'a [Health],
}

fn view<'a>(
    history: &'a History,
    health: &'a HealthTable,
    d: u32,
    scratch: &mut Vec<i64>,
) -> RowView<'a> {
    let deployment = &history.events.deployments[d as usize];
    let facts = &history.deployments[d as usize];
    scratch.clear();
    scratch.extend_from_slice(history.lead_times(d));
    RowView {
        id: &deployment.id,
        name: deployment.name.as_deref(),
        service: &deployment.service,
        environment: &deployment.environment,
        sha: &deployment.sha,
        finished_at: deployment.finished_at,
        url: deployment.url.as_deref(),
        baseline: facts.baseline,
        changes: facts.changes,
        lead_time_median_seconds: flowdeck_core::metrics::stats::median(scratch),
        failed: facts.failed(),
        failure_reasons: &facts.failure_reasons,
        rework: facts.rework(),
        rework_reasons: &facts.rework_reasons,
        recovered_at: facts.recovered_at,
        recovery_seconds: recovery_seconds(facts.recovered_at, deployment.finished_at),
        health: health.of(d),
    }
}

fn recovery_seconds(recovered_at: Option<Timestamp>, finished_at: Timestamp) -> Option<f64> {
    recovered_at.map(|r| (r - finished_at).num_seconds().max(0) as f64)
}

/// One report row for a counted deployment.
pub(crate) fn deployment_row(history: &History, d: u32) -> DeploymentRow {
    health_row(history, &HealthTable::default(), d)
}

/// One report row with its health verdicts.
pub(crate) fn health_row(history: &History, health: &HealthTable, d: u32) -> DeploymentRow {
    let v = view(history, health, d, &mut Vec::new());
    DeploymentRow {
        id: v.id.to_string(),
        name: v.name.map(str::to_string),
        service: v.service.to_string(),
        environment: v.environment.to_string(),
        sha: v.sha.to_string(),
        finished_at: v.finished_at,
        url: v.url.map(str::to_string),
        baseline: v.baseline,
        changes: v.changes,
        lead_time_median_seconds: v.lead_time_median_seconds,
        failed: v.failed,
        failure_reasons: v.failure_reasons.to_vec(),
        rework: v.rework,
        rework_reasons: v.rework_reasons.to_vec(),
        recovered_at: v.recovered_at,
        recovery_seconds: v.recovery_seconds,
        health: v.health.to_vec(),
        index: d,
    }
}

/// The counted deployments of a window, newest first, read from the history when asked for.
#[derive(Clone)]
pub struct Deployments<'h> {
    history: &'h History,
    /// Indices into the history's deployments, newest first.
    order: Vec<u32>,
    /// The health panels' verdicts on them (empty without panels).
    health: Arc<HealthTable>,
}

impl std::fmt::Debug for Deployments<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployments")
            .field("len", &self.order.len())
            .finish()
    }
}

impl<'h> Deployments<'h> {
    /// `indices` in any order; listed newest first (finished_at, then id bytewise, descending).
    pub(crate) fn new(history: &'h History, indices: &[u32]) -> Deployments<'h> {
        let deployments = &history.events.deployments;
        // Sorting (time, index) pairs in one array is several times faster than comparing
        // through the deployments; ids are compared only between deployments that finished
        // together.
        let mut keyed: Vec<(Timestamp, u32)> = indices
            .iter()
            .map(|&d| (deployments[d as usize].finished_at, d))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                deployments[b.1 as usize]
                    .id
                    .as_bytes()
                    .cmp(deployments[a.1 as usize].id.as_bytes())
            })
        });
        Deployments {
            history,
            order: keyed.into_iter().map(|(_, d)| d).collect(),
            health: Arc::new(HealthTable::default()),
        }
    }

    /// The same list with the health panels' verdicts.
    pub(crate) fn with_health(mut self, health: HealthTable) -> Deployments<'h> {
        self.health = Arc::new(health);
        self
    }

    /// The rows any panel finds unusual, newest first.
    pub(crate) fn unusual(&self) -> impl Iterator<Item = DeploymentRow> + '_ {
        self.order
            .iter()
            .filter(|&&d| self.health.rank(d) > 0)
            .map(|&d| health_row(self.history, &self.health, d))
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// History indices, newest first.
    pub(crate) fn indices(&self) -> &[u32] {
        &self.order
    }

    /// Every row, newest first, made as the iterator goes (take what you show).
    pub(crate) fn rows(&self) -> impl Iterator<Item = DeploymentRow> + '_ {
        self.order
            .iter()
            .map(|&d| health_row(self.history, &self.health, d))
    }

    /// How many failed, and how many of those have not recovered.
    pub fn failed_counts(&self) -> (usize, usize) {
        self.order
            .iter()
            .map(|&d| &self.history.deployments[d as usize])
            .filter(|facts| facts.failed())
            .fold((0, 0), |(failed, open), facts| {
                (failed + 1, open + usize::from(facts.recovered_at.is_none()))
            })
    }

    /// When each listed deployment of `service` finished, and whether it failed or is
    /// rework (the health charts' markers), newest first.
    pub(crate) fn marks(&self, service: &str) -> Vec<(Timestamp, bool, bool)> {
        self.order
            .iter()
            .filter_map(|&d| {
                let event = self.history.events.deployments.get(d as usize)?;
                let facts = self.history.deployments.get(d as usize)?;
                (event.service == service)
                    .then(|| (event.finished_at, facts.failed(), facts.rework()))
            })
            .collect()
    }

    /// The failed ones' rows, newest first.
    pub(crate) fn failed(&self) -> impl Iterator<Item = DeploymentRow> + '_ {
        self.order
            .iter()
            .filter(|&&d| self.history.deployments[d as usize].failed())
            .map(|&d| health_row(self.history, &self.health, d))
    }
}

impl Serialize for Deployments<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.order.len()))?;
        let mut scratch = Vec::new();
        for &d in &self.order {
            seq.serialize_element(&view(self.history, &self.health, d, &mut scratch))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdeck_core::metrics::Rules;

    #[test]
    fn streamed_rows_are_the_owned_rows() {
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        let (events, _) = flowdeck_sources::collect_demo(now);
        let history = History::derive(events, Rules::default());
        let indices: Vec<u32> = (0..history.events.deployments.len() as u32)
            .filter(|&d| history.events.deployments[d as usize].counts())
            .collect();
        let deployments = Deployments::new(&history, &indices);
        assert!(deployments.len() > 100);
        let streamed = serde_json::to_value(&deployments).ok();
        let owned: Vec<DeploymentRow> = deployments.rows().collect();
        assert_eq!(streamed, serde_json::to_value(&owned).ok());
        // Newest first, and the failed ones among them.
        assert!(
            owned
                .windows(2)
                .all(|w| w[0].finished_at >= w[1].finished_at)
        );
        let failed: Vec<DeploymentRow> = deployments.failed().collect();
        assert_eq!(failed.len(), deployments.failed_counts().0);
        assert!(failed.iter().all(|d| d.failed));
        assert_eq!(
            deployments.failed_counts().1,
            failed.iter().filter(|d| d.recovered_at.is_none()).count()
        );
    }
}
