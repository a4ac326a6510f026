//! A run of an alert series as a model incident.
//!
//! - id `prometheus:<scope>:<hash of the sorted labels>:<start, epoch seconds>` (scope: the
//!   source's `name`, else the URL's host and path): the same on every re-read;
//! - services: the value of `service_label` (none when the alert has no such label);
//! - title: the alert name and its distinguishing labels; severity: `severity_label`'s value;
//! - labels: every label as `name=value`, plus Alertmanager's word on an open one
//!   (`alertmanager=active|suppressed|unprocessed`, `silenced_by=<id>`, `inhibited_by=<id>`);
//! - body: the alert's `summary`, `description` and `message` annotations;
//! - url: the series in Prometheus' graph page, around the incident.

use chrono::{DateTime, TimeZone, Utc};
use url::Url;

use super::payload::LabelMap;
use super::runs::Millis;
use super::series::Series;
use super::setup::Settings;
use flowdeck_core::model::{Incident, Timestamp};

/// A run's facts once its step and state are known.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found<'a> {
    pub series: &'a Series,
    pub start: Millis,
    /// None while open.
    pub resolved: Option<Millis>,
    pub body: Option<String>,
    pub alertmanager: Vec<String>,
}

pub(super) fn timestamp(t: Millis) -> Timestamp {
    Utc.timestamp_millis_opt(t)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub(super) fn incident_id(settings: &Settings, series: &Series, start: Millis) -> String {
    format!(
        "prometheus:{}:{}:{}",
        settings.id_scope,
        series.hash(),
        start.div_euclid(1000)
    )
}

pub(super) fn incident(settings: &Settings, found: &Found<'_>) -> Incident {
    let series = found.series;
    let mut labels = series.label_strings();
    if found.resolved.is_none() {
        labels.extend(found.alertmanager.iter().cloned());
    }
    Incident {
        id: incident_id(settings, series, found.start),
        source: "prometheus".into(),
        services: series
            .get(&settings.service_label)
            .filter(|s| !s.trim().is_empty())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        title: series.title(&settings.service_label, &settings.severity_label),
        severity: series
            .get(&settings.severity_label)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string),
        labels,
        body: found.body.clone(),
        started_at: timestamp(found.start),
        resolved_at: found.resolved.map(timestamp),
        url: Some(
            graph_url(
                &settings.prometheus.root,
                series,
                found.start,
                found.resolved,
            )
            .to_string(),
        ),
    }
}

