//! The fuzzing entry of GitLab's payloads (feature `fuzzing`): decode every payload shape from
//! the same bytes and translate what decodes, as the source does with a real response.

use super::{payload, translate};

pub(crate) fn payloads(data: &[u8]) {
    let scope = translate::Scope {
        service: "api",
        project: "group/api",
        path: Some("group/api"),
        web_url: Some("https://gitlab.example/group/api"),
    };
    let commits = serde_json::from_slice::<Vec<payload::Commit>>(data).unwrap_or_default();
    let changes: Vec<_> = commits
        .iter()
        .map(|c| translate::change(&scope, c))
        .collect();
    for commit in &commits {
        let _ = translate::reverted_merge_request(&commit.message, scope.path);
    }
    if let Ok(deployments) = serde_json::from_slice::<Vec<payload::Deployment>>(data) {
        for d in &deployments {
            let _ = translate::deployment_status(&d.status);
            let _ = translate::deployment_finished_at(d);
            let _ = translate::deployment(&scope, d, changes.clone());
        }
    }
    if let Ok(pipelines) = serde_json::from_slice::<Vec<payload::Pipeline>>(data) {
        let detail = serde_json::from_slice::<payload::PipelineDetail>(data).ok();
        for p in &pipelines {
            let _ = translate::counts_as_run(p);
            let _ = translate::run_state(&p.status);
            let _ = translate::needs_detail(&p.status);
            let _ = translate::pipeline_run(&scope, p, detail.as_ref());
        }
    }
    let _ = serde_json::from_slice::<payload::Compare>(data);
    let _ = serde_json::from_slice::<Vec<payload::MergeRequest>>(data);
    let _ = serde_json::from_slice::<Vec<payload::MergeRequestCommit>>(data);
    let _ = serde_json::from_slice::<Vec<payload::Note>>(data);
    let _ = serde_json::from_slice::<Vec<payload::Environment>>(data);
    let _ = serde_json::from_slice::<payload::Project>(data);
}
