//! Deriving the history: every fact about the events that does not depend on the window (deploy
//! order, baselines, lead times, failures and their reasons, rework, recovery, incident
//! attribution), and the compact rows aggregation reads. Derived once per data change; each
//! window and scope is then a cheap selection over it (see `compute`). New events are folded in
//! by `History::apply` (`incremental.rs`), which derives again only the services they touch.
//!
//! The derivation runs in four steps:
//! 1. index: every event's service (services numbered in the order they are first seen:
//!    `events.services`, then deployments, incidents, runs, pull requests), and each service's
//!    deployments, runs, pull requests and incidents;
//! 2. draft every service on its own, in parallel (`draft.rs`: deploy order, lead times,
//!    rollbacks, reverts, hotfixes, which deployment shipped which pull request);
//! 3. attribute every incident (`attribution.rs`), the one rule that reads across services;
//! 4. the rules that follow from attribution (incident failures, recovery, deployments during
//!    incidents), then each service's rows, in parallel.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::draft::ServiceDraft;
use super::facts::{DeploymentFacts, History, PrFacts, ServiceFacts};
use super::links::{LinkTable, Mentions};
use super::quick_match::QuickMatch;
use super::rows::{
    BASELINE, DeployRow, FAILED, NONE, RECOVERED, REWORK, RunRow, ServiceRows, nanos, seconds,
};
use super::rules::Rules;
use super::{attribution, ci, parallel, pr_cycle, recovery, rework_rate, time_to_restore, wip};
use crate::model::{EventSet, Timestamp};

/// Kept reachable as `metrics::history::ReasonKind`, the path the dashboard imports it by; its
/// home is `facts`, and `metrics::ReasonKind` is the path to prefer.
pub use super::facts::ReasonKind;

/// A service not known yet while indexing in parallel.
const UNSEEN: u32 = u32::MAX;

/// Where a service stands in the order services are first seen: `(kind, first index)`, kind 0
/// for `events.services`, then 1 deployments, 2 incidents, 3 runs, 4 pull requests. Service
/// numbers follow this order, so the numbering never depends on how the history was built.
pub(crate) fn first_seen(events: &EventSet, service: &ServiceFacts) -> Option<(u8, u32)> {
    if let Some(at) = events.services.iter().position(|s| s.name == service.name) {
        return Some((0, at as u32));
    }
    if let Some(&d) = service.members.first() {
        return Some((1, d));
    }
    if let Some(&i) = service.incidents.first() {
        return Some((2, i));
    }
    if let Some(&r) = service.runs.iter().min() {
        return Some((3, r));
    }
    service.prs.first().map(|&p| (4, p))
}

/// A run ready to be put in its service's rows: created_at, index, row.
type RunEntry = (Timestamp, u32, RunRow);

/// Every event's service, and what each service has.
struct Index<'e> {
    names: Vec<&'e str>,
    seen: Vec<(u8, u32)>,
    members: Vec<Vec<u32>>,
    prs: Vec<Vec<u32>>,
    incidents: Vec<Vec<u32>>,
    runs: Vec<Vec<RunEntry>>,
    incident_services: Vec<Vec<u32>>,
}

