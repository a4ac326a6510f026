//! The shape of the config file: which keys each table accepts and which of them are nested
//! tables. Key lists are read from the serde derives themselves (see `fields::fields_of`), so a field
//! added to a struct is known here without editing this file; only a new nested table needs a
//! line below.

use serde::Deserialize;
use serde::Deserializer;

use super::duration::HumanDuration;
use super::fields::fields_of;
use super::panels::PanelConfig;
use super::schema::{
    ArgocdSourceConfig, BuildkiteSourceConfig, CircleciSourceConfig, Config, CustomBands, Export,
    Fraction, FrequencyThreshold, General, GitSourceConfig, GithubSourceConfig, GitlabSourceConfig,
    Incidents, JenkinsSourceConfig, OpsgenieSourceConfig, PagerdutySourceConfig,
    PrometheusSourceConfig, ServiceConfig, SourceConfig, Thresholds, Ui,
};
use super::schema::{EventsSourceConfig, Serve};
use super::theme;

/// A table of the config file.
#[derive(Debug)]
pub(crate) struct TableShape {
    /// Every key the table accepts, in schema order.
    pub keys: &'static [&'static str],
    /// The keys whose values are themselves tables the walk descends into.
    pub children: Vec<(&'static str, Child)>,
}

#[derive(Debug)]
pub(crate) enum Child {
    Table(TableShape),
    /// An array of tables, written `[[name]]`.
    ArrayOfTables(TableShape),
    /// `[[sources]]`: an array of tables whose keys depend on their `kind`.
    Sources,
    /// `[keys]`: free key names, each checked as a key chord, each value as an action.
    KeyBindings,
    /// A key written either as a plain value or as a table of these keys, like a theme role:
    /// `ok = "green"` or `ok = { fg = "green", bold = true }`.
    ValueOrTable(TableShape),
}

impl TableShape {
    fn leaf(keys: &'static [&'static str]) -> Self {
        TableShape {
            keys,
            children: Vec::new(),
        }
    }

    pub(crate) fn child(&self, key: &str) -> Option<&Child> {
        self.children
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, child)| child)
    }
}

/// The whole config file.
pub(crate) fn config() -> TableShape {
    TableShape {
        keys: fields_of::<Config>(),
        children: vec![
            (
                "general",
                Child::Table(TableShape::leaf(fields_of::<General>())),
            ),
            (
                "incidents",
                Child::Table(TableShape::leaf(fields_of::<Incidents>())),
            ),
            ("ui", Child::Table(TableShape::leaf(fields_of::<Ui>()))),
            (
                "export",
                Child::Table(TableShape::leaf(fields_of::<Export>())),
            ),
            (
                "serve",
                Child::Table(TableShape::leaf(fields_of::<Serve>())),
            ),
            ("theme", Child::Table(theme())),
            ("keys", Child::KeyBindings),
            (
                "bands",
                Child::Table(TableShape {
                    keys: fields_of::<CustomBands>(),
                    children: vec![
                        ("frequency", thresholds::<FrequencyThreshold>()),
                        ("lead_time", thresholds::<HumanDuration>()),
                        ("change_failure_rate", thresholds::<Fraction>()),
                        ("recovery_time", thresholds::<HumanDuration>()),
                    ],
                }),
            ),
            (
                "services",
                Child::ArrayOfTables(TableShape::leaf(fields_of::<ServiceConfig>())),
            ),
            ("sources", Child::Sources),
            (
                "notify",
                Child::ArrayOfTables(TableShape::leaf(fields_of::<super::notify::NotifyConfig>())),
            ),
            (
                "panels",
                Child::ArrayOfTables(TableShape::leaf(fields_of::<PanelConfig>())),
            ),
        ],
    }
}

/// `[theme]`: a key per role, each a colour or a style table.
fn theme() -> TableShape {
    TableShape {
        keys: theme::role_keys(),
        children: theme::role_keys()
            .iter()
            .map(|role| {
                (
                    *role,
                    Child::ValueOrTable(TableShape::leaf(theme::style_keys())),
                )
            })
            .collect(),
    }
}

fn thresholds<T>() -> Child
where
    T: for<'de> Deserialize<'de>,
{
    Child::Table(TableShape::leaf(fields_of::<Thresholds<T>>()))
}

/// The `kind` of every source, in the order error messages list them.
pub const SOURCE_KINDS: [&str; 11] = [
    "git",
    "github",
    "gitlab",
    "prometheus",
    "pagerduty",
    "opsgenie",
    "jenkins",
    "buildkite",
    "circleci",
    "argocd",
    "events",
];

