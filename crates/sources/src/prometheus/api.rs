//! The one place the Prometheus source talks HTTP: URLs under the configured roots, the
//! bearer tokens, Prometheus' answer envelope, and what failures mean for a Prometheus or an
//! Alertmanager.
//!
//! Prometheus answers a query it cannot parse with 400 and `{"status":"error","errorType":
//! "bad_data","error":"…"}`: a configuration error (the `selector`) naming Prometheus' words.
//! A 422 (`execution`: the query ran and failed, e.g. too many samples) is data that could not
//! be read. 5xx, timeouts and refused connections are retried by the HTTP layer, then are
//! transient; a body that is not the JSON expected is a data error.

use serde::de::DeserializeOwned;
use url::Url;

use super::payload::{
    AlertsData, BuildInfo, Envelope, ManagedAlert, ManagerStatus, MatrixSeries, PrometheusAlert,
    QueryData, VectorSample,
};
use super::runs::Millis;
use super::setup::Endpoint;
use crate::SourceError;
use crate::http::{Auth, HttpClient, HttpError, Request};

/// Which server an [`Api`] speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Prometheus,
    Alertmanager,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Prometheus => "Prometheus",
            Server::Alertmanager => "Alertmanager",
        }
    }

    fn url_key(self) -> &'static str {
        match self {
            Server::Prometheus => "url",
            Server::Alertmanager => "alertmanager_url",
        }
    }

    fn token_key(self) -> &'static str {
        match self {
            Server::Prometheus => "token_env",
            Server::Alertmanager => "alertmanager_token_env",
        }
    }
}

/// One server's HTTP API.
pub struct Api<'a> {
    pub http: &'a HttpClient,
    pub endpoint: &'a Endpoint,
    pub server: Server,
}

/// `time=` and range durations as Prometheus reads them: seconds with milliseconds.
pub fn seconds(t: Millis) -> String {
    format!("{}.{:03}", t.div_euclid(1000), t.rem_euclid(1000))
}

