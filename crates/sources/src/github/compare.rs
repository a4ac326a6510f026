//! GitHub's compare API for the compare fallback (`shipped::compared`,
//! docs/METRICS.md#deployments-that-name-only-a-sha): the commits of deployments another
//! source of the service found (Jenkins, Buildkite, CircleCI, Argo CD), which name only a sha.
//!
//! `GET /repos/{owner}/{repo}/compare/{base}...{head}?per_page=100`, then every page through
//! the `Link: rel="next"` header (unpaged, GitHub lists at most 250 commits), at most
//! [`MAX_PAGES`]; `total_commits` says how many there are in all, `status` whether head is
//! ahead of, behind or diverged from base (behind: a rollback, no commits). A 404 (a sha
//! GitHub does not have) is a pair it cannot compare.

use serde::Deserialize;

use super::api::Api;
use super::{payload, translate};
use crate::SourceError;
use crate::shipped::compared::{Fetched, Forge};

/// Commits per page (GitHub's largest).
const PER_PAGE: &str = "100";

/// Pages of one compare read at most (3,000 commits); past it the compare is kept cut, and the
/// status line says so.
const MAX_PAGES: usize = 30;

/// GET /repos/{owner}/{repo}/compare/{base}...{head}: the fields the fallback reads.
#[derive(Debug, Clone, Deserialize)]
struct Comparison {
    /// ahead, behind, diverged or identical.
    #[serde(default)]
    status: Option<String>,
    /// Commits in head and not in base, all pages together.
    #[serde(default)]
    total_commits: Option<u64>,
    /// This page's commits, oldest first.
    #[serde(default)]
    commits: Vec<payload::Commit>,
}

/// One repository's compares.
pub(super) struct Compares<'a>(pub &'a Api);

impl Forge for Compares<'_> {
    async fn compare(&self, base: &str, head: &str) -> Result<Option<Fetched>, SourceError> {
        let api = self.0;
        let range = format!("{base}...{head}");
        let mut url = Some(api.url(&["compare", &range], &[("per_page", PER_PAGE)]));
        let mut fetched = Fetched {
            commits: Vec::new(),
            status: None,
            total_commits: None,
        };
        let mut pages = 0;
        while let Some(next) = url.take() {
            let Some(page) = api.get_if_found::<Comparison>(next).await? else {
                tracing::info!(repo = api.repo(), %range, "GitHub cannot compare them (404)");
                return Ok(None);
            };
            if pages == 0 {
                fetched.status = page.body.status;
                fetched.total_commits = page.body.total_commits;
            }
            fetched
                .commits
                .extend(page.body.commits.iter().filter_map(translate::change));
            pages += 1;
            if pages >= MAX_PAGES {
                break;
            }
            url = match page.next {
                Some(link) => Some(api.follow(link.as_str())?),
                None => None,
            };
        }
        // Newest first, as the model keeps them.
        fetched.commits.reverse();
        Ok(Some(fetched))
    }
}
