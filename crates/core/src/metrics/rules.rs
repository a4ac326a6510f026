//! The configurable parts of the metric definitions. The config layer resolves them once
//! (`Config::rules`); this layer knows nothing of config files.

use std::collections::HashSet;

use chrono::Duration;
use chrono_tz::Tz;
use globset::{GlobSet, GlobSetBuilder};
use regex::Regex;

use super::bands::BandTable;

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

/// The default rework pattern: a change whose first line starts with "hotfix" or "revert".
pub const DEFAULT_HOTFIX_PATTERN: &str = r"(?i)^(hotfix|revert)\b";

/// The default authors left out of PR measures: bots, as GitHub names them.
pub const DEFAULT_EXCLUDE_AUTHORS: &[&str] = &["*[bot]"];

impl Default for Rules {
    fn default() -> Self {
        Rules {
            timezone: Tz::UTC,
            attribution_window: Duration::hours(24),
            hotfix_pattern: default_hotfix_pattern(),
            committed_time_services: HashSet::new(),
            exclude_authors: author_globs(DEFAULT_EXCLUDE_AUTHORS.iter().copied()),
            bands: BandTable::dora_2023(),
        }
    }
}

impl Rules {
    pub fn author_excluded(&self, author: &str) -> bool {
        self.exclude_authors.is_match(author)
    }
}

/// `DEFAULT_HOTFIX_PATTERN`, compiled.
#[allow(
    clippy::expect_used,
    reason = "a constant pattern, compiled in a unit test"
)]
pub fn default_hotfix_pattern() -> Regex {
    Regex::new(DEFAULT_HOTFIX_PATTERN).expect("default hotfix pattern")
}

/// Compiles author patterns. Only `*` and `?` are wildcards: brackets and braces are literal,
/// so the default "*[bot]" means a name ending in "[bot]" (as GitHub names bots), not a name
/// ending in b, o or t.
pub fn author_globs<'a>(patterns: impl Iterator<Item = &'a str>) -> GlobSet {
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

    #[test]
    fn the_default_pattern_compiles_and_matches_hotfixes() {
        let rules = Rules::default();
        assert!(rules.hotfix_pattern.is_match("Hotfix: the checkout"));
        assert!(rules.hotfix_pattern.is_match("revert the checkout"));
        assert!(!rules.hotfix_pattern.is_match("hotfixes are rare"));
    }
}
