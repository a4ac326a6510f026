//! Deriving the history: every fact about the events that does not depend on the window (deploy
//! order, baselines, lead times, failures and their reasons, rework, recovery, incident
//! attribution), and the compact rows aggregation reads. Derived once per data change; each
//! window and scope is then a cheap selection over it (see `compute`).
//!
//! This file indexes the events and runs the rules in the order they build on each other; each
//! rule lives in its measure's file and writes the facts of `facts.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use super::facts::{DeploymentFacts, History, PrFacts, ServiceFacts};
use super::rows::{
    BASELINE, DeployRow, FAILED, NONE, RECOVERED, REWORK, ServiceRows, nanos, seconds,
};
use super::rules::Rules;
use super::{
    attribution, ci, failure_rate, frequency, lead_time, pr_cycle, recovery, rework_rate, shipped,
    time_to_restore, wip,
};
use crate::model::EventSet;

/// Kept reachable as `metrics::history::ReasonKind`, the path the dashboard imports it by; its
/// home is `facts`, and `metrics::ReasonKind` is the path to prefer.
pub use super::facts::ReasonKind;

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
        frequency::mark_local_days(&mut history);
        lead_time::derive(&mut history);
        history.index_runs();
        history.index_pull_requests();
        let shippers = shipped::find_shippers(&history);
        failure_rate::mark_rollbacks(&mut history);
        failure_rate::mark_reverts(&mut history, &shippers);
        pr_cycle::link_deployments(&mut history, &shippers);
        attribution::attribute_incidents(&mut history);
        recovery::mark_recoveries(&mut history);
        rework_rate::mark_hotfixes(&mut history);
        rework_rate::mark_deployments_during_incidents(&mut history);
        history.build_rows();
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

    /// Deploy order per service: finished_at, then id bytewise. The first is the baseline
    /// (docs/METRICS.md#deployments-and-their-order, #shipped-commits-and-the-baseline).
    fn order_deployments(&mut self) {
        let deployments = &self.events.deployments;
        for (i, facts) in self.deployments.iter().enumerate() {
            if facts.counted {
                self.services[facts.service as usize]
                    .deployments
                    .push(i as u32);
            }
        }
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
        }
    }

    fn index_runs(&mut self) {
        for i in 0..self.events.pipeline_runs.len() {
            let name = self.events.pipeline_runs[i].service.clone();
            let service = self.service_id(&name);
            self.runs.push(ci::classify(&self.events.pipeline_runs[i]));
            self.services[service as usize].runs.push(i as u32);
        }
        let runs = &self.events.pipeline_runs;
        for service in &mut self.services {
            service.runs.sort_by_key(|&r| runs[r as usize].created_at);
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
        }
    }

    /// The rows of every service, and of all incidents for the total.
    fn build_rows(&mut self) {
        let mut rows: Vec<ServiceRows> = vec![ServiceRows::default(); self.services.len()];
        for (service, out) in self.services.iter().zip(rows.iter_mut()) {
            self.fill_deploy_rows(service, out);
            ci::fill_rows(self, service, out);
            pr_cycle::fill_rows(self, service, out);
            wip::fill_rows(self, service, out);
        }
        self.all_incidents = time_to_restore::fill_rows(self, &mut rows);
        self.rows = rows;
    }

    /// One service's deployments in deploy order, with their lead times in the same order.
    fn fill_deploy_rows(&self, service: &ServiceFacts, out: &mut ServiceRows) {
        out.deploy_time.reserve(service.deployments.len());
        out.deploys.reserve(service.deployments.len());
        for &d in &service.deployments {
            let deployment = &self.events.deployments[d as usize];
            let facts = &self.deployments[d as usize];
            let lead_start = out.lead.len() as u32;
            out.lead
                .extend(self.lead_times(d).iter().map(|&s| seconds(s)));
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
            let recovery = recovery::recovery_seconds(facts.recovered_at, deployment.finished_at);
            if recovery.is_some() {
                flags |= RECOVERED;
            }
            out.deploy_time.push(nanos(deployment.finished_at));
            out.deploys.push(DeployRow {
                local_day: facts.local_day,
                changes: facts.changes,
                lead_start,
                lead_end: out.lead.len() as u32,
                recovery_seconds: recovery.unwrap_or(NONE),
                flags,
            });
        }
    }
}
