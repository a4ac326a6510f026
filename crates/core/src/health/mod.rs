//! Health panels: a service's own time series (error rate, latency, …) read from Prometheus,
//! and what each deployment did to them. The verdict's definition is in
//! docs/METRICS.md#health-panels-and-the-deployment-verdict; the maths is in `verdict`, the
//! per-deployment assessment in `assess`. No I/O: the series arrive as values.

mod assess;
mod unit;
mod verdict;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use assess::{Health, HealthTable, assess};
pub use unit::Unit;
pub use verdict::{Baseline, LOOKBACK_MS, MIN_CHANGES, Verdict, window_median};

/// Which way is good for a panel's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    /// Whether a change of `delta` goes the bad way.
    pub fn is_worse(self, delta: f64) -> bool {
        match self {
            Better::Lower => delta > 0.0,
            Better::Higher => delta < 0.0,
        }
    }
}

/// One sample: when (milliseconds since the epoch) and the value (always finite: NaN and
/// ±Inf are dropped where the series is read).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at_ms: i64,
    pub value: f64,
}

impl Serialize for Sample {
    /// `[unix seconds, value]`, as Prometheus writes a sample (the value as a number).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(
            clippy::cast_precision_loss,
            reason = "epoch milliseconds fit an f64 exactly"
        )]
        let seconds = self.at_ms as f64 / 1000.0;
        (seconds, self.value).serialize(serializer)
    }
}

/// One service's series of a panel, oldest first, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelSeries {
    pub service: String,
    pub points: Vec<Sample>,
    /// Prometheus' own message when the query failed (sanitized); the other series and
    /// panels are unaffected.
    pub error: Option<String>,
}

/// A configured panel: what it is called and how its values read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelSpec {
    pub name: String,
    pub unit: Unit,
    pub better: Better,
    /// The before/after span of the verdict, in milliseconds.
    pub compare_ms: i64,
}

/// A panel with the series read for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub name: String,
    pub unit: Unit,
    pub better: Better,
    #[serde(skip)]
    pub compare_ms: i64,
    pub series: Vec<PanelSeries>,
}

impl Panel {
    pub fn new(spec: &PanelSpec, series: Vec<PanelSeries>) -> Panel {
        Panel {
            name: spec.name.clone(),
            unit: spec.unit,
            better: spec.better,
            compare_ms: spec.compare_ms,
            series,
        }
    }

    /// The series of `service`, if the panel has one.
    pub fn series_of(&self, service: &str) -> Option<&PanelSeries> {
        self.series.iter().find(|s| s.service == service)
    }
}

/// Every panel's series over one span, as one refresh read them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Panels {
    pub panels: Vec<Panel>,
}

impl Panels {
    pub fn is_empty(&self) -> bool {
        self.panels.is_empty()
    }
}
