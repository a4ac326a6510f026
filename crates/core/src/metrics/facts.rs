//! The metric facts: what the history knows about each deployment, incident, pipeline run and
//! pull request beyond the events themselves, and the `History` that holds them with the events.
//!
//! This is the one module the rule files share: each rule (`failure_rate.rs`, `rework_rate.rs`,
//! `attribution.rs`, ...) reads and writes these facts, and `History::derive` (`history.rs`)
//! runs the rules in order. Nothing here depends on a rule, so the rules depend on the facts,
//! the derivation on the rules, and nothing points back. The facts are per item, with
//! per-service indices (`ServiceFacts`) and per-service rows (`rows.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::links::Mentions;
use super::rows::ServiceRows;
use super::rules::Rules;
use crate::model::{EventSet, Timestamp};

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
    pub(crate) fn new(kind: ReasonKind, reference: impl Into<String>) -> Self {
        Reason {
            kind,
            reference: reference.into(),
        }
    }
}

/// Adds a reason unless the same one is already there.
pub(crate) fn push_reason(reasons: &mut Vec<Reason>, reason: Reason) {
    if !reasons.contains(&reason) {
        reasons.push(reason);
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploymentFacts {
    /// A successful production deployment, counted in DORA measures.
    pub(crate) counted: bool,
    pub(crate) service: u32,
    /// The first counted deployment of its service: its commits are not counted.
    pub baseline: bool,
    /// Local calendar day of finished_at (days from the common era).
    pub local_day: i32,
    /// Non-merge shipped commits.
    pub changes: u32,
    /// This deployment's lead times (seconds) in its service's `ServiceFacts::lead`; empty for
    /// a baseline and for an uncounted deployment.
    pub(crate) lead_start: u32,
    pub(crate) lead_end: u32,
    pub failure_reasons: Vec<Reason>,
    pub rework_reasons: Vec<Reason>,
    /// When the failure was undone (see docs/METRICS.md#failed-deployment-recovery-time); None
    /// while unrecovered.
    pub recovered_at: Option<Timestamp>,
    /// finished_at of the first rollback or revert deployment that undid this one.
    pub(crate) undone_at: Option<Timestamp>,
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
///
/// A service's facts depend only on its own events, except for incidents that name another
/// service's deployment (indexed in `links::Mentions`): that is what lets `History::apply`
/// derive again only the services new events touch.
#[derive(Debug, Clone, Default)]
pub struct ServiceFacts {
    pub name: String,
    pub team: Option<String>,
    /// Counted deployments in deploy order (finished_at, then id bytewise).
    pub deployments: Vec<u32>,
    pub(crate) deployment_finished: Vec<Timestamp>,
    /// Lead times (seconds, clamped at 0) of the counted deployments in deploy order; each
    /// deployment's are `lead[lead_start..lead_end]` of its facts.
    pub(crate) lead: Vec<i64>,
    /// Every deployment of the service, counted or not, in index order.
    pub(crate) members: Vec<u32>,
    /// Pipeline runs by created_at (then index).
    pub(crate) runs: Vec<u32>,
    /// Merged pull requests by merged_at.
    pub(crate) merged_prs: Vec<u32>,
    /// Every pull request, for work in progress (index order).
    pub(crate) prs: Vec<u32>,
    /// The incidents naming the service, in index order.
    pub(crate) incidents: Vec<u32>,
    /// The incidents attributed to one of its deployments, in index order.
    pub(crate) attributed: Vec<u32>,
    /// Where the service stands in the order services are first seen (see `history.rs`).
    pub(crate) seen: (u8, u32),
    /// Its deployments and runs by id, name and sha, built when `History::apply` first needs
    /// them and dropped when the service is derived again.
    pub(crate) lookup: Option<Box<super::lookup::ServiceLookup>>,
}

/// What the history knows about one pull request (parallel to `events.pull_requests`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PrFacts {
    /// The author matches `exclude_authors`.
    pub excluded: bool,
    /// The counted deployment that shipped the merge sha.
    pub deployment: Option<u32>,
    pub deployed_at: Option<Timestamp>,
}

/// The events and every fact about them that does not depend on the window. Derived once per
/// data change (`History::derive`); each window and scope is then a cheap selection over it
/// (see `compute`).
#[derive(Debug, Clone)]
pub struct History {
    /// Shared, so the screen and a report can hold the same events without copying them.
    pub events: Arc<EventSet>,
    pub rules: Rules,
    pub deployments: Vec<DeploymentFacts>,
    pub services: Vec<ServiceFacts>,
    pub(crate) service_index: HashMap<String, u32>,
    /// Per incident: the deployments it is attributed to (at most one per service).
    pub attributions: Vec<Vec<Attribution>>,
    /// Per incident: its services as indices.
    pub(crate) incident_services: Vec<Vec<u32>>,
    pub prs: Vec<PrFacts>,
    /// Per service, what aggregation reads (see `rows`).
    pub(crate) rows: Vec<ServiceRows>,
    /// Every incident by start time, for scopes that cover everything.
    pub(crate) all_incidents: ServiceRows,
    /// What every incident names (shas, names, ids), indexed both ways: the links across
    /// services, looked up instead of rescanning every deployment.
    pub(crate) mentions: Mentions,
}

impl History {
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
        let Some(facts) = self.deployments.get(deployment as usize) else {
            return &[];
        };
        self.services
            .get(facts.service as usize)
            .and_then(|s| {
                s.lead
                    .get(facts.lead_start as usize..facts.lead_end as usize)
            })
            .unwrap_or(&[])
    }

    /// Whether deployment `a` comes before `b` in deploy order (finished_at, then id bytewise;
    /// docs/METRICS.md#deployments-and-their-order).
    pub(crate) fn deployed_before(&self, a: u32, b: u32) -> bool {
        let (a, b) = (
            &self.events.deployments[a as usize],
            &self.events.deployments[b as usize],
        );
        (a.finished_at, a.id.as_bytes()) < (b.finished_at, b.id.as_bytes())
    }
}
