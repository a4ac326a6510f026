//! Writing model events as `flowdeck.events/v1` lines: every field the model has, so that
//! reading the lines back gives the same events (the export/ingest round trip).

use std::io::Write;

use serde::Serialize;

use crate::model::{Deployment, EventSet, Incident, PipelineRun, PullRequest, Service};

/// One line's object: the event's own fields after its `type`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Out<'a> {
    Service(&'a Service),
    Deployment(&'a Deployment),
    Incident(&'a Incident),
    PipelineRun(&'a PipelineRun),
    PullRequest(&'a PullRequest),
}

/// Writes one event as one line (with its `\n`).
fn line(out: &mut impl Write, event: &Out<'_>) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, event).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes every event of `events`: services first (so a reader knows the teams before the
/// rest), then deployments, pull requests, runs and incidents, each in the order given.
pub fn write_events(out: &mut impl Write, events: &EventSet) -> std::io::Result<()> {
    for s in &events.services {
        line(out, &Out::Service(s))?;
    }
    for d in &events.deployments {
        line(out, &Out::Deployment(d))?;
    }
    for p in &events.pull_requests {
        line(out, &Out::PullRequest(p))?;
    }
    for r in &events.pipeline_runs {
        line(out, &Out::PipelineRun(r))?;
    }
    for i in &events.incidents {
        line(out, &Out::Incident(i))?;
    }
    Ok(())
}
