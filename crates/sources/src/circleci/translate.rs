//! CircleCI workflows into model events. Pure functions: no I/O.
//!
//! - A run of a deploy workflow is a deployment attempt (`circleci:<project>:<workflow id>`) of
//!   the service to the configured environment: `success` = deployed; `failed`, `error`,
//!   `failing` = a failed deploy job; `canceled`, `unauthorized`, `not_run` = cancelled;
//!   `running`, `on_hold` = in progress. It started at the workflow's `created_at` and finished
//!   at its `stopped_at` (while it runs: when it was last seen). The sha is the pipeline's
//!   (`vcs.revision`, else `trigger_parameters.git.checkout_sha`); its shipped commits are not
//!   CircleCI's to say (`changes` stays empty).
//! - The other workflows (or only `ci_workflows`) are CI runs, one record per pipeline and
//!   workflow name (`circleci:<project>:<pipeline number>:<name>`): the latest run of that
//!   name, its attempt the number of runs of it (a rerun adds a workflow of the same name).
//!   CircleCI gives no start apart from creation, so a run's queue time is not known and its
//!   duration runs from creation to stop.
//! - A pipeline that errored before any workflow ran (a config error) is a CI run that failed to
//!   start (`startup_failure`), named "pipeline", when every workflow is CI.

use serde::{Deserialize, Serialize};

use super::payload::{Pipeline, Workflow};
use super::setup::Settings;
use flowdeck_core::model::{
    Deployment, DeploymentStatus, EventSet, PipelineRun, RunConclusion, RunStatus, Timestamp,
};

/// What the events of a pipeline need from it, kept while its workflows run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Facts {
    pub id: String,
    pub number: u64,
    pub created_at: Timestamp,
    pub sha: String,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub errored: bool,
}

impl Facts {
    /// None for a pipeline without any sha (nothing can be said of what it built).
    pub(super) fn of(pipeline: &Pipeline) -> Option<Facts> {
        Some(Facts {
            id: pipeline.id.clone(),
            number: pipeline.number,
            created_at: pipeline.created_at,
            sha: pipeline.sha()?,
            branch: pipeline.branch(),
            tag: pipeline.tag(),
            errored: pipeline.errored(),
        })
    }
}

/// Whether a workflow has ended: nothing will change it any more (short of a rerun, which is a
/// new workflow).
pub(super) fn finished(workflow: &Workflow) -> bool {
    matches!(
        workflow.status.as_str(),
        "success" | "failed" | "error" | "canceled" | "unauthorized" | "not_run"
    )
}

pub(super) fn deploy_status(status: &str) -> DeploymentStatus {
    match status {
        "success" => DeploymentStatus::Success,
        "failed" | "error" | "failing" => DeploymentStatus::Failure,
        "canceled" | "unauthorized" | "not_run" => DeploymentStatus::Cancelled,
        _ => DeploymentStatus::InProgress,
    }
}

fn run_state(status: &str) -> (RunStatus, Option<RunConclusion>) {
    let done = |c| (RunStatus::Completed, Some(c));
    match status {
        "success" => done(RunConclusion::Success),
        "failed" | "error" => done(RunConclusion::Failure),
        "canceled" | "unauthorized" => done(RunConclusion::Cancelled),
        "not_run" => done(RunConclusion::Skipped),
        "on_hold" => (RunStatus::Queued, None),
        // running, failing (still running with a failed job) and anything new.
        _ => (RunStatus::InProgress, None),
    }
}

/// Whether an environment name is production ("production", "prod", "prod-eu"): only those
/// deployments count in the DORA measures; the others are deploy-job health.
pub(super) fn is_production(environment: &str) -> bool {
    environment.to_ascii_lowercase().starts_with("prod")
}

/// The app's page of a workflow:
/// `{app}/pipelines/{github|bitbucket|circleci}/{org}/{repo}/{number}/workflows/{id}`.
fn workflow_url(settings: &Settings, facts: &Facts, workflow: &Workflow) -> Option<String> {
    let [vcs, org, repo] = &settings.slug;
    let vcs = match vcs.as_str() {
        "gh" => "github",
        "bb" => "bitbucket",
        other => other,
    };
    let mut url = settings.app.clone();
    let number = facts.number.to_string();
    url.path_segments_mut().ok()?.pop_if_empty().extend([
        "pipelines",
        vcs,
        org,
        repo,
        number.as_str(),
        "workflows",
        workflow.id.as_str(),
    ]);
    Some(url.to_string())
}

pub(super) fn deployment(
    settings: &Settings,
    facts: &Facts,
    workflow: &Workflow,
    now: Timestamp,
) -> Deployment {
    Deployment {
        id: format!("circleci:{}:{}", settings.project, workflow.id),
        name: facts.tag.clone(),
        service: settings.service.clone(),
        environment: settings.environment.clone(),
        production: is_production(&settings.environment),
        sha: facts.sha.clone(),
        ref_name: facts.branch.clone().or_else(|| facts.tag.clone()),
        started_at: Some(workflow.created_at),
        finished_at: workflow.stopped_at.unwrap_or(now),
        status: deploy_status(&workflow.status),
        url: workflow_url(settings, facts, workflow),
        changes: Vec::new(),
    }
}

