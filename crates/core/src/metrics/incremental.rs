//! Folding new events into a derived history without deriving the world again
//! (`History::apply`).
//!
//! A service's facts depend on its own events, so a change re-drafts only the services it
//! touches (`draft.rs`). The one rule that reads across services is incident attribution: the
//! incidents a change can move are those of the touched services, those attributed to one of
//! their deployments, and those naming a changed deployment (found through `links::Mentions`,
//! not by rescanning); only they are attributed again, and the services their attributions left
//! or reached are re-drafted too. The result is exactly what `History::derive` gives for the
//! same events, in the same order (tests: `metrics/tests/incremental.rs`).
//!
//! Events are kept in place: an update replaces its event, an insert goes at the end, a removal
//! moves the last event of its kind into the hole (indices stay dense). A change that would
//! renumber the services (a service not seen before, one that no longer has any event, or one
//! now first seen earlier) falls back to a full derivation, as does nothing else.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::attribution;
use super::draft::ServiceDraft;
use super::facts::{DeploymentFacts, History, PrFacts};
use super::history::{first_seen, publish};
use super::links::LinkLookup;
use super::lookup::ServiceLookup;
use super::parallel;
use super::quick_match::QuickMatch;
use super::row_diff;
use crate::model::{Deployment, EventSet, Incident, PipelineRun, PullRequest, Service};

/// One change to the events: an event upserted by its stable id (deployments and runs by id,
/// pull requests by service and number, incidents by id, services by name), or removed.
#[derive(Debug, Clone, PartialEq)]
pub enum EventChange {
    Service(Service),
    Deployment(Deployment),
    PullRequest(PullRequest),
    PipelineRun(PipelineRun),
    Incident(Incident),
    RemoveDeployment { id: String },
    RemovePullRequest { service: String, number: u64 },
    RemovePipelineRun { id: String },
    RemoveIncident { id: String },
}

impl EventChange {
    /// Every event of a set as an upsert (what a sync brings).
    pub fn upserts(events: EventSet) -> Vec<EventChange> {
        let EventSet {
            services,
            deployments,
            pull_requests,
            pipeline_runs,
            incidents,
        } = events;
        services
            .into_iter()
            .map(EventChange::Service)
            .chain(deployments.into_iter().map(EventChange::Deployment))
            .chain(pull_requests.into_iter().map(EventChange::PullRequest))
            .chain(pipeline_runs.into_iter().map(EventChange::PipelineRun))
            .chain(incidents.into_iter().map(EventChange::Incident))
            .collect()
    }
}

/// What `History::apply` changed, for whoever keeps measures of it (`MetricBoard`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The history was derived again from scratch (the services were renumbered).
    pub full: bool,
    /// The services whose facts or rows changed, by number.
    pub services: Vec<u32>,
    /// An incident changed: the total (which also holds incidents of no service) changed.
    pub incidents: bool,
    /// A service's team changed: the teams are not what they were.
    pub teams: bool,
    /// Every row before this time (nanoseconds since the epoch) is as it was, so a window
    /// ending at or before it measures the same (`row_diff`). None: not known.
    pub unchanged_before: Option<i64>,
}

impl Applied {
    pub fn is_empty(&self) -> bool {
        !self.full && self.services.is_empty() && !self.incidents && !self.teams
    }
}

/// What a batch of changes touched, gathered while the events are edited.
#[derive(Debug, Default)]
struct Batch {
    /// A change needs the services renumbered: derive everything again.
    full: bool,
    /// Services whose events changed (or moved).
    touched: BTreeSet<u32>,
    /// Incidents to attribute again (indices as they are now).
    incidents: BTreeSet<u32>,
    /// Deployments inserted or updated (indices as they are now).
    deployments: BTreeSet<u32>,
    incidents_changed: bool,
    teams: bool,
}

impl Batch {
    /// Index `last` moved to `to` (a removal): keeps a set of indices current.
    fn moved(set: &mut BTreeSet<u32>, removed: u32, last: u32) {
        set.remove(&removed);
        if removed != last && set.remove(&last) {
            set.insert(removed);
        }
    }
}

