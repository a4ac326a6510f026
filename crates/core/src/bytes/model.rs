//! The events in the compact binary form: every field of every event, in declaration order.

use super::{DecodeError, Reader, Writer};
use crate::model::{
    Change, Deployment, DeploymentStatus, EventSet, Incident, PipelineRun, PullRequest,
    RunConclusion, RunStatus, Service,
};

pub fn write_events(w: &mut Writer, events: &EventSet) {
    w.count(events.services.len());
    for s in &events.services {
        w.str(&s.name);
        w.opt_str(s.team.as_deref());
    }
    w.count(events.deployments.len());
    for d in &events.deployments {
        write_deployment(w, d);
    }
    w.count(events.pull_requests.len());
    for p in &events.pull_requests {
        write_pull_request(w, p);
    }
    w.count(events.pipeline_runs.len());
    for r in &events.pipeline_runs {
        write_run(w, r);
    }
    w.count(events.incidents.len());
    for i in &events.incidents {
        write_incident(w, i);
    }
}

pub fn read_events(r: &mut Reader<'_>) -> Result<EventSet, DecodeError> {
    Ok(EventSet {
        services: r.vec(9, |r| {
            Ok(Service {
                name: r.str()?,
                team: r.opt_str()?,
            })
        })?,
        deployments: r.vec(8, read_deployment)?,
        pull_requests: r.vec(8, read_pull_request)?,
        pipeline_runs: r.vec(8, read_run)?,
        incidents: r.vec(8, read_incident)?,
    })
}

fn write_deployment(w: &mut Writer, d: &Deployment) {
    w.str(&d.id);
    w.opt_str(d.name.as_deref());
    w.str(&d.service);
    w.str(&d.environment);
    w.bool(d.production);
    w.str(&d.sha);
    w.opt_str(d.ref_name.as_deref());
    w.opt_ts(d.started_at);
    w.ts(d.finished_at);
    w.u8(match d.status {
        DeploymentStatus::Success => 0,
        DeploymentStatus::Failure => 1,
        DeploymentStatus::Cancelled => 2,
        DeploymentStatus::InProgress => 3,
    });
    w.opt_str(d.url.as_deref());
    w.count(d.changes.len());
    for c in &d.changes {
        w.str(&c.sha);
        w.ts(c.authored_at);
        w.ts(c.committed_at);
        w.str(&c.author);
        w.str(&c.title);
        w.bool(c.merge);
        w.opt_str(c.reverts.as_deref());
        w.opt_u64(c.pr);
    }
}

fn read_deployment(r: &mut Reader<'_>) -> Result<Deployment, DecodeError> {
    Ok(Deployment {
        id: r.str()?,
        name: r.opt_str()?,
        service: r.str()?,
        environment: r.str()?,
        production: r.bool()?,
        sha: r.str()?,
        ref_name: r.opt_str()?,
        started_at: r.opt_ts()?,
        finished_at: r.ts()?,
        status: match r.u8()? {
            0 => DeploymentStatus::Success,
            1 => DeploymentStatus::Failure,
            2 => DeploymentStatus::Cancelled,
            3 => DeploymentStatus::InProgress,
            other => return Err(unknown("deployment status", other)),
        },
        url: r.opt_str()?,
        changes: r.vec(8, |r| {
            Ok(Change {
                sha: r.str()?,
                authored_at: r.ts()?,
                committed_at: r.ts()?,
                author: r.str()?,
                title: r.str()?,
                merge: r.bool()?,
                reverts: r.opt_str()?,
                pr: r.opt_u64()?,
            })
        })?,
    })
}

fn write_pull_request(w: &mut Writer, p: &PullRequest) {
    w.str(&p.service);
    w.u64(p.number);
    w.str(&p.title);
    w.str(&p.author);
    w.opt_str(p.url.as_deref());
    w.opt_str(p.head_branch.as_deref());
    w.ts(p.created_at);
    w.opt_ts(p.first_commit_at);
    w.opt_ts(p.first_review_at);
    w.opt_ts(p.merged_at);
    w.opt_str(p.merge_sha.as_deref());
    w.opt_ts(p.closed_at);
    w.opt_u64(p.reverts_pr);
}

