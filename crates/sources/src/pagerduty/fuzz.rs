//! The fuzzing entry of PagerDuty's payloads (feature `fuzzing`): decode a page (and a single
//! incident) and translate every incident, as the source does with a real response.

use std::collections::BTreeMap;

use secrecy::SecretString;
use url::Url;

use super::payload::{IncidentPage, OneIncident};
use super::setup::Settings;
use super::translate;

pub(crate) fn payloads(data: &[u8]) {
    let Ok(api) = Url::parse("https://api.pagerduty.com/") else {
        return;
    };
    let settings = Settings {
        name: "pagerduty".into(),
        api,
        token: SecretString::from("k"),
        service_map: BTreeMap::from([("PSVC1".to_string(), "api".to_string())]),
        known_services: vec!["api".into(), "web".into()],
        service_ids: Vec::new(),
        urgencies: vec!["high".into()],
        statuses: vec!["resolved".into()],
        interval: None,
    };
    let mut incidents = serde_json::from_slice::<IncidentPage>(data)
        .map(|page| page.incidents)
        .unwrap_or_default();
    if let Ok(one) = serde_json::from_slice::<OneIncident>(data) {
        incidents.push(one.incident);
    }
    for raw in &incidents {
        let _ = translate::services(raw, &settings);
        let _ = translate::listed(raw, &settings);
        let _ = translate::passes(raw, &settings);
        let _ = translate::incident(raw, &settings);
    }
}
