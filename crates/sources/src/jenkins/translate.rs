//! Jenkins builds into model events: pure functions, no I/O.
//!
//! Start = `timestamp` (epoch ms), finish = `timestamp + duration`, sha =
//! `lastBuiltRevision.SHA1`. `SUCCESS` deployed; `FAILURE` and `UNSTABLE` are a failed deploy
//! job; `ABORTED` and `NOT_BUILT` are cancelled; `building` (or no result yet) is in progress.

use chrono::DateTime;

use super::payload::Build;
use super::setup::{Settings, job_name};
use flowdeck_core::model::{
    Deployment, DeploymentStatus, PipelineRun, RunConclusion, RunStatus, Timestamp,
};

/// A build's start; None when Jenkins' number is out of range.
pub(super) fn started(build: &Build) -> Option<Timestamp> {
    DateTime::from_timestamp_millis(build.timestamp)
}

fn finished(build: &Build) -> Option<Timestamp> {
    DateTime::from_timestamp_millis(build.timestamp.checked_add(build.duration.max(0))?)
}

pub(super) fn is_final(build: &Build) -> bool {
    !build.building && build.result.is_some()
}

fn deploy_status(build: &Build) -> DeploymentStatus {
    if !is_final(build) {
        return DeploymentStatus::InProgress;
    }
    match build.result.as_deref() {
        Some("SUCCESS") => DeploymentStatus::Success,
        Some("FAILURE" | "UNSTABLE") => DeploymentStatus::Failure,
        Some("ABORTED" | "NOT_BUILT") => DeploymentStatus::Cancelled,
        _ => DeploymentStatus::Failure,
    }
}

/// `refs/remotes/origin/main` and `origin/main` as `main`.
fn branch(build: &Build) -> Option<String> {
    let name = &build.revision()?.branch.first()?.name;
    let name = name.strip_prefix("refs/remotes/").unwrap_or(name);
    let name = name.strip_prefix("refs/heads/").unwrap_or(name);
    let name = name.split_once('/').map_or(
        name,
        |(remote, rest)| {
            if remote == "origin" { rest } else { name }
        },
    );
    Some(flowdeck_core::text::sanitize(name))
}

fn sha(build: &Build) -> String {
    build
        .revision()
        .map(|r| r.sha1.trim().to_ascii_lowercase())
        .filter(|s| s.len() <= 64 && s.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_default()
}

fn url(build: &Build) -> Option<String> {
    build
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(flowdeck_core::text::sanitize)
}

/// A build of the deploy job as a deployment; None when its start time is out of range.
pub(super) fn deployment(settings: &Settings, build: &Build) -> Option<Deployment> {
    let started_at = started(build)?;
    let status = deploy_status(build);
    let finished_at = if is_final(build) {
        finished(build)?
    } else {
        started_at
    };
    Some(Deployment {
        id: format!(
            "jenkins:{}:{}",
            job_name(&settings.deploy_job),
            build.number
        ),
        name: Some(format!("#{}", build.number)),
        service: settings.service.clone(),
        environment: settings.environment.clone(),
        production: crate::polled::is_production_name(&settings.environment),
        sha: sha(build),
        ref_name: branch(build),
        started_at: Some(started_at),
        finished_at,
        status,
        url: url(build),
        changes: Vec::new(),
    })
}

/// A build of a CI job as a pipeline run; None when its start time is out of range.
pub(super) fn pipeline_run(
    settings: &Settings,
    job: &[String],
    build: &Build,
) -> Option<PipelineRun> {
    let started_at = started(build)?;
    let done = is_final(build);
    Some(PipelineRun {
        id: format!("jenkins:{}:{}", job_name(job), build.number),
        service: settings.service.clone(),
        workflow: job_name(job),
        branch: branch(build),
        sha: sha(build),
        status: if done {
            RunStatus::Completed
        } else {
            RunStatus::InProgress
        },
        conclusion: done.then_some(match build.result.as_deref() {
            Some("SUCCESS") => RunConclusion::Success,
            Some("ABORTED") => RunConclusion::Cancelled,
            Some("NOT_BUILT") => RunConclusion::Skipped,
            _ => RunConclusion::Failure,
        }),
        attempt: 1,
        created_at: started_at,
        started_at: Some(started_at),
        finished_at: if done { finished(build) } else { None },
        url: url(build),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::jenkins::payload::Job;

    fn settings() -> Settings {
        let config: flowdeck_config::JenkinsSourceConfig = toml::from_str(
            "service = \"api\"\nbase_url = \"https://j.example\"\ndeploy_job = \"deploy/api\"\nuser = \"u\"\ntoken_cmd = \"printf %s t\"\n",
        )
        .unwrap();
        Settings::from_config(&config).unwrap()
    }

    fn build(json: &str) -> Build {
        let job: Job = serde_json::from_str(&format!("{{\"allBuilds\": [{json}]}}")).unwrap();
        job.all_builds.into_iter().next().unwrap()
    }

    #[test]
    fn results_map_to_deploy_statuses() {
        let settings = settings();
        for (result, building, status) in [
            ("\"SUCCESS\"", false, DeploymentStatus::Success),
            ("\"FAILURE\"", false, DeploymentStatus::Failure),
            ("\"UNSTABLE\"", false, DeploymentStatus::Failure),
            ("\"ABORTED\"", false, DeploymentStatus::Cancelled),
            ("\"NOT_BUILT\"", false, DeploymentStatus::Cancelled),
            ("null", true, DeploymentStatus::InProgress),
            ("null", false, DeploymentStatus::InProgress),
        ] {
            let b = build(&format!(
                "{{\"number\": 1, \"timestamp\": 1700000000000, \"duration\": 5000, \"building\": {building}, \"result\": {result}, \"actions\": []}}"
            ));
            assert_eq!(
                deployment(&settings, &b).unwrap().status,
                status,
                "{result}"
            );
        }
    }

    #[test]
    fn hostile_fields_are_made_inert_or_dropped() {
        let settings = settings();
        let b = build(
            r#"{"number": 7, "timestamp": 1700000000000, "duration": 60000, "building": false, "result": "SUCCESS",
                "url": "javascript:alert(1)",
                "actions": [{}, {"_class": "x"}, {"lastBuiltRevision": {"SHA1": "ZZ\u001b[31m", "branch": [{"name": "origin/ma\u001b[2Jin"}]}}]}"#,
        );
        let d = deployment(&settings, &b).unwrap();
        assert_eq!(d.url, None);
        assert_eq!(d.sha, "");
        assert!(!d.ref_name.unwrap().contains('\u{1b}'));
        assert_eq!(d.finished_at.timestamp_millis(), 1_700_000_060_000);
        // A timestamp out of range is no deployment rather than a panic.
        let far = build(
            r#"{"number": 8, "timestamp": 9223372036854775807, "duration": 9223372036854775807, "building": false, "result": "SUCCESS"}"#,
        );
        assert!(deployment(&settings, &far).is_none());
    }
}
