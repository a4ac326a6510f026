//! One service's deployment-side facts, derived from that service's own events alone: deploy
//! order and baseline, local days, changes and lead times, which deployment shipped each revert
//! target and pull request, rollbacks, reverts, hotfixes. Nothing here reads another service,
//! so services are drafted in parallel (`History::derive`) or again one by one when new events
//! touch them (`History::apply`). The incident rules come after, over the whole history
//! (`attribution`, `recovery`, `rework_rate::mark_deployments_during_incidents`).
//!
//! Inside a draft, deployments are positions in `members` (the service's deployments in index
//! order), so facts are written without looking anything up.

use rustc_hash::{FxHashMap, FxHashSet};

use super::facts::{DeploymentFacts, PrFacts};
use super::links::{Key, Mentions};
use super::quick_match::QuickMatch;
use super::rules::Rules;
use super::shipped::{RevertCommit, sha_key};
use super::{failure_rate, frequency, lead_time, pr_cycle, rework_rate, shipped};
use crate::model::{Deployment, EventSet, Timestamp};

pub(crate) struct ServiceDraft<'e, 'r> {
    pub(crate) events: &'e EventSet,
    pub(crate) rules: &'r Rules,
    /// Every deployment of the service (indices into `events.deployments`), in index order.
    pub(crate) members: Vec<u32>,
    /// The facts of each member.
    pub(crate) facts: Vec<DeploymentFacts>,
    /// The counted members in deploy order (finished_at, then id bytewise), as positions.
    pub(crate) order: Vec<u32>,
    /// finished_at of each of `order`.
    pub(crate) finished: Vec<Timestamp>,
    /// Lead times in deploy order (see `ServiceFacts::lead`).
    pub(crate) lead: Vec<i64>,
    /// The service's pull requests (indices into `events.pull_requests`), in index order.
    pub(crate) prs: Vec<u32>,
    /// The facts of each of `prs`.
    pub(crate) pr_facts: Vec<PrFacts>,
    /// The merged ones among `prs`, by merged_at.
    pub(crate) merged_prs: Vec<u32>,
    /// The names incidents use that a counted member answers to (the full derivation's links).
    pub(crate) links: Vec<(Key<'e>, u32)>,
}

impl<'e, 'r> ServiceDraft<'e, 'r> {
    /// Drafts a service from its deployments and pull requests (each in index order).
    /// `mentions`: gather the links incidents make to its deployments (the full derivation;
    /// `History::apply` looks them up instead).
    pub(crate) fn derive(
        service: u32,
        events: &'e EventSet,
        rules: &'r Rules,
        members: Vec<u32>,
        prs: Vec<u32>,
        mentions: Option<&'e Mentions>,
        hotfix: &QuickMatch,
    ) -> ServiceDraft<'e, 'r> {
        let facts = members
            .iter()
            .map(|&d| DeploymentFacts {
                counted: events.deployments[d as usize].counts(),
                service,
                ..DeploymentFacts::default()
            })
            .collect();
        let mut draft = ServiceDraft {
            events,
            rules,
            members,
            facts,
            order: Vec::new(),
            finished: Vec::new(),
            lead: Vec::new(),
            pr_facts: vec![PrFacts::default(); prs.len()],
            prs,
            merged_prs: Vec::new(),
            links: Vec::new(),
        };
        draft.order_deployments();
        frequency::mark_local_days(&mut draft);
        let scan = draft.scan_changes(hotfix);
        let shippers = shipped::find_shippers(&draft, &scan);
        failure_rate::mark_rollbacks(&mut draft);
        failure_rate::mark_reverts(&mut draft, &shippers);
        pr_cycle::link_deployments(&mut draft, &shippers);
        rework_rate::mark_hotfixes(&mut draft, &scan);
        if let Some(mentions) = mentions.filter(|m| !m.is_empty()) {
            draft.gather_links(mentions);
        }
        draft
    }

    /// The event of a member.
    pub(crate) fn deployment(&self, position: u32) -> &'e Deployment {
        &self.events.deployments[self.members[position as usize] as usize]
    }

    /// Whether member `a` comes before member `b` in deploy order (finished_at, then id
    /// bytewise; docs/METRICS.md#deployments-and-their-order).
    pub(crate) fn deployed_before(&self, a: u32, b: u32) -> bool {
        let (a, b) = (self.deployment(a), self.deployment(b));
        (a.finished_at, a.id.as_bytes()) < (b.finished_at, b.id.as_bytes())
    }