fn read_pull_request(r: &mut Reader<'_>) -> Result<PullRequest, DecodeError> {
    Ok(PullRequest {
        service: r.str()?,
        number: r.u64()?,
        title: r.str()?,
        author: r.str()?,
        url: r.opt_str()?,
        head_branch: r.opt_str()?,
        created_at: r.ts()?,
        first_commit_at: r.opt_ts()?,
        first_review_at: r.opt_ts()?,
        merged_at: r.opt_ts()?,
        merge_sha: r.opt_str()?,
        closed_at: r.opt_ts()?,
        reverts_pr: r.opt_u64()?,
    })
}

const CONCLUSIONS: [RunConclusion; 9] = [
    RunConclusion::Success,
    RunConclusion::Failure,
    RunConclusion::TimedOut,
    RunConclusion::StartupFailure,
    RunConclusion::Cancelled,
    RunConclusion::Skipped,
    RunConclusion::Neutral,
    RunConclusion::ActionRequired,
    RunConclusion::Stale,
];

fn write_run(w: &mut Writer, r: &PipelineRun) {
    w.str(&r.id);
    w.str(&r.service);
    w.str(&r.workflow);
    w.opt_str(r.branch.as_deref());
    w.str(&r.sha);
    w.u8(match r.status {
        RunStatus::Queued => 0,
        RunStatus::InProgress => 1,
        RunStatus::Completed => 2,
    });
    // 0: none; else 1 + the conclusion's place in CONCLUSIONS.
    w.u8(match r.conclusion {
        None => 0,
        Some(c) => CONCLUSIONS
            .iter()
            .position(|&k| k == c)
            .map_or(0, |at| at as u8 + 1),
    });
    w.u32(r.attempt);
    w.ts(r.created_at);
    w.opt_ts(r.started_at);
    w.opt_ts(r.finished_at);
    w.opt_str(r.url.as_deref());
}

fn read_run(r: &mut Reader<'_>) -> Result<PipelineRun, DecodeError> {
    Ok(PipelineRun {
        id: r.str()?,
        service: r.str()?,
        workflow: r.str()?,
        branch: r.opt_str()?,
        sha: r.str()?,
        status: match r.u8()? {
            0 => RunStatus::Queued,
            1 => RunStatus::InProgress,
            2 => RunStatus::Completed,
            other => return Err(unknown("run status", other)),
        },
        conclusion: match r.u8()? {
            0 => None,
            n => Some(
                *CONCLUSIONS
                    .get(usize::from(n) - 1)
                    .ok_or_else(|| unknown("run conclusion", n))?,
            ),
        },
        attempt: r.u32()?,
        created_at: r.ts()?,
        started_at: r.opt_ts()?,
        finished_at: r.opt_ts()?,
        url: r.opt_str()?,
    })
}

fn write_incident(w: &mut Writer, i: &Incident) {
    w.str(&i.id);
    w.str(&i.source);
    w.strs(&i.services);
    w.str(&i.title);
    w.opt_str(i.severity.as_deref());
    w.strs(&i.labels);
    w.opt_str(i.body.as_deref());
    w.ts(i.started_at);
    w.opt_ts(i.resolved_at);
    w.opt_str(i.url.as_deref());
}

fn read_incident(r: &mut Reader<'_>) -> Result<Incident, DecodeError> {
    Ok(Incident {
        id: r.str()?,
        source: r.str()?,
        services: r.strs()?,
        title: r.str()?,
        severity: r.opt_str()?,
        labels: r.strs()?,
        body: r.opt_str()?,
        started_at: r.ts()?,
        resolved_at: r.opt_ts()?,
        url: r.opt_str()?,
    })
}

pub(super) fn unknown(what: &str, tag: u8) -> DecodeError {
    DecodeError::new(format!("{tag} is not a known {what}"))
}
