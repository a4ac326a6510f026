//! The normalized delivery events every source produces and every measure is computed from.
//!
//! Nothing here knows about HTTP, SQL or terminals. Sources translate provider data into these
//! types; `metrics` turns them into numbers. Fields that a rule in docs/METRICS.md needs but that are
//! expensive to recompute (the sha a commit reverts, whether it is a merge) are filled in once,
//! at ingest, by the source.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every timestamp in the model is UTC; day boundaries are applied with the configured timezone.
pub type Timestamp = DateTime<Utc>;

/// A deployable unit, told apart from its siblings by source scope (repository, tag pattern, paths).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    /// The owning team; a team is the union of its services.
    pub team: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentStatus {
    Success,
    Failure,
    Cancelled,
    InProgress,
}

/// One attempt to ship a version of a service to an environment.
///
/// Only `status == Success && production` deployments count as deployments in DORA measures;
/// the others feed deploy-job health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    /// Stable and source-scoped, e.g. `git:api:v1.4.0` or `github:acme/api:123456`.
    pub id: String,
    /// The tag or version name a person would write in an incident ("v1.4.0"), if any.
    pub name: Option<String>,
    pub service: String,
    pub environment: String,
    /// Whether the source considers `environment` a production environment.
    pub production: bool,
    pub sha: String,
    /// The ref or branch that was deployed (matched against `hotfix_pattern`).
    pub ref_name: Option<String>,
    pub started_at: Option<Timestamp>,
    /// When the deployment finished; for one still in progress, when it was last seen.
    pub finished_at: Timestamp,
    pub status: DeploymentStatus,
    pub url: Option<String>,
    /// The commits this deployment shipped first (merges included), newest first as sources walk
    /// them. Empty for a rollback. For the first deployment of a service this is everything
    /// reachable from its sha; the metric engine treats that deployment as a baseline.
    pub changes: Vec<Change>,
}

impl Deployment {
    /// A successful production deployment: the only kind DORA measures count.
    pub fn counts(&self) -> bool {
        self.production && self.status == DeploymentStatus::Success
    }
}

/// A commit first shipped by a deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub sha: String,
    pub authored_at: Timestamp,
    pub committed_at: Timestamp,
    pub author: String,
    /// The first line of the commit message.
    pub title: String,
    /// Merge commits ship, and can be reverted, but are not changes in lead time or batch size.
    pub merge: bool,
    /// The sha named by "This reverts commit <sha>" in the message, lower-case.
    pub reverts: Option<String>,
    /// The pull request number this commit came in through, where known.
    pub pr: Option<u64>,
}

/// A pull (merge) request, for PR cycle time and work in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub service: String,
    pub number: u64,
    pub title: String,
    pub author: String,
    pub url: Option<String>,
    pub head_branch: Option<String>,
    pub created_at: Timestamp,
    pub first_commit_at: Option<Timestamp>,
    /// The first review by someone other than the author.
    pub first_review_at: Option<Timestamp>,
    pub merged_at: Option<Timestamp>,
    pub merge_sha: Option<String>,
    /// Closed without merge, or merged: no longer work in progress after this.
    pub closed_at: Option<Timestamp>,
    /// For a "Revert …" PR whose body says "Reverts owner/repo#N": N.
    pub reverts_pr: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    InProgress,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunConclusion {
    Success,
    Failure,
    TimedOut,
    StartupFailure,
    Cancelled,
    Skipped,
    Neutral,
    ActionRequired,
    Stale,
}

/// One CI or deploy pipeline run. Sources keep one record per run id, its latest attempt, so the
/// success rate counts the latest attempt of each run only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineRun {
    pub id: String,
    pub service: String,
    pub workflow: String,
    pub branch: Option<String>,
    pub sha: String,
    pub status: RunStatus,
    pub conclusion: Option<RunConclusion>,
    pub attempt: u32,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub url: Option<String>,
}

