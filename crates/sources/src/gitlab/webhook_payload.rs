//! GitLab's webhook deliveries flowdeck reads (docs.gitlab.com, "Webhook events"): Pipeline
//! Hook, Merge Request Hook and Deployment Hook. Unlike the REST API, hooks write most times as
//! "2026-03-02 10:00:00 UTC" (some as "2026-03-02 11:00:00 +0100", newer fields as ISO 8601):
//! all three are read ([`hook_time`]).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

use flowdeck_core::model::Timestamp;

/// The project every delivery names.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    #[serde(default)]
    pub project: Option<ProjectRef>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProjectRef {
    pub id: u64,
    pub path_with_namespace: String,
    pub web_url: String,
}

/// Pipeline Hook.
#[derive(Debug, Deserialize)]
pub(super) struct PipelineEvent {
    pub object_attributes: PipelineAttributes,
    /// The pipeline's jobs (GitLab lists them with their own times).
    #[serde(default)]
    pub builds: Vec<Build>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PipelineAttributes {
    pub id: u64,
    #[serde(rename = "ref", default)]
    pub ref_name: Option<String>,
    pub sha: String,
    pub status: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(deserialize_with = "hook_time")]
    pub created_at: Timestamp,
    #[serde(default, deserialize_with = "optional_hook_time")]
    pub finished_at: Option<Timestamp>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Build {
    #[serde(default, deserialize_with = "optional_hook_time")]
    pub started_at: Option<Timestamp>,
}

/// Merge Request Hook. The author is named by id only; `user` is who acted.
#[derive(Debug, Deserialize)]
pub(super) struct MergeRequestEvent {
    #[serde(default)]
    pub user: Option<HookUser>,
    pub object_attributes: MergeRequestAttributes,
}

#[derive(Debug, Deserialize)]
pub(super) struct HookUser {
    pub id: u64,
    pub username: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct MergeRequestAttributes {
    pub iid: u64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// opened, closed, locked or merged.
    pub state: String,
    #[serde(deserialize_with = "hook_time")]
    pub created_at: Timestamp,
    #[serde(deserialize_with = "hook_time")]
    pub updated_at: Timestamp,
    /// Not sent by every GitLab version.
    #[serde(default, deserialize_with = "optional_hook_time")]
    pub merged_at: Option<Timestamp>,
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    #[serde(default)]
    pub last_commit: Option<LastCommit>,
    pub source_branch: String,
    pub url: String,
    pub author_id: u64,
}

#[derive(Debug, Deserialize)]
pub(super) struct LastCommit {
    pub id: String,
}

/// Deployment Hook. The full sha is only in `commit_url`.
#[derive(Debug, Deserialize)]
pub(super) struct DeploymentEvent {
    /// running, success, failed or canceled.
    pub status: String,
    #[serde(deserialize_with = "hook_time")]
    pub status_changed_at: Timestamp,
    pub deployment_id: u64,
    #[serde(default)]
    pub deployable_url: Option<String>,
    pub environment: String,
    #[serde(default)]
    pub environment_tier: Option<String>,
    pub commit_url: String,
    #[serde(rename = "ref")]
    pub ref_name: String,
}

/// A time as hooks write it: "2026-03-02 10:00:00 UTC", "2026-03-02 11:00:00 +0100" or RFC 3339.
fn parse_hook_time(text: &str) -> Option<Timestamp> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Some(naive) = text.strip_suffix(" UTC") {
        return NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S")
            .ok()
            .map(|at| at.and_utc());
    }
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z")
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

fn hook_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_hook_time(&text).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "{:?} is not a time (\"2026-03-02 10:00:00 UTC\" or RFC 3339)",
            text.chars().take(40).collect::<String>()
        ))
    })
}

fn optional_hook_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text.is_empty() => Ok(None),
        Some(text) => parse_hook_time(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{:?} is not a time",
                text.chars().take(40).collect::<String>()
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_times_in_each_form_gitlab_writes() {
        let utc = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            parse_hook_time("2016-08-12 15:23:28 UTC"),
            Some(utc("2016-08-12T15:23:28Z"))
        );
        assert_eq!(
            parse_hook_time("2021-04-28 21:50:00 +0200"),
            Some(utc("2021-04-28T19:50:00Z"))
        );
        assert_eq!(
            parse_hook_time("2013-12-03T17:23:34Z"),
            Some(utc("2013-12-03T17:23:34Z"))
        );
        for bad in [
            "",
            "yesterday",
            "2016-08-12 15:23:28",
            "2016-13-12 15:23:28 UTC",
        ] {
            assert_eq!(parse_hook_time(bad), None, "{bad}");
        }
    }
}