/// The body of an alert's annotations: summary, description and message, in that order,
/// blank-line separated; None when it has none of them.
pub(super) fn body(annotations: &LabelMap) -> Option<String> {
    let parts: Vec<&str> = ["summary", "description", "message"]
        .iter()
        .filter_map(|k| annotations.get(*k))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Prometheus' graph page for the series: for a resolved incident the range from 5 minutes
/// before it started to 5 minutes after it resolved; for an open one the default range, ending
/// now (so the link does not change while it stays open).
pub(super) fn graph_url(
    root: &Url,
    series: &Series,
    start: Millis,
    resolved: Option<Millis>,
) -> Url {
    const MARGIN: Millis = 5 * 60_000;
    let mut url = root.clone();
    let path = format!("{}graph", url.path());
    url.set_path(&path);
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("g0.expr", &series.selector());
        query.append_pair("g0.tab", "0");
        if let Some(resolved) = resolved {
            let (from, to) = (start - MARGIN, resolved + MARGIN);
            let range = (to - from + 999).div_euclid(1000);
            query.append_pair("g0.range_input", &format!("{range}s"));
            query.append_pair(
                "g0.end_input",
                &timestamp(to).format("%Y-%m-%d %H:%M:%S").to_string(),
            );
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowdeck_config::schema::PrometheusSourceConfig;

    fn settings(extra: &str) -> Settings {
        let config: PrometheusSourceConfig =
            toml::from_str(&format!("url = \"http://127.0.0.1:9090\"\n{extra}")).unwrap();
        Settings::from_config(&config).unwrap()
    }

    fn series(pairs: &[(&str, &str)]) -> Series {
        Series::of(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_resolved_run_is_an_incident() {
        let settings = settings("");
        let s = series(&[
            ("alertname", "HighErrorRate"),
            ("deployment", "v1.4.0"),
            ("instance", "10.0.0.1:9100"),
            ("service", "api"),
            ("severity", "page"),
        ]);
        // 2026-03-02 10:00:00Z .. resolved 10:31:00Z
        let start = 1_772_445_600_000;
        let found = Found {
            series: &s,
            start,
            resolved: Some(start + 31 * 60_000),
            body: Some("Errors above 5%".into()),
            alertmanager: vec!["alertmanager=active".into()],
        };
        let incident = incident(&settings, &found);
        assert_eq!(
            incident.id,
            format!("prometheus:127.0.0.1:9090:{}:1772445600", s.hash())
        );
        assert_eq!(incident.source, "prometheus");
        assert_eq!(incident.services, ["api"]);
        assert_eq!(
            incident.title,
            "HighErrorRate (deployment=v1.4.0, instance=10.0.0.1:9100)"
        );
        assert_eq!(incident.severity.as_deref(), Some("page"));
        // Alertmanager's word is only on open incidents.
        assert_eq!(
            incident.labels,
            [
                "alertname=HighErrorRate",
                "deployment=v1.4.0",
                "instance=10.0.0.1:9100",
                "service=api",
                "severity=page"
            ]
        );
        assert_eq!(
            incident.started_at.to_rfc3339(),
            "2026-03-02T10:00:00+00:00"
        );
        assert_eq!(
            incident.resolved_at.unwrap().to_rfc3339(),
            "2026-03-02T10:31:00+00:00"
        );
        let url = Url::parse(incident.url.as_deref().unwrap()).unwrap();
        assert_eq!(url.path(), "/graph");
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            query,
            [
                ("g0.expr".to_string(), s.selector()),
                ("g0.tab".to_string(), "0".to_string()),
                ("g0.range_input".to_string(), "2460s".to_string()),
                (
                    "g0.end_input".to_string(),
                    "2026-03-02 10:36:00".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_open_run_carries_alertmanager_labels_and_no_end() {
        let settings = settings("name = \"alerts\"\nservice_label = \"app\"");
        let s = series(&[("alertname", "Down"), ("app", "web")]);
        let found = Found {
            series: &s,
            start: 1_500,
            resolved: None,
            body: None,
            alertmanager: vec!["alertmanager=suppressed".into(), "silenced_by=4f2c".into()],
        };
        let incident = incident(&settings, &found);
        assert_eq!(incident.id, format!("prometheus:alerts:{}:1", s.hash()));
        assert_eq!(incident.services, ["web"]);
        assert_eq!(incident.title, "Down");
        assert_eq!(incident.severity, None);
        assert_eq!(
            incident.labels,
            [
                "alertname=Down",
                "app=web",
                "alertmanager=suppressed",
                "silenced_by=4f2c"
            ]
        );
        assert!(incident.resolved_at.is_none());
        assert!(!incident.url.unwrap().contains("end_input"));
    }

    #[test]
    fn an_alert_without_the_service_label_has_no_service() {
        let settings = settings("");
        let s = series(&[("alertname", "DiskFull"), ("service", "")]);
        let found = Found {
            series: &s,
            start: 0,
            resolved: Some(60_000),
            body: None,
            alertmanager: Vec::new(),
        };
        assert!(incident(&settings, &found).services.is_empty());
    }

    #[test]
    fn bodies_come_from_annotations() {
        let annotations: LabelMap = [
            ("runbook_url", "https://runbooks/x"),
            ("description", "5xx above 5% for 10m"),
            ("summary", "High error rate"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            body(&annotations).as_deref(),
            Some("High error rate\n\n5xx above 5% for 10m")
        );
        assert_eq!(body(&LabelMap::new()), None);
    }
}
