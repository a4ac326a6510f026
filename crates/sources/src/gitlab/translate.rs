//! GitLab payloads to model events: pure functions, no I/O.
//!
//! Decisions (see also docs/METRICS.md#deployments-and-their-order):
//! - Deployment status: success → Success; failed → Failure (a failed deploy job: shown in
//!   deploy health, never counted); canceled and skipped → Cancelled; created, running and
//!   blocked (waiting for approval) → InProgress, their finished_at the last update seen.
//! - Pipeline status: success → Success; failed → Failure; canceled → Cancelled; skipped →
//!   Skipped; manual (blocked on a manual job) → completed with ActionRequired: waiting for a
//!   person, outside the success rate like GitHub's action_required; created,
//!   waiting_for_resource, preparing, pending and scheduled → Queued; running and canceling →
//!   InProgress. Unknown statuses are queued (never counted).
//! - First review: the first note on the merge request by someone other than its author that is
//!   a comment (any non-system note, diff notes included) or an approval ("approved this merge
//!   request") or a change request ("requested changes"). Notes by bot accounts (project and
//!   group access tokens, "…[bot]") are not reviews. Approvals alone would miss the many teams
//!   that review without approving, and GitLab Free keeps no approval time.
//! - A merge request's merge sha: merge_commit_sha, else squash_commit_sha (fast-forward with
//!   squash), else its head sha (fast-forward merge): the commit the target branch got.

use super::payload;
use flowdeck_core::model::{
    Change, Deployment, DeploymentStatus, PipelineRun, PullRequest, RunConclusion, RunStatus,
    Timestamp, reverted_pr, reverted_sha,
};

/// What every event of one source shares.
#[derive(Debug, Clone)]
pub(super) struct Scope<'a> {
    pub service: &'a str,
    /// The project as configured, in ids: `gitlab:{project}:{deployment id}`.
    pub project: &'a str,
    /// path_with_namespace, to tell this project's "!45" references from other projects'.
    pub path: Option<&'a str>,
    /// The project's web page, for deployment URLs.
    pub web_url: Option<&'a str>,
}

pub(super) fn deployment_status(status: &str) -> DeploymentStatus {
    match status {
        "success" => DeploymentStatus::Success,
        "failed" => DeploymentStatus::Failure,
        "canceled" | "skipped" => DeploymentStatus::Cancelled,
        _ => DeploymentStatus::InProgress,
    }
}

/// When a deployment finished: its own finished_at (GitLab 15.x+), else its job's, else (still
/// running, or an API-created deployment on an old server) its last update.
pub(super) fn deployment_finished_at(d: &payload::Deployment) -> Timestamp {
    d.finished_at
        .or_else(|| d.deployable.as_ref().and_then(|j| j.finished_at))
        .unwrap_or(d.updated_at)
}

pub(super) fn deployment_id(project: &str, id: u64) -> String {
    format!("gitlab:{project}:{id}")
}

pub(super) fn deployment(
    scope: &Scope<'_>,
    d: &payload::Deployment,
    changes: Vec<Change>,
) -> Deployment {
    let job = d.deployable.as_ref();
    let url = match scope.web_url {
        Some(web) => Some(format!(
            "{}/-/environments/{}/deployments/{}",
            web.trim_end_matches('/'),
            d.environment.id,
            d.iid
        )),
        None => job.and_then(|j| j.web_url.clone()),
    };
    Deployment {
        id: deployment_id(scope.project, d.id),
        name: job.filter(|j| j.tag).map(|_| d.ref_name.clone()),
        service: scope.service.to_string(),
        environment: d.environment.name.clone(),
        production: true,
        sha: d.sha.to_ascii_lowercase(),
        ref_name: Some(d.ref_name.clone()),
        started_at: Some(job.and_then(|j| j.started_at).unwrap_or(d.created_at)),
        finished_at: deployment_finished_at(d),
        status: deployment_status(&d.status),
        url,
        changes,
    }
}

/// A shipped commit. `reverts` comes from git's "This reverts commit <sha>"; GitLab's own
/// "This reverts merge request !N" is resolved by the caller, which knows merge shas.
pub(super) fn change(scope: &Scope<'_>, c: &payload::Commit) -> Change {
    Change {
        sha: c.id.to_ascii_lowercase(),
        authored_at: c.authored_date,
        committed_at: c.committed_date,
        author: c.author_name.clone(),
        title: if c.title.is_empty() {
            c.message.lines().next().unwrap_or("").to_string()
        } else {
            c.title.clone()
        },
        merge: c.parent_ids.len() > 1,
        reverts: reverted_sha(&c.message),
        pr: merge_request_reference(&c.message, "See merge request ", scope.path),
    }
}

/// "This reverts merge request !45" (GitLab's revert button, in the commit message and the
/// merge request description) → 45.
pub(super) fn reverted_merge_request(text: &str, path: Option<&str>) -> Option<u64> {
    merge_request_reference(text, "This reverts merge request ", path)
}

