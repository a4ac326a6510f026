//! GitHub payloads into model events. Pure functions: no I/O, no state.

use super::payload;
use flowdeck_core::model::{
    Change, DeploymentStatus, Incident, PipelineRun, PullRequest, RunConclusion, RunStatus,
    Timestamp, reverted_pr, reverted_sha,
};

/// What a deployment's statuses say about it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DeployOutcome {
    pub status: DeploymentStatus,
    /// The first success status for a success; the last status otherwise (when it was last
    /// seen, for one in progress).
    pub finished_at: Timestamp,
    /// The environment or log URL of the deciding status, if it gave one.
    pub url: Option<String>,
}

/// Reads the statuses of one deployment (in any order): a deployment whose statuses end in
/// failure or error is a failed deploy job; otherwise one with a success status succeeded, at
/// its first success status (a later `inactive` only means a newer deployment replaced it); one
/// that went inactive without succeeding was cancelled; the rest are in progress.
pub(super) fn deploy_outcome(
    deployment: &payload::Deployment,
    statuses: &[payload::DeploymentStatus],
) -> DeployOutcome {
    let mut ordered: Vec<&payload::DeploymentStatus> = statuses.iter().collect();
    ordered.sort_by_key(|s| (s.created_at, s.id));
    let link = |s: &payload::DeploymentStatus| {
        [&s.environment_url, &s.log_url, &s.target_url]
            .into_iter()
            .flatten()
            .find(|u| u.starts_with("https://") || u.starts_with("http://"))
            .cloned()
    };
    let Some(last) = ordered.last() else {
        return DeployOutcome {
            status: DeploymentStatus::InProgress,
            finished_at: deployment.updated_at,
            url: None,
        };
    };
    let first_success = ordered.iter().find(|s| s.state == "success");
    match (last.state.as_str(), first_success) {
        ("failure" | "error", _) => DeployOutcome {
            status: DeploymentStatus::Failure,
            finished_at: last.created_at,
            url: link(last),
        },
        (_, Some(success)) => DeployOutcome {
            status: DeploymentStatus::Success,
            finished_at: success.created_at,
            url: link(success),
        },
        ("inactive", None) => DeployOutcome {
            status: DeploymentStatus::Cancelled,
            finished_at: last.created_at,
            url: link(last),
        },
        _ => DeployOutcome {
            status: DeploymentStatus::InProgress,
            finished_at: last.created_at,
            url: link(last),
        },
    }
}

/// Whether a status list is final: nothing will change it any more.
pub(super) fn is_final(status: DeploymentStatus) -> bool {
    !matches!(status, DeploymentStatus::InProgress)
}

/// The name a person would write for a deployed ref: a tag ("v1.4.0", "refs/tags/2026.03.1"),
/// not a branch ("main", "release/2026") or a sha.
pub(super) fn tag_name(git_ref: &str, sha: &str) -> Option<String> {
    if let Some(tag) = git_ref.strip_prefix("refs/tags/") {
        return (!tag.is_empty()).then(|| tag.to_string());
    }
    let looks_like_sha = git_ref.len() >= 7 && git_ref.chars().all(|c| c.is_ascii_hexdigit());
    let tag_like = !git_ref.is_empty()
        && !git_ref.contains('/')
        && !git_ref.starts_with("refs")
        && git_ref.chars().any(|c| c.is_ascii_digit())
        && !git_ref.eq_ignore_ascii_case(sha)
        && !looks_like_sha;
    tag_like.then(|| git_ref.to_string())
}

/// The first line of a commit message.
pub(super) fn title(message: &str) -> &str {
    let message = message.trim_start_matches(['\n', '\r']);
    let line = message.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// The pull request a commit title names: "Merge pull request #12 from …" or "… (#12)".
pub(super) fn pr_number(title: &str) -> Option<u64> {
    let digits = |s: &str| -> Option<u64> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        if d.is_empty() { None } else { d.parse().ok() }
    };
    if let Some(rest) = title.strip_prefix("Merge pull request #") {
        let number = digits(rest)?;
        let after = &rest[number.to_string().len()..];
        return (after.is_empty() || after.starts_with(' ')).then_some(number);
    }
    let inner = title.trim_end().strip_suffix(')')?;
    let (_, number) = inner.rsplit_once("(#")?;
    if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
        number.parse().ok()
    } else {
        None
    }
}

/// A commit of a compare or of a pull request as a change. None when it carries no date at all.
pub(super) fn change(commit: &payload::Commit) -> Option<Change> {
    let git = &commit.commit;
    let authored = git.author.as_ref().and_then(|a| a.date);
    let committed = git.committer.as_ref().and_then(|c| c.date);
    let authored_at = authored.or(committed)?;
    let committed_at = committed.unwrap_or(authored_at);
    let author = git
        .author
        .as_ref()
        .and_then(|a| a.name.clone())
        .filter(|n| !n.trim().is_empty())
        .or_else(|| commit.author.as_ref().map(|u| u.login.clone()))
        .unwrap_or_default();
    let first_line = title(&git.message);
    Some(Change {
        sha: commit.sha.to_ascii_lowercase(),
        authored_at,
        committed_at,
        author,
        title: first_line.to_string(),
        merge: commit.parents.len() > 1,
        reverts: reverted_sha(&git.message),
        pr: pr_number(first_line),
    })
}