impl<'e> Index<'e> {
    fn build(events: &'e EventSet) -> Index<'e> {
        let mut known: FxHashMap<&'e str, u32> = FxHashMap::default();
        let mut index = Index {
            names: Vec::new(),
            seen: Vec::new(),
            members: Vec::new(),
            prs: Vec::new(),
            incidents: Vec::new(),
            runs: Vec::new(),
            incident_services: Vec::with_capacity(events.incidents.len()),
        };
        for (at, service) in events.services.iter().enumerate() {
            index.service(&mut known, &service.name, (0, at as u32));
        }
        // The bulk of the lookups run in parallel against the declared services; a service
        // first seen in an event is numbered afterwards, in order.
        let lookup = |name: &str| known.get(name).copied().unwrap_or(UNSEEN);
        let mut deployment_service: Vec<u32> = parallel::map_chunks(&events.deployments, |chunk| {
            chunk.iter().map(|d| lookup(&d.service)).collect::<Vec<_>>()
        })
        .concat();
        let mut runs: Vec<(u32, RunRow)> = parallel::map_chunks(&events.pipeline_runs, |chunk| {
            chunk
                .iter()
                .map(|r| (lookup(&r.service), ci::row(r)))
                .collect::<Vec<_>>()
        })
        .concat();
        for (d, service) in deployment_service.iter_mut().enumerate() {
            if *service == UNSEEN {
                let name = &events.deployments[d].service;
                *service = index.service(&mut known, name, (1, d as u32));
            }
        }
        for (i, incident) in events.incidents.iter().enumerate() {
            let mut ids: Vec<u32> = incident
                .services
                .iter()
                .map(|name| index.service(&mut known, name, (2, i as u32)))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            index.incident_services.push(ids);
        }
        for (r, (service, _)) in runs.iter_mut().enumerate() {
            if *service == UNSEEN {
                let name = &events.pipeline_runs[r].service;
                *service = index.service(&mut known, name, (3, r as u32));
            }
        }
        let pr_service: Vec<u32> = events
            .pull_requests
            .iter()
            .enumerate()
            .map(|(p, pr)| index.service(&mut known, &pr.service, (4, p as u32)))
            .collect();

        for (d, &s) in deployment_service.iter().enumerate() {
            index.members[s as usize].push(d as u32);
        }
        for (i, services) in index.incident_services.iter().enumerate() {
            for &s in services {
                index.incidents[s as usize].push(i as u32);
            }
        }
        for (r, (s, row)) in runs.into_iter().enumerate() {
            let created = events.pipeline_runs[r].created_at;
            index.runs[s as usize].push((created, r as u32, row));
        }
        for (p, &s) in pr_service.iter().enumerate() {
            index.prs[s as usize].push(p as u32);
        }
        index
    }

    /// The number of a service, numbering it when first seen.
    fn service(
        &mut self,
        known: &mut FxHashMap<&'e str, u32>,
        name: &'e str,
        seen: (u8, u32),
    ) -> u32 {
        if let Some(&id) = known.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        known.insert(name, id);
        self.names.push(name);
        self.seen.push(seen);
        self.members.push(Vec::new());
        self.prs.push(Vec::new());
        self.incidents.push(Vec::new());
        self.runs.push(Vec::new());
        id
    }
}

impl History {
    /// Derives every window-independent fact from the events.
    pub fn derive(events: impl Into<Arc<EventSet>>, rules: Rules) -> History {
        let events: Arc<EventSet> = events.into();
        let mentions = Mentions::build(&events.incidents);
        let index = Index::build(&events);
        let services = index.names.len();

        // 2. Every service drafted on its own.
        let work: Vec<(u32, Vec<u32>, Vec<u32>)> = index
            .members
            .into_iter()
            .zip(index.prs)
            .enumerate()
            .map(|(s, (members, prs))| (s as u32, members, prs))
            .collect();
        let drafts: Vec<ServiceDraft<'_, '_>> = parallel::map_weighted(
            work,
            |(_, members, prs)| members.len() + prs.len() + 1,
            |(s, members, prs)| {
                let hotfix = QuickMatch::new(&rules.hotfix_pattern);
                ServiceDraft::derive(s, &events, &rules, members, prs, Some(&mentions), &hotfix)
            },
        );

        let mut deployments: Vec<DeploymentFacts> = Vec::new();
        deployments.resize_with(events.deployments.len(), DeploymentFacts::default);
        let mut prs = vec![PrFacts::default(); events.pull_requests.len()];
        let mut service_facts: Vec<ServiceFacts> = Vec::with_capacity(services);
        let mut links = Vec::new();
        for ((draft, incidents), (name, seen)) in drafts
            .into_iter()
            .zip(index.incidents)
            .zip(index.names.iter().zip(&index.seen))
        {
            let (facts, mut link) = publish(draft, &mut deployments, &mut prs, name);
            links.append(&mut link);
            service_facts.push(ServiceFacts {
                team: events.team_of(name).map(str::to_string),
                incidents,
                seen: *seen,
                ..facts
            });
        }
        let links = LinkTable::new(links);

        let mut history = History {
            service_index: service_index(&service_facts),
            services: service_facts,
            deployments,
            attributions: Vec::new(),
            incident_services: index.incident_services,
            prs,
            rows: Vec::new(),
            all_incidents: ServiceRows::default(),
            mentions: Mentions::default(),
            events: events.clone(),
            rules,
        };

        // 3. Attribution, across services.
        history.attributions = (0..events.incidents.len())
            .map(|i| attribution::attribute(&history, i, &mentions.named[i], &links))
            .collect();
        drop(links);
        history.mentions = mentions;
        for (i, attributions) in history.attributions.iter().enumerate() {
            for a in attributions {
                let s = history.deployments[a.deployment as usize].service;
                history.services[s as usize].attributed.push(i as u32);
            }
        }

        // 4. What follows from attribution, then the rows.
        let all: Vec<u32> = (0..services as u32).collect();
        history.after_attribution(&all);
        let runs = index.runs;
        let built: Vec<(ServiceRows, Vec<u32>)> = parallel::map_weighted(
            all.iter().copied().zip(runs).collect(),
            |(s, runs): &(u32, Vec<RunEntry>)| {
                history.services[*s as usize].members.len() + runs.len() + 1
            },
            |(s, runs)| history.service_rows(s, Some(runs)),
        );
        history.rows = Vec::with_capacity(built.len());
        for (s, (rows, runs)) in built.into_iter().enumerate() {
            history.services[s].runs = runs;
            history.rows.push(rows);
        }
        history.fill_all_incidents();
        history
    }

