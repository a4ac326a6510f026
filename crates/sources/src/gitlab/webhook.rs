//! GitLab webhook deliveries into model events, through the poll's own translation
//! (`translate::pipeline_run`, `pull_request`, `deployment`), so a delivery and a later poll of
//! the same item store one event under one id (docs/EVENTS.md#webhooks).
//!
//! A hook carries less than the API (no merge request author's name, no deployment's job
//! times or environment id); what it lacks is kept from the stored event, and the source's
//! next poll, which reads the item again, completes it:
//!
//! - Pipeline Hook: the run's start is its earliest job's; a child pipeline is not a run; a
//!   delivery older than the stored run (not finished, where the stored one is) changes
//!   nothing.
//! - Merge Request Hook: the author is the acting user when it is the author, else the stored
//!   author; a merged one's merge time is the hook's `merged_at` when sent, else the stored
//!   one, else its last update (the merge delivery's); first commit and first review are
//!   kept from the stored one.
//! - Deployment Hook: only production ones (tier `production` or `deploy_environments`); the
//!   sha is read from `commit_url`; the stored name, start, link and commits are kept; a
//!   delivery older than a final stored status changes nothing.

use flowdeck_core::model::{EventKind, EventSet, RunStatus, pull_request_id};

use super::payload;
use super::setup::Settings;
use super::translate::{self, Scope};
use super::webhook_payload::{
    DeploymentEvent, Envelope, MergeRequestEvent, PipelineEvent, ProjectRef,
};
use crate::SourceError;
use crate::hooks::{HookError, Lookup, Translated, key, parse};
use flowdeck_config::GitlabSourceConfig;

/// The `X-Gitlab-Event`s deliveries are translated from.
pub const EVENTS: [&str; 3] = ["Pipeline Hook", "Merge Request Hook", "Deployment Hook"];

/// One configured GitLab source, as its deliveries are read.
#[derive(Debug)]
pub struct GitlabHook {
    settings: Settings,
}

/// The project a delivery is about; None when it names none.
pub(crate) fn project(event: &str, body: &[u8]) -> Result<Option<ProjectRef>, HookError> {
    Ok(parse::<Envelope>(&format!("GitLab's {event}"), body)?.project)
}

impl GitlabHook {
    /// The source's settings without its token (a delivery needs no request).
    pub fn new(config: &GitlabSourceConfig) -> Result<GitlabHook, SourceError> {
        Ok(GitlabHook {
            settings: Settings::without_token(config)?,
        })
    }

    /// Whether the delivery's project is this source's (by path, ignoring case, or by id).
    pub(crate) fn reads(&self, project: &ProjectRef) -> bool {
        let configured = &self.settings.project;
        configured.eq_ignore_ascii_case(&project.path_with_namespace)
            || *configured == project.id.to_string()
    }

    /// What one delivery of `event` about `project` stores (or why nothing).
    pub(crate) fn translate(
        &self,
        event: &str,
        body: &[u8],
        project: &ProjectRef,
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        let scope = Scope {
            service: &self.settings.service,
            project: &self.settings.project,
            path: Some(&project.path_with_namespace),
            web_url: Some(&project.web_url),
        };
        match event {
            "Pipeline Hook" => pipeline(&scope, body, lookup),
            "Merge Request Hook" => merge_request(&scope, body, lookup),
            "Deployment Hook" => self.deployment(&scope, body, lookup),
            other => Ok(Translated::Ignored(format!(
                "{other:?} events carry nothing flowdeck keeps"
            ))),
        }
    }

