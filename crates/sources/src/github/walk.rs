//! Walking a listing page by page so that it can stop anywhere and continue at the next sync:
//! the cursor (the next page's URL, plus what a listing keeps of its own) is a watermark,
//! committed with the part that read the pages before it (`pass.rs`). GitHub's listings are
//! read newest first by page number: deployments or pull requests that arrive while a walk is
//! paused push older ones onto later pages, so a continued walk may read an item twice (an
//! upsert, harmless) but never skips one.

use std::collections::HashSet;

use url::Url;

use super::api::Api;
use crate::SourceError;
use crate::http::Endpoint;

/// The pages one listing reads at most in one sync; the rest is read at the next sync, from
/// its cursor (a cap no longer loses what lies beyond it).
pub(super) struct Steps {
    what: String,
    visited: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl Steps {
    pub(super) fn new(what: String, max_pages: usize) -> Steps {
        Steps {
            what,
            visited: HashSet::new(),
            pages: 0,
            max_pages,
        }
    }

    /// The page to read next from the cursor's `next`, or None when this sync reads no more
    /// of the listing: it ended, looped back (the cursor is dropped: the listing ends
    /// there, said as a cut), or reached the cap (the cursor stays, said as a cut).
    pub(super) fn next(
        &mut self,
        api: &Api,
        next: &mut Option<String>,
    ) -> Result<Option<Url>, SourceError> {
        let Some(link) = next.clone() else {
            return Ok(None);
        };
        let url = api.follow(&link)?;
        if !self.visited.insert(url.to_string()) {
            crate::cuts::note(format!(
                "{}: the next-page link of page {} leads back to a page already read ({}); the listing stopped there",
                self.what,
                self.pages,
                Endpoint::of(&url)
            ));
            *next = None;
            return Ok(None);
        }
        if self.pages >= self.max_pages {
            crate::cuts::note(format!(
                "{}: {} pages read in this sync; the rest is read at the next one",
                self.what, self.max_pages
            ));
            return Ok(None);
        }
        self.pages += 1;
        Ok(Some(url))
    }
}

/// A page's next link, checked at once: one leading elsewhere fails the sync (and is never
/// kept in a cursor).
pub(super) fn next_link(api: &Api, next: Option<Url>) -> Result<Option<String>, SourceError> {
    next.map(|link| api.follow(link.as_str()).map(|url| url.to_string()))
        .transpose()
}

/// A stored cursor, used only when its next page is under the API root as configured now
/// (else the listing starts over: `base_url` changed since it was written).
pub(super) fn usable<T>(
    api: &Api,
    cursor: Option<T>,
    next: impl Fn(&T) -> Option<&str>,
) -> Option<T> {
    let cursor = cursor?;
    match next(&cursor) {
        Some(link) if !api.is_own(link) => {
            tracing::warn!(
                repo = api.repo(),
                "a listing's stored cursor points outside the configured API; the listing starts over"
            );
            None
        }
        _ => Some(cursor),
    }
}

/// Whether a listing runs in this sync: one with a cursor always does (it continues); one
/// never finished before does; a finished one does unless this sync only continues others.
pub(super) fn runs_now(has_cursor: bool, finished_before: bool, resuming: bool) -> bool {
    has_cursor || !finished_before || !resuming
}
