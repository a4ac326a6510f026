//! Actions workflow runs: listed by creation date from a watermark day (`created=>=DAY`), which
//! stays on the day of the oldest recent run still going, so a run is seen again until it ends.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::api::PER_PAGE;
use super::deployments;
use super::pass::Pass;
use super::payload;
use super::state;
use super::translate;
use super::walk::{self, Steps, runs_now};
use crate::SourceError;
use flowdeck_core::model::Timestamp;

/// GitHub answers at most this many runs for a listing filtered by `created`.
const SEARCH_CAP: u64 = 1000;
/// Pages read at most in one sync (30,000 runs); the rest is read at the next sync.
const MAX_PAGES: usize = 300;
/// Runs still queued or running after this long are not waited for (stuck runs exist).
const WAIT_DAYS: i64 = 7;

/// `created` as GitHub's search syntax writes a day range.
fn created_filter(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        Some(to) => format!("{}..{}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d")),
        None => format!(">={}", from.format("%Y-%m-%d")),
    }
}

/// Where the run listing is (`runs.walk`): the day it lists from, the day ranges still to
/// list (a range GitHub would cut at 1,000 runs is split in halves by day), the page of the
/// range being read, and what the runs read so far say about the next sync's day.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunsWalk {
    from: NaiveDate,
    ranges: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// The range being read, and its next page (None: its first page is next).
    range: Option<(NaiveDate, Option<NaiveDate>)>,
    next: Option<String>,
    /// The range's first page is next: the one that says whether GitHub would cut it.
    first_page: bool,
    newest: Option<Timestamp>,
    waiting: Option<Timestamp>,
    /// The listing from the new day read right after, so the next poll is answered 304.
    warm: bool,
}

impl RunsWalk {
    fn start(from: NaiveDate, warm: bool) -> RunsWalk {
        RunsWalk {
            from,
            ranges: vec![(from, None)],
            range: None,
            next: None,
            first_page: false,
            newest: None,
            waiting: None,
            warm,
        }
    }

    /// The day the next sync lists from: the day of the oldest run created in the last week
    /// that has not completed, else the day of the newest run; unchanged when there are none.
    fn next_from(&self) -> NaiveDate {
        match (self.waiting, self.newest) {
            (Some(w), Some(n)) => w.min(n).date_naive().max(self.from),
            (None, Some(n)) => n.date_naive().max(self.from),
            _ => self.from,
        }
    }
}

/// Reads the runs created since the watermark day (since the backfill horizon on a first
/// sync), page by page, each handed to the pass: CI runs as pipeline runs, deploy workflow
/// runs as deployments. When the day moves, the listing from the new day is read too, so the
/// next poll of an unchanged repository finds it cached and is answered 304. Returns whether
/// the listing is complete.
pub(super) async fn sync(pass: &mut Pass<'_>) -> Result<bool, SourceError> {
    let today = pass.round.now.date_naive();
    let horizon = pass.round.now - pass.round.backfill;
    let stored_walk = walk::usable(
        pass.api,
        pass.round.marks.json::<RunsWalk>(state::RUNS_WALK)?,
        |w| w.next.as_deref(),
    );
    let since = pass.round.marks.read(state::RUNS_CREATED_SINCE, |v| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
    })?;
    if !runs_now(stored_walk.is_some(), since.is_some(), pass.resuming) {
        return Ok(true);
    }
    let mut walk = match stored_walk {
        Some(walk) => walk,
        None => {
            if since.is_none() && !pass.settings.deploy_workflows.is_empty() {
                // The predecessor of the first deploy run inside the horizon.
                let older =
                    deployments::older_deploy_runs(pass.api, pass.settings, horizon).await?;
                take_runs(pass, older);
            }
            RunsWalk::start(since.unwrap_or_else(|| horizon.date_naive()), false)
        }
    };
    let mut steps = Steps::new(format!("workflow runs of {}", pass.api.repo()), MAX_PAGES);
    let result = walk_runs(pass, &mut walk, &mut steps, today).await;
    match result {
        Ok(true) if !walk.warm => {
            let next = walk.next_from();
            pass.round.marks.set(
                state::RUNS_CREATED_SINCE,
                next.format("%Y-%m-%d").to_string(),
            );
            if next != walk.from {
                walk = RunsWalk::start(next, true);
                let warm = walk_runs(pass, &mut walk, &mut steps, today).await;
                return finish(pass, &walk, warm);
            }
            pass.round.marks.clear(state::RUNS_WALK);
            Ok(true)
        }
        other => finish(pass, &walk, other),
    }
}

