//! The JSON Prometheus and Alertmanager answer with, as far as flowdeck reads it.
//!
//! Prometheus wraps every answer in `{"status": "success"|"error", "data": …, "errorType",
//! "error", "warnings"}`; sample times are float seconds and values strings. Alertmanager's
//! v2 API answers bare JSON (an array of alerts, a status object).

use std::collections::BTreeMap;

use serde::Deserialize;

/// A label set as Prometheus writes it.
pub(super) type LabelMap = BTreeMap<String, String>;

/// The envelope of every Prometheus API answer.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope<T> {
    pub status: String,
    pub data: Option<T>,
    #[serde(rename = "errorType")]
    pub error_type: Option<String>,
    pub error: Option<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// `data` of `/api/v1/query` for a range selector (`resultType` "matrix").
#[derive(Debug, Deserialize)]
pub(super) struct QueryData<R> {
    #[serde(rename = "resultType")]
    pub result_type: String,
    pub result: R,
}

/// One series of a matrix: its labels and raw samples `[seconds, "value"]`.
#[derive(Debug, Deserialize)]
pub(super) struct MatrixSeries {
    pub metric: LabelMap,
    #[serde(default)]
    pub values: Vec<(f64, String)>,
}

/// One series of an instant vector.
#[derive(Debug, Deserialize)]
pub(super) struct VectorSample {
    pub metric: LabelMap,
}

/// `data` of `/api/v1/alerts`.
#[derive(Debug, Deserialize)]
pub(super) struct AlertsData {
    #[serde(default)]
    pub alerts: Vec<PrometheusAlert>,
}

/// A firing or pending alert as Prometheus holds it (labels without `alertstate`).
#[derive(Debug, Deserialize)]
pub(super) struct PrometheusAlert {
    #[serde(default)]
    pub labels: LabelMap,
    #[serde(default)]
    pub annotations: LabelMap,
    #[serde(default)]
    pub state: String,
}

/// `data` of `/api/v1/status/buildinfo`.
#[derive(Debug, Deserialize)]
pub(super) struct BuildInfo {
    #[serde(default)]
    pub version: String,
}

/// One alert of Alertmanager's `GET /api/v2/alerts`.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct ManagedAlert {
    #[serde(default)]
    pub labels: LabelMap,
    #[serde(default)]
    pub annotations: LabelMap,
    pub status: ManagedStatus,
}

/// `status` of an Alertmanager alert: "active", "suppressed" or "unprocessed", and what holds
/// a suppressed one back.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct ManagedStatus {
    pub state: String,
    #[serde(default, rename = "silencedBy")]
    pub silenced_by: Vec<String>,
    #[serde(default, rename = "inhibitedBy")]
    pub inhibited_by: Vec<String>,
}

/// Alertmanager's `GET /api/v2/status`, for its version.
#[derive(Debug, Deserialize)]
pub(super) struct ManagerStatus {
    #[serde(rename = "versionInfo")]
    pub version_info: Option<ManagerVersion>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ManagerVersion {
    #[serde(default)]
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prometheus_and_alertmanager_answers() {
        let matrix: Envelope<QueryData<Vec<MatrixSeries>>> = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"ALERTS","alertname":"Live","alertstate":"firing"},"values":[[1796286820.730,"1"],[1796286821.73,"1"]]}]}}"#,
        )
        .unwrap();
        let data = matrix.data.unwrap();
        assert_eq!(data.result_type, "matrix");
        assert_eq!(data.result[0].values[1].0, 1796286821.73);
        assert_eq!(data.result[0].metric["alertname"], "Live");

        let error: Envelope<serde_json::Value> = serde_json::from_str(
            r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
        )
        .unwrap();
        assert_eq!(error.error_type.as_deref(), Some("bad_data"));
        assert!(error.data.is_none());

        let alerts: Vec<ManagedAlert> = serde_json::from_str(
            r#"[{"annotations":{"summary":"s"},"endsAt":"2026-01-01T00:00:00Z","fingerprint":"f","receivers":[{"name":"n"}],"startsAt":"2026-01-01T00:00:00Z","status":{"inhibitedBy":[],"silencedBy":["4f2c"],"state":"suppressed"},"updatedAt":"2026-01-01T00:00:00Z","labels":{"alertname":"A"}}]"#,
        )
        .unwrap();
        assert_eq!(alerts[0].status.state, "suppressed");
        assert_eq!(alerts[0].status.silenced_by, ["4f2c"]);
    }
}
