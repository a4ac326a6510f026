//! From raw samples to incidents: the exact rules, as pure functions of milliseconds.
//!
//! - A series' **step** is its evaluation interval, estimated as the median of the gaps
//!   between its consecutive samples that are no longer than `gap` (an even count takes the
//!   mean of the middle two, rounded down). A series with no such gap in this read takes the
//!   step remembered from an earlier sync, else the median step of the other series in this
//!   read, else 60 s (Prometheus' default `evaluation_interval`); never more than `gap`.
//! - A **run** is a maximal sequence of samples in which consecutive samples are at most `gap`
//!   apart; a longer silence splits it. Runs remembered from earlier syncs (spans: first and
//!   last sample) take part as if their samples had been read again, so a run keeps its start
//!   however many syncs it spans, and a re-read tail never becomes an incident of its own.
//! - An incident starts at its run's first sample. It is **open** when Prometheus still answers
//!   the series in an instant query at `now` (instant queries honour staleness markers, so a
//!   live alert that resolved is gone) *and* its run's last sample is within
//!   `min(gap, 2 × step + 30 s)` of `now` (backfilled history has no staleness markers: a run
//!   whose samples stopped is over even where the instant query still finds it). Only the
//!   series' last run can be open.
//! - Otherwise it **resolved** one step after its last sample (the evaluation that no longer
//!   fired), but never after `now` and never before it started.

use serde::{Deserialize, Serialize};

use flowdeck_core::metrics::stats;

/// Milliseconds since the epoch (Prometheus' own resolution).
pub(super) type Millis = i64;

/// Prometheus' default evaluation interval: the step of a series seen only once.
pub(super) const DEFAULT_STEP: Millis = 60_000;

/// Slack on top of two steps before a run whose samples stopped counts as over.
pub(super) const OPEN_SLACK: Millis = 30_000;

/// A run remembered between syncs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Span {
    pub start: Millis,
    pub last: Millis,
    pub step: Millis,
    pub open: bool,
    /// From the alert's annotations while it fired (kept once it resolves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The Alertmanager labels last seen while open (kept when Alertmanager cannot be asked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alertmanager: Vec<String>,
}

/// A run of one series after a read, and what was remembered of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    pub start: Millis,
    pub last: Millis,
    /// The remembered spans it continues (in order); empty for a run first seen now.
    pub spans: Vec<Span>,
    /// Whether the read found samples outside every remembered span.
    pub new_samples: bool,
}

impl Run {
    /// What this run was remembered as, when it was: the latest span it continues.
    pub(super) fn remembered(&self) -> Option<&Span> {
        self.spans.last()
    }
}

/// Splits a series' samples (read now, sorted, unique) into runs, together with its
/// remembered spans (sorted by start).
pub(super) fn runs(spans: &[Span], samples: &[Millis], gap: Millis) -> Vec<Run> {
    enum Item<'a> {
        Span(&'a Span),
        Sample(Millis),
    }
    let mut items: Vec<(Millis, Millis, Item<'_>)> = spans
        .iter()
        .map(|s| (s.start, s.last, Item::Span(s)))
        .chain(samples.iter().map(|&t| (t, t, Item::Sample(t))))
        .collect();
    items.sort_by_key(|(start, last, _)| (*start, *last));

    let covered = |t: Millis| spans.iter().any(|s| s.start <= t && t <= s.last);
    let mut out: Vec<Run> = Vec::new();
    for (start, last, item) in items {
        let joins = out.last().is_some_and(|run| start - run.last <= gap);
        if !joins {
            out.push(Run {
                start,
                last,
                spans: Vec::new(),
                new_samples: false,
            });
        }
        let Some(run) = out.last_mut() else {
            continue;
        };
        run.last = run.last.max(last);
        match item {
            Item::Span(span) => run.spans.push(span.clone()),
            Item::Sample(t) => run.new_samples |= !covered(t),
        }
    }
    out
}

/// The median gap between consecutive points no longer than `gap`; None without such a gap.
pub(super) fn median_gap(points: &[Millis], gap: Millis) -> Option<Millis> {
    let mut gaps: Vec<Millis> = points
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|&d| d > 0 && d <= gap)
        .collect();
    median(&mut gaps)
}

