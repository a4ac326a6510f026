//! Which services a snapshot measures: everything (the command line), or the service or team the
//! dashboard is filtered to when `e` exports it. The report says which in its `scope` key.

use serde::Serialize;

use flowdeck_core::metrics::{History, Scope};

/// What the caller asks to measure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ScopeFilter {
    #[default]
    All,
    Service(String),
    Team(String),
}

/// The scope a report covers, as written into it (the JSON `scope` key).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportScope {
    /// "all", "service" or "team".
    pub(crate) kind: &'static str,
    /// The service or team; null for all.
    pub(crate) name: Option<String>,
    /// The services measured, in configured order.
    pub(crate) services: Vec<String>,
    /// The deployment environment the history was narrowed to; null when none was (production
    /// deployments as configured per source).
    pub(crate) environment: Option<String>,
}

impl ReportScope {
    /// "all services", "service api", "team payments", with the environment when narrowed.
    pub(crate) fn describe(&self) -> String {
        let what = match (self.kind, &self.name) {
            ("all", _) | (_, None) => "all services".to_string(),
            (kind, Some(name)) => format!("{kind} {name}"),
        };
        match &self.environment {
            Some(environment) => format!("{what}, environment {environment}"),
            None => what,
        }
    }
}

/// The metric scope and its description. An unknown service or team measures nothing (rather
/// than silently everything).
pub(crate) fn resolve(
    history: &History,
    filter: &ScopeFilter,
    environment: Option<String>,
) -> (Scope, ReportScope) {
    let (kind, name, members): (&'static str, Option<String>, Option<Vec<u32>>) = match filter {
        ScopeFilter::All => ("all", None, None),
        ScopeFilter::Service(name) => (
            "service",
            Some(name.clone()),
            Some(history.service(name).into_iter().collect()),
        ),
        ScopeFilter::Team(name) => (
            "team",
            Some(name.clone()),
            Some(
                history
                    .teams()
                    .into_iter()
                    .find(|(team, _)| team == name)
                    .map(|(_, members)| members)
                    .unwrap_or_default(),
            ),
        ),
    };
    let scope = match members {
        None => Scope::all(history),
        Some(members) => Scope::services(history, &members),
    };
    let services = scope
        .services
        .iter()
        .filter_map(|&s| history.services.get(s as usize))
        .map(|s| s.name.clone())
        .collect();
    (
        scope,
        ReportScope {
            kind,
            name,
            services,
            environment,
        },
    )
}
