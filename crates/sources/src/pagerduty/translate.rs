//! A PagerDuty incident as a flowdeck incident, and whether it passes the source's filters.
//!
//! - id `pagerduty:<id>`; title (else summary); severity = the priority's name, else the
//!   urgency; started at `created_at`; resolved at `resolved_at`, else (a resolved incident
//!   without it) `last_status_change_at`; url = `html_url`.
//! - service: `service_map[service id]`, else `service_map[service name]`, else the flowdeck
//!   service whose name is the PagerDuty service's name (ignoring case), else none: the incident
//!   still counts in the totals (time to restore), but is attributed to a deployment only when it
//!   names one explicitly.
//! - labels, searched for explicit deployment links: `urgency=…`, `priority=…`, `service=…`
//!   (the PagerDuty service's name), `incident_number=…`; body: the description when it says
//!   more than the title.

use super::payload;
use super::setup::Settings;
use crate::polled::known_service;
use flowdeck_core::model::Incident;

/// The flowdeck services of an incident (none when its PagerDuty service maps to none).
pub(super) fn services(raw: &payload::Incident, settings: &Settings) -> Vec<String> {
    let by_id = raw.service_id().and_then(|id| settings.service_map.get(id));
    let by_name = raw
        .service_name()
        .and_then(|name| settings.service_map.get(name));
    if let Some(mapped) = by_id.or(by_name) {
        return vec![mapped.clone()];
    }
    raw.service_name()
        .and_then(|name| known_service(&settings.known_services, name))
        .map(|name| vec![name.to_string()])
        .unwrap_or_default()
}

/// Whether the listing's own filters (urgency, service) let it through: what PagerDuty was
/// asked for, checked again here.
pub(super) fn listed(raw: &payload::Incident, settings: &Settings) -> bool {
    let urgency_ok = settings.urgencies.is_empty()
        || raw
            .urgency
            .as_deref()
            .is_some_and(|u| settings.urgencies.iter().any(|w| w.eq_ignore_ascii_case(u)));
    let service_ok = settings.service_ids.is_empty()
        || raw
            .service_id()
            .is_some_and(|id| settings.service_ids.iter().any(|s| s == id));
    urgency_ok && service_ok
}

/// Whether it passes every filter and is stored.
pub(super) fn passes(raw: &payload::Incident, settings: &Settings) -> bool {
    listed(raw, settings)
        && settings
            .statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&raw.status))
}

pub(super) fn incident(raw: &payload::Incident, settings: &Settings) -> Incident {
    let title = raw
        .title
        .clone()
        .or_else(|| raw.summary.clone())
        .unwrap_or_else(|| format!("PagerDuty incident {}", raw.id));
    let mut labels = Vec::new();
    if let Some(urgency) = &raw.urgency {
        labels.push(format!("urgency={urgency}"));
    }
    if let Some(priority) = raw.priority_name() {
        labels.push(format!("priority={priority}"));
    }
    if let Some(service) = raw.service_name() {
        labels.push(format!("service={service}"));
    }
    if let Some(number) = raw.incident_number {
        labels.push(format!("incident_number={number}"));
    }
    let body = [
        raw.description.as_deref(),
        raw.body.as_ref().and_then(|b| b.details.as_deref()),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|text| !text.is_empty() && *text != title.trim())
    .collect::<Vec<_>>()
    .join("\n\n");
    let resolved_at = if raw.is_resolved() {
        let at = raw.resolved_at.or(raw.last_status_change_at);
        if at.is_none() {
            tracing::warn!(incident = %raw.id, "a resolved PagerDuty incident without resolved_at or last_status_change_at is kept open");
        }
        at
    } else {
        None
    };
    Incident {
        id: format!("pagerduty:{}", raw.id),
        source: "pagerduty".into(),
        services: services(raw, settings),
        title,
        severity: raw
            .priority_name()
            .map(str::to_string)
            .or_else(|| raw.urgency.clone()),
        labels,
        body: (!body.is_empty()).then_some(body),
        started_at: raw.created_at,
        resolved_at,
        url: raw.html_url.clone(),
    }
}
