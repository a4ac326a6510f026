//! Every Opsgenie request flowdeck makes, in one place: URLs under the configured API root, the
//! `Authorization: GenieKey <key>` header, the next-page links Opsgenie hands out (followed only
//! on the configured origin, so a payload cannot send the key elsewhere), and HTTP errors turned
//! into source errors that name the host and what was asked (never the key).

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::payload::{Alert, OneAlert};
use super::setup::Settings;
use crate::SourceError;
use crate::http::{Auth, HttpClient, HttpError, RateInfo, Request, Response, api_url, host_key};

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

    /// A `paging.next` link: accepted only on the configured scheme, host and port.
    pub fn follow(&self, link: &str) -> Result<Url, SourceError> {
        let url = Url::parse(link).map_err(|e| {
            SourceError::Data(format!(
                "Opsgenie at {} gave a next-page link that is not a URL ({e})",
                self.host
            ))
        })?;
        if url.origin() != self.root.origin() {
            return Err(SourceError::Data(format!(
                "Opsgenie at {} gave a next-page link to another host ({}); not followed with the API key",
                self.host,
                host_key(&url)
            )));
        }
        Ok(url)
    }

    fn request(&self, url: Url) -> Request {
        Request::get(url, Auth::GenieKey(self.token.clone())).scoped_to(&self.root)
    }

    /// One GET; `what` names it in errors ("alerts").
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

    /// `GET /v2/alerts/{id}?identifierType=id`; None when Opsgenie no longer has it (404).
    pub async fn alert(&self, id: &str) -> Result<Option<Alert>, SourceError> {
        let url = self.url(&["v2", "alerts", id], &[("identifierType", "id")]);
        match self.http.get_json::<OneAlert>(&self.request(url)).await {
            Ok(response) => Ok(Some(response.body.data)),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(self.explain(error, "an alert")),
        }
    }

    /// The rate-limit budget Opsgenie last reported (it rarely reports one).
    pub fn rate(&self) -> Option<RateInfo> {
        self.http.rate(&self.host)
    }

    fn explain(&self, error: HttpError, what: &str) -> SourceError {
        let host = &self.host;
        match error.status() {
            Some(401) => SourceError::Config(format!(
                "Opsgenie at {host} rejected the API key (401 Unauthorized): it is wrong or its integration is disabled; check token_cmd / token_env / OPSGENIE_API_KEY"
            )),
            Some(403) => SourceError::Config(format!(
                "Opsgenie at {host} refused to show {what} (403 Forbidden): the API key lacks read access (give its API integration \"Read\" rights)"
            )),
            Some(404) => SourceError::Config(format!(
                "Opsgenie at {host} has no {what} endpoint (404 Not Found): check base_url (https://api.opsgenie.com, or https://api.eu.opsgenie.com for EU accounts)"
            )),
            Some(400 | 422) => SourceError::Config(format!(
                "Opsgenie at {host} refused the search for {what} ({}): check `query` and `priorities`",
                error.status().unwrap_or_default()
            )),
            _ if error.is_retryable() => {
                SourceError::retryable(format!("Opsgenie at {host} ({what}): {error}"), &error)
            }
            _ if error.is_config_error() => {
                SourceError::Config(format!("Opsgenie at {host} ({what}): {error}"))
            }
            _ => SourceError::Data(format!("Opsgenie at {host} ({what}): {error}")),
        }
    }
}
