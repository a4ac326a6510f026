//! The fuzzing entry of GitHub's payloads (feature `fuzzing`): decode every payload shape from
//! the same bytes and translate what decodes, as the source does with a real response.

use super::{payload, translate};

pub(crate) fn payloads(data: &[u8]) {
    if let Ok(commits) = serde_json::from_slice::<Vec<payload::Commit>>(data) {
        for commit in &commits {
            let _ = translate::change(commit);
            let title = translate::title(&commit.commit.message);
            let _ = translate::pr_number(title);
        }
    }
    if let Ok(comparison) = serde_json::from_slice::<payload::Comparison>(data) {
        for commit in &comparison.commits {
            let _ = translate::change(commit);
        }
    }
    if let Ok(deployments) = serde_json::from_slice::<Vec<payload::Deployment>>(data) {
        for deployment in &deployments {
            let _ = translate::tag_name(&deployment.git_ref, &deployment.sha);
            let _ = translate::deploy_outcome(deployment, &[]);
        }
    }
    if let Ok(statuses) = serde_json::from_slice::<Vec<payload::DeploymentStatus>>(data) {
        let deployment = payload::Deployment {
            id: 1,
            sha: "0".repeat(40),
            git_ref: "main".into(),
            environment: "production".into(),
            created_at: translate_epoch(),
            updated_at: translate_epoch(),
            production_environment: Some(true),
        };
        let _ = translate::deploy_outcome(&deployment, &statuses);
    }
    if let Ok(runs) = serde_json::from_slice::<payload::WorkflowRuns>(data) {
        for run in &runs.workflow_runs {
            let _ = translate::workflow_file(run);
            let _ = translate::run_status(run.status.as_deref());
            let _ = translate::run_conclusion(run.conclusion.as_deref());
        }
    }
    let _ = serde_json::from_slice::<Vec<payload::PullRequest>>(data);
    let _ = serde_json::from_slice::<Vec<payload::Review>>(data);
    if let Ok(issues) = serde_json::from_slice::<Vec<payload::Issue>>(data) {
        for label in issues.iter().flat_map(|i| &i.labels) {
            let _ = label.name();
        }
    }
    let _ = serde_json::from_slice::<payload::Repository>(data);
}

fn translate_epoch() -> flowdeck_core::model::Timestamp {
    chrono::DateTime::UNIX_EPOCH
}
