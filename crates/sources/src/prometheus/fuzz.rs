//! The fuzzing entry of Prometheus' and Alertmanager's responses (feature `fuzzing`): decode
//! every response shape from the same bytes and run what decodes through the source's reading
//! of samples into runs and incidents.

use std::sync::OnceLock;

use flowdeck_config::schema::PrometheusSourceConfig;

use super::payload::{
    AlertsData, BuildInfo, Envelope, ManagedAlert, ManagerStatus, MatrixSeries, QueryData,
    VectorSample,
};
use super::runs::{self, Millis};
use super::series::Series;
use super::setup::Settings;
use super::sync::millis;
use super::{alertmanager, translate};

/// The window samples are read in, as the source reads them (`from < t <= now`).
const FROM: Millis = 1_700_000_000_000;
const NOW: Millis = FROM + 7 * 24 * 3_600_000;

fn settings() -> Option<&'static Settings> {
    static SETTINGS: OnceLock<Option<Settings>> = OnceLock::new();
    SETTINGS
        .get_or_init(|| {
            let config: PrometheusSourceConfig = toml::from_str(
                "url = \"http://127.0.0.1:9090\"\nalertmanager_url = \"http://127.0.0.1:9093\"",
            )
            .ok()?;
            Settings::from_config(&config).ok()
        })
        .as_ref()
}

pub(crate) fn responses(data: &[u8]) {
    let Some(settings) = settings() else { return };
    let managed = serde_json::from_slice::<Vec<ManagedAlert>>(data).unwrap_or_default();
    let annotations = serde_json::from_slice::<Envelope<AlertsData>>(data)
        .ok()
        .and_then(|e| e.data)
        .map(|d| d.alerts)
        .unwrap_or_default();
    if let Ok(matrix) = serde_json::from_slice::<Envelope<QueryData<Vec<MatrixSeries>>>>(data) {
        for found in matrix.data.into_iter().flat_map(|d| d.result) {
            let series = Series::of(found.metric);
            let mut samples: Vec<Millis> = found
                .values
                .iter()
                .map(|(t, _)| millis(*t))
                .filter(|t| FROM < *t && *t <= NOW)
                .collect();
            samples.sort_unstable();
            samples.dedup();
            read_runs(settings, &series, &samples, &managed);
        }
        for alert in &annotations {
            let _ = translate::body(&alert.annotations);
        }
    }
    let _ = serde_json::from_slice::<Envelope<QueryData<Vec<VectorSample>>>>(data);
    let _ = serde_json::from_slice::<Envelope<BuildInfo>>(data);
    let _ = serde_json::from_slice::<ManagerStatus>(data);
}

fn read_runs(settings: &Settings, series: &Series, samples: &[Millis], managed: &[ManagedAlert]) {
    let gap = settings.gap;
    let step = runs::step(runs::median_gap(samples, gap), None, None, gap);
    let (marks, body) = alertmanager::marks(series, managed);
    let _ = series.title(&settings.service_label, &settings.severity_label);
    let _ = series.selector();
    for run in runs::runs(&[], samples, gap) {
        let open = runs::is_open(run.last, step, NOW, gap, true);
        let resolved = (!open).then(|| runs::resolved_at(run.start, run.last, step, NOW));
        let found = translate::Found {
            series,
            start: run.start,
            resolved,
            body: body.clone(),
            alertmanager: marks.clone(),
        };
        let _ = translate::incident(settings, &found);
    }
}
