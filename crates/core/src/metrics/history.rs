//! The delivery history: the event set plus every fact about it that does not depend on the
//! window (deploy order, baselines, lead times, failures and their reasons, rework, recovery,
//! incident attribution). Derived once per data change; each window and scope is then a cheap
//! selection over it (see `compute`).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::rows::{self, ServiceRows};
use super::rules::Rules;
use super::window::DayIndexer;
use super::{attribution, failures, rework, shipped};
use crate::model::{EventSet, RunConclusion, RunStatus, Timestamp};

/// Why a deployment failed or is rework: `{kind, ref}` in reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// What the reason points at: an incident id, a deployment id, a commit sha, a PR ("#12")
    /// or a ref name.
    #[serde(rename = "ref")]
    pub reference: String,
}

impl Reason {
    pub fn new(kind: ReasonKind, reference: impl Into<String>) -> Self {
        Reason {
            kind,
            reference: reference.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// (a) an incident names the deployment (sha, tag, `deployment:<id>`).
    IncidentLink,
    /// (b) an incident of its service started within the attribution window.
    IncidentWindow,
    /// (c) rolled back (failure), or is the rollback (rework).
    Rollback,
    /// (d) one of its commits was reverted later (failure), or it ships the revert (rework).
    Revert,
    /// Rework: a change or ref matching `hotfix_pattern`.
    Hotfix,
    /// Rework: finished while an incident of its service was open.
    DuringIncident,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::IncidentLink => "incident_link",
            ReasonKind::IncidentWindow => "incident_window",
            ReasonKind::Rollback => "rollback",
            ReasonKind::Revert => "revert",
            ReasonKind::Hotfix => "hotfix",
            ReasonKind::DuringIncident => "during_incident",
        }
    }
}

/// What the history knows about one deployment (parallel to `events.deployments`).
#[derive(Debug, Clone, Default)]
pub struct DeploymentFacts {
    /// A successful production deployment, counted in DORA measures.
    pub counted: bool,
    pub service: u32,
    /// The first counted deployment of its service: its commits are not counted.
    pub baseline: bool,
    /// Local calendar day of finished_at (days from the common era).
    pub local_day: i32,
    /// Non-merge shipped commits.
    pub changes: u32,
    /// This deployment's lead times (seconds) in `History::lead_seconds`; empty for a baseline.
    pub lead_start: u32,
    pub lead_end: u32,
    pub failure_reasons: Vec<Reason>,
    pub rework_reasons: Vec<Reason>,
    /// When the failure was undone (see docs/METRICS.md#failed-deployment-recovery-time); None while unrecovered.
    pub recovered_at: Option<Timestamp>,
    /// finished_at of the first rollback or revert deployment that undid this one.
    pub undone_at: Option<Timestamp>,
}

impl DeploymentFacts {
    pub fn failed(&self) -> bool {
        !self.failure_reasons.is_empty()
    }

    pub fn rework(&self) -> bool {
        !self.rework_reasons.is_empty()
    }
}

/// One incident blamed on one deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// Index into `events.deployments`.
    #[serde(skip)]
    pub deployment: u32,
    pub deployment_id: String,
    /// `incident_link` or `incident_window`.
    pub reason: ReasonKind,
    /// In words: what named the deployment, or how long after it the incident started.
    pub explanation: String,
}

/// Per-service indices, everything in time order for binary search by window.
#[derive(Debug, Clone, Default)]
pub struct ServiceFacts {
    pub name: String,
    pub team: Option<String>,
    /// Counted deployments in deploy order (finished_at, then id bytewise).
    pub deployments: Vec<u32>,
    pub deployment_finished: Vec<Timestamp>,
    /// Pipeline runs by created_at.
    pub runs: Vec<u32>,
    pub run_created: Vec<Timestamp>,
    /// Merged pull requests by merged_at.
    pub merged_prs: Vec<u32>,
    pub pr_merged: Vec<Timestamp>,
    /// Every pull request, for work in progress.
    pub prs: Vec<u32>,
}

/// How a pipeline run counts in CI health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunClass {
    Success,
    Failure,
    /// Cancelled, skipped, neutral, still running: outside the success rate.
    Excluded,
}