/// The merge request number after `marker`, when it is "!N" or "this/project!N" (references to
/// other projects' merge requests are not this project's).
fn merge_request_reference(text: &str, marker: &str, path: Option<&str>) -> Option<u64> {
    let mut rest = text;
    while let Some(pos) = rest.find(marker) {
        let after = &rest[pos + marker.len()..];
        let word = after.split_whitespace().next().unwrap_or("");
        if let Some((project, number)) = word.rsplit_once('!') {
            let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
            let trailer = &number[digits.len()..];
            let ours = project.is_empty() || path.is_some_and(|p| p.eq_ignore_ascii_case(project));
            if ours
                && trailer.chars().all(|c| c.is_ascii_punctuation())
                && let Some(n) = digits.parse().ok().filter(|n| *n > 0)
            {
                return Some(n);
            }
        }
        rest = after;
    }
    None
}

pub(super) fn run_state(status: &str) -> (RunStatus, Option<RunConclusion>) {
    match status {
        "success" => (RunStatus::Completed, Some(RunConclusion::Success)),
        "failed" => (RunStatus::Completed, Some(RunConclusion::Failure)),
        "canceled" => (RunStatus::Completed, Some(RunConclusion::Cancelled)),
        "skipped" => (RunStatus::Completed, Some(RunConclusion::Skipped)),
        "manual" => (RunStatus::Completed, Some(RunConclusion::ActionRequired)),
        "running" | "canceling" => (RunStatus::InProgress, None),
        _ => (RunStatus::Queued, None),
    }
}

/// Whether a pipeline's durations are worth a request: it ran and will not change again
/// (unless retried, which moves its updated_at and brings it back).
pub(super) fn needs_detail(status: &str) -> bool {
    matches!(status, "success" | "failed" | "canceled")
}

/// Child pipelines (trigger: include) are part of their parent's run, not runs of their own.
pub(super) fn counts_as_run(p: &payload::Pipeline) -> bool {
    p.source.as_deref() != Some("parent_pipeline")
}

pub(super) fn pipeline_id(project: &str, id: u64) -> String {
    format!("gitlab:{project}:pipeline:{id}")
}

pub(super) fn pipeline_run(
    scope: &Scope<'_>,
    p: &payload::Pipeline,
    detail: Option<&payload::PipelineDetail>,
) -> PipelineRun {
    // The detail is newer than the list when a pipeline moved on in between.
    let status = detail.map_or(p.status.as_str(), |d| d.status.as_str());
    let (run_status, conclusion) = run_state(status);
    let finished_at = match detail {
        Some(d) => d.finished_at,
        None if run_status == RunStatus::Completed => Some(p.updated_at),
        None => None,
    };
    PipelineRun {
        id: pipeline_id(scope.project, p.id),
        service: scope.service.to_string(),
        workflow: p
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| p.source.clone())
            .unwrap_or_else(|| "pipeline".into()),
        branch: p.ref_name.clone(),
        sha: p.sha.to_ascii_lowercase(),
        status: run_status,
        conclusion,
        attempt: 1,
        created_at: p.created_at,
        started_at: detail.and_then(|d| d.started_at),
        finished_at,
        url: p.web_url.clone(),
    }
}

/// The commit the target branch got when the merge request merged.
pub(super) fn merged_sha(mr: &payload::MergeRequest) -> Option<String> {
    if mr.state != "merged" {
        return None;
    }
    mr.merge_commit_sha
        .as_ref()
        .or(mr.squash_commit_sha.as_ref())
        .or(mr.sha.as_ref())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_lowercase())
}

pub(super) fn pull_request(
    scope: &Scope<'_>,
    mr: &payload::MergeRequest,
    first_commit_at: Option<Timestamp>,
    first_review_at: Option<Timestamp>,
) -> PullRequest {
    let description = mr.description.as_deref().unwrap_or("");
    let merged_at = if mr.state == "merged" {
        mr.merged_at
    } else {
        None
    };
    PullRequest {
        service: scope.service.to_string(),
        number: mr.iid,
        title: mr.title.clone(),
        author: mr.author.username.clone(),
        url: Some(mr.web_url.clone()),
        head_branch: Some(mr.source_branch.clone()),
        created_at: mr.created_at,
        first_commit_at,
        first_review_at,
        merged_at,
        merge_sha: merged_sha(mr),
        closed_at: match mr.state.as_str() {
            "merged" => mr.closed_at.or(mr.merged_at),
            "closed" => mr.closed_at.or(Some(mr.updated_at)),
            _ => None,
        },
        reverts_pr: reverted_merge_request(description, scope.path)
            .or_else(|| reverted_pr(description)),
    }
}

/// Accounts that are not people: project and group access tokens ("project_42_bot_…"), and
/// GitHub-style "…[bot]" names.
pub(super) fn is_bot(username: &str) -> bool {
    let token_bot = ["project_", "group_"].iter().any(|prefix| {
        username.strip_prefix(prefix).is_some_and(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with("_bot")
        })
    });
    token_bot || username.ends_with("[bot]")
}

