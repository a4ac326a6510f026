//! The measures of one scope (total, a service or a team) over one window, shaped exactly like the
//! report contract's `metrics{...}` object. Unknown values are `None` (JSON null), never 0. Each
//! measure's fields are defined in its own file, with its rule.

use serde::Serialize;

use super::batch::BatchSize;
use super::ci::CiHealth;
use super::failure_rate::ChangeFailureRate;
use super::frequency::DeploymentFrequency;
use super::lead_time::LeadTime;
use super::pr_cycle::PrCycleTime;
use super::recovery::RecoveryTime;
use super::rework_rate::ReworkRate;
use super::time_to_restore::TimeToRestore;
use super::wip::Wip;

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
