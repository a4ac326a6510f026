//! GitHub webhook deliveries into model events, through the poll's own translation
//! (`translate`, `deployments::to_model`, `deployments::run_deployment`), so a delivery and a
//! later poll of the same item store one event under one id (docs/EVENTS.md#webhooks).
//!
//! A delivery carries one item as it is now; the poll reads more (every status of a
//! deployment, a pull request's commits and reviews, the compare). What a delivery lacks is
//! kept from the stored event:
//!
//! - `deployment`, `deployment_status`: the stored deployment's outcome counts as one more
//!   status, so statuses arriving out of order, or an `inactive` after the success, decide as
//!   the poll's full list would; the stored commits are kept (the sha does not change). A
//!   counted deployment stored without commits is compared at the source's next poll
//!   (`deployments::settled`), and until then takes them from the service's git source
//!   (`sources::shipped`).
//! - `workflow_run`: a delivery older than the stored run (not completed, where the stored one
//!   is, same attempt) changes nothing.
//! - `pull_request`: the stored first commit and first review are kept while the merge is the
//!   same; the poll reads them for a newly merged one.
//! - `issues`: an issue with one of `incident_labels` is an incident; a deleted issue is kept,
//!   as the poll keeps it.

use flowdeck_core::model::{
    Deployment, DeploymentStatus, EventKind, EventSet, RunStatus, pull_request_id,
};

use super::deployments::{run_deployment, to_model};
use super::payload;
use super::setup::Settings;
use super::translate::{self, PrDetails, is_final};
use super::webhook_payload::{
    DeploymentEvent, Envelope, IssuesEvent, PullRequestEvent, WorkflowRunEvent,
};
use crate::SourceError;
use crate::hooks::{HookError, Lookup, Translated, key, parse};
use flowdeck_config::GithubSourceConfig;

/// The events GitHub deliveries are translated from.
pub const EVENTS: [&str; 5] = [
    "deployment",
    "deployment_status",
    "workflow_run",
    "pull_request",
    "issues",
];

/// One configured GitHub source, as its deliveries are read.
#[derive(Debug)]
pub struct GithubHook {
    settings: Settings,
}

/// The repository a delivery is about (`repository.full_name`); None when it names none.
pub(crate) fn repository(event: &str, body: &[u8]) -> Result<Option<String>, HookError> {
    Ok(parse::<Envelope>(&format!("GitHub {event}"), body)?
        .repository
        .map(|r| r.full_name))
}

impl GithubHook {
    /// The source's settings without its token (a delivery needs no request).
    pub fn new(config: &GithubSourceConfig) -> Result<GithubHook, SourceError> {
        Ok(GithubHook {
            settings: Settings::without_token(config)?,
        })
    }

    /// `owner/name`, as configured.
    pub fn repo(&self) -> &str {
        &self.settings.repo
    }

    /// What one delivery of `event` stores (or why nothing).
    pub(crate) fn translate(
        &self,
        event: &str,
        body: &[u8],
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        match event {
            "deployment" | "deployment_status" => self.deployment(event, body, lookup),
            "workflow_run" => self.workflow_run(body, lookup),
            "pull_request" => self.pull_request(body, lookup),
            "issues" => self.issue(body),
            other => Ok(Translated::Ignored(format!(
                "{other:?} events carry nothing flowdeck keeps"
            ))),
        }
    }

    fn deployment(
        &self,
        event: &str,
        body: &[u8],
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        let delivery: DeploymentEvent = parse(&format!("GitHub {event}"), body)?;
        if event == "deployment_status" && delivery.deployment_status.is_none() {
            return Err(HookError::Payload(
                "a deployment_status delivery without its deployment_status".into(),
            ));
        }
        let settings = &self.settings;
        if !settings.deploy_workflows.is_empty() {
            return Ok(Translated::Ignored(format!(
                "deployments of {} are read from the runs of its deploy_workflows",
                settings.repo
            )));
        }
        let d = &delivery.deployment;
        if d.production_environment != Some(true)
            && !settings.is_configured_environment(&d.environment)
        {
            return Ok(Translated::Ignored(format!(
                "environment {:?} is not one of deploy_environments, nor one GitHub marks production",
                d.environment
            )));
        }
        let id = settings.deployment_id(d.id);
        let stored = lookup(&[key(EventKind::Deployment, &id)])?
            .deployments
            .into_iter()
            .next();
        let mut statuses: Vec<payload::DeploymentStatus> =
            stored.as_ref().and_then(as_status).into_iter().collect();
        statuses.extend(delivery.deployment_status);
        let outcome = translate::deploy_outcome(d, &statuses);
        let mut deployment = to_model(settings, &settings.deploy_environments, d, outcome);
        if let Some(stored) = stored {
            deployment.changes = stored.changes;
            if deployment.status == stored.status && deployment.finished_at == stored.finished_at {
                deployment.url = stored.url;
            }
        }
        Ok(Translated::Events(EventSet {
            deployments: vec![deployment],
            ..EventSet::default()
        }))
    }

