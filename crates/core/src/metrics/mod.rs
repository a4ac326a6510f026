//! Pure functions from events and a window to measures. No I/O, no UI.
//!
//! `History::derive` computes, once per data change, every fact that does not depend on the
//! window (deploy order, baselines, lead times, failure and rework reasons, recovery, incident
//! attribution); `compute` then selects one scope and window from it.

pub mod attribution;
pub mod bands;
pub mod compute;
pub mod failures;
pub mod history;
pub mod measures;
pub mod rework;
pub mod rows;
pub mod rules;
pub mod shipped;
pub mod stats;
pub mod trend;
pub mod window;

pub use bands::{Band, BandTable};
pub use compute::{Scope, compute, deployments_in};
pub use history::{Attribution, DeploymentFacts, History, Reason, ReasonKind};
pub use measures::MetricSet;
pub use rules::Rules;
pub use window::Window;

#[cfg(test)]
mod tests;