/// The core's median (docs/METRICS.md#statistics: the mean of the middle two for an even
/// count), rounded down to a whole millisecond.
pub(super) fn median(values: &mut [Millis]) -> Option<Millis> {
    // Gaps are far below 2^53 ms, so the f64 median of whole milliseconds is exact.
    stats::median(values).map(|m| m.floor() as Millis)
}

/// The step of a series: its own median gap, else what was remembered, else the read's
/// typical step, else [`DEFAULT_STEP`]; at least 1 ms and at most `gap`.
pub(super) fn step(
    own: Option<Millis>,
    remembered: Option<Millis>,
    typical: Option<Millis>,
    gap: Millis,
) -> Millis {
    own.or(remembered)
        .or(typical)
        .unwrap_or(DEFAULT_STEP)
        .clamp(1, gap.max(1))
}

/// How long after its last sample a run still counts as going on.
pub(super) fn open_tolerance(step: Millis, gap: Millis) -> Millis {
    gap.min(2 * step + OPEN_SLACK)
}

/// Whether a series' last run is open at `now`.
pub(super) fn is_open(
    last: Millis,
    step: Millis,
    now: Millis,
    gap: Millis,
    firing_now: bool,
) -> bool {
    firing_now && now - last <= open_tolerance(step, gap)
}