/// The keys a source of `kind` accepts besides `kind` itself.
pub(crate) fn source_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "git" => fields_of::<GitSourceConfig>(),
        "github" => fields_of::<GithubSourceConfig>(),
        "gitlab" => fields_of::<GitlabSourceConfig>(),
        "prometheus" => fields_of::<PrometheusSourceConfig>(),
        "pagerduty" => fields_of::<PagerdutySourceConfig>(),
        "opsgenie" => fields_of::<OpsgenieSourceConfig>(),
        "jenkins" => fields_of::<JenkinsSourceConfig>(),
        "buildkite" => fields_of::<BuildkiteSourceConfig>(),
        "circleci" => fields_of::<CircleciSourceConfig>(),
        "argocd" => fields_of::<ArgocdSourceConfig>(),
        "events" => fields_of::<EventsSourceConfig>(),
        _ => return None,
    })
}

/// Deserializes one source table (without its `kind` key) as the struct of `kind`.
///
/// Each source is deserialized on its own rather than through `SourceConfig`'s internally
/// tagged derive, which buffers the table and so loses the position of every error inside it.
pub(crate) fn deserialize_source<'de, D>(
    kind: &str,
    deserializer: D,
) -> Option<Result<SourceConfig, D::Error>>
where
    D: Deserializer<'de>,
{
    Some(match kind {
        "git" => GitSourceConfig::deserialize(deserializer).map(SourceConfig::Git),
        "github" => GithubSourceConfig::deserialize(deserializer).map(SourceConfig::Github),
        "gitlab" => GitlabSourceConfig::deserialize(deserializer).map(SourceConfig::Gitlab),
        "prometheus" => {
            PrometheusSourceConfig::deserialize(deserializer).map(SourceConfig::Prometheus)
        }
        "pagerduty" => {
            PagerdutySourceConfig::deserialize(deserializer).map(SourceConfig::Pagerduty)
        }
        "opsgenie" => OpsgenieSourceConfig::deserialize(deserializer).map(SourceConfig::Opsgenie),
        "jenkins" => JenkinsSourceConfig::deserialize(deserializer).map(SourceConfig::Jenkins),
        "buildkite" => {
            BuildkiteSourceConfig::deserialize(deserializer).map(SourceConfig::Buildkite)
        }
        "circleci" => CircleciSourceConfig::deserialize(deserializer).map(SourceConfig::Circleci),
        "argocd" => ArgocdSourceConfig::deserialize(deserializer).map(SourceConfig::Argocd),
        "events" => EventsSourceConfig::deserialize(deserializer).map(SourceConfig::Events),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nested_table_is_a_key_of_its_parent() {
        fn check(shape: &TableShape) {
            for (name, child) in &shape.children {
                assert!(shape.keys.contains(name), "{name} is not a key");
                match child {
                    Child::Table(inner)
                    | Child::ArrayOfTables(inner)
                    | Child::ValueOrTable(inner) => check(inner),
                    Child::Sources | Child::KeyBindings => {}
                }
            }
        }
        check(&config());
    }

    /// Names each variant of `SourceConfig`. The match is exhaustive on purpose: a new source
    /// kind fails to compile here until it is added to `SOURCE_KINDS` and the functions above.
    fn kind_of(source: &SourceConfig) -> &'static str {
        match source {
            SourceConfig::Git(_) => "git",
            SourceConfig::Github(_) => "github",
            SourceConfig::Gitlab(_) => "gitlab",
            SourceConfig::Prometheus(_) => "prometheus",
            SourceConfig::Pagerduty(_) => "pagerduty",
            SourceConfig::Opsgenie(_) => "opsgenie",
            SourceConfig::Jenkins(_) => "jenkins",
            SourceConfig::Buildkite(_) => "buildkite",
            SourceConfig::Circleci(_) => "circleci",
            SourceConfig::Argocd(_) => "argocd",
            SourceConfig::Events(_) => "events",
        }
    }

    #[test]
    fn every_source_kind_deserializes_as_itself() {
        let minimal = |kind: &str| match kind {
            "git" => "service = \"api\"",
            "github" => "service = \"api\"\nrepo = \"acme/api\"",
            "gitlab" => "service = \"web\"\nproject = \"group/web\"",
            "prometheus" => "url = \"http://127.0.0.1:9090\"",
            "jenkins" => {
                "service = \"api\"\nbase_url = \"https://j.example\"\ndeploy_job = \"d\"\nuser = \"u\""
            }
            "buildkite" => "service = \"api\"\norganization = \"acme\"\ndeploy_pipeline = \"d\"",
            "circleci" => "service = \"api\"\nproject = \"gh/acme/api\"",
            "argocd" => {
                "service = \"api\"\nbase_url = \"https://argocd.example.com\"\napplication = \"api\""
            }
            _ => "",
        };
        for kind in SOURCE_KINDS {
            assert!(
                source_keys(kind).is_some_and(|keys| !keys.is_empty()),
                "{kind}"
            );
            let deserializer = toml::Deserializer::parse(minimal(kind)).unwrap();
            let source = deserialize_source(kind, deserializer).unwrap().unwrap();
            assert_eq!(kind_of(&source), kind);
            assert_eq!(source.kind(), kind);
        }
        assert!(source_keys("svn").is_none());
    }
}
