//! Performance bands: the DORA tables (2023, 2021) and a custom one from config.
//!
//! Bands apply to the weekly deploy-day median (frequency), the lead-time median, the change
//! failure rate and the recovery-time median. A null value has a null band.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Elite,
    High,
    Medium,
    Low,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Elite => "elite",
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }

    /// Elite, high and medium, the order thresholds are listed in.
    pub const RANKED: [Band; 3] = [Band::Elite, Band::High, Band::Medium];
}

/// One deployment-frequency threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FrequencyRule {
    /// The median deploy-days per whole ISO week is at least `min`.
    PerWeek { min: f64 },
    /// deploy-days × `days` / window days is at least `min` (e.g. one deploy-day a month).
    PerDays { days: f64, min: f64 },
}

impl FrequencyRule {
    fn holds(&self, median_per_week: f64, deploy_days: u64, window_days: f64) -> bool {
        match *self {
            FrequencyRule::PerWeek { min } => median_per_week >= min,
            FrequencyRule::PerDays { days, min } => {
                window_days > 0.0 && deploy_days as f64 * days / window_days >= min
            }
        }
    }

    /// The rule as a person writes it in config: "5/week", "1/30d".
    pub fn describe(&self) -> String {
        match *self {
            FrequencyRule::PerWeek { min } => format!("{min}/week"),
            FrequencyRule::PerDays { days, min } => format!("{min}/{days}d"),
        }
    }
}

/// A band table: for elite, high and medium, the threshold a value must meet; low otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandTable {
    pub name: String,
    pub frequency: [FrequencyRule; 3],
    /// Exclusive upper bounds on the lead-time median, seconds.
    pub lead_time_seconds: [f64; 3],
    /// Inclusive upper bounds on the change failure rate, fractions.
    pub change_failure_rate: [f64; 3],
    /// Exclusive upper bounds on the recovery-time median, seconds.
    pub recovery_seconds: [f64; 3],
}

const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

impl BandTable {
    /// DORA's 2023 State of DevOps table, the default.
    pub fn dora_2023() -> Self {
        BandTable {
            name: "dora-2023".into(),
            frequency: [
                FrequencyRule::PerWeek { min: 5.0 },
                FrequencyRule::PerWeek { min: 1.0 },
                FrequencyRule::PerDays {
                    days: 30.0,
                    min: 1.0,
                },
            ],
            lead_time_seconds: [DAY, 7.0 * DAY, 30.0 * DAY],
            change_failure_rate: [0.05, 0.10, 0.15],
            recovery_seconds: [HOUR, DAY, 7.0 * DAY],
        }
    }

    /// DORA's 2021 table.
    pub fn dora_2021() -> Self {
        BandTable {
            name: "dora-2021".into(),
            frequency: [
                FrequencyRule::PerWeek { min: 5.0 },
                FrequencyRule::PerDays {
                    days: 30.0,
                    min: 1.0,
                },
                FrequencyRule::PerDays {
                    days: 182.0,
                    min: 1.0,
                },
            ],
            lead_time_seconds: [HOUR, 7.0 * DAY, 180.0 * DAY],
            change_failure_rate: [0.15, 0.20, 0.30],
            recovery_seconds: [HOUR, DAY, 7.0 * DAY],
        }
    }

    pub(crate) fn frequency(
        &self,
        median_per_week: Option<f64>,
        deploy_days: u64,
        window_days: f64,
    ) -> Option<Band> {
        let median = median_per_week?;
        Some(
            self.frequency
                .iter()
                .zip(Band::RANKED)
                .find(|(rule, _)| rule.holds(median, deploy_days, window_days))
                .map_or(Band::Low, |(_, band)| band),
        )
    }

    pub(crate) fn lead_time(&self, median_seconds: Option<f64>) -> Option<Band> {
        below(median_seconds?, &self.lead_time_seconds)
    }

    pub(crate) fn change_failure_rate(&self, rate: Option<f64>) -> Option<Band> {
        let rate = rate?;
        Some(
            self.change_failure_rate
                .iter()
                .zip(Band::RANKED)
                .find(|(max, _)| rate <= **max)
                .map_or(Band::Low, |(_, band)| band),
        )
    }

    pub(crate) fn recovery(&self, median_seconds: Option<f64>) -> Option<Band> {
        below(median_seconds?, &self.recovery_seconds)
    }
}

fn below(value: f64, bounds: &[f64; 3]) -> Option<Band> {
    Some(
        bounds
            .iter()
            .zip(Band::RANKED)
            .find(|(max, _)| value < **max)
            .map_or(Band::Low, |(_, band)| band),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dora_2023_frequency() {
        let t = BandTable::dora_2023();
        assert_eq!(t.frequency(Some(5.0), 20, 30.0), Some(Band::Elite));
        assert_eq!(t.frequency(Some(1.0), 4, 30.0), Some(Band::High));
        assert_eq!(t.frequency(Some(0.0), 1, 30.0), Some(Band::Medium));
        assert_eq!(t.frequency(Some(0.0), 1, 31.0), Some(Band::Low));
        assert_eq!(t.frequency(Some(0.0), 0, 30.0), Some(Band::Low));
        assert_eq!(t.frequency(None, 0, 30.0), None);
    }

    #[test]
    fn dora_2021_frequency_uses_months_and_half_years() {
        let t = BandTable::dora_2021();
        assert_eq!(t.frequency(Some(0.5), 1, 30.0), Some(Band::High));
        assert_eq!(t.frequency(Some(0.0), 1, 90.0), Some(Band::Medium));
        assert_eq!(t.frequency(Some(0.0), 1, 200.0), Some(Band::Low));
    }

    #[test]
    fn lead_time_bounds_are_exclusive() {
        let t = BandTable::dora_2023();
        assert_eq!(t.lead_time(Some(DAY - 1.0)), Some(Band::Elite));
        assert_eq!(t.lead_time(Some(DAY)), Some(Band::High));
        assert_eq!(t.lead_time(Some(30.0 * DAY)), Some(Band::Low));
        assert_eq!(t.lead_time(None), None);
        assert_eq!(
            BandTable::dora_2021().lead_time(Some(2.0 * HOUR)),
            Some(Band::High)
        );
    }

    #[test]
    fn failure_rate_bounds_are_inclusive() {
        let t = BandTable::dora_2023();
        assert_eq!(t.change_failure_rate(Some(0.05)), Some(Band::Elite));
        assert_eq!(t.change_failure_rate(Some(0.10)), Some(Band::High));
        assert_eq!(t.change_failure_rate(Some(0.15)), Some(Band::Medium));
        assert_eq!(t.change_failure_rate(Some(0.151)), Some(Band::Low));
        assert_eq!(
            BandTable::dora_2021().change_failure_rate(Some(0.3)),
            Some(Band::Medium)
        );
    }

    #[test]
    fn recovery_bounds() {
        let t = BandTable::dora_2023();
        assert_eq!(t.recovery(Some(59.0 * 60.0)), Some(Band::Elite));
        assert_eq!(t.recovery(Some(HOUR)), Some(Band::High));
        assert_eq!(t.recovery(Some(7.0 * DAY)), Some(Band::Low));
    }
}
