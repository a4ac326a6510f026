//! The derived history in the compact binary form (`crate::bytes`), so a warm start reads it
//! back instead of loading and deriving the events again (the binary's derived-history cache).
//!
//! Everything `History::derive` computed is written; what is cheap to rebuild and keyed by
//! hashing (the service index, the incidents' mentions) is rebuilt, and the lookups
//! `History::apply` builds on demand start empty, as after a derivation. The rules are not
//! written: the caller gives the rules the history was derived with (the cache's key holds
//! their fingerprint). Reading checks every index against what it points into, so even bytes
//! that decode cleanly but do not describe a history are refused rather than panicking later.

use std::sync::Arc;

use super::facts::{
    Attribution, DeploymentFacts, History, PrFacts, Reason, ReasonKind, ServiceFacts,
};
use super::history::service_index;
use super::links::Mentions;
use super::rows::{DeployRow, IncidentRow, MergedRow, OpenRow, RunClass, RunRow, ServiceRows};
use super::rules::Rules;
use crate::bytes::{DecodeError, Reader, Writer, read_events, write_events};

const REASONS: [ReasonKind; 6] = [
    ReasonKind::IncidentLink,
    ReasonKind::IncidentWindow,
    ReasonKind::Rollback,
    ReasonKind::Revert,
    ReasonKind::Hotfix,
    ReasonKind::DuringIncident,
];

impl History {
    /// Appends the history (events and facts) to `w`.
    pub fn write_to(&self, w: &mut Writer) {
        let History {
            events,
            rules: _,
            deployments,
            services,
            service_index: _,
            attributions,
            incident_services,
            prs,
            rows,
            all_incidents,
            mentions: _,
        } = self;
        write_events(w, events);
        w.count(deployments.len());
        for d in deployments {
            write_deployment(w, d);
        }
        w.count(services.len());
        for s in services {
            write_service(w, s);
        }
        w.count(attributions.len());
        for list in attributions {
            w.count(list.len());
            for a in list {
                w.u32(a.deployment);
                w.str(&a.deployment_id);
                w.u8(reason_tag(a.reason));
                w.str(&a.explanation);
            }
        }
        w.count(incident_services.len());
        for list in incident_services {
            w.u32s(list);
        }
        w.count(prs.len());
        for p in prs {
            w.bool(p.excluded);
            write_opt_u32(w, p.deployment);
            w.opt_ts(p.deployed_at);
        }
        w.count(rows.len());
        for r in rows {
            write_rows(w, r);
        }
        write_rows(w, all_incidents);
    }

    /// Reads back what [`History::write_to`] wrote, with the rules it was derived with.
    pub fn read_from(r: &mut Reader<'_>, rules: Rules) -> Result<History, DecodeError> {
        let events = Arc::new(read_events(r)?);
        let deployments = r.vec(40, read_deployment)?;
        let services = r.vec(80, read_service)?;
        let attributions = r.vec(8, |r| {
            r.vec(21, |r| {
                Ok(Attribution {
                    deployment: r.u32()?,
                    deployment_id: r.str()?,
                    reason: read_reason_kind(r)?,
                    explanation: r.str()?,
                })
            })
        })?;
        let incident_services = r.vec(8, Reader::u32s)?;
        let prs = r.vec(3, |r| {
            Ok(PrFacts {
                excluded: r.bool()?,
                deployment: read_opt_u32(r)?,
                deployed_at: r.opt_ts()?,
            })
        })?;
        let rows = r.vec(80, read_rows)?;
        let all_incidents = read_rows(r)?;
        if !r.is_done() {
            return Err(DecodeError::new("bytes follow the history"));
        }
        let history = History {
            service_index: service_index(&services),
            mentions: Mentions::build(&events.incidents),
            events,
            rules,
            deployments,
            services,
            attributions,
            incident_services,
            prs,
            rows,
            all_incidents,
        };
        check(&history)?;
        Ok(history)
    }
}

fn write_opt_u32(w: &mut Writer, v: Option<u32>) {
    match v {
        Some(v) => {
            w.u8(1);
            w.u32(v);
        }
        None => w.u8(0),
    }
}

fn read_opt_u32(r: &mut Reader<'_>) -> Result<Option<u32>, DecodeError> {
    match r.u8()? {
        0 => Ok(None),
        1 => r.u32().map(Some),
        other => Err(DecodeError::new(format!("{other} is not an option tag"))),
    }
}

fn reason_tag(kind: ReasonKind) -> u8 {
    REASONS.iter().position(|&k| k == kind).unwrap_or(0) as u8
}

