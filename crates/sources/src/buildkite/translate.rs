//! Buildkite builds into model events: pure functions, no I/O.
//!
//! Finish = `finished_at`, sha = `commit`. `passed` deployed; `failed` is a failed deploy job;
//! `canceled`, `skipped` and `not_run` are cancelled; every other state (`running`,
//! `scheduled`, `failing`, `blocked`, `canceling`, ...) is in progress.

use super::payload::Build;
use super::setup::Settings;
use flowdeck_core::model::{Deployment, DeploymentStatus, PipelineRun, RunConclusion, RunStatus};
use flowdeck_core::text::sanitize;

fn deploy_status(build: &Build) -> DeploymentStatus {
    match build.state.as_str() {
        "passed" => DeploymentStatus::Success,
        "failed" => DeploymentStatus::Failure,
        "canceled" | "cancelled" | "skipped" | "not_run" => DeploymentStatus::Cancelled,
        _ => DeploymentStatus::InProgress,
    }
}

pub(super) fn is_final(build: &Build) -> bool {
    deploy_status(build) != DeploymentStatus::InProgress
}

fn sha(build: &Build) -> String {
    let commit = build.commit.trim().to_ascii_lowercase();
    if commit.len() <= 64 && commit.chars().all(|c| c.is_ascii_hexdigit()) {
        commit
    } else {
        String::new()
    }
}

fn url(build: &Build) -> Option<String> {
    build
        .web_url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(sanitize)
}

pub(super) fn deployment(settings: &Settings, build: &Build) -> Deployment {
    let status = deploy_status(build);
    Deployment {
        id: format!(
            "buildkite:{}/{}:{}",
            settings.organization, settings.deploy_pipeline, build.number
        ),
        name: Some(format!("#{}", build.number)),
        service: settings.service.clone(),
        environment: settings.environment.clone(),
        production: crate::polled::is_production_name(&settings.environment),
        sha: sha(build),
        ref_name: build.branch.as_deref().map(sanitize),
        started_at: Some(build.started_at.unwrap_or(build.created_at)),
        finished_at: build
            .finished_at
            .or(build.started_at)
            .unwrap_or(build.created_at),
        status,
        url: url(build),
        changes: Vec::new(),
    }
}

pub(super) fn pipeline_run(settings: &Settings, pipeline: &str, build: &Build) -> PipelineRun {
    let done = is_final(build);
    PipelineRun {
        id: format!(
            "buildkite:{}/{pipeline}:{}",
            settings.organization, build.number
        ),
        service: settings.service.clone(),
        workflow: pipeline.to_string(),
        branch: build.branch.as_deref().map(sanitize),
        sha: sha(build),
        status: match (done, build.started_at) {
            (true, _) => RunStatus::Completed,
            (false, Some(_)) => RunStatus::InProgress,
            (false, None) => RunStatus::Queued,
        },
        conclusion: done.then_some(match build.state.as_str() {
            "passed" => RunConclusion::Success,
            "failed" => RunConclusion::Failure,
            "canceled" | "cancelled" => RunConclusion::Cancelled,
            _ => RunConclusion::Skipped,
        }),
        attempt: 1,
        created_at: build.created_at,
        started_at: build.started_at,
        finished_at: if done { build.finished_at } else { None },
        url: url(build),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn states_map_to_deploy_statuses() {
        for (state, status) in [
            ("passed", DeploymentStatus::Success),
            ("failed", DeploymentStatus::Failure),
            ("canceled", DeploymentStatus::Cancelled),
            ("skipped", DeploymentStatus::Cancelled),
            ("not_run", DeploymentStatus::Cancelled),
            ("running", DeploymentStatus::InProgress),
            ("scheduled", DeploymentStatus::InProgress),
            ("failing", DeploymentStatus::InProgress),
            ("blocked", DeploymentStatus::InProgress),
            ("something new", DeploymentStatus::InProgress),
        ] {
            let build: Build = serde_json::from_value(serde_json::json!({
                "id": "b", "number": 1, "state": state, "commit": "HEAD\u{1b}[31m",
                "branch": "ma\u{1b}[2Jin", "web_url": "file:///etc/passwd",
                "created_at": "2026-03-01T00:00:00Z", "started_at": null, "finished_at": null
            }))
            .unwrap();
            assert_eq!(deploy_status(&build), status, "{state}");
            assert_eq!(sha(&build), "", "HEAD is no sha");
            assert_eq!(url(&build), None);
            assert!(
                !build
                    .branch
                    .as_deref()
                    .map(sanitize)
                    .unwrap()
                    .contains('\u{1b}')
            );
        }
    }
}