/// When a run that is over resolved: one step after its last sample, clamped to
/// [start, now].
pub(super) fn resolved_at(start: Millis, last: Millis, step: Millis, now: Millis) -> Millis {
    (last + step).min(now).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Millis = 1000;
    const M: Millis = 60 * S;
    const GAP: Millis = 5 * M;

    fn span(start: Millis, last: Millis) -> Span {
        Span {
            start,
            last,
            step: M,
            open: false,
            body: None,
            alertmanager: Vec::new(),
        }
    }

    fn bounds(runs: &[Run]) -> Vec<(Millis, Millis)> {
        runs.iter().map(|r| (r.start, r.last)).collect()
    }

    #[test]
    fn a_silence_longer_than_the_gap_splits_runs() {
        // 0, 1m, 2m | 7m01 (5m01 later: split) | 12m01 (exactly 5m later: joins), 13m01
        let samples = [0, M, 2 * M, 7 * M + S, 12 * M + S, 13 * M + S];
        let found = runs(&[], &samples, GAP);
        assert_eq!(bounds(&found), [(0, 2 * M), (7 * M + S, 13 * M + S)]);
        assert!(found.iter().all(|r| r.new_samples && r.spans.is_empty()));
        assert!(runs(&[], &[], GAP).is_empty());
        assert_eq!(bounds(&runs(&[], &[42], GAP)), [(42, 42)]);
    }

    #[test]
    fn a_remembered_run_keeps_its_start_when_its_tail_is_read_again() {
        // Remembered 0..10m; the re-read finds 8m..10m again and 11m, 12m new.
        let remembered = [span(0, 10 * M)];
        let found = runs(&remembered, &[8 * M, 9 * M, 10 * M, 11 * M, 12 * M], GAP);
        assert_eq!(bounds(&found), [(0, 12 * M)]);
        assert!(found[0].new_samples);
        assert_eq!(found[0].remembered(), Some(&remembered[0]));

        // Nothing beyond what is remembered: not new.
        let found = runs(&remembered, &[9 * M, 10 * M], GAP);
        assert_eq!(bounds(&found), [(0, 10 * M)]);
        assert!(!found[0].new_samples);
    }

    #[test]
    fn a_run_that_went_quiet_continues_within_the_gap_and_not_after() {
        let remembered = [span(0, 10 * M)];
        // 4 minutes of silence (a flapping alert, or a missed evaluation): the same run.
        let found = runs(&remembered, &[14 * M, 15 * M], GAP);
        assert_eq!(bounds(&found), [(0, 15 * M)]);
        // 6 minutes: a new incident; the remembered one stays as it was.
        let found = runs(&remembered, &[16 * M, 17 * M], GAP);
        assert_eq!(bounds(&found), [(0, 10 * M), (16 * M, 17 * M)]);
        assert!(!found[0].new_samples);
        assert!(found[1].new_samples && found[1].spans.is_empty());
    }

    #[test]
    fn several_remembered_runs_of_one_series_stay_apart() {
        let remembered = [span(0, 2 * M), span(10 * M, 12 * M)];
        let found = runs(&remembered, &[2 * M, 10 * M, 11 * M, 12 * M, 13 * M], GAP);
        assert_eq!(bounds(&found), [(0, 2 * M), (10 * M, 13 * M)]);
        assert!(!found[0].new_samples);
        assert!(found[1].new_samples);
        assert_eq!(found[1].remembered(), Some(&remembered[1]));
    }

    #[test]
    fn the_step_is_the_median_gap() {
        // Gaps 1s, 1s, 3s (a missed evaluation), 1s; 10m is a split, not a gap.
        let points = [0, S, 2 * S, 5 * S, 6 * S, 6 * S + 10 * M];
        assert_eq!(median_gap(&points, GAP), Some(S));
        // Even count: the mean of the middle two (15s and 30s -> 22.5s, rounded down).
        assert_eq!(
            median_gap(&[0, 15 * S, 45 * S, 105 * S, 165 * S], GAP),
            Some(45 * S)
        );
        assert_eq!(median_gap(&[0, 15 * S, 45 * S], GAP), Some(22_500));
        assert_eq!(median_gap(&[0], GAP), None);
        assert_eq!(median_gap(&[0, 6 * M], GAP), None);
    }

    #[test]
    fn a_step_falls_back_in_order_and_stays_within_the_gap() {
        assert_eq!(step(Some(15 * S), Some(M), Some(S), GAP), 15 * S);
        assert_eq!(step(None, Some(M), Some(S), GAP), M);
        assert_eq!(step(None, None, Some(S), GAP), S);
        assert_eq!(step(None, None, None, GAP), DEFAULT_STEP);
        assert_eq!(step(None, None, None, 30 * S), 30 * S);
        assert_eq!(step(Some(0), None, None, GAP), 1);
    }

    #[test]
    fn open_needs_prometheus_to_say_firing_and_recent_samples() {
        let now = 100 * M;
        // Step 1s: tolerance 32s.
        assert!(is_open(now - S, S, now, GAP, true));
        assert!(is_open(now - 32 * S, S, now, GAP, true));
        assert!(!is_open(now - 33 * S, S, now, GAP, true));
        // Not answered by the instant query (a staleness marker): over at once.
        assert!(!is_open(now - S, S, now, GAP, false));
        // Step 1m: tolerance 2m30s; capped by the gap for slow rules.
        assert!(is_open(now - 150 * S, M, now, GAP, true));
        assert!(!is_open(now - 151 * S, M, now, GAP, true));
        assert_eq!(open_tolerance(4 * M, GAP), GAP);
    }

    #[test]
    fn a_run_resolves_one_step_after_its_last_sample() {
        assert_eq!(resolved_at(0, 10 * M, M, 100 * M), 11 * M);
        // Never after now (the evaluation that stopped it was just now)...
        assert_eq!(resolved_at(0, 10 * M, M, 10 * M + 20 * S), 10 * M + 20 * S);
        // ...and never before it started.
        assert_eq!(resolved_at(5 * M, 5 * M, M, 5 * M), 5 * M);
    }
}
