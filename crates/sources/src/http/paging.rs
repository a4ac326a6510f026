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
                tracing::warn!(endpoint = %Endpoint::of(next), "next-page link points back to a page already fetched; stopping");
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
