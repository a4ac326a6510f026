//! One sync's working state: the round (time, watermarks), what the store is known to hold,
//! and the part read since the last commit. Every listing hands what it reads to the pass as
//! it goes; once enough requests went into a part ([`PART_REQUESTS`]), at the next page
//! boundary the part is committed with the listings' cursors (`Round::commit_part`), so a
//! backfill cut by a rate limit, a fault or Ctrl-C continues from there at the next sync. A
//! sync that fails commits what it read before the failure (`flush`); a sync that ends hands
//! the rest to the poller, which commits it with the status.

use std::collections::HashMap;

use super::api::Api;
use super::deployments::Pending;
use super::known::Known;
use super::setup::Settings;
use super::state;
use crate::SourceError;
use crate::polled::{Round, format_time};
use flowdeck_core::model::{Deployment, EventSet, Incident, PipelineRun, PullRequest, Timestamp};

/// Requests in one part: a first sync of 1,000 deployments (about 2,000 requests) commits
/// some 40 parts; an everyday sync (a handful of requests) commits once, at its end.
const PART_REQUESTS: u64 = 50;

pub(super) struct Pass<'a> {
    pub api: &'a Api,
    pub settings: &'a Settings,
    pub round: &'a mut Round,
    pub known: &'a mut Known,
    /// Deployments whose shipped commits are still to be read (a compare each), by id: kept
    /// as a watermark, so a cut backfill reads them at the next sync.
    pub changes_pending: Vec<String>,
    /// `changes_pending` as stored, so an unchanged list is not written again.
    pending_stored: Vec<String>,
    /// Whether this sync only continues listings a previous one left unfinished: listings
    /// already complete are polled again at the next sync, not in this one.
    pub resuming: bool,
    part: EventSet,
    /// Positions in `part` by id, so an event read twice in one part is kept once (the later).
    deployments_at: HashMap<String, usize>,
    runs_at: HashMap<String, (Timestamp, usize)>,
    pulls_at: HashMap<u64, usize>,
    incidents_at: HashMap<String, (Timestamp, usize)>,
    marker: String,
    parts: u32,
    sent_at_commit: u64,
}

impl<'a> Pass<'a> {
    pub(super) fn new(
        api: &'a Api,
        settings: &'a Settings,
        round: &'a mut Round,
        known: &'a mut Known,
        serial: u64,
    ) -> Result<Pass<'a>, SourceError> {
        let changes_pending = round
            .marks
            .json::<Vec<String>>(state::CHANGES_PENDING)?
            .unwrap_or_default();
        let marker = format!("{} #{serial}", format_time(round.now));
        Ok(Pass {
            pending_stored: changes_pending.clone(),
            sent_at_commit: api.sent(),
            api,
            settings,
            round,
            known,
            changes_pending,
            resuming: false,
            part: EventSet::default(),
            deployments_at: HashMap::new(),
            runs_at: HashMap::new(),
            pulls_at: HashMap::new(),
            incidents_at: HashMap::new(),
            marker,
            parts: 0,
        })
    }

    /// A deployment read: kept when it is new or differs from what is stored; one whose
    /// shipped commits are still to be read joins `changes_pending`.
    pub(super) fn deployment(&mut self, pending: Pending) {
        if pending.needs_changes && !self.changes_pending.contains(&pending.deployment.id) {
            self.changes_pending.push(pending.deployment.id.clone());
        }
        self.put_deployment(pending.deployment);
    }

    /// A deployment with its shipped commits read.
    pub(super) fn put_deployment(&mut self, deployment: Deployment) {
        if !self.known.deployment_changed(&deployment) {
            return;
        }
        self.known.add_deployment(deployment.clone());
        match self.deployments_at.get(&deployment.id) {
            Some(&at) => self.part.deployments[at] = deployment,
            None => {
                self.deployments_at
                    .insert(deployment.id.clone(), self.part.deployments.len());
                self.part.deployments.push(deployment);
            }
        }
    }

    /// A CI run; of two views of one run, the later updated is kept.
    pub(super) fn run(&mut self, run: PipelineRun, updated_at: Timestamp) {
        match self.runs_at.get(&run.id) {
            Some(&(seen, _)) if seen > updated_at => {}
            Some(&(_, at)) => {
                self.runs_at.insert(run.id.clone(), (updated_at, at));
                self.part.pipeline_runs[at] = run;
            }
            None => {
                self.runs_at
                    .insert(run.id.clone(), (updated_at, self.part.pipeline_runs.len()));
                self.part.pipeline_runs.push(run);
            }
        }
    }

    /// A pull request: kept when new or changed.
    pub(super) fn pull(&mut self, pr: PullRequest) {
        if self.known.pulls.get(&pr.number) == Some(&pr) {
            return;
        }
        self.known.pulls.insert(pr.number, pr.clone());
        match self.pulls_at.get(&pr.number) {
            Some(&at) => self.part.pull_requests[at] = pr,
            None => {
                self.pulls_at
                    .insert(pr.number, self.part.pull_requests.len());
                self.part.pull_requests.push(pr);
            }
        }
    }

    /// An incident issue; of two views of one issue (two incident labels), the later updated.
    pub(super) fn incident(&mut self, incident: Incident, updated_at: Timestamp) {
        match self.incidents_at.get(&incident.id) {
            Some(&(seen, _)) if seen > updated_at => {}
            Some(&(_, at)) => {
                self.incidents_at
                    .insert(incident.id.clone(), (updated_at, at));
                self.part.incidents[at] = incident;
            }
            None => {
                self.incidents_at
                    .insert(incident.id.clone(), (updated_at, self.part.incidents.len()));
                self.part.incidents.push(incident);
            }
        }
    }

    /// At a page boundary, with the listing's cursor set: commits the part when it holds
    /// enough requests' worth.
    pub(super) fn checkpoint(&mut self) -> Result<(), SourceError> {
        if self.api.sent().saturating_sub(self.sent_at_commit) >= PART_REQUESTS {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits the part now with the watermarks set so far (a failed sync keeps what it read).
    pub(super) fn commit(&mut self) -> Result<(), SourceError> {
        self.parts += 1;
        let marker = format!("{}.{}", self.marker, self.parts);
        self.set_marks(marker.clone());
        let part = std::mem::take(&mut self.part);
        self.round.commit_part(&part)?;
        self.known.marker = Some(marker);
        self.deployments_at.clear();
        self.runs_at.clear();
        self.pulls_at.clear();
        self.incidents_at.clear();
        self.sent_at_commit = self.api.sent();
        Ok(())
    }

    /// The rest, for the poller to commit with the status.
    pub(super) fn finish(mut self) -> EventSet {
        let marker = self.marker.clone();
        self.set_marks(marker.clone());
        self.known.marker = Some(marker);
        std::mem::take(&mut self.part)
    }

    fn set_marks(&mut self, marker: String) {
        let marks = &mut self.round.marks;
        if self.changes_pending != self.pending_stored {
            if self.changes_pending.is_empty() {
                marks.clear(state::CHANGES_PENDING);
            } else {
                marks.set_json(state::CHANGES_PENDING, &self.changes_pending);
            }
            self.pending_stored = self.changes_pending.clone();
        }
        marks.set(state::SYNC_AT, marker);
    }
}
