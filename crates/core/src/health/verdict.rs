//! The verdict of one deployment on one series (docs/METRICS.md#health-panels-and-the-deployment-verdict):
//!
//! - **before**: the median of the samples in `(started − compare, started]`;
//! - **after**: the median of the samples in `(finished, finished + compare]`;
//! - **delta**: after − before;
//! - **unusual**: the delta lies outside the 10th–90th percentile (linear interpolation
//!   between closest ranks) of the series' own `compare`-long changes over the 7 days before
//!   the deployment started. Such a change at a cut `c` is the median of `(c, c + compare]`
//!   minus the median of `(c − compare, c]`; cuts lie every `compare / 2` (on a grid from the
//!   epoch, so deployments share them), both windows inside `[started − 7d, started]`, and a
//!   cut with an empty window gives no change. Fewer than [`MIN_CHANGES`] changes: never
//!   unusual (not enough history to say what is usual).
//!
//! Medians here are exact (no rounding): a ratio of 0.0000012 keeps its digits.

use std::collections::HashMap;

use super::{Better, Sample};

/// The fewest changes the percentiles are taken over.
pub const MIN_CHANGES: usize = 20;

/// How far back the usual changes are read.
pub const LOOKBACK_MS: i64 = 7 * 86_400_000;

/// What one deployment did to one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub before: f64,
    pub after: f64,
    pub delta: f64,
    pub unusual: bool,
    /// Unusual, and in the direction the panel calls bad.
    pub worse: bool,
    /// The 10th and 90th percentile of the usual changes, when there were enough of them.
    pub usual: Option<(f64, f64)>,
}

/// The median of the samples with `from < at ≤ to` of `points` (oldest first); None when
/// there are none.
pub fn window_median(points: &[Sample], from_ms: i64, to_ms: i64) -> Option<f64> {
    let start = points.partition_point(|p| p.at_ms <= from_ms);
    let end = points.partition_point(|p| p.at_ms <= to_ms);
    let mut values: Vec<f64> = points.get(start..end)?.iter().map(|p| p.value).collect();
    values.sort_unstable_by(f64::total_cmp);
    quantile_sorted(&values, 0.5)
}

/// The q-quantile of sorted values, interpolating linearly between closest ranks (numpy's
/// default), without rounding.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    #[allow(
        clippy::cast_precision_loss,
        reason = "sample counts are far below 2^52"
    )]
    let position = q.clamp(0.0, 1.0) * last as f64;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "position lies in [0, last]"
    )]
    let lower = position.floor() as usize;
    let low = *sorted.get(lower)?;
    let high = sorted.get(lower + 1).copied().unwrap_or(low);
    #[allow(clippy::cast_precision_loss, reason = "as above")]
    let fraction = position - lower as f64;
    Some(if fraction == 0.0 {
        low
    } else {
        low + (high - low) * fraction
    })
}

/// One series prepared for verdicts: its samples oldest first, and the usual changes at the
/// cuts already computed (shared between deployments of the same service).
#[derive(Debug)]
pub struct Baseline<'a> {
    points: std::borrow::Cow<'a, [Sample]>,
    compare_ms: i64,
    stride_ms: i64,
    changes: HashMap<i64, Option<f64>>,
}

impl<'a> Baseline<'a> {
    /// None when `compare_ms` is under a second (the config does not allow it).
    pub fn new(points: &'a [Sample], compare_ms: i64) -> Option<Baseline<'a>> {
        if compare_ms < 1000 {
            return None;
        }
        let points = if points.is_sorted_by_key(|p| p.at_ms) {
            std::borrow::Cow::Borrowed(points)
        } else {
            let mut owned = points.to_vec();
            owned.sort_by_key(|p| p.at_ms);
            std::borrow::Cow::Owned(owned)
        };
        Some(Baseline {
            points,
            compare_ms,
            stride_ms: compare_ms / 2,
            changes: HashMap::new(),
        })
    }

    /// The verdict of a deployment that started at `started_ms` and finished at
    /// `finished_ms`; None when the series has no sample before or none after it.
    pub fn verdict(
        &mut self,
        started_ms: i64,
        finished_ms: i64,
        better: Better,
    ) -> Option<Verdict> {
        let compare = self.compare_ms;
        let finished_ms = finished_ms.max(started_ms);
        let before = window_median(&self.points, started_ms.checked_sub(compare)?, started_ms)?;
        let after = window_median(&self.points, finished_ms, finished_ms.checked_add(compare)?)?;
        let delta = after - before;
        let mut usual_changes = self.usual_changes(started_ms);
        let usual = if usual_changes.len() >= MIN_CHANGES {
            usual_changes.sort_unstable_by(f64::total_cmp);
            quantile_sorted(&usual_changes, 0.1).zip(quantile_sorted(&usual_changes, 0.9))
        } else {
            None
        };
        let unusual = usual.is_some_and(|(low, high)| delta < low || delta > high);
        Some(Verdict {
            before,
            after,
            delta,
            unusual,
            worse: unusual && better.is_worse(delta),
            usual,
        })
    }

    /// The changes at every cut whose two windows lie in `[started − 7d, started]`.
    pub fn usual_changes(&mut self, started_ms: i64) -> Vec<f64> {
        let compare = self.compare_ms;
        let stride = self.stride_ms;
        let (Some(first), Some(last)) = (
            started_ms
                .checked_sub(LOOKBACK_MS)
                .and_then(|from| from.checked_add(compare)),
            started_ms.checked_sub(compare),
        ) else {
            return Vec::new();
        };
        // The first cut on the grid at or after `first`.
        let mut cut = first.div_euclid(stride) * stride;
        if cut < first {
            cut += stride;
        }
        let mut found = Vec::new();
        while cut <= last {
            let points = &self.points;
            let change = *self.changes.entry(cut).or_insert_with(|| {
                let after = window_median(points, cut, cut + compare)?;
                let before = window_median(points, cut - compare, cut)?;
                Some(after - before)
            });
            found.extend(change);
            cut += stride;
        }
        found
    }
}
