//! `[[panels]]`: a service's health series read from a Prometheus source, drawn with the
//! deployments on its time axis and judged per deployment (docs/METRICS.md#health-panels-and-the-deployment-verdict).
//! The keys, the checks across them (the source exists and is a Prometheus), and `$service`
//! replaced in a query, escaped for a PromQL string.

use serde::Deserialize;
use toml::de::DeTable;

use super::duration::HumanDuration;
use super::error::{ErrorKind, Problem};
use super::schema::{Config, SourceConfig};
use super::tree::{self, Step};
use flowdeck_core::health::{Better, PanelSpec, Unit};

/// The placeholder a panel's query names its service with.
pub const SERVICE_PLACEHOLDER: &str = "$service";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelConfig {
    /// Shown above the chart and in the verdict ("error rate").
    pub name: String,
    /// The `name` of a `[[sources]]` entry of kind "prometheus".
    pub source: String,
    /// PromQL; `$service` is replaced by each service's name, escaped for a string in double
    /// quotes.
    pub query: String,
    pub unit: Unit,
    pub better: Better,
    /// The services to draw it for; empty: every service.
    #[serde(default)]
    pub services: Vec<String>,
    /// The before/after span of the verdict.
    #[serde(default = "default_compare")]
    pub compare: HumanDuration,
}

fn default_compare() -> HumanDuration {
    HumanDuration::seconds(30 * 60)
}

impl PanelConfig {
    /// The core's view of the panel.
    pub fn spec(&self) -> PanelSpec {
        PanelSpec {
            name: self.name.clone(),
            unit: self.unit,
            better: self.better,
            compare_ms: self.compare.as_chrono().num_milliseconds(),
        }
    }

    /// The query for one service.
    pub fn query_for(&self, service: &str) -> String {
        self.query
            .replace(SERVICE_PLACEHOLDER, &escape_promql_string(service))
    }

    /// Whether the panel is drawn for `service`.
    pub fn covers(&self, service: &str) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| s == service)
    }
}