/// The workflow file a run belongs to: the basename of its path, without an "@ref" suffix.
pub(super) fn workflow_file(run: &payload::WorkflowRun) -> Option<String> {
    let path = run.path.as_deref()?;
    let path = path.split('@').next().unwrap_or(path);
    let file = path.rsplit('/').next().unwrap_or(path);
    (!file.is_empty()).then(|| file.to_string())
}

pub(super) fn run_status(status: Option<&str>) -> RunStatus {
    match status {
        Some("completed") => RunStatus::Completed,
        Some("in_progress") => RunStatus::InProgress,
        _ => RunStatus::Queued,
    }
}

pub(super) fn run_conclusion(conclusion: Option<&str>) -> Option<RunConclusion> {
    Some(match conclusion? {
        "success" => RunConclusion::Success,
        "failure" => RunConclusion::Failure,
        "timed_out" => RunConclusion::TimedOut,
        "startup_failure" => RunConclusion::StartupFailure,
        "cancelled" => RunConclusion::Cancelled,
        "skipped" => RunConclusion::Skipped,
        "neutral" => RunConclusion::Neutral,
        "action_required" => RunConclusion::ActionRequired,
        "stale" => RunConclusion::Stale,
        _ => return None,
    })
}

/// A workflow run as a pipeline run (its latest attempt: the listing shows only that).
pub(super) fn pipeline_run(run: &payload::WorkflowRun, id: String, service: &str) -> PipelineRun {
    let status = run_status(run.status.as_deref());
    PipelineRun {
        id,
        service: service.to_string(),
        workflow: workflow_file(run)
            .or_else(|| run.name.clone())
            .unwrap_or_default(),
        branch: run.head_branch.clone(),
        sha: run.head_sha.to_ascii_lowercase(),
        status,
        conclusion: if status == RunStatus::Completed {
            run_conclusion(run.conclusion.as_deref())
        } else {
            None
        },
        attempt: run.run_attempt.max(1),
        created_at: run.created_at,
        started_at: run.run_started_at,
        // A completed run was last updated when it finished.
        finished_at: (status == RunStatus::Completed).then_some(run.updated_at),
        url: run.html_url.clone(),
    }
}

/// The first review by someone other than the author (pending reviews have no time yet).
pub(super) fn first_review_by_other(
    reviews: &[payload::Review],
    author: &str,
) -> Option<Timestamp> {
    reviews
        .iter()
        .filter(|r| r.state != "PENDING")
        .filter(|r| {
            r.user
                .as_ref()
                .is_some_and(|u| !u.login.eq_ignore_ascii_case(author))
        })
        .filter_map(|r| r.submitted_at)
        .min()
}

/// The earliest author date among a pull request's commits.
pub(super) fn first_commit_at(commits: &[payload::Commit]) -> Option<Timestamp> {
    commits
        .iter()
        .filter_map(|c| {
            let git = &c.commit;
            git.author
                .as_ref()
                .and_then(|a| a.date)
                .or_else(|| git.committer.as_ref().and_then(|c| c.date))
        })
        .min()
}

/// What a pull request's commits and reviews add.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct PrDetails {
    pub first_commit_at: Option<Timestamp>,
    pub first_review_at: Option<Timestamp>,
}

pub(super) fn pull_request(
    pr: &payload::PullRequest,
    service: &str,
    details: PrDetails,
) -> PullRequest {
    let reverts_pr = if pr.title.trim_start().starts_with("Revert") {
        pr.body.as_deref().and_then(reverted_pr)
    } else {
        None
    };
    PullRequest {
        service: service.to_string(),
        number: pr.number,
        title: pr.title.clone(),
        author: pr
            .user
            .as_ref()
            .map(|u| u.login.clone())
            .unwrap_or_default(),
        url: pr.html_url.clone(),
        head_branch: Some(pr.head.git_ref.clone()),
        created_at: pr.created_at,
        first_commit_at: details.first_commit_at,
        first_review_at: details.first_review_at,
        merged_at: pr.merged_at,
        // Unmerged pull requests carry a test merge commit: not a sha anything shipped.
        merge_sha: pr
            .merged_at
            .and(pr.merge_commit_sha.as_ref())
            .map(|s| s.to_ascii_lowercase()),
        closed_at: pr.closed_at,
        reverts_pr,
    }
}

