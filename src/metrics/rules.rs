//! The configurable parts of the metric definitions, resolved once from config.

use std::collections::HashSet;

use chrono::Duration;
use chrono_tz::Tz;
use globset::{GlobSet, GlobSetBuilder};
use regex::Regex;

use super::bands::{BandTable, FrequencyRule};
use crate::config::{BandsChoice, CommitTime, Config, FrequencyThreshold, SourceConfig};

/// Everything a metric definition leaves to config.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Day boundaries for deploy-days, weeks and `--from/--to` dates.
    pub timezone: Tz,
    /// Rule (b): how long after a deployment an incident of its service is blamed on it.
    pub attribution_window: Duration,
    /// Rework: a change's first line, a deploy ref or a PR head branch matching this.
    pub hotfix_pattern: Regex,
    /// Services whose lead time starts at committed_at instead of authored_at.
    pub committed_time_services: HashSet<String>,
    /// Authors left out of PR measures.
    pub exclude_authors: GlobSet,
    pub bands: BandTable,
}

impl Default for Rules {
    fn default() -> Self {
        let config = Config::default();
        Rules {
            timezone: Tz::UTC,
            attribution_window: Duration::hours(24),
            hotfix_pattern: config.incidents.hotfix_pattern.0.clone(),
            committed_time_services: HashSet::new(),
            exclude_authors: globs(config.general.exclude_authors.iter().map(|g| g.as_str())),
            bands: BandTable::dora_2023(),
        }
    }
}

impl Rules {
    /// The rules a validated config asks for.
    pub fn from_config(config: &Config) -> Rules {
        let bands = match config.general.bands {
            BandsChoice::Dora2023 => BandTable::dora_2023(),
            BandsChoice::Dora2021 => BandTable::dora_2021(),
            // Validation guarantees the table exists for "custom"; without one, the default.
            BandsChoice::Custom => config
                .bands
                .as_ref()
                .map(custom_table)
                .unwrap_or_else(BandTable::dora_2023),
        };
        let committed_time_services = config
            .sources
            .iter()
            .filter_map(|source| match source {
                SourceConfig::Git(s) if s.commit_time == CommitTime::Committed => {
                    Some(s.service.clone())
                }
                SourceConfig::Github(s) if s.commit_time == CommitTime::Committed => {
                    Some(s.service.clone())
                }
                SourceConfig::Gitlab(s) if s.commit_time == CommitTime::Committed => {
                    Some(s.service.clone())
                }
                _ => None,
            })
            .collect();
        Rules {
            timezone: config.general.timezone.0,
            attribution_window: config.incidents.attribution_window.as_chrono(),
            hotfix_pattern: config.incidents.hotfix_pattern.0.clone(),
            committed_time_services,
            exclude_authors: globs(config.general.exclude_authors.iter().map(|g| g.as_str())),
            bands,
        }
    }

    pub fn author_excluded(&self, author: &str) -> bool {
        self.exclude_authors.is_match(author)
    }
}

/// Compiles author patterns. Only `*` and `?` are wildcards: brackets and braces are literal,
/// so the default "*[bot]" means a name ending in "[bot]" (as GitHub names bots), not a name
/// ending in b, o or t.
fn globs<'a>(patterns: impl Iterator<Item = &'a str>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let literal_brackets: String = pattern
            .chars()
            .map(|c| match c {
                '[' | ']' | '{' | '}' => format!("[{c}]"),
                c => c.to_string(),
            })
            .collect();
        if let Ok(glob) = globset::Glob::new(&literal_brackets) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

fn custom_table(custom: &crate::config::CustomBands) -> BandTable {
    let frequency = |t: FrequencyThreshold| match t {
        FrequencyThreshold::PerWeek(min) => FrequencyRule::PerWeek { min },
        FrequencyThreshold::PerDays { min, days } => FrequencyRule::PerDays { days, min },
    };
    let seconds = |d: crate::config::HumanDuration| d.as_chrono().num_seconds() as f64;
    BandTable {
        name: "custom".into(),
        frequency: [
            frequency(custom.frequency.elite),
            frequency(custom.frequency.high),
            frequency(custom.frequency.medium),
        ],
        lead_time_seconds: [
            seconds(custom.lead_time.elite),
            seconds(custom.lead_time.high),
            seconds(custom.lead_time.medium),
        ],
        change_failure_rate: [
            custom.change_failure_rate.elite.0,
            custom.change_failure_rate.high.0,
            custom.change_failure_rate.medium.0,
        ],
        recovery_seconds: [
            seconds(custom.recovery_time.elite),
            seconds(custom.recovery_time.high),
            seconds(custom.recovery_time.medium),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_pattern_means_a_literal_bot_suffix() {
        let rules = Rules::default();
        assert!(rules.author_excluded("dependabot[bot]"));
        assert!(rules.author_excluded("renovate[bot]"));
        assert!(!rules.author_excluded("Scott"));
        assert!(!rules.author_excluded("bot"));
    }
}