fn read_reason_kind(r: &mut Reader<'_>) -> Result<ReasonKind, DecodeError> {
    let tag = r.u8()?;
    REASONS
        .get(usize::from(tag))
        .copied()
        .ok_or_else(|| DecodeError::new(format!("{tag} is not a known reason")))
}

fn write_reasons(w: &mut Writer, reasons: &[Reason]) {
    w.count(reasons.len());
    for reason in reasons {
        w.u8(reason_tag(reason.kind));
        w.str(&reason.reference);
    }
}

fn read_reasons(r: &mut Reader<'_>) -> Result<Vec<Reason>, DecodeError> {
    r.vec(9, |r| {
        Ok(Reason {
            kind: read_reason_kind(r)?,
            reference: r.str()?,
        })
    })
}

fn write_deployment(w: &mut Writer, d: &DeploymentFacts) {
    let DeploymentFacts {
        counted,
        service,
        baseline,
        local_day,
        changes,
        lead_start,
        lead_end,
        failure_reasons,
        rework_reasons,
        recovered_at,
        undone_at,
    } = d;
    w.bool(*counted);
    w.u32(*service);
    w.bool(*baseline);
    w.i32(*local_day);
    w.u32(*changes);
    w.u32(*lead_start);
    w.u32(*lead_end);
    write_reasons(w, failure_reasons);
    write_reasons(w, rework_reasons);
    w.opt_ts(*recovered_at);
    w.opt_ts(*undone_at);
}

fn read_deployment(r: &mut Reader<'_>) -> Result<DeploymentFacts, DecodeError> {
    Ok(DeploymentFacts {
        counted: r.bool()?,
        service: r.u32()?,
        baseline: r.bool()?,
        local_day: r.i32()?,
        changes: r.u32()?,
        lead_start: r.u32()?,
        lead_end: r.u32()?,
        failure_reasons: read_reasons(r)?,
        rework_reasons: read_reasons(r)?,
        recovered_at: r.opt_ts()?,
        undone_at: r.opt_ts()?,
    })
}

fn write_service(w: &mut Writer, s: &ServiceFacts) {
    let ServiceFacts {
        name,
        team,
        deployments,
        deployment_finished,
        lead,
        members,
        runs,
        merged_prs,
        prs,
        incidents,
        attributed,
        seen,
        lookup: _,
    } = s;
    w.str(name);
    w.opt_str(team.as_deref());
    w.u32s(deployments);
    w.count(deployment_finished.len());
    for &t in deployment_finished {
        w.ts(t);
    }
    w.i64s(lead);
    w.u32s(members);
    w.u32s(runs);
    w.u32s(merged_prs);
    w.u32s(prs);
    w.u32s(incidents);
    w.u32s(attributed);
    w.u8(seen.0);
    w.u32(seen.1);
}

fn read_service(r: &mut Reader<'_>) -> Result<ServiceFacts, DecodeError> {
    Ok(ServiceFacts {
        name: r.str()?,
        team: r.opt_str()?,
        deployments: r.u32s()?,
        deployment_finished: r.vec(12, Reader::ts)?,
        lead: r.i64s()?,
        members: r.u32s()?,
        runs: r.u32s()?,
        merged_prs: r.u32s()?,
        prs: r.u32s()?,
        incidents: r.u32s()?,
        attributed: r.u32s()?,
        seen: (r.u8()?, r.u32()?),
        lookup: None,
    })
}

fn write_rows(w: &mut Writer, rows: &ServiceRows) {
    let ServiceRows {
        deploy_time,
        deploys,
        lead,
        run_time,
        runs,
        merged_time,
        merged,
        open,
        incident_time,
        incidents,
    } = rows;
    w.i64s(deploy_time);
    w.count(deploys.len());
    for d in deploys {
        w.i32(d.local_day);
        w.u32(d.changes);
        w.u32(d.lead_start);
        w.u32(d.lead_end);
        w.u32(d.recovery_seconds);
        w.u8(d.flags);
    }
    w.u32s(lead);
    w.i64s(run_time);
    w.count(runs.len());
    for run in runs {
        w.u8(match run.class {
            RunClass::Success => 0,
            RunClass::Failure => 1,
            RunClass::Excluded => 2,
        });
        w.u32(run.duration_seconds);
        w.u32(run.queue_seconds);
    }
    w.i64s(merged_time);
    w.count(merged.len());
    for m in merged {
        w.u32(m.cycle);
        w.u32(m.coding);
        w.u32(m.pickup);
        w.u32(m.review);
        w.u32(m.deploy);
    }
    w.count(open.len());
    for o in open {
        w.i64(o.created);
        w.i64(o.ended);
    }
    w.i64s(incident_time);
    w.count(incidents.len());
    for i in incidents {
        w.u32(i.incident);
        w.u32(i.duration_seconds);
        w.bool(i.shared);
    }
}

