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
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints};
use flowdeck_core::text::sanitize;

/// Which server an [`Api`] speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Server {
    Prometheus,
    Alertmanager,
    /// The Prometheus a `[[panels]]` entry reads: its failures name the panel's query.
    Panels,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Prometheus | Server::Panels => "Prometheus",
            Server::Alertmanager => "Alertmanager",
        }
    }

    fn url_key(self) -> &'static str {
        match self {
            Server::Prometheus | Server::Panels => "url",
            Server::Alertmanager => "alertmanager_url",
        }
    }

    fn token_key(self) -> &'static str {
        match self {
            Server::Prometheus | Server::Panels => "token_env",
            Server::Alertmanager => "alertmanager_token_env",
        }
    }
}

/// One server's HTTP API.
#[derive(Debug)]
pub(super) struct Api {
    origin: Origin,
}

/// `time=` and range durations as Prometheus reads them: seconds with milliseconds.
pub(super) fn seconds(t: Millis) -> String {
    format!("{}.{:03}", t.div_euclid(1000), t.rem_euclid(1000))
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, endpoint: &Endpoint, server: Server) -> Api {
        let auth = match &endpoint.token {
            Some(token) => Auth::Bearer(token.clone()),
            None => Auth::None,
        };
        Api {
            origin: setup.origin(endpoint.root.clone(), auth, Words { server }),
        }
    }

    pub(super) fn host(&self) -> &str {
        self.origin.host()
    }

    /// `<root><path>?<query>`
    fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.origin.root().clone();
        let joined = format!("{}{path}", url.path());
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// One GET of bare JSON (Alertmanager's v2 API).
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<T, SourceError> {
        Ok(self.origin.get(self.url(path, query), what).await?.body)
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
            tracing::warn!(host = %self.host(), "Prometheus warns about {what}: {}", sanitize(warning));
        }
        match (envelope.status.as_str(), envelope.data) {
            ("success", Some(data)) => Ok(data),
            (status, _) => Err(SourceError::Data(format!(
                "Prometheus at {} answered {what} with status {:?} ({}: {})",
                self.host(),
                sanitize(status),
                sanitize(envelope.error_type.as_deref().unwrap_or("no errorType")),
                sanitize(envelope.error.as_deref().unwrap_or("no data")),
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
                sanitize(&data.result_type)
            )));
        }
        Ok(data.result)
    }

    /// The raw samples of `selector` in `(end − length, end]` (closed at the start before
    /// Prometheus 3): an instant query of a range vector, so nothing is invented between
    /// samples (query_range would carry each one forward for the lookback delta).
    pub(super) async fn raw_samples(
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
    pub(super) async fn instant(
        &self,
        selector: &str,
        time: Millis,
    ) -> Result<Vec<VectorSample>, SourceError> {
        self.query(selector, time, "vector").await
    }

    /// `promql` evaluated every `step` from `start` to `end` (`/api/v1/query_range`): a matrix.
    pub(super) async fn range(
        &self,
        promql: &str,
        start: Millis,
        end: Millis,
        step: Millis,
    ) -> Result<Vec<MatrixSeries>, SourceError> {
        let what = format!("the panel query {promql}");
        let data: QueryData<Vec<MatrixSeries>> = self
            .data(
                "api/v1/query_range",
                &[
                    ("query", promql),
                    ("start", &seconds(start)),
                    ("end", &seconds(end)),
                    ("step", &seconds(step)),
                ],
                &what,
            )
            .await?;
        if data.result_type != "matrix" {
            return Err(SourceError::Data(format!(
                "Prometheus at {} answered {what} with a {:?}, not a matrix",
                self.host(),
                sanitize(&data.result_type)
            )));
        }
        Ok(data.result)
    }

    /// Prometheus' firing and pending alerts, with their annotations.
    pub(super) async fn alerts(&self) -> Result<Vec<PrometheusAlert>, SourceError> {
        let data: AlertsData = self.data("api/v1/alerts", &[], "the alerts").await?;
        Ok(data.alerts)
    }

    /// Prometheus' version; None from a server too old to say.
    pub(super) async fn version(&self) -> Result<Option<String>, SourceError> {
        let url = self.url("api/v1/status/buildinfo", &[]);
        let info = self
            .origin
            .get_if_found::<Envelope<BuildInfo>>(url, "the build information")
            .await?;
        Ok(info
            .and_then(|response| response.body.data)
            .map(|d| d.version)
            .filter(|v| !v.is_empty()))
    }

    /// Every alert Alertmanager holds (active, silenced, inhibited).
    pub(super) async fn managed_alerts(&self) -> Result<Vec<ManagedAlert>, SourceError> {
        self.get("api/v2/alerts", &[], "the alerts").await
    }

    /// Alertmanager's version.
    pub(super) async fn manager_version(&self) -> Result<Option<String>, SourceError> {
        let status: ManagerStatus = self.get("api/v2/status", &[], "its status").await?;
        Ok(status
            .version_info
            .map(|v| v.version)
            .filter(|v| !v.is_empty()))
    }
}

/// What a Prometheus' or an Alertmanager's answers mean.
struct Words {
    server: Server,
}

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("{} at {}", self.server.name(), failure.host)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (server, host, what) = (self.server.name(), failure.host, failure.what);
        let (url_key, token_key) = (self.server.url_key(), self.server.token_key());
        let detail = failure
            .detail
            .map_or_else(|| "no reason given".to_string(), sanitize);
        Some(match status {
            400 if self.server == Server::Panels => Hint::Config(format!(
                "{server} at {host} rejected {what} (400 bad_data): {detail}; check the panel's `query`"
            )),
            400 => Hint::Config(format!(
                "{server} at {host} rejected {what} (400 bad_data): {detail}; check `selector` (PromQL label matchers such as severity=\"page\")"
            )),
            422 => Hint::Data(format!(
                "{server} at {host} could not run {what} (422 execution): {detail}"
            )),
            401 if !failure.has_token => Hint::Config(format!(
                "{server} at {host} asks for credentials (401 Unauthorized): set {token_key} to a variable holding a bearer token"
            )),
            401 => Hint::Config(format!(
                "{server} at {host} rejected the token (401 Unauthorized): check the variable {token_key} names"
            )),
            403 => Hint::Config(format!(
                "{server} at {host} refused access (403 Forbidden): the token may not read {what}"
            )),
            404 => Hint::Config(format!(
                "{server} at {host} has no API at {} (404 Not Found): check `{url_key}` (with the route prefix, if any)",
                failure.root
            )),
            _ => return None,
        })
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
