//! GitLab's compare API for the compare fallback (`shipped::compared`,
//! docs/METRICS.md#deployments-that-name-only-a-sha): the commits of deployments another
//! source of the service found (Jenkins, Buildkite, CircleCI, Argo CD), which name only a sha.
//!
//! `GET /projects/{id}/repository/compare?from=BASE&to=HEAD&straight=false`: the commits
//! reachable from HEAD and not from BASE (from their merge base), oldest first, in one answer
//! (GitLab does not page a compare). `compare_timeout: true` means GitLab gave up part way:
//! the compare is kept as cut. A 404 (a sha GitLab does not have) or an answer too large to
//! read (huge diffs) is a pair it cannot compare.

use serde::Deserialize;

use super::api::Api;
use super::payload;
use super::translate::{self, Scope};
use crate::SourceError;
use crate::shipped::compared::{Fetched, Forge};

/// GET /projects/:id/repository/compare: the fields the fallback reads.
#[derive(Debug, Clone, Deserialize)]
struct Compared {
    /// Oldest first.
    #[serde(default)]
    commits: Vec<payload::Commit>,
    /// GitLab stopped comparing before the end: the commits are a part.
    #[serde(default)]
    compare_timeout: bool,
}

/// One project's compares.
pub(super) struct Compares<'a> {
    pub api: &'a Api,
    pub scope: Scope<'a>,
}

impl Forge for Compares<'_> {
    async fn compare(&self, base: &str, head: &str) -> Result<Option<Fetched>, SourceError> {
        let url = self.api.project_url(
            &["repository", "compare"],
            &[("from", base), ("to", head), ("straight", "false")],
        );
        let Some(answer) = self.api.get_optional::<Compared>(url, "compare").await? else {
            return Ok(None);
        };
        let commits: Vec<_> = answer
            .body
            .commits
            .iter()
            .rev()
            .map(|c| translate::change(&self.scope, c))
            .collect();
        // A compare cut short counts one more commit than it lists, so the status line says so.
        let total = commits.len() as u64 + u64::from(answer.body.compare_timeout);
        Ok(Some(Fetched {
            commits,
            status: answer.body.compare_timeout.then(|| "timeout".to_string()),
            total_commits: Some(total),
        }))
    }
}
