//! Compact per-service rows in time order: what `compute` reads for every window and scope.
//!
//! The derived facts (`DeploymentFacts`, `RunFacts`, `PrFacts`) keep everything drill-down needs;
//! these rows keep only the numbers aggregation needs, contiguous and in time order, so that a
//! window is a binary search and a scope is a handful of slices. A service's lead times are
//! stored in deploy order too, so the lead times of a window are one contiguous range.

use super::history::{History, RunClass};

/// Seconds that are unknown (a run that never started, an open incident).
pub const NONE: u32 = u32::MAX;

/// Clamps seconds into the row's u32 (136 years), negative to 0.
fn seconds(s: i64) -> u32 {
    s.clamp(0, i64::from(NONE - 1)) as u32
}

pub const BASELINE: u8 = 1;
pub const FAILED: u8 = 2;
pub const REWORK: u8 = 4;
pub const RECOVERED: u8 = 8;

#[derive(Debug, Clone, Copy, Default)]
pub struct DeployRow {
    pub local_day: i32,
    pub changes: u32,
    /// This deployment's lead times in `ServiceRows::lead`.
    pub lead_start: u32,
    pub lead_end: u32,
    pub recovery_seconds: u32,
    pub flags: u8,
}

#[derive(Debug, Clone, Copy)]
pub struct RunRow {
    pub class: RunClass,
    pub duration_seconds: u32,
    pub queue_seconds: u32,
}

/// A merged pull request whose author is not excluded; parts of its cycle time in seconds.
#[derive(Debug, Clone, Copy)]
pub struct MergedRow {
    pub cycle: u32,
    pub coding: u32,
    pub pickup: u32,
    pub review: u32,
    pub deploy: u32,
}

/// A pull request whose author is not excluded, for work in progress.
#[derive(Debug, Clone, Copy)]
pub struct OpenRow {
    pub created: i64,
    /// When it was merged or closed, whichever came first; i64::MAX while open.
    pub ended: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct IncidentRow {
    pub incident: u32,
    /// started → resolved, NONE while open.
    pub duration_seconds: u32,
    /// It names more than one service, so a team or total must count it once.
    pub shared: bool,
}

/// Times are nanoseconds since the epoch (exact, and cheap to compare).
#[derive(Debug, Clone, Default)]
pub struct ServiceRows {
    pub deploy_time: Vec<i64>,
    pub deploys: Vec<DeployRow>,
    pub lead: Vec<u32>,
    pub run_time: Vec<i64>,
    pub runs: Vec<RunRow>,
    pub merged_time: Vec<i64>,
    pub merged: Vec<MergedRow>,
    pub open: Vec<OpenRow>,
    pub incident_time: Vec<i64>,
    pub incidents: Vec<IncidentRow>,
}

/// Nanoseconds since the epoch, saturating outside 1677-2262.
pub fn nanos(t: crate::model::Timestamp) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

fn between(from: Option<crate::model::Timestamp>, to: Option<crate::model::Timestamp>) -> u32 {
    match (from, to) {
        (Some(from), Some(to)) => seconds((to - from).num_seconds()),
        _ => NONE,
    }
}

/// Builds the rows of every service, and of all incidents for the total.
pub fn build(history: &History) -> (Vec<ServiceRows>, ServiceRows) {
    let events = &history.events;
    let mut rows: Vec<ServiceRows> = vec![ServiceRows::default(); history.services.len()];
    for (service, out) in history.services.iter().zip(rows.iter_mut()) {
        out.deploy_time.reserve(service.deployments.len());
        out.deploys.reserve(service.deployments.len());
        for &d in &service.deployments {
            let deployment = &events.deployments[d as usize];
            let facts = &history.deployments[d as usize];
            let lead = history.lead_times(d);
            let lead_start = out.lead.len() as u32;
            out.lead.extend(lead.iter().map(|&s| seconds(s)));
            let mut flags = 0;
            if facts.baseline {
                flags |= BASELINE;
            }
            if facts.failed() {
                flags |= FAILED;
            }
            if facts.rework() {
                flags |= REWORK;
            }
            let recovery_seconds = match facts.recovered_at {
                Some(recovered) => {
                    flags |= RECOVERED;
                    seconds((recovered - deployment.finished_at).num_seconds())
                }
                None => NONE,
            };
            out.deploy_time.push(nanos(deployment.finished_at));
            out.deploys.push(DeployRow {
                local_day: facts.local_day,
                changes: facts.changes,
                lead_start,
                lead_end: out.lead.len() as u32,
                recovery_seconds,
                flags,
            });
        }
        for &r in &service.runs {
            let run = &events.pipeline_runs[r as usize];
            let facts = &history.runs[r as usize];
            out.run_time.push(nanos(run.created_at));
            out.runs.push(RunRow {
                class: facts.class,
                duration_seconds: facts.duration_seconds.map_or(NONE, seconds),
                queue_seconds: facts.queue_seconds.map_or(NONE, seconds),
            });
        }
        for &p in &service.merged_prs {
            let facts = &history.prs[p as usize];
            if facts.excluded {
                continue;
            }
            let pr = &events.pull_requests[p as usize];
            let Some(merged_at) = pr.merged_at else {
                continue;
            };
            let opened = Some(pr.created_at);
            out.merged_time.push(nanos(merged_at));
            out.merged.push(MergedRow {
                // A PR without a known first commit starts when it was opened.
                cycle: between(pr.first_commit_at.or(opened), facts.deployed_at),
                coding: between(pr.first_commit_at, opened),
                pickup: between(opened, pr.first_review_at),
                review: between(pr.first_review_at, pr.merged_at),
                deploy: between(pr.merged_at, facts.deployed_at),
            });
        }
        for &p in &service.prs {
            if history.prs[p as usize].excluded {
                continue;
            }
            let pr = &events.pull_requests[p as usize];
            let ended = [pr.merged_at, pr.closed_at].into_iter().flatten().min();
            out.open.push(OpenRow {
                created: nanos(pr.created_at),
                ended: ended.map_or(i64::MAX, nanos),
            });
        }
    }

    // Incidents by start time, per service and for everything.
    let mut order: Vec<u32> = (0..events.incidents.len() as u32).collect();
    order.sort_by_key(|&i| events.incidents[i as usize].started_at);
    let mut all = ServiceRows::default();
    for &i in &order {
        let incident = &events.incidents[i as usize];
        let services = &history.incident_services[i as usize];
        let row = IncidentRow {
            incident: i,
            duration_seconds: incident.resolved_at.map_or(NONE, |resolved| {
                seconds((resolved - incident.started_at).num_seconds())
            }),
            shared: services.len() > 1,
        };
        let time = nanos(incident.started_at);
        for &s in services {
            rows[s as usize].incident_time.push(time);
            rows[s as usize].incidents.push(row);
        }
        all.incident_time.push(time);
        all.incidents.push(row);
    }
    (rows, all)
}