    fn deployment(
        &self,
        scope: &Scope<'_>,
        body: &[u8],
        lookup: Lookup<'_>,
    ) -> Result<Translated, HookError> {
        let e: DeploymentEvent = parse("GitLab's Deployment Hook", body)?;
        if !self
            .settings
            .is_production(&e.environment, e.environment_tier.as_deref())
        {
            return Ok(Translated::Ignored(format!(
                "environment {:?} is neither of the production tier nor one of deploy_environments",
                e.environment
            )));
        }
        let sha = e.commit_url.rsplit('/').next().unwrap_or("");
        if !matches!(sha.len(), 40 | 64) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(HookError::Payload(
                "the Deployment Hook's commit_url does not end in a full commit sha".into(),
            ));
        }
        let id = translate::deployment_id(scope.project, e.deployment_id);
        let stored = lookup(&[key(EventKind::Deployment, &id)])?
            .deployments
            .into_iter()
            .next();
        let finished = translate::deployment_status(&e.status)
            != flowdeck_core::model::DeploymentStatus::InProgress;
        let started_at = stored.as_ref().and_then(|s| s.started_at);
        let d = payload::Deployment {
            id: e.deployment_id,
            iid: 0,
            ref_name: e.ref_name,
            sha: sha.to_string(),
            created_at: started_at.unwrap_or(e.status_changed_at),
            updated_at: e.status_changed_at,
            finished_at: finished.then_some(e.status_changed_at),
            status: e.status,
            environment: payload::DeploymentEnvironment {
                id: 0,
                name: e.environment,
            },
            deployable: Some(payload::Job {
                tag: stored.as_ref().is_some_and(|s| s.name.is_some()),
                started_at,
                finished_at: None,
                web_url: e.deployable_url,
            }),
        };
        // Without the environment's id the deployment's own page is unknown: the job's link.
        let without_page = Scope {
            web_url: None,
            ..scope.clone()
        };
        let mut deployment = translate::deployment(&without_page, &d, Vec::new());
        if let Some(old) = stored {
            let old_final = old.status != flowdeck_core::model::DeploymentStatus::InProgress;
            if old_final && !finished {
                return Ok(Translated::Ignored(format!(
                    "an older delivery of deployment {}: what is stored is newer",
                    d.id
                )));
            }
            deployment.changes = old.changes;
            deployment.url = old.url.or(deployment.url);
        }
        Ok(Translated::Events(EventSet {
            deployments: vec![deployment],
            ..EventSet::default()
        }))
    }
}

fn pipeline(scope: &Scope<'_>, body: &[u8], lookup: Lookup<'_>) -> Result<Translated, HookError> {
    let e: PipelineEvent = parse("GitLab's Pipeline Hook", body)?;
    let a = e.object_attributes;
    let pipeline = payload::Pipeline {
        id: a.id,
        sha: a.sha,
        ref_name: a.ref_name,
        status: a.status.clone(),
        source: a.source,
        name: a.name,
        created_at: a.created_at,
        updated_at: a.finished_at.unwrap_or(a.created_at),
        web_url: a.url,
    };
    if !translate::counts_as_run(&pipeline) {
        return Ok(Translated::Ignored(
            "a child pipeline is part of its parent's run".into(),
        ));
    }
    let detail = translate::needs_detail(&a.status).then(|| payload::PipelineDetail {
        status: a.status.clone(),
        started_at: e.builds.iter().filter_map(|b| b.started_at).min(),
        finished_at: a.finished_at,
    });
    let run = translate::pipeline_run(scope, &pipeline, detail.as_ref());
    let stored = lookup(&[key(EventKind::PipelineRun, &run.id)])?;
    if stored
        .pipeline_runs
        .first()
        .is_some_and(|old| old.status == RunStatus::Completed && run.status != RunStatus::Completed)
    {
        return Ok(Translated::Ignored(format!(
            "an older delivery of pipeline {}: what is stored is newer",
            pipeline.id
        )));
    }
    Ok(Translated::Events(EventSet {
        pipeline_runs: vec![run],
        ..EventSet::default()
    }))
}

fn merge_request(
    scope: &Scope<'_>,
    body: &[u8],
    lookup: Lookup<'_>,
) -> Result<Translated, HookError> {
    let e: MergeRequestEvent = parse("GitLab's Merge Request Hook", body)?;
    let a = e.object_attributes;
    let id = pull_request_id(scope.service, a.iid);
    let stored = lookup(&[key(EventKind::PullRequest, &id)])?
        .pull_requests
        .into_iter()
        .next();
    let username = match (&e.user, &stored) {
        (Some(user), _) if user.id == a.author_id => user.username.clone(),
        (_, Some(old)) => old.author.clone(),
        _ => String::new(),
    };
    let merged_at = (a.state == "merged").then(|| {
        a.merged_at
            .or(stored.as_ref().and_then(|s| s.merged_at))
            .unwrap_or(a.updated_at)
    });
    let mr = payload::MergeRequest {
        iid: a.iid,
        title: a.title,
        description: a.description,
        state: a.state,
        created_at: a.created_at,
        updated_at: a.updated_at,
        merged_at,
        closed_at: None,
        sha: a.last_commit.map(|c| c.id),
        merge_commit_sha: a.merge_commit_sha,
        squash_commit_sha: None,
        source_branch: a.source_branch,
        web_url: a.url,
        author: payload::UserRef {
            id: a.author_id,
            username,
        },
    };
    let (first_commit_at, first_review_at) = match &stored {
        Some(old) if old.merged_at == merged_at => (old.first_commit_at, old.first_review_at),
        _ => (None, None),
    };
    Ok(Translated::Events(EventSet {
        pull_requests: vec![translate::pull_request(
            scope,
            &mr,
            first_commit_at,
            first_review_at,
        )],
        ..EventSet::default()
    }))
}