/// Whether a note is a review of the merge request by someone else (see the module comment).
pub(super) fn is_review(note: &payload::Note, author_id: u64) -> bool {
    if note.author.id == author_id || is_bot(&note.author.username) {
        return false;
    }
    if !note.system {
        return true;
    }
    let body = note.body.trim_start();
    body.starts_with("approved this merge request") || body.starts_with("requested changes")
}

/// The first review among notes (any order).
pub(super) fn first_review(notes: &[payload::Note], author_id: u64) -> Option<Timestamp> {
    notes
        .iter()
        .filter(|n| is_review(n, author_id))
        .map(|n| n.created_at)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(author: u64, username: &str, system: bool, body: &str) -> payload::Note {
        payload::Note {
            body: body.into(),
            author: payload::UserRef {
                id: author,
                username: username.into(),
            },
            created_at: Timestamp::default(),
            system,
        }
    }

    #[test]
    fn merge_request_references_are_this_projects_only() {
        let path = Some("group/web");
        let msg = "Merge branch 'x' into 'main'\n\nAdd cache\n\nSee merge request group/web!45";
        assert_eq!(
            merge_request_reference(msg, "See merge request ", path),
            Some(45)
        );
        assert_eq!(
            merge_request_reference("See merge request !7.", "See merge request ", path),
            Some(7)
        );
        assert_eq!(
            merge_request_reference("See merge request other/lib!9", "See merge request ", path),
            None
        );
        assert_eq!(
            reverted_merge_request("This reverts merge request !12", None),
            Some(12)
        );
        assert_eq!(
            reverted_merge_request("This reverts merge request group/web!12", None),
            None
        );
    }

    #[test]
    fn reviews_are_comments_or_approvals_by_someone_else() {
        assert!(is_review(&note(2, "bob", false, "LGTM"), 1));
        assert!(is_review(
            &note(2, "bob", true, "approved this merge request"),
            1
        ));
        assert!(!is_review(&note(1, "alice", false, "self note"), 1));
        assert!(!is_review(&note(2, "bob", true, "added 1 commit"), 1));
        assert!(!is_review(
            &note(3, "project_278964_bot_3f2a", false, "Danger"),
            1
        ));
        assert!(is_bot("group_12_bot_deadbeef"));
        assert!(!is_bot("project_manager"));
    }

    #[test]
    fn statuses_map_as_documented() {
        assert_eq!(deployment_status("blocked"), DeploymentStatus::InProgress);
        assert_eq!(deployment_status("skipped"), DeploymentStatus::Cancelled);
        assert_eq!(
            run_state("manual"),
            (RunStatus::Completed, Some(RunConclusion::ActionRequired))
        );
        assert_eq!(run_state("waiting_for_resource"), (RunStatus::Queued, None));
        assert_eq!(run_state("canceling"), (RunStatus::InProgress, None));
        assert!(needs_detail("canceled") && !needs_detail("skipped"));
    }
}

#[cfg(test)]
mod pull_request_tests {
    use super::*;

    fn mr(state: &str, description: &str) -> payload::MergeRequest {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        payload::MergeRequest {
            iid: 9,
            title: "Revert \"Add cache\"".into(),
            description: Some(description.into()),
            state: state.into(),
            created_at: t("2026-03-01T10:00:00Z"),
            updated_at: t("2026-03-01T12:00:00Z"),
            merged_at: (state == "merged").then(|| t("2026-03-01T11:00:00Z")),
            closed_at: None,
            sha: Some("AAAA".into()),
            merge_commit_sha: None,
            squash_commit_sha: None,
            source_branch: "revert-1".into(),
            web_url: "https://gitlab.example.com/g/p/-/merge_requests/9".into(),
            author: payload::UserRef {
                id: 1,
                username: "alice".into(),
            },
        }
    }

    fn scope() -> Scope<'static> {
        Scope {
            service: "web",
            project: "g/p",
            path: Some("g/p"),
            web_url: None,
        }
    }

    #[test]
    fn merged_requests_close_at_merge_and_name_what_they_revert() {
        let merged = pull_request(
            &scope(),
            &mr("merged", "This reverts merge request !4"),
            None,
            None,
        );
        assert_eq!(merged.closed_at, merged.merged_at);
        assert_eq!(merged.reverts_pr, Some(4));
        assert_eq!(
            merged.merge_sha.as_deref(),
            Some("aaaa"),
            "fast-forward: the head"
        );
        let github_style = pull_request(&scope(), &mr("merged", "Reverts g/p#5"), None, None);
        assert_eq!(github_style.reverts_pr, Some(5));
        let open = pull_request(&scope(), &mr("opened", ""), None, None);
        assert_eq!(
            (open.merged_at, open.closed_at, open.merge_sha),
            (None, None, None)
        );
        let closed = pull_request(&scope(), &mr("closed", ""), None, None);
        assert_eq!(
            closed.closed_at,
            Some(closed.created_at + chrono::Duration::hours(2))
        );
    }
}
