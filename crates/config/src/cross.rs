//! Checks across keys, on a config whose every value is valid on its own.

use toml::de::{DeTable, DeValue};

use super::error::{ErrorKind, Problem, line_col};
use super::schema::{BandsChoice, Config};
use super::tree::{self, Step};

/// Every conflict between keys, positioned by the parsed document `root` of `text`.
pub(crate) fn check(config: &Config, root: &DeTable<'_>, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if config.general.bands == BandsChoice::Custom && config.bands.is_none() {
        let at = tree::get(root, &[key("general"), key("bands")]).map(|v| v.span());
        problems.push(Problem::new(
            at,
            ErrorKind::Conflict,
            "bands = \"custom\" needs a [bands] table, and there is none",
            "add a [bands] table with frequency, lead_time, change_failure_rate and \
             recovery_time thresholds (config.example.toml has one), or use \"dora-2023\"",
        ));
    }
    problems.extend(duplicate_services(root, text));
    problems
}

/// A service declared by two `[[services]]` entries: its team would depend on which one wins.
fn duplicate_services(root: &DeTable<'_>, text: &str) -> Vec<Problem> {
    let Some(DeValue::Array(services)) = root.get("services").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    let mut seen: Vec<(&str, usize)> = Vec::new();
    let mut problems = Vec::new();
    for service in services.iter() {
        let Some(name) = service.get_ref().as_table().and_then(|t| t.get("name")) else {
            continue;
        };
        let Some(text_name) = name.get_ref().as_str() else {
            continue;
        };
        match seen.iter().find(|(seen, _)| *seen == text_name) {
            Some((_, first)) => problems.push(Problem::new(
                Some(name.span()),
                ErrorKind::Conflict,
                format!("service {text_name:?} is declared twice in [[services]]"),
                format!(
                    "it is first declared on line {}; keep one [[services]] entry per name",
                    line_col(text, *first).0
                ),
            )),
            None => seen.push((text_name, name.span().start)),
        }
    }
    problems
}

fn key(name: &str) -> Step {
    Step::Key(name.to_string())
}
