//! Every duration and count of a config checked against its bounds (`limits.rs`), on a config
//! whose every value is valid on its own, each problem at the value's line and column.

use toml::de::DeTable;

use super::duration::HumanDuration;
use super::error::{ErrorKind, Problem};
use super::limits::{self, DurationBounds, OutOfBounds};
use super::schema::{Config, SourceConfig};
use super::tree::{self, Step, in_table};

pub(crate) fn check(config: &Config, root: &DeTable<'_>) -> Vec<Problem> {
    let general = &config.general;
    let mut problems = Vec::new();
    let mut duration = |path: Vec<Step>, value: HumanDuration, bounds: &DurationBounds| {
        if let Err(out) = bounds.check(value) {
            problems.push(problem(root, &path, out));
        }
    };
    duration(
        at(&["general", "refresh"]),
        general.refresh,
        &limits::INTERVAL,
    );
    duration(
        at(&["general", "backfill"]),
        general.backfill,
        &limits::BACKFILL,
    );
    duration(
        at(&["incidents", "attribution_window"]),
        config.incidents.attribution_window,
        &limits::ATTRIBUTION_WINDOW,
    );
    duration(
        at(&["ui", "wall_rotate"]),
        config.ui.wall_rotate,
        &limits::WALL_ROTATE,
    );
    for (index, source) in config.sources.iter().enumerate() {
        let key = |name: &str| {
            vec![
                Step::Key("sources".into()),
                Step::Index(index),
                Step::Key(name.into()),
            ]
        };
        if let Some(interval) = interval(source) {
            duration(key("interval"), interval, &limits::INTERVAL);
        }
        if let SourceConfig::Prometheus(prometheus) = source {
            duration(key("gap"), prometheus.gap, &limits::ALERT_GAP);
        }
    }
    duration(
        at(&["serve", "request_timeout"]),
        config.serve.request_timeout,
        &limits::REQUEST_TIMEOUT,
    );
    // The window's own check (config, flags and prompt share it) names "3m" meant as months.
    let window_path = at(&["general", "window"]);
    let written = tree::get(root, &window_path)
        .and_then(|value| tree::scalar_text(value.get_ref()))
        .unwrap_or_default();
    if let Err(out) = super::window::length_bounds(written.trim_matches('"'), general.window) {
        problems.push(problem(root, &window_path, out));
    }
    if let Err(out) = limits::check_max_body(config.serve.max_body) {
        problems.push(problem(root, &at(&["serve", "max_body"]), out));
    }
    let items = u64::try_from(general.report_items).unwrap_or(u64::MAX);
    if let Err(out) = limits::check_report_items(items) {
        problems.push(problem(root, &at(&["general", "report_items"]), out));
    }
    problems
}

fn interval(source: &SourceConfig) -> Option<HumanDuration> {
    match source {
        SourceConfig::Git(s) => s.interval,
        SourceConfig::Github(s) => s.interval,
        SourceConfig::Gitlab(s) => s.interval,
        SourceConfig::Prometheus(s) => s.interval,
        SourceConfig::Pagerduty(s) => s.interval,
        SourceConfig::Opsgenie(s) => s.interval,
        SourceConfig::Jenkins(s) => s.interval,
        SourceConfig::Buildkite(s) => s.interval,
        SourceConfig::Circleci(s) => s.interval,
        SourceConfig::Argocd(s) => s.interval,
        SourceConfig::Events(s) => s.interval,
    }
}

fn at(keys: &[&str]) -> Vec<Step> {
    keys.iter()
        .map(|key| Step::Key((*key).to_string()))
        .collect()
}

