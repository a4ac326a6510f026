//! Actions workflow runs: listed by creation date from a watermark day (`created=>=DAY`), which
//! stays on the day of the oldest recent run still going, so a run is seen again until it ends.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::api::{Api, PER_PAGE};
use super::payload;
use super::state;
use crate::SourceError;
use crate::polled::Watermarks;
use flowdeck_core::model::Timestamp;

/// GitHub answers at most this many runs for a listing filtered by `created`.
const SEARCH_CAP: u64 = 1000;
/// Pages read at most in one sync (30,000 runs).
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

/// Every run created on or after `from` (newest first). A range GitHub would cut at 1,000 runs
/// is split in halves by day until each part fits.
async fn list_from(
    api: &Api,
    from: NaiveDate,
    today: NaiveDate,
    pages: &mut usize,
) -> Result<Vec<payload::WorkflowRun>, SourceError> {
    let mut runs = Vec::new();
    let mut ranges: Vec<(NaiveDate, Option<NaiveDate>)> = vec![(from, None)];
    while let Some((start, end)) = ranges.pop() {
        let created = created_filter(start, end);
        let mut url = Some(api.url(
            &["actions", "runs"],
            &[("per_page", PER_PAGE), ("created", &created)],
        ));
        let mut first = true;
        while let Some(next) = url.take() {
            if *pages >= MAX_PAGES {
                tracing::warn!(repo = api.repo(), "run listing cut at {MAX_PAGES} pages");
                return Ok(runs);
            }
            let page = api.get::<payload::WorkflowRuns>(next).await?;
            *pages += 1;
            let last = end.unwrap_or(today);
            if first && page.body.total_count > SEARCH_CAP && last > start {
                let middle = start + Duration::days((last - start).num_days() / 2);
                ranges.push((middle + Duration::days(1), end));
                ranges.push((start, Some(middle)));
                break;
            }
            first = false;
            runs.extend(page.body.workflow_runs);
            url = match page.next {
                Some(link) => Some(api.follow(link.as_str())?),
                None => None,
            };
        }
    }
    Ok(runs)
}

/// The day the next sync lists from: the day of the oldest run created in the last week that
/// has not completed, else the day of the newest run; unchanged when there are no runs.
fn next_from(runs: &[payload::WorkflowRun], from: NaiveDate, now: Timestamp) -> NaiveDate {
    let recent = now - Duration::days(WAIT_DAYS);
    let newest = runs.iter().map(|r| r.created_at).max();
    let waiting = runs
        .iter()
        .filter(|r| r.status.as_deref() != Some("completed") && r.created_at >= recent)
        .map(|r| r.created_at)
        .min();
    match (waiting, newest) {
        (Some(w), Some(n)) => w.min(n).date_naive().max(from),
        (None, Some(n)) => n.date_naive().max(from),
        _ => from,
    }
}

/// The runs created since the watermark day (since the backfill horizon on a first sync), one
/// record per run id. When the watermark moves, the new listing is read too, so the next poll
/// of an unchanged repository finds it cached and is answered 304.
pub(super) async fn list(
    api: &Api,
    marks: &mut Watermarks,
    now: Timestamp,
    horizon: Timestamp,
) -> Result<Vec<payload::WorkflowRun>, SourceError> {
    let today = now.date_naive();
    let from = marks
        .read(state::RUNS_CREATED_SINCE, |v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
        })?
        .unwrap_or_else(|| horizon.date_naive());
    let mut pages = 0;
    let mut runs = list_from(api, from, today, &mut pages).await?;
    let next = next_from(&runs, from, now);
    if next != from {
        runs.extend(list_from(api, next, today, &mut pages).await?);
    }
    marks.set(
        state::RUNS_CREATED_SINCE,
        next.format("%Y-%m-%d").to_string(),
    );
    // One record per run: the most recently updated view of it.
    let mut by_id: HashMap<u64, payload::WorkflowRun> = HashMap::new();
    for run in runs {
        match by_id.get(&run.id) {
            Some(seen) if seen.updated_at > run.updated_at => {}
            _ => {
                by_id.insert(run.id, run);
            }
        }
    }
    let mut runs: Vec<payload::WorkflowRun> = by_id.into_values().collect();
    runs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(runs)
}