    /// The rules that read the attributions, for `services` (all of them, or those derived
    /// again): incident failures, then recovery, then deployments during incidents.
    pub(crate) fn after_attribution(&mut self, services: &[u32]) {
        attribution::push_incident_reasons(self, services);
        recovery::mark_recoveries(self, services);
        rework_rate::mark_deployments_during_incidents(self, services);
    }

    /// One service's rows; `runs`: its runs as `(created_at, index, row)` in index order, when
    /// the caller has them already (else they are read from its run list). Returns the rows and
    /// the service's runs in created order.
    pub(crate) fn service_rows(
        &self,
        s: u32,
        runs: Option<Vec<RunEntry>>,
    ) -> (ServiceRows, Vec<u32>) {
        let service = &self.services[s as usize];
        let mut out = ServiceRows::default();
        self.fill_deploy_rows(service, &mut out);
        let runs = runs.unwrap_or_else(|| {
            let mut runs = service.runs.clone();
            runs.sort_unstable();
            runs.into_iter()
                .map(|r| {
                    let run = &self.events.pipeline_runs[r as usize];
                    (run.created_at, r, ci::row(run))
                })
                .collect()
        });
        let runs = ci::fill_rows(runs, &mut out);
        pr_cycle::fill_rows(self, service, &mut out);
        wip::fill_rows(self, service, &mut out);
        time_to_restore::fill_rows(self, &service.incidents, &mut out);
        (out, runs)
    }

    /// The incident rows of the total: every incident, also those naming no service.
    pub(crate) fn fill_all_incidents(&mut self) {
        let all: Vec<u32> = (0..self.events.incidents.len() as u32).collect();
        let mut rows = ServiceRows::default();
        time_to_restore::fill_rows(self, &all, &mut rows);
        self.all_incidents = rows;
    }

    /// One service's deployments in deploy order, with their lead times in the same order.
    fn fill_deploy_rows(&self, service: &ServiceFacts, out: &mut ServiceRows) {
        out.deploy_time.reserve(service.deployments.len());
        out.deploys.reserve(service.deployments.len());
        out.lead = service.lead.iter().map(|&s| seconds(s)).collect();
        for (&d, &finished) in service.deployments.iter().zip(&service.deployment_finished) {
            let facts = &self.deployments[d as usize];
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
            let recovery = recovery::recovery_seconds(facts.recovered_at, finished);
            if recovery.is_some() {
                flags |= RECOVERED;
            }
            out.deploy_time.push(nanos(finished));
            out.deploys.push(DeployRow {
                local_day: facts.local_day,
                changes: facts.changes,
                lead_start: facts.lead_start,
                lead_end: facts.lead_end,
                recovery_seconds: recovery.unwrap_or(NONE),
                flags,
            });
        }
    }
}

/// Moves a draft's facts into the history's tables; returns the service's facts (without its
/// team, incidents and place in the first-seen order) and the links its deployments answer to.
pub(crate) fn publish<'e>(
    draft: ServiceDraft<'e, '_>,
    deployments: &mut [DeploymentFacts],
    prs: &mut [PrFacts],
    name: &str,
) -> (ServiceFacts, Vec<(super::links::Key<'e>, u32)>) {
    let ServiceDraft {
        members,
        facts,
        order,
        finished,
        lead,
        prs: pr_list,
        pr_facts,
        merged_prs,
        links,
        ..
    } = draft;
    let counted: Vec<u32> = order.iter().map(|&p| members[p as usize]).collect();
    for (&d, facts) in members.iter().zip(facts) {
        deployments[d as usize] = facts;
    }
    for (&p, facts) in pr_list.iter().zip(pr_facts) {
        prs[p as usize] = facts;
    }
    let facts = ServiceFacts {
        name: name.to_string(),
        deployments: counted,
        deployment_finished: finished,
        lead,
        members,
        merged_prs,
        prs: pr_list,
        ..ServiceFacts::default()
    };
    (facts, links)
}

/// The map from service names to numbers.
pub(crate) fn service_index(services: &[ServiceFacts]) -> HashMap<String, u32> {
    services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i as u32))
        .collect()
}
