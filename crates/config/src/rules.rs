//! The metric rules a config asks for. The config layer resolves its keys into the core's
//! `Rules` once, so the metric engine never reads config.

use std::collections::HashSet;

use super::duration::HumanDuration;
use super::schema::{
    BandsChoice, CommitTime, Config, CustomBands, FrequencyThreshold, SourceConfig,
};
use flowdeck_core::metrics::Rules;
use flowdeck_core::metrics::bands::{BandTable, FrequencyRule};
use flowdeck_core::metrics::rules::author_globs;

impl Config {
    /// The rules a validated config asks for.
    pub fn rules(&self) -> Rules {
        let bands = match self.general.bands {
            BandsChoice::Dora2023 => BandTable::dora_2023(),
            BandsChoice::Dora2021 => BandTable::dora_2021(),
            // Validation guarantees the table exists for "custom"; without one, the default.
            BandsChoice::Custom => self
                .bands
                .as_ref()
                .map(custom_table)
                .unwrap_or_else(BandTable::dora_2023),
        };
        let committed_time_services: HashSet<String> = self
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
            timezone: self.general.timezone.0,
            attribution_window: self.incidents.attribution_window.as_chrono(),
            hotfix_pattern: self.incidents.hotfix_pattern.0.clone(),
            committed_time_services,
            exclude_authors: author_globs(self.general.exclude_authors.iter().map(|g| g.as_str())),
            bands,
        }
    }
}

impl Config {
    /// Everything [`Config::rules`] is made of, as text: two configs with the same fingerprint
    /// give the same rules, so a history derived under one is the history under the other
    /// (the derived-history cache keys on it). Reads `rules()` itself where the rules can be
    /// read back, so a rule added there is covered; the author patterns come from the config
    /// because a compiled glob set cannot be read back.
    pub fn rules_fingerprint(&self) -> String {
        let rules = self.rules();
        let mut committed: Vec<&String> = rules.committed_time_services.iter().collect();
        committed.sort();
        let authors: Vec<&str> = self
            .general
            .exclude_authors
            .iter()
            .map(|g| g.as_str())
            .collect();
        let Rules {
            timezone,
            attribution_window,
            hotfix_pattern,
            committed_time_services: _,
            exclude_authors: _,
            bands,
        } = &rules;
        format!(
            "timezone={}\nattribution_window={attribution_window:?}\nhotfix_pattern={:?}\ncommitted_time_services={committed:?}\nexclude_authors={authors:?}\nbands={bands:?}",
            timezone.name(),
            hotfix_pattern.as_str(),
        )
    }
}

fn custom_table(custom: &CustomBands) -> BandTable {
    let frequency = |t: FrequencyThreshold| match t {
        FrequencyThreshold::PerWeek(min) => FrequencyRule::PerWeek { min },
        FrequencyThreshold::PerDays { min, days } => FrequencyRule::PerDays { days, min },
    };
    let seconds = |d: HumanDuration| d.as_chrono().num_seconds() as f64;
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
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_default_config_gives_the_default_rules() {
        let from_config = Config::default().rules();
        let default = Rules::default();
        assert_eq!(from_config.timezone, default.timezone);
        assert_eq!(from_config.attribution_window, default.attribution_window);
        assert_eq!(
            from_config.hotfix_pattern.as_str(),
            default.hotfix_pattern.as_str()
        );
        assert_eq!(from_config.bands.name, default.bands.name);
        assert!(from_config.author_excluded("dependabot[bot]"));
    }

    #[test]
    fn every_rule_changes_the_fingerprint() {
        let base = Config::default();
        let fingerprint = base.rules_fingerprint();
        assert_eq!(Config::default().rules_fingerprint(), fingerprint);
        let mut changed: Vec<(&str, Config)> = Vec::new();
        let mut c = Config::default();
        c.general.timezone.0 = chrono_tz::Tz::Europe__Paris;
        changed.push(("timezone", c));
        let mut c = Config::default();
        c.incidents.attribution_window.0 = chrono::Duration::hours(2);
        changed.push(("attribution window", c));
        let mut c = Config::default();
        c.incidents.hotfix_pattern.0 = regex::Regex::new("^fix").unwrap();
        changed.push(("hotfix pattern", c));
        let mut c = Config::default();
        c.general.exclude_authors.clear();
        changed.push(("excluded authors", c));
        let mut c = Config::default();
        c.general.bands = BandsChoice::Dora2021;
        changed.push(("bands", c));
        for (what, config) in changed {
            assert_ne!(config.rules_fingerprint(), fingerprint, "{what}");
        }
    }
}