impl History {
    /// Folds changes into the history: afterwards it is what `History::derive` would give for
    /// its events as they now are. Returns what changed.
    pub fn apply(&mut self, changes: impl IntoIterator<Item = EventChange>) -> Applied {
        let mut batch = Batch::default();
        for change in changes {
            if batch.full {
                edit_events_only(Arc::make_mut(&mut self.events), change);
            } else {
                self.edit(change, &mut batch);
            }
        }
        if !batch.full {
            batch.full = !self.numbering_holds(&batch);
        }
        if batch.full {
            *self = History::derive(self.events.clone(), self.rules.clone());
            return Applied {
                full: true,
                services: (0..self.services.len() as u32).collect(),
                incidents: true,
                teams: true,
                unchanged_before: None,
            };
        }
        if batch.touched.is_empty() && batch.incidents.is_empty() && !batch.teams {
            return Applied::default();
        }
        let (services, unchanged_before) = self.derive_again(&batch);
        Applied {
            full: false,
            services,
            incidents: batch.incidents_changed,
            teams: batch.teams,
            unchanged_before: Some(unchanged_before),
        }
    }

    fn edit(&mut self, change: EventChange, batch: &mut Batch) {
        match change {
            EventChange::Service(service) => self.edit_service(service, batch),
            EventChange::Deployment(d) => self.upsert_deployment(d, batch),
            EventChange::RemoveDeployment { id } => self.remove_deployment(&id, batch),
            EventChange::PullRequest(p) => self.upsert_pull_request(p, batch),
            EventChange::RemovePullRequest { service, number } => {
                self.remove_pull_request(&service, number, batch)
            }
            EventChange::PipelineRun(r) => self.upsert_run(r, batch),
            EventChange::RemovePipelineRun { id } => self.remove_run(&id, batch),
            EventChange::Incident(i) => self.upsert_incident(i, batch),
            EventChange::RemoveIncident { id } => self.remove_incident(&id, batch),
        }
    }

    fn events_mut(&mut self) -> &mut EventSet {
        Arc::make_mut(&mut self.events)
    }

    fn edit_service(&mut self, service: Service, batch: &mut Batch) {
        let events = Arc::make_mut(&mut self.events);
        match events.services.iter().position(|s| s.name == service.name) {
            Some(at) => {
                let name = service.name.clone();
                events.services[at] = service;
                if let Some(s) = self.service(&name) {
                    let team = self.events.team_of(&name).map(str::to_string);
                    let facts = &mut self.services[s as usize];
                    if facts.team != team {
                        facts.team = team;
                        batch.teams = true;
                    }
                }
            }
            None => {
                // Declared services are numbered first: the numbering changes.
                events.services.push(service);
                batch.full = true;
            }
        }
    }

