//! The fuzzing entry of Opsgenie's payloads (feature `fuzzing`): decode a page (and a single
//! alert) and translate every alert, as the source does with a real response.

use std::collections::BTreeMap;

use secrecy::SecretString;
use url::Url;

use super::payload::{AlertPage, OneAlert};
use super::setup::Settings;
use super::translate;

pub(crate) fn payloads(data: &[u8]) {
    let (Ok(api), Ok(app)) = (
        Url::parse("https://api.opsgenie.com/"),
        Url::parse("https://app.opsgenie.com/"),
    ) else {
        return;
    };
    let settings = Settings {
        name: "opsgenie".into(),
        api,
        token: SecretString::from("k"),
        service_map: BTreeMap::from([("checkout".to_string(), "api".to_string())]),
        known_services: vec!["api".into(), "web".into()],
        priorities: vec!["P1".into()],
        query: String::new(),
        app: Some(app),
        interval: None,
    };
    let mut alerts = serde_json::from_slice::<AlertPage>(data)
        .map(|page| page.data)
        .unwrap_or_default();
    if let Ok(one) = serde_json::from_slice::<OneAlert>(data) {
        alerts.push(one.data);
    }
    for alert in &alerts {
        let _ = translate::services(alert, &settings);
        let _ = translate::listed(alert, &settings);
        let _ = translate::incident(alert, &settings);
        let _ = alert.closed_at();
        let _ = alert.integration_name();
    }
}