impl Api<'_> {
    pub fn host(&self) -> &str {
        &self.endpoint.host
    }

    /// `<root><path>?<query>`
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.endpoint.root.clone();
        let joined = format!("{}{path}", url.path());
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    fn request(&self, url: Url) -> Request {
        Request::get(
            url,
            match &self.endpoint.token {
                Some(token) => Auth::Bearer(token.clone()),
                None => Auth::None,
            },
        )
        .scoped_to(&self.endpoint.root)
    }

    /// One GET of bare JSON (Alertmanager's v2 API).
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<T, SourceError> {
        match self
            .http
            .get_json::<T>(&self.request(self.url(path, query)))
            .await
        {
            Ok(response) => Ok(response.body),
            Err(error) => Err(self.explain(error, what)),
        }
    }

    /// One GET of a Prometheus API answer: its `data`, or why there is none.
    async fn data<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<T, SourceError> {
        let envelope: Envelope<T> = self.get(path, query, what).await?;
        for warning in &envelope.warnings {
            tracing::warn!(host = %self.host(), "Prometheus warns about {what}: {}", flowdeck_core::text::sanitize(warning));
        }
        match (envelope.status.as_str(), envelope.data) {
            ("success", Some(data)) => Ok(data),
            (status, _) => Err(SourceError::Data(format!(
                "Prometheus at {} answered {what} with status {:?} ({}: {})",
                self.host(),
                flowdeck_core::text::sanitize(status),
                flowdeck_core::text::sanitize(
                    envelope.error_type.as_deref().unwrap_or("no errorType")
                ),
                flowdeck_core::text::sanitize(envelope.error.as_deref().unwrap_or("no data")),
            ))),
        }
    }

    async fn query<R: DeserializeOwned>(
        &self,
        promql: &str,
        time: Millis,
        result_type: &str,
    ) -> Result<R, SourceError> {
        let what = format!("the query {promql}");
        let data: QueryData<R> = self
            .data(
                "api/v1/query",
                &[("query", promql), ("time", &seconds(time))],
                &what,
            )
            .await?;
        if data.result_type != result_type {
            return Err(SourceError::Data(format!(
                "Prometheus at {} answered {what} with a {:?}, not a {result_type}",
                self.host(),
                flowdeck_core::text::sanitize(&data.result_type)
            )));
        }
        Ok(data.result)
    }

    /// The raw samples of `selector` in `(end − length, end]` (closed at the start before
    /// Prometheus 3): an instant query of a range vector, so nothing is invented between
    /// samples (query_range would carry each one forward for the lookback delta).
    pub async fn raw_samples(
        &self,
        selector: &str,
        end: Millis,
        length: Millis,
    ) -> Result<Vec<MatrixSeries>, SourceError> {
        let promql = format!("{selector}[{length}ms]");
        self.query(&promql, end, "matrix").await
    }

    /// The series of `selector` an instant query at `time` answers (staleness markers
    /// honoured: an alert that resolved is gone).
    pub async fn instant(
        &self,
        selector: &str,
        time: Millis,
    ) -> Result<Vec<VectorSample>, SourceError> {
        self.query(selector, time, "vector").await
    }

    /// Prometheus' firing and pending alerts, with their annotations.
    pub async fn alerts(&self) -> Result<Vec<PrometheusAlert>, SourceError> {
        let data: AlertsData = self.data("api/v1/alerts", &[], "the alerts").await?;
        Ok(data.alerts)
    }

    /// Prometheus' version; None from a server too old to say.
    pub async fn version(&self) -> Result<Option<String>, SourceError> {
        let url = self.url("api/v1/status/buildinfo", &[]);
        match self
            .http
            .get_json::<Envelope<BuildInfo>>(&self.request(url))
            .await
        {
            Ok(response) => Ok(response
                .body
                .data
                .map(|d| d.version)
                .filter(|v| !v.is_empty())),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(self.explain(error, "the build information")),
        }
    }

    /// Every alert Alertmanager holds (active, silenced, inhibited).
    pub async fn managed_alerts(&self) -> Result<Vec<ManagedAlert>, SourceError> {
        self.get("api/v2/alerts", &[], "the alerts").await
    }

    /// Alertmanager's version.
    pub async fn manager_version(&self) -> Result<Option<String>, SourceError> {
        let status: ManagerStatus = self.get("api/v2/status", &[], "its status").await?;
        Ok(status
            .version_info
            .map(|v| v.version)
            .filter(|v| !v.is_empty()))
    }

    fn explain(&self, error: HttpError, what: &str) -> SourceError {
        let (server, host) = (self.server.name(), self.host());
        let (url_key, token_key) = (self.server.url_key(), self.server.token_key());
        let detail = match &error {
            HttpError::Status {
                detail: Some(detail),
                ..
            } => flowdeck_core::text::sanitize(detail),
            _ => "no reason given".to_string(),
        };
        match error.status() {
            Some(400) => SourceError::Config(format!(
                "{server} at {host} rejected {what} (400 bad_data): {detail}; check `selector` (PromQL label matchers such as severity=\"page\")"
            )),
            Some(422) => SourceError::Data(format!(
                "{server} at {host} could not run {what} (422 execution): {detail}"
            )),
            Some(401) if self.endpoint.token.is_none() => SourceError::Config(format!(
                "{server} at {host} asks for credentials (401 Unauthorized): set {token_key} to a variable holding a bearer token"
            )),
            Some(401) => SourceError::Config(format!(
                "{server} at {host} rejected the token (401 Unauthorized): check the variable {token_key} names"
            )),
            Some(403) => SourceError::Config(format!(
                "{server} at {host} refused access (403 Forbidden): the token may not read {what}"
            )),
            Some(404) => SourceError::Config(format!(
                "{server} at {host} has no API at {} (404 Not Found): check `{url_key}` (with the route prefix, if any)",
                self.endpoint.root
            )),
            _ if error.is_retryable() => {
                SourceError::retryable(format!("{server} at {host}: {error}"), &error)
            }
            _ if error.is_config_error() => {
                SourceError::Config(format!("{server} at {host}: {error}"))
            }
            _ => SourceError::Data(format!("{server} at {host}: {error}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_seconds_with_milliseconds() {
        assert_eq!(seconds(1_796_286_820_730), "1796286820.730");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(-1), "-1.999");
    }
}
