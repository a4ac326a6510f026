//! An Opsgenie alert as a flowdeck incident, and whether it passes the source's filters.
//!
//! - id `opsgenie:<id>`; title = message; severity = priority; started at `createdAt`;
//!   resolved (closed) at `createdAt + report.closeTime`, else `updatedAt`; url =
//!   `{app_url}/alert/detail/{id}/details` (app.opsgenie.com / app.eu.opsgenie.com by default).
//! - services, in this order:
//!   1. tags `service:<name>` or `service=<name>`, the name through `service_map` when it is a
//!      key there, else the flowdeck service of that name;
//!   2. `service_map` keys equal to a whole tag, the integration's name or the alert's source;
//!   3. when neither gives one: a tag, the integration's name or the source that is the name of
//!      a flowdeck service (ignoring case).
//!
//!   Names that are no flowdeck service are left out; an alert with none still counts in the
//!   totals (time to restore), and is attributed only when it names a deployment explicitly.
//! - labels, searched for explicit deployment links: the tags as they are, `priority=…`,
//!   `source=…`, `integration=…`, `tinyId=…`; body: the description (single alerts only).

use super::payload::Alert;
use super::setup::Settings;
use crate::polled::known_service;
use flowdeck_core::model::Incident;

fn service_tag(tag: &str) -> Option<&str> {
    let (key, value) = tag.split_once(':').or_else(|| tag.split_once('='))?;
    key.trim()
        .eq_ignore_ascii_case("service")
        .then(|| value.trim())
        .filter(|v| !v.is_empty())
}

fn push(services: &mut Vec<String>, name: &str) {
    if !services.iter().any(|s| s == name) {
        services.push(name.to_string());
    }
}

/// The flowdeck services of an alert (see the module documentation).
pub(super) fn services(alert: &Alert, settings: &Settings) -> Vec<String> {
    let mut services = Vec::new();
    for tag in &alert.tags {
        if let Some(name) = service_tag(tag) {
            match settings.service_map.get(name) {
                Some(mapped) => push(&mut services, mapped),
                None => {
                    if let Some(known) = known_service(&settings.known_services, name) {
                        push(&mut services, known);
                    }
                }
            }
        }
    }
    let names: Vec<&str> = alert
        .tags
        .iter()
        .map(|t| t.trim())
        .chain(alert.integration_name())
        .chain(alert.source.as_deref().map(str::trim))
        .filter(|n| !n.is_empty())
        .collect();
    for name in &names {
        if let Some(mapped) = settings.service_map.get(*name) {
            push(&mut services, mapped);
        }
    }
    if services.is_empty() {
        for name in &names {
            if let Some(known) = known_service(&settings.known_services, name) {
                push(&mut services, known);
            }
        }
    }
    services
}

/// Whether the listing's own filter (the priorities) lets it through: what Opsgenie was asked
/// for, checked again here.
pub(super) fn listed(alert: &Alert, settings: &Settings) -> bool {
    settings.priorities.is_empty()
        || alert.priority.as_deref().is_some_and(|p| {
            settings
                .priorities
                .iter()
                .any(|w| w.eq_ignore_ascii_case(p.trim()))
        })
}

pub(super) fn incident(alert: &Alert, settings: &Settings) -> Incident {
    let mut labels = alert.tags.clone();
    if let Some(priority) = &alert.priority {
        labels.push(format!("priority={priority}"));
    }
    if let Some(source) = alert.source.as_deref().filter(|s| !s.trim().is_empty()) {
        labels.push(format!("source={source}"));
    }
    if let Some(integration) = alert.integration_name() {
        labels.push(format!("integration={integration}"));
    }
    if let Some(tiny) = &alert.tiny_id {
        labels.push(format!("tinyId={tiny}"));
    }
    let url = settings.app.as_ref().and_then(|app| {
        let mut url = app.clone();
        url.path_segments_mut().ok()?.pop_if_empty().extend([
            "alert",
            "detail",
            alert.id.as_str(),
            "details",
        ]);
        Some(url.to_string())
    });
    Incident {
        id: format!("opsgenie:{}", alert.id),
        source: "opsgenie".into(),
        services: services(alert, settings),
        title: alert
            .message
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| {
                format!(
                    "Opsgenie alert {}",
                    alert.tiny_id.as_deref().unwrap_or(&alert.id)
                )
            }),
        severity: alert.priority.clone(),
        labels,
        body: alert.description.clone().filter(|d| !d.trim().is_empty()),
        started_at: alert.created_at,
        resolved_at: alert.closed_at(),
        url,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use secrecy::SecretString;

    use super::*;

    fn settings(map: &[(&str, &str)]) -> Settings {
        Settings {
            name: "opsgenie".into(),
            api: url::Url::parse("https://api.opsgenie.com/").unwrap(),
            token: SecretString::from("k"),
            service_map: map
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect::<BTreeMap<_, _>>(),
            known_services: vec!["api".into(), "web".into()],
            priorities: vec!["P1".into()],
            query: String::new(),
            app: None,
            interval: None,
        }
    }

    fn alert(tags: &[&str], integration: &str, source: &str) -> Alert {
        serde_json::from_value(serde_json::json!({
            "id": "a-1",
            "status": "open",
            "createdAt": "2026-03-03T10:00:00.000Z",
            "tags": tags,
            "integration": {"name": integration},
            "source": source,
            "priority": "P1"
        }))
        .unwrap()
    }

    #[test]
    fn services_from_service_tags_then_the_map_then_names() {
        let s = settings(&[("payments", "api"), ("Datadog EU", "web")]);
        // A service tag goes through the map; an unknown one is dropped; the map adds more.
        let a = alert(&["service:payments", "service=billing"], "Datadog EU", "x");
        assert_eq!(services(&a, &s), ["api", "web"]);
        // Names are only a fallback: here the map already found one.
        let a = alert(&["web"], "Datadog EU", "api");
        assert_eq!(services(&a, &s), ["web"]);
        // Nothing mapped: a tag, integration or source naming a known service, ignoring case.
        let a = alert(&["production", "API"], "Prometheus", "web");
        assert_eq!(services(&a, &s), ["api", "web"]);
        let a = alert(&["production"], "Prometheus", "host-7");
        assert!(services(&a, &s).is_empty());
        assert!(listed(&a, &s));
        let mut low = a.clone();
        low.priority = Some("P3".into());
        assert!(!listed(&low, &s));
    }

    #[test]
    fn close_time_from_the_report_else_the_last_update() {
        let mut a = alert(&[], "i", "s");
        assert_eq!(a.closed_at(), None, "open");
        a.status = "closed".into();
        a.updated_at = Some("2026-03-03T12:00:00Z".parse().unwrap());
        assert_eq!(a.closed_at(), a.updated_at);
        a.report = Some(super::super::payload::Report {
            close_time: Some(90 * 60 * 1000),
        });
        assert_eq!(a.closed_at(), Some("2026-03-03T11:30:00Z".parse().unwrap()));
    }
}
