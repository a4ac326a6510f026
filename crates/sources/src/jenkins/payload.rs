//! Jenkins' JSON as the `allBuilds` tree query returns it (`api/json?tree=allBuilds[...]{M,N}`),
//! and nothing else. Actions the tree does not select come back as `{}` or `{"_class": ...}`.

use serde::Deserialize;

/// `GET {job}/api/json?tree=allBuilds[...]`: the job with the selected builds, newest first.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Job {
    /// Absent when the range is past the last build or the job has none.
    #[serde(default)]
    pub all_builds: Vec<Build>,
}

/// `GET {job}/api/json?tree=allBuilds[number]`: every build's number, for `check`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct JobNumbers {
    #[serde(default)]
    pub all_builds: Vec<Number>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Number {
    #[allow(dead_code)] // Read to check the shape; only the count is used.
    pub number: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Build {
    pub number: u64,
    pub url: Option<String>,
    /// Start, in epoch milliseconds.
    pub timestamp: i64,
    /// Milliseconds; 0 while building.
    #[serde(default)]
    pub duration: i64,
    #[serde(default)]
    pub building: bool,
    /// SUCCESS, FAILURE, UNSTABLE, ABORTED, NOT_BUILT; null while building.
    pub result: Option<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Action {
    /// The git plugin's `BuildData`: the revision this build checked out.
    pub last_built_revision: Option<Revision>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Revision {
    #[serde(rename = "SHA1")]
    pub sha1: String,
    #[serde(default)]
    pub branch: Vec<Branch>,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Branch {
    pub name: String,
}

impl Build {
    /// The revision of the first git checkout (a pipeline that also loads a shared library
    /// has one `BuildData` per checkout; the first is the job's own repository).
    pub(super) fn revision(&self) -> Option<&Revision> {
        self.actions
            .iter()
            .find_map(|a| a.last_built_revision.as_ref())
    }
}