/// `"0d" is too short for "window" in [general]`, at the value as the file writes it.
fn problem(root: &DeTable<'_>, path: &[Step], out: OutOfBounds) -> Problem {
    let value = tree::get(root, path);
    let span = value.map(|value| value.span());
    let written = value
        .and_then(|value| tree::scalar_text(value.get_ref()))
        .unwrap_or_else(|| "the value".to_string());
    let place = match tree::split_key(path) {
        Some((key, table)) => format!(" for {key:?} {}", in_table(root, table)),
        None => String::new(),
    };
    Problem::new(
        span,
        ErrorKind::InvalidValue,
        format!("{written} {}{place}", out.problem),
        out.hint,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::parse;

    fn error(text: &str) -> String {
        match parse(text, Path::new("f.toml")) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_window_shorter_than_a_day_points_at_the_value() {
        assert_eq!(
            error("[general]\nwindow = \"0d\"\n"),
            "f.toml:2:10: \"0d\" is too short for \"window\" in [general]\n  hint: A window is at least \"1d\" and at most \"3660d\" (about 10 years), in whole days"
        );
        assert!(
            error("[general]\nwindow = \"3m\"\n").starts_with("f.toml:2:10: \"3m\" is too short")
        );
        assert!(
            error("[general]\nwindow = \"36h\"\n")
                .starts_with("f.toml:2:10: \"36h\" is not a whole number of days")
        );
        assert!(
            error("[general]\nwindow = \"9999d\"\n")
                .starts_with("f.toml:2:10: \"9999d\" is too long")
        );
    }

    #[test]
    fn every_duration_and_count_is_bounded() {
        for (text, expected) in [
            (
                "[general]\nrefresh = \"0s\"\n",
                "f.toml:2:11: \"0s\" is too short for \"refresh\" in [general]",
            ),
            (
                "[general]\nbackfill = \"1h\"\n",
                "f.toml:2:12: \"1h\" is too short for \"backfill\" in [general]",
            ),
            (
                "[incidents]\nattribution_window = \"400d\"\n",
                "f.toml:2:22: \"400d\" is too long for \"attribution_window\" in [incidents]",
            ),
            (
                "[ui]\nwall_rotate = \"0s\"\n",
                "f.toml:2:15: \"0s\" is too short for \"wall_rotate\" in [ui]",
            ),
            (
                "[general]\nreport_items = 100001\n",
                "f.toml:2:16: 100001 is too large for \"report_items\" in [general]",
            ),
            (
                "[[sources]]\nkind = \"github\"\nservice = \"a\"\nrepo = \"o/r\"\ninterval = \"2d\"\n",
                "f.toml:5:12: \"2d\" is too long for \"interval\" in [[sources]] (kind \"github\")",
            ),
            (
                "[[sources]]\nkind = \"prometheus\"\nurl = \"http://p\"\ngap = \"0s\"\n",
                "f.toml:4:7: \"0s\" is too short for \"gap\" in [[sources]] (kind \"prometheus\")",
            ),
        ] {
            let text = error(text);
            assert!(text.starts_with(expected), "{text}\nexpected: {expected}");
        }
    }

    #[test]
    fn numbers_past_64_bits_are_too_large_wherever_they_are() {
        assert_eq!(
            error("[general]\nreport_items = 99999999999999999999\n"),
            "f.toml:2:16: 99999999999999999999 is too large for \"report_items\" in [general]\n  hint: expected a whole number (0 or more)"
        );
        assert!(
            error("[general]\nreport_items = 999999999999999999999999999999999999999999\n")
                .starts_with(
                    "f.toml:2:16: 999999999999999999999999999999999999999999 is too large"
                )
        );
        assert!(
            error("[general]\nreport_items = 9223372036854775807\n")
                .starts_with("f.toml:2:16: 9223372036854775807 is too large")
        );
        assert!(
            error("[theme]\nmuted = 99999999999999999999\n").starts_with(
                "f.toml:2:9: 99999999999999999999 is too large for \"muted\" in [theme]"
            )
        );
        assert!(
            error("[general]\nwindow = \"99999999999999999999d\"\n")
                .starts_with("f.toml:2:10: duration \"99999999999999999999d\" is too large")
        );
        assert!(
            error("[bands]\nchange_failure_rate = { elite = 1e999, high = 0.1, medium = 0.2 }\n")
                .contains("1e999 is too large")
        );
    }

    #[test]
    fn a_frequency_threshold_cannot_ask_for_more_days_than_its_period() {
        let bands = |frequency: &str| {
            format!(
                "[bands]\nfrequency = {{ elite = {frequency:?}, high = \"1/week\", medium = \"1/30d\" }}\n\
                 lead_time = {{ elite = \"1d\", high = \"7d\", medium = \"30d\" }}\n\
                 change_failure_rate = {{ elite = 0.05, high = 0.1, medium = 0.15 }}\n\
                 recovery_time = {{ elite = \"1h\", high = \"1d\", medium = \"7d\" }}\n"
            )
        };
        assert!(parse(&bands("7/week"), Path::new("f.toml")).is_ok());
        assert!(error(&bands("8/week")).contains("asks for more deploy-days than the period has"));
        assert!(error(&bands("31/30d")).contains("asks for more deploy-days"));
        assert!(error(&bands("1/99999d")).contains("invalid frequency threshold"));
    }
}