/// Something that hurt production, from a paging or monitoring source. Only incidents that pass
/// their source's filters (severity, urgency, priority) are stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    /// The source that reported it, e.g. `prometheus` or `demo`.
    pub source: String,
    pub services: Vec<String>,
    pub title: String,
    pub severity: Option<String>,
    /// Labels as `key=value` (or bare words), searched for explicit deployment links.
    pub labels: Vec<String>,
    /// Free text (description, body), searched for explicit deployment links.
    pub body: Option<String>,
    pub started_at: Timestamp,
    /// None while the incident is open.
    pub resolved_at: Option<Timestamp>,
    pub url: Option<String>,
}

/// The kinds of events: the `type` of a flowdeck.events/v1 line and the `kind` column of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Service,
    Deployment,
    PullRequest,
    PipelineRun,
    Incident,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::Service,
        EventKind::Deployment,
        EventKind::PullRequest,
        EventKind::PipelineRun,
        EventKind::Incident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Service => "service",
            EventKind::Deployment => "deployment",
            EventKind::PullRequest => "pull_request",
            EventKind::PipelineRun => "pipeline_run",
            EventKind::Incident => "incident",
        }
    }

    pub fn parse(kind: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

/// The stable key of a pull request: `service#number` (numbers are only unique per repository).
pub fn pull_request_id(service: &str, number: u64) -> String {
    format!("{service}#{number}")
}

/// Everything flowdeck knows, as one history: what the metric engine is computed from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSet {
    pub services: Vec<Service>,
    pub deployments: Vec<Deployment>,
    pub pull_requests: Vec<PullRequest>,
    pub pipeline_runs: Vec<PipelineRun>,
    pub incidents: Vec<Incident>,
}

impl EventSet {
    /// Adds another source's events; services are merged by name (a configured team wins).
    pub fn extend(&mut self, other: EventSet) {
        for service in other.services {
            match self.services.iter_mut().find(|s| s.name == service.name) {
                Some(existing) => {
                    if existing.team.is_none() {
                        existing.team = service.team;
                    }
                }
                None => self.services.push(service),
            }
        }
        self.deployments.extend(other.deployments);
        self.pull_requests.extend(other.pull_requests);
        self.pipeline_runs.extend(other.pipeline_runs);
        self.incidents.extend(other.incidents);
    }

    /// The team of a service, if the service is known and has one.
    pub(crate) fn team_of(&self, service: &str) -> Option<&str> {
        self.services
            .iter()
            .find(|s| s.name == service)
            .and_then(|s| s.team.as_deref())
    }
}

/// Parses "This reverts commit <sha>" out of a commit message (git's own wording), lower-cased.
pub fn reverted_sha(message: &str) -> Option<String> {
    const MARKER: &str = "This reverts commit ";
    let start = message.find(MARKER)? + MARKER.len();
    let sha: String = message[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (sha.len() >= 7).then(|| sha.to_ascii_lowercase())
}

/// Parses "Reverts owner/repo#N" out of a pull request body (GitHub's revert button wording).
pub fn reverted_pr(body: &str) -> Option<u64> {
    const MARKER: &str = "Reverts ";
    let mut rest = body;
    while let Some(pos) = rest.find(MARKER) {
        let after = &rest[pos + MARKER.len()..];
        let word: &str = after.split_whitespace().next().unwrap_or("");
        if let Some((_, number)) = word.rsplit_once('#') {
            let digits: String = number.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverted_sha_reads_gits_own_wording() {
        let msg = "Revert \"Add cache\"\n\nThis reverts commit 0123456789ABCDEF0123456789abcdef01234567.\n";
        assert_eq!(
            reverted_sha(msg).as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(reverted_sha("This reverts commit abc."), None);
        assert_eq!(reverted_sha("Add cache"), None);
    }

    #[test]
    fn reverted_pr_reads_githubs_revert_button_wording() {
        assert_eq!(reverted_pr("Reverts acme/api#42"), Some(42));
        assert_eq!(reverted_pr("Context.\n\nReverts acme/api#7\n"), Some(7));
        assert_eq!(reverted_pr("Reverts the cache change"), None);
    }
}
