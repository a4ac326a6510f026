//! The measures of one scope (total, a service or a team) over one window, shaped exactly like the
//! report contract's `metrics{...}` object. Unknown values are `None` (JSON null), never 0.

use serde::Serialize;

use super::bands::Band;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricSet {
    pub deployment_frequency: DeploymentFrequency,
    pub lead_time_for_changes: LeadTime,
    pub change_failure_rate: ChangeFailureRate,
    pub failed_deployment_recovery_time: RecoveryTime,
    pub time_to_restore: TimeToRestore,
    pub deployment_rework_rate: ReworkRate,
    pub ci: CiHealth,
    pub pr_cycle_time: PrCycleTime,
    pub batch_size: BatchSize,
    pub wip: Wip,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeploymentFrequency {
    pub deployments: u64,
    pub per_day: Option<f64>,
    pub deploy_days: u64,
    pub median_deploy_days_per_week: Option<f64>,
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LeadTime {
    pub changes: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChangeFailureRate {
    pub deployments: u64,
    pub failed: u64,
    pub rate: Option<f64>,
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecoveryTime {
    pub failed: u64,
    pub recovered: u64,
    pub unrecovered: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimeToRestore {
    pub incidents: u64,
    pub open: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReworkRate {
    pub deployments: u64,
    pub rework: u64,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CiHealth {
    pub runs: u64,
    pub succeeded: u64,
    pub success_rate: Option<f64>,
    pub median_duration_seconds: Option<f64>,
    pub p90_duration_seconds: Option<f64>,
    pub median_queue_seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrCycleTime {
    pub prs: u64,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub coding_median_seconds: Option<f64>,
    pub pickup_median_seconds: Option<f64>,
    pub review_median_seconds: Option<f64>,
    pub deploy_median_seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchSize {
    pub median_changes: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Wip {
    pub open_prs: u64,
    pub median_age_seconds: Option<f64>,
}