    fn workflow_run(&self, body: &[u8], lookup: Lookup<'_>) -> Result<Translated, HookError> {
        let WorkflowRunEvent {
            mut workflow_run,
            workflow,
        } = parse("GitHub workflow_run", body)?;
        if workflow_run.path.is_none() {
            workflow_run.path = workflow.and_then(|w| w.path);
        }
        let (settings, run) = (&self.settings, &workflow_run);
        let deploys = !settings.deploy_workflows.is_empty() && settings.is_deploy_workflow(run);
        let ci = settings.is_ci_workflow(run);
        if !deploys && !ci {
            return Ok(Translated::Ignored(format!(
                "workflow {:?} is in neither deploy_workflows nor ci_workflows",
                translate::workflow_file(run).unwrap_or_default()
            )));
        }
        let id = settings.run_deployment_id(run.id);
        let stored = lookup(&[
            key(EventKind::Deployment, &id),
            key(EventKind::PipelineRun, &id),
        ])?;
        let mut events = EventSet::default();
        if deploys {
            let mut deployment = run_deployment(settings, run);
            match stored.deployments.into_iter().next() {
                Some(old) if is_final(old.status) && !is_final(deployment.status) => {}
                Some(old) => {
                    deployment.changes = old.changes;
                    events.deployments.push(deployment);
                }
                None => events.deployments.push(deployment),
            }
        }
        if ci {
            let fresh = translate::pipeline_run(run, id.clone(), &settings.service);
            match stored.pipeline_runs.first() {
                Some(old)
                    if old.status == RunStatus::Completed
                        && fresh.status != RunStatus::Completed
                        && fresh.attempt <= old.attempt => {}
                _ => events.pipeline_runs.push(fresh),
            }
        }
        if events.deployments.is_empty() && events.pipeline_runs.is_empty() {
            return Ok(Translated::Ignored(format!(
                "an older delivery of run {}: what is stored is newer",
                run.id
            )));
        }
        Ok(Translated::Events(events))
    }

    fn pull_request(&self, body: &[u8], lookup: Lookup<'_>) -> Result<Translated, HookError> {
        let delivery: PullRequestEvent = parse("GitHub pull_request", body)?;
        let (settings, pr) = (&self.settings, &delivery.pull_request);
        let id = pull_request_id(&settings.service, pr.number);
        let stored = lookup(&[key(EventKind::PullRequest, &id)])?
            .pull_requests
            .into_iter()
            .next();
        let details = match (pr.merged_at, stored) {
            (Some(merged), Some(old)) if old.merged_at == Some(merged) => PrDetails {
                first_commit_at: old.first_commit_at,
                first_review_at: old.first_review_at,
            },
            _ => PrDetails::default(),
        };
        Ok(Translated::Events(EventSet {
            pull_requests: vec![translate::pull_request(pr, &settings.service, details)],
            ..EventSet::default()
        }))
    }

    fn issue(&self, body: &[u8]) -> Result<Translated, HookError> {
        let delivery: IssuesEvent = parse("GitHub issues", body)?;
        let (settings, issue) = (&self.settings, &delivery.issue);
        if issue.pull_request.is_some() {
            return Ok(Translated::Ignored(format!(
                "#{} is a pull request",
                issue.number
            )));
        }
        let labelled = issue.labels.iter().any(|label| {
            settings
                .incident_labels
                .iter()
                .any(|wanted| wanted.eq_ignore_ascii_case(label.name()))
        });
        if !labelled {
            return Ok(Translated::Ignored(format!(
                "issue #{} carries none of incident_labels",
                issue.number
            )));
        }
        if delivery.action == "deleted" {
            return Ok(Translated::Ignored(format!(
                "issue #{} was deleted: its incident is kept, as a poll keeps it",
                issue.number
            )));
        }
        let id = settings.incident_id(issue.number);
        Ok(Translated::Events(EventSet {
            incidents: vec![translate::incident(issue, id, &settings.service)],
            ..EventSet::default()
        }))
    }
}

/// A stored deployment's outcome as one status among the delivery's: a success at its deploy
/// time, a failure, or `inactive` for one cancelled. One still in progress adds nothing (its
/// time is only when it was last seen).
fn as_status(stored: &Deployment) -> Option<payload::DeploymentStatus> {
    let state = match stored.status {
        DeploymentStatus::Success => "success",
        DeploymentStatus::Failure => "failure",
        DeploymentStatus::Cancelled => "inactive",
        DeploymentStatus::InProgress => return None,
    };
    Some(payload::DeploymentStatus {
        id: 0,
        state: state.into(),
        created_at: stored.finished_at,
        environment_url: None,
        log_url: None,
        target_url: None,
    })
}