    /// Builds every service's lookup not built yet (once, on the first change).
    fn build_lookups(&mut self) {
        let events = &self.events;
        let missing: Vec<(usize, &[u32], &[u32])> = self
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.lookup.is_none())
            .map(|(i, s)| (i, s.members.as_slice(), s.runs.as_slice()))
            .collect();
        let built = parallel::map_weighted(
            missing,
            |(_, members, runs)| members.len() + runs.len() + 1,
            |(i, members, runs)| (i, ServiceLookup::build(events, members, runs)),
        );
        for (i, lookup) in built {
            self.services[i].lookup = Some(Box::new(lookup));
        }
    }

    /// The deployment with this id: in service `hint` first, then in every service.
    fn find_deployment(&mut self, id: &str, hint: Option<u32>) -> Option<u32> {
        self.build_lookups();
        let events = &self.events;
        let lookup = |s: u32| {
            self.services
                .get(s as usize)
                .and_then(|s| s.lookup.as_deref())
        };
        if let Some(d) = hint
            .and_then(lookup)
            .and_then(|l| l.deployments_with_id(events, id).next())
        {
            return Some(d);
        }
        self.services.iter().find_map(|s| {
            s.lookup
                .as_ref()
                .and_then(|l| l.deployments_with_id(events, id).next())
        })
    }

    fn find_run(&mut self, id: &str, hint: Option<u32>) -> Option<u32> {
        self.build_lookups();
        let events = &self.events;
        let lookup = |s: u32| {
            self.services
                .get(s as usize)
                .and_then(|s| s.lookup.as_deref())
        };
        if let Some(r) = hint
            .and_then(lookup)
            .and_then(|l| l.runs_with_id(events, id).next())
        {
            return Some(r);
        }
        self.services.iter().find_map(|s| {
            s.lookup
                .as_ref()
                .and_then(|l| l.runs_with_id(events, id).next())
        })
    }

    /// The incidents naming a deployment (by name, id or sha).
    fn incidents_naming(&self, deployment: &Deployment) -> Vec<u32> {
        let mut found = Vec::new();
        self.mentions.each_key_of(deployment, |_, incidents| {
            found.extend_from_slice(incidents)
        });
        found
    }

    fn upsert_deployment(&mut self, deployment: Deployment, batch: &mut Batch) {
        let Some(s) = self.service(&deployment.service) else {
            edit_events_only(self.events_mut(), EventChange::Deployment(deployment));
            batch.full = true;
            return;
        };
        batch.touched.insert(s);
        match self.find_deployment(&deployment.id, Some(s)) {
            Some(d) => {
                let old = &self.events.deployments[d as usize];
                batch.incidents.extend(self.incidents_naming(old));
                let was = self.deployments[d as usize].service;
                batch.touched.insert(was);
                if was != s {
                    remove_sorted(&mut self.services[was as usize].members, d);
                    insert_sorted(&mut self.services[s as usize].members, d);
                    self.services[was as usize].lookup = None;
                }
                self.services[s as usize].lookup = None;
                self.events_mut().deployments[d as usize] = deployment;
                self.deployments[d as usize].service = s;
                batch.deployments.insert(d);
            }
            None => {
                let d = self.events.deployments.len() as u32;
                self.events_mut().deployments.push(deployment);
                self.deployments.push(DeploymentFacts {
                    service: s,
                    ..DeploymentFacts::default()
                });
                self.services[s as usize].members.push(d);
                self.services[s as usize].lookup = None;
                batch.deployments.insert(d);
            }
        }
    }

    fn remove_deployment(&mut self, id: &str, batch: &mut Batch) {
        let Some(d) = self.find_deployment(id, None) else {
            return;
        };
        let old = &self.events.deployments[d as usize];
        batch.incidents.extend(self.incidents_naming(old));
        let s = self.deployments[d as usize].service;
        batch.touched.insert(s);
        remove_sorted(&mut self.services[s as usize].members, d);
        self.services[s as usize].lookup = None;
        let last = self.events.deployments.len() as u32 - 1;
        self.events_mut().deployments.swap_remove(d as usize);
        self.deployments.swap_remove(d as usize);
        Batch::moved(&mut batch.deployments, d, last);
        if d != last {
            let moved = self.deployments[d as usize].service;
            let members = &mut self.services[moved as usize].members;
            remove_sorted(members, last);
            insert_sorted(members, d);
            self.services[moved as usize].lookup = None;
            batch.touched.insert(moved);
        }
        // Attributions name deployments by index: the removed one's are attributed again, the
        // moved one's follow it.
        for (i, attributions) in self.attributions.iter_mut().enumerate() {
            for a in attributions.iter_mut() {
                if a.deployment == d {
                    batch.incidents.insert(i as u32);
                } else if a.deployment == last {
                    a.deployment = d;
                    batch.incidents.insert(i as u32);
                }
            }
        }
    }

    fn upsert_pull_request(&mut self, pr: PullRequest, batch: &mut Batch) {
        let Some(s) = self.service(&pr.service) else {
            edit_events_only(self.events_mut(), EventChange::PullRequest(pr));
            batch.full = true;
            return;
        };
        batch.touched.insert(s);
        let prs = &self.events.pull_requests;
        let found = self.services[s as usize]
            .prs
            .iter()
            .copied()
            .find(|&p| prs[p as usize].number == pr.number);
        match found {
            Some(p) => self.events_mut().pull_requests[p as usize] = pr,
            None => {
                let p = self.events.pull_requests.len() as u32;
                self.events_mut().pull_requests.push(pr);
                self.prs.push(PrFacts::default());
                self.services[s as usize].prs.push(p);
            }
        }
    }

    fn remove_pull_request(&mut self, service: &str, number: u64, batch: &mut Batch) {
        let Some(s) = self.service(service) else {
            return;
        };
        let prs = &self.events.pull_requests;
        let Some(p) = self.services[s as usize]
            .prs
            .iter()
            .copied()
            .find(|&p| prs[p as usize].number == number)
        else {
            return;
        };
        batch.touched.insert(s);
        remove_sorted(&mut self.services[s as usize].prs, p);
        let last = self.events.pull_requests.len() as u32 - 1;
        self.events_mut().pull_requests.swap_remove(p as usize);
        self.prs.swap_remove(p as usize);
        if p != last {
            let name = &self.events.pull_requests[p as usize].service;
            if let Some(moved) = self.service(name) {
                let list = &mut self.services[moved as usize].prs;
                remove_sorted(list, last);
                insert_sorted(list, p);
                batch.touched.insert(moved);
            }
        }
    }

    fn upsert_run(&mut self, run: PipelineRun, batch: &mut Batch) {
        let Some(s) = self.service(&run.service) else {
            edit_events_only(self.events_mut(), EventChange::PipelineRun(run));
            batch.full = true;
            return;
        };
        batch.touched.insert(s);
        match self.find_run(&run.id, Some(s)) {
            Some(r) => {
                let was_name = self.events.pipeline_runs[r as usize].service.clone();
                if let Some(was) = self.service(&was_name)
                    && was != s
                {
                    self.services[was as usize].runs.retain(|&x| x != r);
                    self.services[was as usize].lookup = None;
                    self.services[s as usize].runs.push(r);
                    batch.touched.insert(was);
                }
                self.services[s as usize].lookup = None;
                self.events_mut().pipeline_runs[r as usize] = run;
            }
            None => {
                let r = self.events.pipeline_runs.len() as u32;
                self.events_mut().pipeline_runs.push(run);
                self.services[s as usize].runs.push(r);
                self.services[s as usize].lookup = None;
            }
        }
    }

    fn remove_run(&mut self, id: &str, batch: &mut Batch) {
        let Some(r) = self.find_run(id, None) else {
            return;
        };
        let name = self.events.pipeline_runs[r as usize].service.clone();
        let Some(s) = self.service(&name) else {
            return;
        };
        batch.touched.insert(s);
        self.services[s as usize].runs.retain(|&x| x != r);
        self.services[s as usize].lookup = None;
        let last = self.events.pipeline_runs.len() as u32 - 1;
        self.events_mut().pipeline_runs.swap_remove(r as usize);
        if r != last {
            let name = self.events.pipeline_runs[r as usize].service.clone();
            if let Some(moved) = self.service(&name) {
                let runs = &mut self.services[moved as usize].runs;
                for x in runs.iter_mut().filter(|x| **x == last) {
                    *x = r;
                }
                self.services[moved as usize].lookup = None;
                batch.touched.insert(moved);
            }
        }
    }

    /// The numbers of an incident's services, None when one is not known yet.
    fn incident_service_ids(&self, incident: &Incident) -> Option<Vec<u32>> {
        let mut ids = incident
            .services
            .iter()
            .map(|name| self.service(name))
            .collect::<Option<Vec<u32>>>()?;
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    fn upsert_incident(&mut self, incident: Incident, batch: &mut Batch) {
        let Some(ids) = self.incident_service_ids(&incident) else {
            edit_events_only(self.events_mut(), EventChange::Incident(incident));
            batch.full = true;
            return;
        };
        batch.incidents_changed = true;
        let found = self
            .events
            .incidents
            .iter()
            .position(|i| i.id == incident.id)
            .map(|i| i as u32);
        let i = match found {
            Some(i) => {
                self.leave_services(i, batch);
                self.mentions.set(i, &incident);
                self.events_mut().incidents[i as usize] = incident;
                self.incident_services[i as usize] = ids.clone();
                i
            }
            None => {
                let i = self.events.incidents.len() as u32;
                self.mentions.set(i, &incident);
                self.events_mut().incidents.push(incident);
                self.attributions.push(Vec::new());
                self.incident_services.push(ids.clone());
                i
            }
        };
        for s in ids {
            insert_sorted(&mut self.services[s as usize].incidents, i);
            batch.touched.insert(s);
        }
        batch.incidents.insert(i);
    }

    /// Takes incident `i` out of its services' lists (and marks them and the services it was
    /// attributed in as touched).
    fn leave_services(&mut self, i: u32, batch: &mut Batch) {
        for &s in &self.incident_services[i as usize] {
            remove_sorted(&mut self.services[s as usize].incidents, i);
            batch.touched.insert(s);
        }
        for a in &self.attributions[i as usize] {
            batch
                .touched
                .insert(self.deployments[a.deployment as usize].service);
        }
    }

    fn remove_incident(&mut self, id: &str, batch: &mut Batch) {
        let Some(i) = self.events.incidents.iter().position(|x| x.id == id) else {
            return;
        };
        let i = i as u32;
        batch.incidents_changed = true;
        self.leave_services(i, batch);
        let last = self.events.incidents.len() as u32 - 1;
        if i != last {
            self.leave_services(last, batch);
        }
        self.mentions.swap_remove(i);
        self.events_mut().incidents.swap_remove(i as usize);
        self.attributions.swap_remove(i as usize);
        self.incident_services.swap_remove(i as usize);
        Batch::moved(&mut batch.incidents, i, last);
        if i != last {
            for &s in &self.incident_services[i as usize] {
                insert_sorted(&mut self.services[s as usize].incidents, i);
            }
            batch.incidents.insert(i);
        }
    }

    /// Whether the services are still numbered as a full derivation would number them: each
    /// still has an event, and they are still in the order they are first seen.
    fn numbering_holds(&mut self, batch: &Batch) -> bool {
        for &s in &batch.touched {
            match first_seen(&self.events, &self.services[s as usize]) {
                Some(seen) => self.services[s as usize].seen = seen,
                None => return false,
            }
        }
        self.services.windows(2).all(|w| w[0].seen < w[1].seen)
    }

    /// Re-drafts the touched services, attributes the incidents that may have moved again, and
    /// rebuilds what follows; returns the services whose facts or rows changed.
    /// Derives the touched services again; returns the services whose facts or rows may have
    /// changed, and the time before which every row is as it was.
    fn derive_again(&mut self, batch: &Batch) -> (Vec<u32>, i64) {
        let touched: Vec<u32> = batch.touched.iter().copied().collect();
        self.redraft(&touched);

        // The incidents whose attribution may have moved.
        let mut incidents = batch.incidents.clone();
        for &s in &touched {
            incidents.extend(self.services[s as usize].incidents.iter().copied());
        }
        for (i, attributions) in self.attributions.iter().enumerate() {
            if attributions.iter().any(|a| {
                batch
                    .touched
                    .contains(&self.deployments[a.deployment as usize].service)
            }) {
                incidents.insert(i as u32);
            }
        }
        for &d in &batch.deployments {
            incidents.extend(self.incidents_naming(&self.events.deployments[d as usize]));
        }

        let mut services: BTreeSet<u32> = batch.touched.clone();
        self.build_lookups();
        let mut updated = Vec::with_capacity(incidents.len());
        {
            let links = ServiceLinks { history: self };
            for &i in &incidents {
                let named = &self.mentions.named[i as usize];
                updated.push((i, attribution::attribute(self, i as usize, named, &links)));
            }
        }
        for (i, attributions) in updated {
            for a in self.attributions[i as usize].iter().chain(&attributions) {
                services.insert(self.deployments[a.deployment as usize].service);
            }
            self.attributions[i as usize] = attributions;
        }
        let extra: Vec<u32> = services.difference(&batch.touched).copied().collect();
        self.redraft(&extra);

        for service in &mut self.services {
            service.attributed.clear();
        }
        for (i, attributions) in self.attributions.iter().enumerate() {
            for a in attributions {
                let s = self.deployments[a.deployment as usize].service;
                self.services[s as usize].attributed.push(i as u32);
            }
        }
        let services: Vec<u32> = services.into_iter().collect();
        self.after_attribution(&services);
        let history = &*self;
        let rows = parallel::map_weighted(
            services.clone(),
            |&s| history.services[s as usize].members.len() + 1,
            |s| history.service_rows(s, None),
        );
        let mut unchanged_before = i64::MAX;
        for (&s, (rows, runs)) in services.iter().zip(rows) {
            let old = std::mem::replace(&mut self.rows[s as usize], rows);
            unchanged_before =
                unchanged_before.min(row_diff::earliest_difference(&old, &self.rows[s as usize]));
            self.services[s as usize].runs = runs;
        }
        if batch.incidents_changed {
            let old = std::mem::take(&mut self.all_incidents);
            self.fill_all_incidents();
            unchanged_before =
                unchanged_before.min(row_diff::earliest_difference(&old, &self.all_incidents));
        }
        (services, unchanged_before)
    }

    /// Drafts `services` again from their events and puts their facts in place.
    fn redraft(&mut self, services: &[u32]) {
        if services.is_empty() {
            return;
        }
        let History {
            events,
            rules,
            services: facts,
            deployments,
            prs,
            ..
        } = self;
        let work: Vec<(u32, Vec<u32>, Vec<u32>)> = services
            .iter()
            .map(|&s| {
                let service = &facts[s as usize];
                (s, service.members.clone(), service.prs.clone())
            })
            .collect();
        let drafts = parallel::map_weighted(
            work,
            |(_, members, prs)| members.len() + prs.len() + 1,
            |(s, members, prs)| {
                ServiceDraft::derive(
                    s,
                    events,
                    rules,
                    members,
                    prs,
                    None,
                    &QuickMatch::new(&rules.hotfix_pattern),
                )
            },
        );
        for (&s, draft) in services.iter().zip(drafts) {
            let service = &mut facts[s as usize];
            let (derived, _) = publish(draft, deployments, prs, &service.name);
            service.deployments = derived.deployments;
            service.deployment_finished = derived.deployment_finished;
            service.lead = derived.lead;
            service.merged_prs = derived.merged_prs;
        }
    }
}

