//! Every PagerDuty request flowdeck makes, in one place: URLs under the configured API root,
//! PagerDuty's headers (`Authorization: Token token=<key>`, the v2 Accept type), and HTTP errors
//! turned into source errors that name the host and what was asked (never the key).

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::payload::{Incident, OneIncident};
use super::setup::Settings;
use crate::SourceError;
use crate::http::{Auth, HttpClient, HttpError, RateInfo, Request, Response, api_url};

/// PagerDuty's REST API v2 media type.
pub const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";

#[derive(Clone)]
pub struct Api {
    http: HttpClient,
    root: Url,
    host: String,
    token: SecretString,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("root", &self.root.as_str())
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Api {
    pub fn new(http: HttpClient, settings: &Settings) -> Api {
        Api {
            http,
            root: settings.api.clone(),
            host: settings.host.clone(),
            token: settings.token.clone(),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// `{root}{segments…}?{query}`; each segment is one path segment.
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        api_url(&self.root, segments, query)
    }

    fn request(&self, url: Url) -> Request {
        Request::get(url, Auth::PagerDutyToken(self.token.clone()))
            .scoped_to(&self.root)
            .accept(ACCEPT)
    }

    /// One GET; `what` names it in errors ("incidents").
    pub async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Response<T>, SourceError> {
        self.http
            .get_json(&self.request(url))
            .await
            .map_err(|e| self.explain(e, what))
    }

    /// `GET /incidents/{id}`; None when PagerDuty no longer has it (404).
    pub async fn incident(&self, id: &str) -> Result<Option<Incident>, SourceError> {
        let url = self.url(&["incidents", id], &[]);
        match self.http.get_json::<OneIncident>(&self.request(url)).await {
            Ok(response) => Ok(Some(response.body.incident)),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(self.explain(error, "an incident")),
        }
    }

    /// The rate-limit budget PagerDuty last reported.
    pub fn rate(&self) -> Option<RateInfo> {
        self.http.rate(&self.host)
    }

    fn explain(&self, error: HttpError, what: &str) -> SourceError {
        let host = &self.host;
        match error.status() {
            Some(401) => SourceError::Config(format!(
                "PagerDuty at {host} rejected the API key (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / PAGERDUTY_TOKEN"
            )),
            Some(403) => SourceError::Config(format!(
                "PagerDuty at {host} refused to show {what} (403 Forbidden): the API key lacks read access to incidents"
            )),
            Some(404) => SourceError::Config(format!(
                "PagerDuty at {host} has no {what} endpoint (404 Not Found): check base_url (https://api.pagerduty.com, or https://api.eu.pagerduty.com for the EU service region)"
            )),
            Some(400) => SourceError::Config(format!(
                "PagerDuty at {host} refused the query for {what} (400 Bad Request): check urgencies and service_ids"
            )),
            _ if error.is_retryable() => {
                SourceError::retryable(format!("PagerDuty at {host} ({what}): {error}"), &error)
            }
            _ if error.is_config_error() => {
                SourceError::Config(format!("PagerDuty at {host} ({what}): {error}"))
            }
            _ => SourceError::Data(format!("PagerDuty at {host} ({what}): {error}")),
        }
    }
}