fn ci_run(
    settings: &Settings,
    facts: &Facts,
    name: &str,
    runs: &[&Workflow],
) -> Option<PipelineRun> {
    let latest = runs
        .iter()
        .max_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))?;
    let (status, conclusion) = run_state(&latest.status);
    Some(PipelineRun {
        id: format!("circleci:{}:{}:{name}", settings.project, facts.number),
        service: settings.service.clone(),
        workflow: name.to_string(),
        branch: facts.branch.clone(),
        sha: facts.sha.clone(),
        status,
        conclusion,
        attempt: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        created_at: latest.created_at,
        started_at: Some(latest.created_at),
        finished_at: latest.stopped_at.filter(|_| status == RunStatus::Completed),
        url: workflow_url(settings, facts, latest),
    })
}

/// The events of one pipeline and its workflows, added to `events`.
pub(super) fn pipeline_events(
    settings: &Settings,
    facts: &Facts,
    workflows: &[Workflow],
    now: Timestamp,
    events: &mut EventSet,
) {
    let mut names: Vec<&str> = Vec::new();
    for workflow in workflows {
        if settings.is_deploy(&workflow.name) {
            events
                .deployments
                .push(deployment(settings, facts, workflow, now));
        } else if settings.is_ci(&workflow.name) && !names.contains(&workflow.name.as_str()) {
            names.push(&workflow.name);
        }
    }
    for name in names {
        let runs: Vec<&Workflow> = workflows.iter().filter(|w| w.name == name).collect();
        events
            .pipeline_runs
            .extend(ci_run(settings, facts, name, &runs));
    }
    if workflows.is_empty() && facts.errored && settings.ci_workflows.is_empty() {
        events.pipeline_runs.push(PipelineRun {
            id: format!("circleci:{}:{}:pipeline", settings.project, facts.number),
            service: settings.service.clone(),
            workflow: "pipeline".into(),
            branch: facts.branch.clone(),
            sha: facts.sha.clone(),
            status: RunStatus::Completed,
            conclusion: Some(RunConclusion::StartupFailure),
            attempt: 1,
            created_at: facts.created_at,
            started_at: None,
            finished_at: Some(facts.created_at),
            url: None,
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn settings() -> Settings {
        let config = toml::from_str(
            "service = \"api\"\nproject = \"gh/acme/api\"\ndeploy_workflows = [\"deploy\"]\ntoken_cmd = \"printf %s t\"\n",
        )
        .unwrap();
        Settings::from_config(&config).unwrap()
    }

    fn workflow(
        id: &str,
        name: &str,
        status: &str,
        created: &str,
        stopped: Option<&str>,
    ) -> Workflow {
        Workflow {
            id: id.into(),
            name: name.into(),
            status: status.into(),
            created_at: created.parse().unwrap(),
            stopped_at: stopped.map(|s| s.parse().unwrap()),
        }
    }

    fn facts(errored: bool) -> Facts {
        Facts {
            id: "p1".into(),
            number: 412,
            created_at: "2026-03-02T10:00:00Z".parse().unwrap(),
            sha: "abc123".into(),
            branch: Some("main".into()),
            tag: None,
            errored,
        }
    }

    #[test]
    fn statuses_as_the_issue_maps_them() {
        use DeploymentStatus::*;
        for (status, expected) in [
            ("success", Success),
            ("failed", Failure),
            ("error", Failure),
            ("failing", Failure),
            ("canceled", Cancelled),
            ("unauthorized", Cancelled),
            ("not_run", Cancelled),
            ("running", InProgress),
            ("on_hold", InProgress),
            ("\u{1b}[2J", InProgress),
        ] {
            assert_eq!(deploy_status(status), expected, "{status}");
        }
        assert!(is_production("production") && is_production("Prod-EU"));
        assert!(!is_production("staging"));
    }

    #[test]
    fn deploys_and_ci_runs_of_one_pipeline() {
        let s = settings();
        let now = "2026-03-02T12:00:00Z".parse().unwrap();
        let workflows = [
            workflow(
                "w1",
                "build",
                "failed",
                "2026-03-02T10:00:01Z",
                Some("2026-03-02T10:05:00Z"),
            ),
            workflow(
                "w2",
                "build",
                "success",
                "2026-03-02T10:10:00Z",
                Some("2026-03-02T10:15:00Z"),
            ),
            workflow("w3", "deploy", "running", "2026-03-02T10:20:00Z", None),
        ];
        let mut events = EventSet::default();
        pipeline_events(&s, &facts(false), &workflows, now, &mut events);
        assert_eq!(events.deployments.len(), 1);
        let deploy = &events.deployments[0];
        assert_eq!(deploy.id, "circleci:gh/acme/api:w3");
        assert_eq!(deploy.status, DeploymentStatus::InProgress);
        assert_eq!(deploy.finished_at, now, "last seen");
        assert_eq!(
            deploy.url.as_deref(),
            Some("https://app.circleci.com/pipelines/github/acme/api/412/workflows/w3")
        );
        assert!(deploy.production && deploy.changes.is_empty());
        assert_eq!(events.pipeline_runs.len(), 1, "one record per name");
        let run = &events.pipeline_runs[0];
        assert_eq!(run.id, "circleci:gh/acme/api:412:build");
        assert_eq!(
            (run.attempt, run.conclusion),
            (2, Some(RunConclusion::Success))
        );
        assert_eq!(
            run.finished_at,
            Some("2026-03-02T10:15:00Z".parse().unwrap())
        );
        assert!(!finished(&workflows[2]) && finished(&workflows[0]));

        let mut errored = EventSet::default();
        pipeline_events(&s, &facts(true), &[], now, &mut errored);
        assert_eq!(
            errored.pipeline_runs[0].conclusion,
            Some(RunConclusion::StartupFailure)
        );
    }
}