/// Rule (a)'s lookups over every service's `ServiceLookup` (built beforehand).
struct ServiceLinks<'h> {
    history: &'h History,
}

impl ServiceLinks<'_> {
    fn gather<'a, F, I>(&'a self, find: F) -> Vec<u32>
    where
        F: Fn(&'a ServiceLookup, &'a EventSet) -> I,
        I: Iterator<Item = u32>,
    {
        let history = self.history;
        let mut found: Vec<u32> = history
            .services
            .iter()
            .filter_map(|s| s.lookup.as_deref())
            .flat_map(|lookup| find(lookup, &history.events))
            .filter(|&d| history.deployments[d as usize].counted)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

impl LinkLookup for ServiceLinks<'_> {
    fn named(&self, word: &str) -> Vec<u32> {
        self.gather(|lookup, events| lookup.deployments_named(events, word))
    }

    fn with_id(&self, id: &str) -> Option<u32> {
        self.gather(|lookup, events| lookup.deployments_with_id(events, id))
            .last()
            .copied()
    }

    fn with_prefix(&self, prefix: &str) -> Vec<u32> {
        self.gather(|lookup, events| lookup.deployments_with_prefix(events, prefix))
    }
}

/// Applies a change to the events alone (the history is about to be derived from scratch):
/// the same upsert-by-id as `History::apply`, found by a plain search.
fn edit_events_only(events: &mut EventSet, change: EventChange) {
    fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
        match list.iter().position(|x| same(x, &item)) {
            Some(at) => list[at] = item,
            None => list.push(item),
        }
    }
    fn remove<T>(list: &mut Vec<T>, hit: impl Fn(&T) -> bool) {
        if let Some(at) = list.iter().position(hit) {
            list.swap_remove(at);
        }
    }
    match change {
        EventChange::Service(s) => upsert(&mut events.services, s, |a, b| a.name == b.name),
        EventChange::Deployment(d) => upsert(&mut events.deployments, d, |a, b| a.id == b.id),
        EventChange::PullRequest(p) => upsert(&mut events.pull_requests, p, |a, b| {
            a.service == b.service && a.number == b.number
        }),
        EventChange::PipelineRun(r) => upsert(&mut events.pipeline_runs, r, |a, b| a.id == b.id),
        EventChange::Incident(i) => upsert(&mut events.incidents, i, |a, b| a.id == b.id),
        EventChange::RemoveDeployment { id } => remove(&mut events.deployments, |d| d.id == id),
        EventChange::RemovePullRequest { service, number } => {
            remove(&mut events.pull_requests, |p| {
                p.service == service && p.number == number
            })
        }
        EventChange::RemovePipelineRun { id } => remove(&mut events.pipeline_runs, |r| r.id == id),
        EventChange::RemoveIncident { id } => remove(&mut events.incidents, |i| i.id == id),
    }
}

fn insert_sorted(list: &mut Vec<u32>, x: u32) {
    if let Err(at) = list.binary_search(&x) {
        list.insert(at, x);
    }
}

fn remove_sorted(list: &mut Vec<u32>, x: u32) {
    if let Ok(at) = list.binary_search(&x) {
        list.remove(at);
    }
}