fn read_rows(r: &mut Reader<'_>) -> Result<ServiceRows, DecodeError> {
    Ok(ServiceRows {
        deploy_time: r.i64s()?,
        deploys: r.vec(21, |r| {
            Ok(DeployRow {
                local_day: r.i32()?,
                changes: r.u32()?,
                lead_start: r.u32()?,
                lead_end: r.u32()?,
                recovery_seconds: r.u32()?,
                flags: r.u8()?,
            })
        })?,
        lead: r.u32s()?,
        run_time: r.i64s()?,
        runs: r.vec(9, |r| {
            Ok(RunRow {
                class: match r.u8()? {
                    0 => RunClass::Success,
                    1 => RunClass::Failure,
                    2 => RunClass::Excluded,
                    other => {
                        return Err(DecodeError::new(format!("{other} is not a run class")));
                    }
                },
                duration_seconds: r.u32()?,
                queue_seconds: r.u32()?,
            })
        })?,
        merged_time: r.i64s()?,
        merged: r.vec(20, |r| {
            Ok(MergedRow {
                cycle: r.u32()?,
                coding: r.u32()?,
                pickup: r.u32()?,
                review: r.u32()?,
                deploy: r.u32()?,
            })
        })?,
        open: r.vec(16, |r| {
            Ok(OpenRow {
                created: r.i64()?,
                ended: r.i64()?,
            })
        })?,
        incident_time: r.i64s()?,
        incidents: r.vec(9, |r| {
            Ok(IncidentRow {
                incident: r.u32()?,
                duration_seconds: r.u32()?,
                shared: r.bool()?,
            })
        })?,
    })
}

/// Every index points at something, and the tables parallel to the events are as long as
/// theirs: what the metric engine indexes without checking.
fn check(h: &History) -> Result<(), DecodeError> {
    let events = &h.events;
    let (deployments, prs, runs, incidents, services) = (
        events.deployments.len(),
        events.pull_requests.len(),
        events.pipeline_runs.len(),
        events.incidents.len(),
        h.services.len(),
    );
    let fail = |what: &str| {
        Err(DecodeError::new(format!(
            "{what} does not match the events"
        )))
    };
    let within = |list: &[u32], len: usize| list.iter().all(|&i| (i as usize) < len);
    if h.deployments.len() != deployments
        || h.prs.len() != prs
        || h.attributions.len() != incidents
        || h.incident_services.len() != incidents
        || h.rows.len() != services
    {
        return fail("a table's length");
    }
    for d in &h.deployments {
        if d.service as usize >= services || d.lead_start > d.lead_end {
            return fail("a deployment's facts");
        }
        let lead = h.services[d.service as usize].lead.len();
        if d.lead_end as usize > lead {
            return fail("a deployment's lead times");
        }
    }
    for s in &h.services {
        if !within(&s.deployments, deployments)
            || !within(&s.members, deployments)
            || s.deployment_finished.len() != s.deployments.len()
            || !within(&s.runs, runs)
            || !within(&s.merged_prs, prs)
            || !within(&s.prs, prs)
            || !within(&s.incidents, incidents)
            || !within(&s.attributed, incidents)
        {
            return fail("a service's facts");
        }
    }
    if h.prs
        .iter()
        .any(|p| p.deployment.is_some_and(|d| d as usize >= deployments))
        || h.attributions
            .iter()
            .flatten()
            .any(|a| a.deployment as usize >= deployments)
        || h.incident_services.iter().any(|s| !within(s, services))
    {
        return fail("an attribution or pull request");
    }
    for rows in h.rows.iter().chain([&h.all_incidents]) {
        if rows.deploy_time.len() != rows.deploys.len()
            || rows.run_time.len() != rows.runs.len()
            || rows.merged_time.len() != rows.merged.len()
            || rows.incident_time.len() != rows.incidents.len()
            || rows
                .incidents
                .iter()
                .any(|i| i.incident as usize >= incidents)
            || rows
                .deploys
                .iter()
                .any(|d| d.lead_start > d.lead_end || d.lead_end as usize > rows.lead.len())
        {
            return fail("a service's rows");
        }
    }
    Ok(())
}
