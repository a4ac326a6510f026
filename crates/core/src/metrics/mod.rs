//! Pure functions from events and a window to measures. No I/O, no UI.
//!
//! `History::derive` (`history.rs`) computes, once per data change, every fact that does not
//! depend on the window (`facts.rs`, and the compact `rows.rs` aggregation reads); `compute`
//! then selects one scope and window from it. Each measure's rule, from the facts it derives to
//! the numbers it reports, is in a file of its own, with the rule at the top and a citation of
//! its section of docs/METRICS.md:
//!
//! - the five DORA measures: `frequency.rs`, `lead_time.rs`, `failure_rate.rs` (with incident
//!   attribution in `attribution.rs`), `recovery.rs`, `rework_rate.rs`;
//! - the flow measures: `time_to_restore.rs`, `ci.rs`, `pr_cycle.rs`, `batch.rs`, `wip.rs`.
//!
//! Dependencies point one way: the rule files depend on `facts` (and `rows`, `shipped`,
//! `stats`, `window`, `bands`), `history` and `compute` on the rule files, and nothing back.

mod attribution;
pub mod bands;
mod batch;
pub mod board;
mod ci;
pub mod compute;
mod draft;
mod facts;
mod failure_rate;
mod frequency;
pub mod history;
mod incremental;
mod lead_time;
mod links;
mod lookup;
mod measures;
mod parallel;
mod persist;
mod pooled;
mod pr_cycle;
mod quick_match;
mod recovery;
mod rework_rate;
mod row_diff;
mod rows;
pub mod rules;
mod shipped;
pub mod stats;
mod time_to_restore;
pub mod trend;
pub mod window;
mod wip;

pub use bands::{Band, BandTable};
pub use board::MetricBoard;
pub use compute::{Scope, compute, deployments_in, latest_deployment_before};
pub use facts::{Attribution, DeploymentFacts, History, Reason, ReasonKind};
pub use incremental::{Applied, EventChange};
pub use measures::MetricSet;
pub use rules::Rules;
pub use window::Window;

#[cfg(test)]
mod tests;
