//! CircleCI's API v2 JSON, as far as flowdeck reads it: `GET /project/{slug}/pipeline` (a page
//! of pipelines, newest first) and `GET /pipeline/{id}/workflow` (a page of a pipeline's
//! workflows), both `{"items": [...], "next_page_token": ...}`. Unknown fields are ignored;
//! fields CircleCI may leave out are options.

use serde::Deserialize;

use flowdeck_core::model::Timestamp;

/// One page of a CircleCI list.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Passed back as `page-token` for the next page; null (or absent) on the last one.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Pipeline {
    pub id: String,
    pub number: u64,
    /// created, errored, setup-pending, setup, pending.
    #[serde(default)]
    pub state: Option<String>,
    pub created_at: Timestamp,
    /// Absent on an errored pipeline.
    #[serde(default)]
    pub vcs: Option<Vcs>,
    /// Free-form by trigger; only `git.checkout_sha`, `git.branch` and `git.tag` are read, so
    /// nothing else in it can fail a sync.
    #[serde(default)]
    pub trigger_parameters: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Vcs {
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Workflow {
    pub id: String,
    pub name: String,
    /// success, running, not_run, failed, error, failing, on_hold, canceled, unauthorized.
    pub status: String,
    pub created_at: Timestamp,
    /// None while it runs.
    #[serde(default)]
    pub stopped_at: Option<Timestamp>,
}

impl Pipeline {
    fn trigger_git(&self, key: &str) -> Option<String> {
        self.trigger_parameters
            .as_ref()?
            .get("git")?
            .get(key)?
            .as_str()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// The built commit: `vcs.revision`, else (an errored pipeline has no `vcs`)
    /// `trigger_parameters.git.checkout_sha`; lower-case.
    pub(crate) fn sha(&self) -> Option<String> {
        self.vcs
            .as_ref()
            .and_then(|v| v.revision.as_deref())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .or_else(|| self.trigger_git("checkout_sha"))
            .map(|sha| sha.to_ascii_lowercase())
    }

    pub(crate) fn branch(&self) -> Option<String> {
        self.vcs
            .as_ref()
            .and_then(|v| v.branch.clone())
            .or_else(|| self.trigger_git("branch"))
    }

    pub(crate) fn tag(&self) -> Option<String> {
        self.vcs
            .as_ref()
            .and_then(|v| v.tag.clone())
            .or_else(|| self.trigger_git("tag"))
    }

    pub(crate) fn errored(&self) -> bool {
        self.state.as_deref() == Some("errored")
    }
}
