//! Work in progress (docs/METRICS.md#work-in-progress).
//!
//! At the instant `at = min(to, now)`: the pull requests whose author is not excluded, created at
//! or before `at` and neither merged nor closed by then (`created_at ≤ at < min(merged_at,
//! closed_at)`). `open_prs` counts them; `median_age_seconds` is the median of `at −
//! created_at`. It does not depend on the window's start. No band.

use serde::Serialize;

use super::facts::{History, ServiceFacts};
use super::rows::{OpenRow, ServiceRows, nanos};
use super::stats::median;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Wip {
    pub open_prs: u64,
    pub median_age_seconds: Option<f64>,
}

/// The rows of one service's pull requests.
pub(crate) fn fill_rows(history: &History, service: &ServiceFacts, out: &mut ServiceRows) {
    for &p in &service.prs {
        if history.prs[p as usize].excluded {
            continue;
        }
        let pr = &history.events.pull_requests[p as usize];
        let ended = [pr.merged_at, pr.closed_at].into_iter().flatten().min();
        out.open.push(OpenRow {
            created: nanos(pr.created_at),
            ended: ended.map_or(i64::MAX, nanos),
        });
    }
}

/// `lists`: every pull request row of each service of the scope; `at` in nanoseconds.
pub(crate) fn measure<'a>(lists: impl IntoIterator<Item = &'a [OpenRow]>, at: i64) -> Wip {
    let mut ages: Vec<i64> = Vec::new();
    for row in lists.into_iter().flatten() {
        if row.created <= at && row.ended > at {
            ages.push((at - row.created) / 1_000_000_000);
        }
    }
    Wip {
        open_prs: ages.len() as u64,
        median_age_seconds: median(&mut ages),
    }
}