/// A severity named by a label: "sev1", "SEV-2", "sev: 3", "severity: high", "severity/critical",
/// "priority: p2".
pub(super) fn severity(labels: &[String]) -> Option<String> {
    labels.iter().find_map(|label| {
        let lower = label.trim().to_ascii_lowercase();
        let value_after = |prefix: &str| -> Option<String> {
            let rest = lower.strip_prefix(prefix)?;
            let rest = rest.trim_start_matches([':', '=', '/', '-', '_', ' ']);
            (!rest.is_empty() && rest.len() < lower.len()).then(|| rest.to_string())
        };
        if let Some(value) = value_after("severity") {
            return Some(value);
        }
        if let Some(value) = value_after("sev")
            && value.chars().all(|c| c.is_ascii_digit())
        {
            return Some(format!("sev{value}"));
        }
        if let Some(value) = value_after("priority") {
            return Some(value);
        }
        None
    })
}

/// An issue carrying an incident label as an incident of the source's service.
pub(super) fn incident(issue: &payload::Issue, id: String, service: &str) -> Incident {
    let labels: Vec<String> = issue.labels.iter().map(|l| l.name().to_string()).collect();
    Incident {
        id,
        source: "github".into(),
        services: vec![service.to_string()],
        title: issue.title.clone(),
        severity: severity(&labels),
        labels,
        body: issue.body.clone(),
        started_at: issue.created_at,
        resolved_at: if issue.state == "closed" {
            issue.closed_at
        } else {
            None
        },
        url: issue.html_url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: u64, state: &str, at: &str) -> payload::DeploymentStatus {
        payload::DeploymentStatus {
            id,
            state: state.into(),
            created_at: at.parse().unwrap(),
            environment_url: Some(format!("https://example.com/{id}")),
            log_url: None,
            target_url: None,
        }
    }

    fn deployment() -> payload::Deployment {
        payload::Deployment {
            id: 1,
            sha: "abc".into(),
            git_ref: "v1".into(),
            environment: "production".into(),
            created_at: "2026-03-02T10:00:00Z".parse().unwrap(),
            updated_at: "2026-03-02T10:05:00Z".parse().unwrap(),
            production_environment: None,
        }
    }

    #[test]
    fn deploy_time_is_the_first_success_even_after_inactive() {
        let statuses = [
            status(4, "inactive", "2026-03-03T00:00:00Z"),
            status(3, "success", "2026-03-02T10:09:00Z"),
            status(2, "success", "2026-03-02T10:07:00Z"),
            status(1, "in_progress", "2026-03-02T10:01:00Z"),
        ];
        let outcome = deploy_outcome(&deployment(), &statuses);
        assert_eq!(outcome.status, DeploymentStatus::Success);
        assert_eq!(
            outcome.finished_at,
            "2026-03-02T10:07:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(outcome.url.as_deref(), Some("https://example.com/2"));
    }

    #[test]
    fn statuses_ending_in_failure_or_error_are_a_failed_job() {
        for state in ["failure", "error"] {
            let statuses = [
                status(1, "in_progress", "2026-03-02T10:01:00Z"),
                status(2, state, "2026-03-02T10:03:00Z"),
            ];
            let outcome = deploy_outcome(&deployment(), &statuses);
            assert_eq!(outcome.status, DeploymentStatus::Failure);
        }
        let pending = [status(1, "queued", "2026-03-02T10:01:00Z")];
        assert_eq!(
            deploy_outcome(&deployment(), &pending).status,
            DeploymentStatus::InProgress
        );
        let none = deploy_outcome(&deployment(), &[]);
        assert_eq!(none.status, DeploymentStatus::InProgress);
        assert_eq!(none.finished_at, deployment().updated_at);
        let superseded = [status(1, "inactive", "2026-03-02T10:01:00Z")];
        assert_eq!(
            deploy_outcome(&deployment(), &superseded).status,
            DeploymentStatus::Cancelled
        );
    }

    #[test]
    fn tags_are_names_branches_and_shas_are_not() {
        assert_eq!(tag_name("v1.4.0", "abc").as_deref(), Some("v1.4.0"));
        assert_eq!(
            tag_name("refs/tags/deploy", "abc").as_deref(),
            Some("deploy")
        );
        assert_eq!(tag_name("2026.03.1", "abc").as_deref(), Some("2026.03.1"));
        assert_eq!(tag_name("main", "abc"), None);
        assert_eq!(tag_name("release/2026", "abc"), None);
        assert_eq!(tag_name("0123abcd", "0123abcd99"), None);
    }

    #[test]
    fn pr_numbers_from_merge_and_squash_titles() {
        assert_eq!(pr_number("Merge pull request #12 from acme/x"), Some(12));
        assert_eq!(pr_number("Fix cache (#7)"), Some(7));
        assert_eq!(pr_number("Merge pull request #12a"), None);
        assert_eq!(pr_number("Fix (#)"), None);
        assert_eq!(pr_number("Plain"), None);
    }

    #[test]
    fn severity_from_labels() {
        let s = |l: &[&str]| severity(&l.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["incident", "sev1"]).as_deref(), Some("sev1"));
        assert_eq!(s(&["SEV-2"]).as_deref(), Some("sev2"));
        assert_eq!(s(&["severity: high"]).as_deref(), Some("high"));
        assert_eq!(s(&["severity/critical"]).as_deref(), Some("critical"));
        assert_eq!(s(&["incident", "several"]), None);
        assert_eq!(s(&["severity"]), None);
    }
}