    /// The counted members in index order (the order the rules that scan "every deployment"
    /// visit them in, so reasons come out as a pass over the whole history would add them).
    pub(crate) fn counted(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.members.len() as u32).filter(|&p| self.facts[p as usize].counted)
    }

    /// Deploy order: finished_at, then id bytewise, ties in index order. The first is the
    /// baseline (docs/METRICS.md#deployments-and-their-order,
    /// #shipped-commits-and-the-baseline).
    fn order_deployments(&mut self) {
        let mut order: Vec<u32> = self.counted().collect();
        let events = self.events;
        let members = &self.members;
        order.sort_by(|&a, &b| {
            let a = &events.deployments[members[a as usize] as usize];
            let b = &events.deployments[members[b as usize] as usize];
            a.finished_at
                .cmp(&b.finished_at)
                .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
        });
        self.finished = order
            .iter()
            .map(|&p| self.deployment(p).finished_at)
            .collect();
        if let Some(&first) = order.first() {
            self.facts[first as usize].baseline = true;
        }
        self.order = order;
        let prs = &self.events.pull_requests;
        self.merged_prs = self
            .prs
            .iter()
            .copied()
            .filter(|&p| prs[p as usize].merged_at.is_some())
            .collect();
        self.merged_prs.sort_by_key(|&p| prs[p as usize].merged_at);
    }

    fn gather_links(&mut self, mentions: &'e Mentions) {
        let mut links = Vec::new();
        for p in self.counted() {
            let d = self.members[p as usize];
            mentions.each_key_of(self.deployment(p), |key, _| links.push((key, d)));
        }
        self.links = links;
    }

    /// One pass over every shipped commit of the service (millions, at company scale: the
    /// commits are read once, not once per rule): each deployment's change count and lead times
    /// (`lead_time`), the commits' sha keys and the reverts (`shipped`), and the first commit
    /// whose title or pull request makes the deployment a hotfix (`rework_rate`).
    fn scan_changes(&mut self, hotfix: &QuickMatch) -> ChangeScan<'e> {
        let events = self.events;
        let prs = &events.pull_requests;
        let hotfix_prs: FxHashSet<u64> = self
            .prs
            .iter()
            .map(|&p| &prs[p as usize])
            .filter(|pr| {
                pr.head_branch
                    .as_deref()
                    .is_some_and(|b| hotfix.is_match(b))
            })
            .map(|pr| pr.number)
            .collect();
        // Every deployment of a draft is of the same service.
        let committed = self.order.first().is_some_and(|&p| {
            self.rules
                .committed_time_services
                .contains(&self.deployment(p).service)
        });
        let shipped: usize = self
            .order
            .iter()
            .map(|&p| self.deployment(p).changes.len())
            .sum();
        let mut scan = ChangeScan {
            keys: Vec::with_capacity(shipped),
            key_start: Vec::with_capacity(self.order.len() + 1),
            reverts: Vec::new(),
            hotfix: vec![Hotfix::None; self.members.len()],
        };
        let mut lead = Vec::with_capacity(shipped);
        for &p in &self.order {
            let deployment: &'e Deployment = &events.deployments[self.members[p as usize] as usize];
            let facts = &mut self.facts[p as usize];
            let finished = deployment.finished_at.timestamp();
            let by_ref = deployment
                .ref_name
                .as_deref()
                .filter(|r| hotfix.is_match(r));
            let mut found = match by_ref {
                Some(name) => Hotfix::Ref(name),
                None => Hotfix::None,
            };
            let look = by_ref.is_none() && !facts.baseline;
            let mut want_title = look;
            let mut want_branch: Option<u64> = None;
            let mut count = 0u32;
            facts.lead_start = lead.len() as u32;
            scan.key_start.push(scan.keys.len() as u32);
            for change in &deployment.changes {
                scan.keys.push(sha_key(&change.sha).unwrap_or(NO_KEY));
                if let Some(target) = &change.reverts {
                    scan.reverts.push(RevertCommit {
                        deployment: p,
                        sha: &change.sha,
                        target,
                        target_shipper: None,
                    });
                }
                if look && want_branch.is_none() && !hotfix_prs.is_empty() {
                    want_branch = change.pr.filter(|n| hotfix_prs.contains(n));
                }
                if change.merge {
                    continue;
                }
                count += 1;
                if !facts.baseline {
                    lead.push(lead_time::lead_seconds(change, committed, finished));
                }
                if want_title && change.reverts.is_none() && hotfix.is_match(&change.title) {
                    found = Hotfix::Title(&change.sha);
                    want_title = false;
                }
            }
            if let (Hotfix::None, Some(number)) = (found, want_branch) {
                found = Hotfix::Branch(number);
            }
            scan.hotfix[p as usize] = found;
            facts.changes = count;
            facts.lead_end = lead.len() as u32;
        }
        scan.key_start.push(scan.keys.len() as u32);
        for p in 0..self.members.len() {
            if !self.facts[p].counted {
                let changes = &self.deployment(p as u32).changes;
                self.facts[p].changes = changes.iter().filter(|c| !c.merge).count() as u32;
            }
        }
        // The rules visit reverts as a pass over every deployment would: in index order.
        scan.reverts.sort_by_key(|r| r.deployment);
        self.lead = lead;
        scan
    }
}

/// A commit whose sha is not hex has no key.
pub(crate) const NO_KEY: u32 = u32::MAX;

/// Why a deployment is a hotfix (`rework_rate`), the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hotfix<'e> {
    None,
    /// Its ref matches.
    Ref(&'e str),
    /// The title of one of its changes matches: that change's sha.
    Title(&'e str),
    /// It shipped a commit of a pull request whose head branch matches.
    Branch(u64),
}

/// What one pass over a service's shipped commits found.
pub(crate) struct ChangeScan<'e> {
    /// The sha key (`shipped::sha_key`, else `NO_KEY`) of every commit of every counted
    /// deployment, deployment after deployment in deploy order.
    pub(crate) keys: Vec<u32>,
    /// Where each counted deployment's keys start (in deploy order), and the end.
    pub(crate) key_start: Vec<u32>,
    /// The reverting commits, by deployment in index order.
    pub(crate) reverts: Vec<RevertCommit<'e>>,
    /// Per member: why it is a hotfix (counted deployments only).
    pub(crate) hotfix: Vec<Hotfix<'e>>,
}

/// Caches a yes/no answer per distinct text (authors repeat across thousands of pull
/// requests; a glob match costs more than a hash lookup).
pub(crate) struct Interned<'e, F> {
    answers: FxHashMap<&'e str, bool>,
    ask: F,
}

impl<'e, F: Fn(&str) -> bool> Interned<'e, F> {
    pub(crate) fn new(ask: F) -> Self {
        Interned {
            answers: FxHashMap::default(),
            ask,
        }
    }

    pub(crate) fn get(&mut self, text: &'e str) -> bool {
        if let Some(&answer) = self.answers.get(text) {
            return answer;
        }
        let answer = (self.ask)(text);
        self.answers.insert(text, answer);
        answer
    }
}
