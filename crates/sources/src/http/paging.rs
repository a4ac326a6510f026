//! Link-header paging: follow rel="next" (`link.rs` reads the header).
//!
//! Next links are followed only within the origin (scheme, host and port) of the request's
//! credentials: the client refuses any other (`HttpError::OtherHost`). A link back to a page
//! already fetched ends the walk (a server bug must not loop forever).

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use url::Url;

use super::client::HttpClient;
use super::error::{Endpoint, HttpError, clean_detail};
use super::request::{Request, Response};

/// The guard every page-by-page listing keeps: a next link back to a page already read ends
/// the listing (a server whose last page links to the first once cost hundreds of requests),
/// and so does the page cap. Either is noted as a cut (crate::cuts), so the source's status
/// says the listing is incomplete instead of "ok".
#[derive(Debug)]
pub(crate) struct PageWalk {
    what: String,
    visited: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl PageWalk {
    /// A walk starting at `first`, listing `what` ("deployments of acme/api"), at most
    /// `max_pages` pages.
    pub(crate) fn new(first: &Url, what: impl Into<String>, max_pages: usize) -> PageWalk {
        let mut visited = HashSet::new();
        visited.insert(first.to_string());
        PageWalk {
            what: what.into(),
            visited,
            pages: 0,
            max_pages,
        }
    }

    /// After a page was read: the next one to read, if the listing goes on.
    pub(crate) fn after_page(&mut self, next: Option<Url>) -> Option<Url> {
        self.pages += 1;
        let next = next?;
        if !self.visited.insert(next.to_string()) {
            crate::cuts::note(format!(
                "{}: the next-page link of page {} leads back to a page already read ({}); the listing stopped there",
                self.what,
                self.pages,
                Endpoint::of(&next)
            ));
            return None;
        }
        if self.pages >= self.max_pages {
            crate::cuts::note(format!(
                "{}: the listing was cut at {} pages; what lies beyond is not read",
                self.what, self.max_pages
            ));
            return None;
        }
        Some(next)
    }

    /// Pages read so far.
    pub(crate) fn pages(&self) -> usize {
        self.pages
    }
}

/// Pages of a list, fetched one at a time so a source can stop early (e.g. once it reaches
/// items older than its watermark). Each page is a conditional request of its own.
#[derive(Debug)]
pub struct Pager<P> {
    client: HttpClient,
    next: Option<Request>,
    visited: HashSet<String>,
    pages_left: usize,
    _page: PhantomData<fn() -> P>,
}

impl<P: DeserializeOwned> Pager<P> {
    /// The next page, or `None` when the list (or `max_pages`) is done.
    pub async fn next_page(&mut self) -> Result<Option<Response<P>>, HttpError> {
        if self.pages_left == 0 {
            return Ok(None);
        }
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        self.visited.insert(request.url.to_string());
        let response: Response<P> = self.client.get_json(&request).await?;
        self.pages_left -= 1;
        // The client refuses a next link to another origin, so `next` is on the first page's.
        if let Some(next) = &response.next {
            if self.visited.contains(next.as_str()) {
                crate::cuts::note(format!(
                    "the next-page link of {} leads back to a page already read; the listing stopped there",
                    Endpoint::of(&request.url)
                ));
            } else {
                self.next = Some(request.with_url(next.clone()));
            }
        }
        Ok(Some(response))
    }

    /// The page `next_page` would fetch; after `max_pages`, where the list goes on.
    pub fn pending(&self) -> Option<&Url> {
        self.next.as_ref().map(|request| &request.url)
    }
}

impl HttpClient {
    /// Pages starting at `first`, at most `max_pages` of them.
    pub fn pages<P: DeserializeOwned>(&self, first: Request, max_pages: usize) -> Pager<P> {
        Pager {
            client: self.clone(),
            next: Some(first),
            visited: HashSet::new(),
            pages_left: max_pages,
            _page: PhantomData,
        }
    }

    /// Every page of a JSON array list (GitLab, most of GitHub), following Link rel="next", up
    /// to `max_pages`. When the limit cut the list short, the last page's `next` is `Some`.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        first: Request,
        max_pages: usize,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError> {
        self.get_all_with(first, max_pages, |items: Vec<T>| items)
            .await
    }

    /// Every page of a list wrapped in an object, the items taken out by `extract`:
    /// `get_all_with(req, 10, |page: WorkflowRuns| page.workflow_runs)`.
    pub async fn get_all_with<P, T, F>(
        &self,
        first: Request,
        max_pages: usize,
        mut extract: F,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError>
    where
        P: DeserializeOwned,
        F: FnMut(P) -> Vec<T>,
    {
        let mut pager = self.pages::<P>(first, max_pages);
        let mut pages = Vec::new();
        while let Some(page) = pager.next_page().await? {
            pages.push(page.map(&mut extract));
        }
        Ok(pages)
    }

    /// Every page of a GitHub-style wrapped list, `{"total_count": n, "<field>": [...]}`, without
    /// declaring the wrapper: `get_all_in(req, 10, "workflow_runs")`.
    pub async fn get_all_in<T: DeserializeOwned>(
        &self,
        first: Request,
        max_pages: usize,
        field: &str,
    ) -> Result<Vec<Response<Vec<T>>>, HttpError> {
        let mut pager = self.pages::<serde_json::Value>(first, max_pages);
        let mut pages = Vec::new();
        while let Some(url) = pager.pending().cloned() {
            let Some(mut page) = pager.next_page().await? else {
                break;
            };
            let malformed = |detail: String| HttpError::Malformed {
                endpoint: Endpoint::of(&url),
                detail,
            };
            let field_name = clean_detail(field, 40);
            let items = match page.body.get_mut(field).map(serde_json::Value::take) {
                Some(items) => serde_json::from_value::<Vec<T>>(items).map_err(|err| {
                    malformed(format!(
                        "in `{field_name}`: {}",
                        super::error::json_detail(&err)
                    ))
                })?,
                None => return Err(malformed(format!("no `{field_name}` list in the answer"))),
            };
            pages.push(page.map(|_| items));
        }
        Ok(pages)
    }
}