/// `text` made safe inside a PromQL string in double quotes: backslash, the quote and
/// control characters escaped (Go's escapes, which PromQL's lexer reads).
pub fn escape_promql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let mut buffer = [0u8; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Every problem across a panel's keys, each at its value.
pub(crate) fn check(config: &Config, root: &DeTable<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (index, panel) in config.panels.iter().enumerate() {
        let at = |key: &str| {
            tree::get(
                root,
                &[
                    Step::Key("panels".into()),
                    Step::Index(index),
                    Step::Key(key.into()),
                ],
            )
            .map(|value| value.span())
        };
        let mut push = |key: &str, message: String, hint: String| {
            problems.push(Problem::new(
                at(key),
                ErrorKind::InvalidValue,
                message,
                hint,
            ));
        };
        if panel.name.trim().is_empty() {
            push(
                "name",
                "a panel's name is empty".into(),
                "name it as people say it, like \"error rate\"".into(),
            );
        } else if names.contains(&panel.name.as_str()) {
            push(
                "name",
                format!("panel {:?} is declared twice in [[panels]]", panel.name),
                "keep one [[panels]] entry per name: reports and verdicts are keyed by it".into(),
            );
        } else {
            names.push(&panel.name);
        }
        if panel.query.trim().is_empty() {
            push(
                "query",
                format!("panel {:?} has an empty query", panel.name),
                "write PromQL, with $service where the service's name goes".into(),
            );
        }
        if let Some(problem) = source_problem(config, &panel.source) {
            push("source", problem.0, problem.1);
        }
        if let Some(service) = panel.services.iter().find(|s| s.trim().is_empty()) {
            push(
                "services",
                format!(
                    "panel {:?} lists an empty service name {service:?}",
                    panel.name
                ),
                "list service names, or leave services empty for every service".into(),
            );
        }
        if let Err(out) = super::limits::PANEL_COMPARE.check(panel.compare) {
            push(
                "compare",
                format!("compare = {:?} {}", panel.compare.to_string(), out.problem),
                out.hint,
            );
        }
    }
    problems
}

/// Why `name` names no Prometheus source, if it does not.
fn source_problem(config: &Config, name: &str) -> Option<(String, String)> {
    let prometheus: Vec<String> = config
        .sources
        .iter()
        .filter(|s| matches!(s, SourceConfig::Prometheus(_)))
        .map(SourceConfig::display_name)
        .collect();
    let listed = || {
        if prometheus.is_empty() {
            "add a [[sources]] entry with kind = \"prometheus\" and a name, and name it here"
                .to_string()
        } else {
            format!("the prometheus sources are: {}", quoted(&prometheus))
        }
    };
    match config.sources.iter().find(|s| s.display_name() == name) {
        Some(SourceConfig::Prometheus(_)) => None,
        Some(other) => Some((
            format!(
                "source {name:?} is a {} source; panels are read from a prometheus source",
                other.kind()
            ),
            listed(),
        )),
        None => Some((format!("there is no source named {name:?}"), listed())),
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::parse;

    const SOURCES: &str = "[[sources]]\nkind = \"prometheus\"\nname = \"prom\"\nurl = \"http://127.0.0.1:9090\"\n\n[[sources]]\nkind = \"git\"\nname = \"repo\"\nservice = \"api\"\n\n";

    fn panel(extra: &str) -> String {
        format!(
            "{SOURCES}[[panels]]\nname = \"error rate\"\nsource = \"prom\"\nquery = 'rate(x{{service=\"$service\"}}[5m])'\nunit = \"ratio\"\nbetter = \"lower\"\n{extra}"
        )
    }

    fn error(text: &str) -> String {
        match parse(text, Path::new("f.toml")) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_panel_is_read_with_its_defaults() {
        let config = parse(&panel(""), Path::new("f.toml")).unwrap();
        let first = &config.panels[0];
        assert_eq!(first.compare, HumanDuration::seconds(1800));
        assert!(first.services.is_empty() && first.covers("anything"));
        let spec = first.spec();
        assert_eq!(
            (spec.unit, spec.better, spec.compare_ms),
            (Unit::Ratio, Better::Lower, 1_800_000)
        );
        assert_eq!(first.query_for("api"), "rate(x{service=\"api\"}[5m])");
        let config = parse(
            &panel("services = [\"api\"]\ncompare = \"1h\"\n"),
            Path::new("f.toml"),
        )
        .unwrap();
        assert!(config.panels[0].covers("api") && !config.panels[0].covers("web"));
        // A source without a name is named by kind and URL.
        let unnamed = "[[sources]]\nkind = \"prometheus\"\nurl = \"http://p:9090\"\n[[panels]]\nname = \"x\"\nsource = \"prometheus:http://p:9090\"\nquery = \"up\"\nunit = \"count\"\nbetter = \"higher\"\n";
        assert!(parse(unnamed, Path::new("f.toml")).is_ok());
    }

    #[test]
    fn the_service_is_escaped_for_a_promql_string() {
        assert_eq!(escape_promql_string("api"), "api");
        assert_eq!(
            escape_promql_string("a\"}) or vector(1) #\\"),
            "a\\\"}) or vector(1) #\\\\"
        );
        assert_eq!(escape_promql_string("a\nb\u{1b}[31m"), "a\\nb\\x1b[31m");
        assert_eq!(escape_promql_string("ünï"), "ünï");
    }

    #[test]
    fn careless_panels_get_clear_errors_at_the_value() {
        for (extra_source, expected) in [
            (
                ("source = \"prom\"", "source = \"nope\""),
                "f.toml:13:10: there is no source named \"nope\"\n  hint: the prometheus sources are: \"prom\"",
            ),
            (
                ("source = \"prom\"", "source = \"repo\""),
                "f.toml:13:10: source \"repo\" is a git source; panels are read from a prometheus source",
            ),
            (("unit = \"ratio\"", "unit = \"percent\""), "f.toml:15:8:"),
            (("better = \"lower\"", "better = \"less\""), "f.toml:16:10:"),
            (
                ("name = \"error rate\"", "name = \" \""),
                "f.toml:12:8: a panel's name is empty",
            ),
            (
                ("query = 'rate(x{service=\"$service\"}[5m])'", "query = ''"),
                "f.toml:14:9: panel \"error rate\" has an empty query",
            ),
        ] {
            let text = panel("").replace(extra_source.0, extra_source.1);
            let message = error(&text);
            assert!(message.starts_with(expected), "{message}\n---\n{expected}");
        }
        for (extra, expected) in [
            (
                "compare = \"soon\"\n",
                "f.toml:17:11: invalid duration \"soon\"",
            ),
            (
                "compare = \"0s\"\n",
                "f.toml:17:11: compare = \"0s\" is too short",
            ),
            (
                "compare = \"30d\"\n",
                "f.toml:17:11: compare = \"30d\" is too long",
            ),
            ("compare = 30\n", "f.toml:17:11:"),
            (
                "services = [\"\"]\n",
                "f.toml:17:12: panel \"error rate\" lists an empty service",
            ),
            ("services = \"api\"\n", "f.toml:17:12:"),
            ("colour = \"red\"\n", "f.toml:17:1:"),
        ] {
            let message = error(&panel(extra));
            assert!(message.starts_with(expected), "{message}\n---\n{expected}");
        }
        // A second panel of the same name.
        let twice = format!(
            "{}[[panels]]\nname = \"error rate\"\nsource = \"prom\"\nquery = \"up\"\nunit = \"count\"\nbetter = \"higher\"\n",
            panel("")
        );
        assert!(error(&twice).contains("panel \"error rate\" is declared twice"));
        // A hostile name is quoted, never written raw.
        let hostile = panel("").replace("source = \"prom\"", "source = \"\\u001b[2Jx\"");
        let message = error(&hostile);
        assert!(!message.contains('\u{1b}'), "{message:?}");
    }
}