#[derive(Debug, Clone, Copy)]
pub struct RunFacts {
    pub class: RunClass,
    pub duration_seconds: Option<i64>,
    pub queue_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct PrFacts {
    /// The author matches `exclude_authors`.
    pub excluded: bool,
    /// The counted deployment that shipped the merge sha.
    pub deployment: Option<u32>,
    pub deployed_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct History {
    /// Shared, so the screen and a report can hold the same events without copying them.
    pub events: Arc<EventSet>,
    pub rules: Rules,
    pub deployments: Vec<DeploymentFacts>,
    pub services: Vec<ServiceFacts>,
    pub service_index: HashMap<String, u32>,
    /// Lead times of every non-baseline counted deployment, seconds, clamped at 0.
    pub lead_seconds: Vec<i64>,
    /// Per incident: the deployments it is attributed to (at most one per service).
    pub attributions: Vec<Vec<Attribution>>,
    /// Per incident: its services as indices.
    pub incident_services: Vec<Vec<u32>>,
    pub runs: Vec<RunFacts>,
    pub prs: Vec<PrFacts>,
    /// Per service, what aggregation reads (see `rows`).
    pub rows: Vec<ServiceRows>,
    /// Every incident by start time, for scopes that cover everything.
    pub all_incidents: ServiceRows,
}

impl History {
    /// Derives every window-independent fact from the events.
    pub fn derive(events: impl Into<Arc<EventSet>>, rules: Rules) -> History {
        let events: Arc<EventSet> = events.into();
        let mut history = History {
            deployments: vec![DeploymentFacts::default(); events.deployments.len()],
            services: Vec::new(),
            service_index: HashMap::new(),
            lead_seconds: Vec::new(),
            attributions: vec![Vec::new(); events.incidents.len()],
            incident_services: Vec::with_capacity(events.incidents.len()),
            runs: Vec::with_capacity(events.pipeline_runs.len()),
            prs: vec![PrFacts::default(); events.pull_requests.len()],
            rows: Vec::new(),
            all_incidents: ServiceRows::default(),
            events,
            rules,
        };
        history.index_services();
        history.order_deployments();
        history.compute_lead_times();
        history.index_runs();
        history.index_pull_requests();
        let shippers = shipped::find_shippers(&history);
        failures::mark_rollbacks(&mut history);
        failures::mark_reverts(&mut history, &shippers);
        history.link_pull_requests(&shippers);
        attribution::attribute_incidents(&mut history);
        failures::mark_recoveries(&mut history);
        rework::mark_hotfixes(&mut history);
        rework::mark_deployments_during_incidents(&mut history);
        let (rows, all_incidents) = rows::build(&history);
        history.rows = rows;
        history.all_incidents = all_incidents;
        history
    }

    /// The index of a service by name, adding it when first seen.
    fn service_id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.service_index.get(name) {
            return *id;
        }
        let id = self.services.len() as u32;
        self.services.push(ServiceFacts {
            name: name.to_string(),
            team: self.events.team_of(name).map(str::to_string),
            ..ServiceFacts::default()
        });
        self.service_index.insert(name.to_string(), id);
        id
    }

    fn index_services(&mut self) {
        let names: Vec<String> = self
            .events
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect();
        for name in names {
            self.service_id(&name);
        }
        for i in 0..self.events.deployments.len() {
            let name = self.events.deployments[i].service.clone();
            let id = self.service_id(&name);
            let counted = self.events.deployments[i].counts();
            let facts = &mut self.deployments[i];
            facts.service = id;
            facts.counted = counted;
        }
        for i in 0..self.events.incidents.len() {
            let names = self.events.incidents[i].services.clone();
            let mut ids: Vec<u32> = names.iter().map(|n| self.service_id(n)).collect();
            ids.sort_unstable();
            ids.dedup();
            self.incident_services.push(ids);
        }
    }

    /// Deploy order per service: finished_at, then id bytewise. The first is the baseline.
    fn order_deployments(&mut self) {
        let deployments = &self.events.deployments;
        for (i, facts) in self.deployments.iter().enumerate() {
            if facts.counted {
                self.services[facts.service as usize]
                    .deployments
                    .push(i as u32);
            }
        }
        let mut days = DayIndexer::new(self.rules.timezone);
        for service in &mut self.services {
            service.deployments.sort_by(|&a, &b| {
                let (a, b) = (&deployments[a as usize], &deployments[b as usize]);
                a.finished_at
                    .cmp(&b.finished_at)
                    .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
            });
            service.deployment_finished = service
                .deployments
                .iter()
                .map(|&d| deployments[d as usize].finished_at)
                .collect();
            if let Some(&first) = service.deployments.first() {
                self.deployments[first as usize].baseline = true;
            }
            for (&d, &finished) in service.deployments.iter().zip(&service.deployment_finished) {
                self.deployments[d as usize].local_day = days.day(finished);
            }
        }
    }

    /// Lead time of each change of a non-baseline deployment: finished_at − authored_at
    /// (or committed_at), clamped at 0; merges are not changes.
    fn compute_lead_times(&mut self) {
        let total: usize = self
            .events
            .deployments
            .iter()
            .map(|d| d.changes.len())
            .sum();
        self.lead_seconds.reserve(total);
        for (deployment, facts) in self.events.deployments.iter().zip(&mut self.deployments) {
            facts.changes = deployment.changes.iter().filter(|c| !c.merge).count() as u32;
            facts.lead_start = self.lead_seconds.len() as u32;
            if facts.counted && !facts.baseline {
                let committed = self
                    .rules
                    .committed_time_services
                    .contains(&deployment.service);
                let finished = deployment.finished_at.timestamp();
                self.lead_seconds
                    .extend(deployment.changes.iter().filter(|c| !c.merge).map(|c| {
                        let start = if committed {
                            c.committed_at
                        } else {
                            c.authored_at
                        };
                        (finished - start.timestamp()).max(0)
                    }));
            }
            facts.lead_end = self.lead_seconds.len() as u32;
        }
    }

    fn index_runs(&mut self) {
        for i in 0..self.events.pipeline_runs.len() {
            let name = self.events.pipeline_runs[i].service.clone();
            let service = self.service_id(&name);
            let run = &self.events.pipeline_runs[i];
            let class = match (run.status, run.conclusion) {
                (RunStatus::Completed, Some(RunConclusion::Success)) => RunClass::Success,
                (
                    RunStatus::Completed,
                    Some(
                        RunConclusion::Failure
                        | RunConclusion::TimedOut
                        | RunConclusion::StartupFailure,
                    ),
                ) => RunClass::Failure,
                _ => RunClass::Excluded,
            };
            let duration_seconds = match (class, run.started_at, run.finished_at) {
                (RunClass::Success | RunClass::Failure, Some(start), Some(end)) => {
                    Some((end - start).num_seconds().max(0))
                }
                _ => None,
            };
            let queue_seconds = run
                .started_at
                .map(|start| (start - run.created_at).num_seconds().max(0));
            self.runs.push(RunFacts {
                class,
                duration_seconds,
                queue_seconds,
            });
            self.services[service as usize].runs.push(i as u32);
        }
        let runs = &self.events.pipeline_runs;
        for service in &mut self.services {
            service.runs.sort_by_key(|&r| runs[r as usize].created_at);
            service.run_created = service
                .runs
                .iter()
                .map(|&r| runs[r as usize].created_at)
                .collect();
        }
    }

    fn index_pull_requests(&mut self) {
        for i in 0..self.events.pull_requests.len() {
            let name = self.events.pull_requests[i].service.clone();
            let service = self.service_id(&name);
            let pr = &self.events.pull_requests[i];
            self.prs[i].excluded = self.rules.author_excluded(&pr.author);
            let facts = &mut self.services[service as usize];
            facts.prs.push(i as u32);
            if pr.merged_at.is_some() {
                facts.merged_prs.push(i as u32);
            }
        }
        let prs = &self.events.pull_requests;
        for service in &mut self.services {
            service
                .merged_prs
                .sort_by_key(|&p| prs[p as usize].merged_at);
            service.pr_merged = service
                .merged_prs
                .iter()
                .filter_map(|&p| prs[p as usize].merged_at)
                .collect();
        }
    }

    /// The deploy part of PR cycle time: the counted deployment that shipped the merge sha.
    fn link_pull_requests(&mut self, shippers: &shipped::Shippers) {
        for (i, facts) in self.prs.iter_mut().enumerate() {
            if let Some(d) = shippers.pr_merge[i] {
                facts.deployment = Some(d);
                facts.deployed_at = Some(self.events.deployments[d as usize].finished_at);
            }
        }
    }

    /// The service index of a name, if known.
    pub fn service(&self, name: &str) -> Option<u32> {
        self.service_index.get(name).copied()
    }

    /// Team names in first-seen order, each with its service indices.
    pub fn teams(&self) -> Vec<(String, Vec<u32>)> {
        let mut teams: Vec<(String, Vec<u32>)> = Vec::new();
        for (i, service) in self.services.iter().enumerate() {
            let Some(team) = &service.team else { continue };
            match teams.iter_mut().find(|(name, _)| name == team) {
                Some((_, members)) => members.push(i as u32),
                None => teams.push((team.clone(), vec![i as u32])),
            }
        }
        teams
    }

    /// Lead times of one deployment, seconds.
    pub fn lead_times(&self, deployment: u32) -> &[i64] {
        let facts = &self.deployments[deployment as usize];
        &self.lead_seconds[facts.lead_start as usize..facts.lead_end as usize]
    }

    /// The position of a counted deployment in its service's deploy order.
    pub fn position(&self, deployment: u32) -> Option<usize> {
        let facts = self.deployments.get(deployment as usize)?;
        let service = self.services.get(facts.service as usize)?;
        let finished = self.events.deployments[deployment as usize].finished_at;
        let start = service
            .deployment_finished
            .partition_point(|t| *t < finished);
        service.deployments[start..]
            .iter()
            .position(|&d| d == deployment)
            .map(|p| p + start)
    }
}
