//! An API root a source talks to: the shared HTTP client, the credentials, and the provider's
//! words for failures. Every request goes through here, scoped to the root's origin (scheme,
//! host, port): the client never sends the credentials elsewhere, follows no next-page link or
//! redirect that leaves it, and a URL taken from an answer's body is followed only inside it.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use url::Url;

use super::hints::{Failure, StatusHints, source_error};
use crate::SourceError;
use crate::http::PageWalk;
use crate::http::{
    Auth, Endpoint, HttpClient, HttpError, RateInfo, Request, Response, api_url, host_key,
    origin_text,
};

#[derive(Clone)]
pub(crate) struct Origin {
    http: HttpClient,
    /// The API root as configured; every request is scoped to its origin.
    root: Url,
    /// host, or host:port when the port is not the scheme's default.
    host: String,
    auth: Auth,
    accept: &'static str,
    headers: Vec<(&'static str, String)>,
    hints: Arc<dyn StatusHints>,
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Origin")
            .field("root", &self.root.as_str())
            // Not even the kind of credential: only whether there is one.
            .field("token", &self.has_token().then_some("[redacted]"))
            .finish_non_exhaustive()
    }
}

impl Origin {
    pub(super) fn new(
        http: HttpClient,
        root: Url,
        auth: Auth,
        hints: impl StatusHints + 'static,
    ) -> Origin {
        Origin {
            http,
            host: host_key(&root),
            root,
            auth,
            accept: crate::http::JSON,
            headers: Vec::new(),
            hints: Arc::new(hints),
        }
    }

    /// The Accept header of every request (JSON by default).
    pub(crate) fn accept(mut self, accept: &'static str) -> Origin {
        self.accept = accept;
        self
    }

    /// A header every request carries (an API version).
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Origin {
        self.headers.push((name, value.into()));
        self
    }

    /// Other credentials (a token found elsewhere; tests).
    pub(crate) fn set_auth(&mut self, auth: Auth) {
        self.auth = auth;
    }

    pub(crate) fn root(&self) -> &Url {
        &self.root
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn has_token(&self) -> bool {
        self.auth.is_some()
    }

    /// `{root}/{segments…}?{query}`: each segment one percent-encoded path segment.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        api_url(&self.root, segments, query)
    }

    /// The rate-limit budget the provider last reported for this host.
    pub(crate) fn rate(&self) -> Option<RateInfo> {
        self.http.rate(&self.host)
    }

    fn request(&self, url: Url) -> Request {
        let mut request = Request::get(url, self.auth.clone())
            .scoped_to(&self.root)
            .accept(self.accept);
        for (name, value) in self.headers.iter().cloned() {
            request = request.header(name, value);
        }
        request
    }

    /// One GET as the HTTP layer answers it, for a source that reads some failures itself
    /// (`explain` words the rest). A URL outside the root's origin is refused unsent, with or
    /// without credentials.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Response<T>, HttpError> {
        let request = self.request(url);
        if !request.in_scope(&request.url) {
            return Err(HttpError::OtherHost {
                endpoint: Endpoint::of(&self.root),
                via: "a URL in the answer".to_string(),
                from: origin_text(&self.root),
                to: origin_text(&request.url),
            });
        }
        let answer = self.http.get_json(&request).await;
        crate::progress::request_sent(self.rate());
        answer
    }

    /// One GET; `what` names it in errors ("deployments").
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Response<T>, SourceError> {
        self.send(url).await.map_err(|e| self.explain(e, what))
    }

    /// Like `get`, but a 404 (a sha gone after a force push, an incident deleted) is None:
    /// missing data, not a misconfigured source.
    pub(crate) async fn get_if_found<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<Option<Response<T>>, SourceError> {
        match self.send(url).await {
            Ok(response) => Ok(Some(response)),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(self.explain(error, what)),
        }
    }

    /// Every page of a JSON array list, following Link rel="next", at most `max_pages` (a guard
    /// against servers whose links loop).
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        first: Url,
        what: &str,
        max_pages: usize,
    ) -> Result<Vec<T>, SourceError> {
        let mut items = Vec::new();
        let mut walk = PageWalk::new(&first, format!("{what} at {}", self.host), max_pages);
        let mut next = Some(first);
        while let Some(url) = next {
            let page: Response<Vec<T>> = self.get(url, what).await?;
            items.extend(page.body);
            next = walk.after_page(page.next);
        }
        Ok(items)
    }

    /// A URL an answer to a request for `what` handed out (a `statuses_url`, a `paging.next`),
    /// accepted only inside the root's origin: a payload cannot send the credentials elsewhere.
    pub(crate) fn follow(&self, link: &str, what: &str) -> Result<Url, SourceError> {
        let context = self.hints.context(&self.failure(what, None));
        let url = Url::parse(link).map_err(|e| {
            SourceError::Data(format!(
                "{context}: a link in the answer is not a URL ({e})"
            ))
        })?;
        if url.origin() != self.root.origin() {
            return Err(SourceError::Data(format!(
                "{context}: a link in the answer leads to another host ({}); not followed with the credentials",
                origin_text(&url)
            )));
        }
        Ok(url)
    }

    /// An HTTP failure as a source error, in the provider's words.
    pub(crate) fn explain(&self, error: HttpError, what: &str) -> SourceError {
        let detail = match &error {
            HttpError::Status { detail, .. } => detail.clone(),
            _ => None,
        };
        source_error(
            error,
            &self.failure(what, detail.as_deref()),
            self.hints.as_ref(),
        )
    }

    fn failure<'a>(&'a self, what: &'a str, detail: Option<&'a str>) -> Failure<'a> {
        Failure {
            what,
            host: &self.host,
            root: &self.root,
            has_token: self.has_token(),
            detail,
        }
    }
}