fn finish(
    pass: &mut Pass<'_>,
    walk: &RunsWalk,
    result: Result<bool, SourceError>,
) -> Result<bool, SourceError> {
    match result {
        Ok(true) => {
            pass.round.marks.clear(state::RUNS_WALK);
            Ok(true)
        }
        Ok(false) => {
            pass.round.marks.set_json(state::RUNS_WALK, walk);
            Ok(false)
        }
        Err(error) => {
            pass.round.marks.set_json(state::RUNS_WALK, walk);
            Err(error)
        }
    }
}

/// Walks the ranges on from where the walk is; true when every range is read, false at the
/// page cap.
async fn walk_runs(
    pass: &mut Pass<'_>,
    walk: &mut RunsWalk,
    steps: &mut Steps,
    today: NaiveDate,
) -> Result<bool, SourceError> {
    let api = pass.api;
    loop {
        let (start, end) = match walk.range {
            Some(range) => range,
            None => match walk.ranges.pop() {
                Some(range) => {
                    let first = api.url(
                        &["actions", "runs"],
                        &[
                            ("per_page", PER_PAGE),
                            ("created", &created_filter(range.0, range.1)),
                        ],
                    );
                    walk.range = Some(range);
                    walk.next = Some(first.to_string());
                    walk.first_page = true;
                    range
                }
                None => return Ok(true),
            },
        };
        let Some(url) = steps.next(api, &mut walk.next)? else {
            if walk.next.is_some() {
                return Ok(false);
            }
            walk.range = None;
            continue;
        };
        let page = api.get::<payload::WorkflowRuns>(url).await?;
        let last = end.unwrap_or(today);
        let first_page = std::mem::replace(&mut walk.first_page, false);
        if first_page && page.body.total_count > SEARCH_CAP && last > start {
            let middle = start + Duration::days((last - start).num_days() / 2);
            walk.ranges.push((middle + Duration::days(1), end));
            walk.ranges.push((start, Some(middle)));
            walk.range = None;
            walk.next = None;
            continue;
        }
        walk.next = walk::next_link(api, page.next)?;
        if walk.next.is_none() {
            walk.range = None;
        }
        let recent = pass.round.now - Duration::days(WAIT_DAYS);
        for run in &page.body.workflow_runs {
            walk.newest = walk.newest.max(Some(run.created_at));
            if run.status.as_deref() != Some("completed") && run.created_at >= recent {
                walk.waiting = Some(
                    walk.waiting
                        .map_or(run.created_at, |w| w.min(run.created_at)),
                );
            }
        }
        take_runs(pass, page.body.workflow_runs);
        pass.round.marks.set_json(state::RUNS_WALK, &*walk);
        pass.checkpoint()?;
    }
}

/// One page of runs into the pass: CI workflows' as pipeline runs, deploy workflows' as
/// deployments.
fn take_runs(pass: &mut Pass<'_>, runs: Vec<payload::WorkflowRun>) {
    let settings = pass.settings;
    for pending in deployments::from_runs(settings, pass.known, &runs) {
        pass.deployment(pending);
    }
    for run in &runs {
        if settings.is_ci_workflow(run) {
            let model =
                translate::pipeline_run(run, settings.run_deployment_id(run.id), &settings.service);
            pass.run(model, run.updated_at);
        }
    }
}
