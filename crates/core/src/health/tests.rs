//! The verdict's definition, computed by hand (docs/METRICS.md#health-panels-and-the-deployment-verdict).

use chrono::{TimeZone, Utc};

use super::verdict::{LOOKBACK_MS, quantile_sorted};
use super::*;
use crate::model::{Deployment, DeploymentStatus};

const MIN: i64 = 60_000;
const DAYS: i64 = 10;

fn series(points: &[(i64, f64)]) -> Vec<Sample> {
    points
        .iter()
        .map(|&(at_ms, value)| Sample { at_ms, value })
        .collect()
}

/// A sample a minute for 10 days before `end`, value from `f(minute index)`.
fn minutes(end: i64, f: impl Fn(i64) -> f64) -> Vec<Sample> {
    let first = end - DAYS * 1440 * MIN;
    (0..=DAYS * 1440)
        .map(|i| Sample {
            at_ms: first + i * MIN,
            value: f(i),
        })
        .collect()
}

/// Deterministic noise in [-0.5, 0.5): an LCG over the minute index.
fn noise(i: i64) -> f64 {
    let x = (i
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 33)
        & 0xffff;
    x as f64 / 65_536.0 - 0.5
}

#[test]
fn quantiles_interpolate_like_numpy() {
    let values: Vec<f64> = (1..=10).map(f64::from).collect();
    // numpy.percentile(range(1, 11), [10, 50, 90]) == [1.9, 5.5, 9.1]
    assert!((quantile_sorted(&values, 0.1).unwrap() - 1.9).abs() < 1e-12);
    assert_eq!(quantile_sorted(&values, 0.5), Some(5.5));
    assert!((quantile_sorted(&values, 0.9).unwrap() - 9.1).abs() < 1e-12);
    assert_eq!(quantile_sorted(&[], 0.5), None);
    assert_eq!(quantile_sorted(&[3.0], 0.9), Some(3.0));
}

#[test]
fn windows_are_open_at_the_start_and_closed_at_the_end() {
    let points = series(&[(0, 1.0), (10, 2.0), (20, 3.0), (30, 40.0)]);
    assert_eq!(window_median(&points, 0, 20), Some(2.5));
    assert_eq!(window_median(&points, -1, 20), Some(2.0));
    assert_eq!(window_median(&points, 20, 30), Some(40.0));
    assert_eq!(window_median(&points, 30, 90), None);
    // Exact: no rounding to a millionth.
    let tiny = series(&[(1, 0.000_000_1), (2, 0.000_000_4)]);
    assert_eq!(window_median(&tiny, 0, 2), Some(0.000_000_25));
}

#[test]
fn before_and_after_are_the_medians_around_the_deployment() {
    // Samples every minute; the deployment runs from minute 10 to minute 13 of a 30-minute
    // compare: before = minutes (−20, 10] → 1..=10 → values 1..=10 (median 5.5), after =
    // minutes (13, 43] → 14..=43 → values 100 + minute.
    let points: Vec<Sample> = (0..60)
        .map(|m| Sample {
            at_ms: m * MIN,
            value: if m <= 13 { m as f64 } else { 100.0 + m as f64 },
        })
        .collect();
    let mut baseline = Baseline::new(&points, 30 * MIN).unwrap();
    let verdict = baseline.verdict(10 * MIN, 13 * MIN, Better::Lower).unwrap();
    // (−20 min, 10 min] holds minutes 0..=10: median 5.
    assert_eq!(verdict.before, 5.0);
    // (13 min, 43 min] holds minutes 14..=43: median of 114..=143 = 128.5.
    assert_eq!(verdict.after, 128.5);
    assert_eq!(verdict.delta, 123.5);
    // No 7 days of history: never unusual.
    assert_eq!(verdict.usual, None);
    assert!(!verdict.unusual && !verdict.worse);
}

#[test]
fn a_step_after_one_deployment_is_unusual_and_noise_is_not() {
    let day = 86_400_000;
    let step_at = 20 * day;
    let end = step_at + day;
    // Noise around 1.0 (±0.05), then a step to 2.0 at `step_at`.
    let points = minutes(end, |i| {
        let at = end - DAYS * 1440 * MIN + i * MIN;
        let base = if at > step_at { 2.0 } else { 1.0 };
        base + noise(i) / 10.0
    });
    let mut baseline = Baseline::new(&points, 30 * MIN).unwrap();
    let stepped = baseline
        .verdict(step_at - 5 * MIN, step_at, Better::Lower)
        .unwrap();
    assert!(stepped.unusual, "{stepped:?}");
    assert!(stepped.worse);
    assert!((stepped.delta - 1.0).abs() < 0.05, "{stepped:?}");
    let (low, high) = stepped.usual.unwrap();
    assert!(low < 0.0 && high > 0.0 && high < 0.05, "{low} {high}");
    // The same step reads as a good change on a panel where higher is better.
    let better = baseline
        .verdict(step_at - 5 * MIN, step_at, Better::Higher)
        .unwrap();
    assert!(better.unusual && !better.worse);

    // A deployment in the noise whose before and after medians coincide is usual.
    let calm = step_at - 2 * day;
    let verdict = baseline
        .verdict(calm, calm + 2 * MIN, Better::Lower)
        .unwrap();
    let (low, high) = verdict.usual.unwrap();
    assert_eq!(verdict.unusual, verdict.delta < low || verdict.delta > high);
    // Its changes were read over the 7 days before it only: 2 cuts an hour, both windows in
    // [start − 7d, start].
    let changes = baseline.usual_changes(calm);
    let expected = ((LOOKBACK_MS - 2 * 30 * MIN) / (15 * MIN) + 1) as usize;
    assert!(
        changes.len() == expected || changes.len() == expected - 1,
        "{}",
        changes.len()
    );
}

#[test]
fn too_little_history_is_never_unusual() {
    // 19 changes or fewer: the percentiles would say nothing.
    let points: Vec<Sample> = (0..300)
        .map(|m| Sample {
            at_ms: m * MIN,
            value: if m > 290 { 100.0 } else { 1.0 },
        })
        .collect();
    let mut baseline = Baseline::new(&points, 30 * MIN).unwrap();
    assert!(baseline.usual_changes(290 * MIN).len() < MIN_CHANGES);
    let verdict = baseline
        .verdict(290 * MIN, 290 * MIN, Better::Lower)
        .unwrap();
    assert_eq!(verdict.delta, 99.0);
    assert!(!verdict.unusual);
}

#[test]
fn careless_input_gives_no_verdict_rather_than_a_wrong_one() {
    assert!(Baseline::new(&[], 0).is_none());
    assert!(Baseline::new(&[], 999).is_none());
    let mut empty = Baseline::new(&[], 30 * MIN).unwrap();
    assert_eq!(empty.verdict(0, 0, Better::Lower), None);
    // Times at the ends of i64 do not overflow.
    let edge = series(&[(i64::MIN + 5, 1.0), (i64::MAX - 5, 2.0)]);
    let mut baseline = Baseline::new(&edge, 30 * MIN).unwrap();
    assert_eq!(
        baseline.verdict(i64::MIN + 10, i64::MIN + 10, Better::Lower),
        None
    );
    assert_eq!(
        baseline.verdict(i64::MAX - 10, i64::MAX - 10, Better::Lower),
        None
    );
    // Unsorted samples are ordered first.
    let shuffled = series(&[(30, 4.0), (10, 2.0), (20, 3.0), (0, 1.0)]);
    let mut baseline = Baseline::new(&shuffled, 1000).unwrap();
    // (−990, 10] holds 1 and 2; (15, 1015] holds 3 and 4.
    let verdict = baseline.verdict(10, 15, Better::Lower).unwrap();
    assert_eq!((verdict.before, verdict.after), (1.5, 3.5));
    // A finish before the start is read as the start: (−980, 20] and (20, 1020].
    let verdict = baseline.verdict(20, 5, Better::Lower).unwrap();
    assert_eq!((verdict.before, verdict.after), (2.0, 4.0));
}

fn deployment(id: &str, service: &str, started: i64, finished: i64) -> Deployment {
    Deployment {
        id: id.into(),
        name: None,
        service: service.into(),
        environment: "production".into(),
        production: true,
        sha: "abc".into(),
        ref_name: None,
        started_at: Utc.timestamp_millis_opt(started).single(),
        finished_at: Utc.timestamp_millis_opt(finished).single().unwrap(),
        status: DeploymentStatus::Success,
        url: None,
        changes: Vec::new(),
    }
}

#[test]
fn assessment_covers_each_panel_with_a_series_for_the_service() {
    let day = 86_400_000;
    let step_at = 20 * day;
    let end = step_at + day;
    let points = minutes(end, |i| {
        let at = end - DAYS * 1440 * MIN + i * MIN;
        if at > step_at {
            0.014
        } else {
            0.002 + noise(i) / 1000.0
        }
    });
    let spec = PanelSpec {
        name: "error rate".into(),
        unit: Unit::Ratio,
        better: Better::Lower,
        compare_ms: 30 * MIN,
    };
    let panels = Panels {
        panels: vec![Panel::new(
            &spec,
            vec![
                PanelSeries {
                    service: "api".into(),
                    points,
                    error: None,
                },
                PanelSeries {
                    service: "web".into(),
                    points: Vec::new(),
                    error: Some("bad_data: parse error".into()),
                },
            ],
        )],
    };
    let deployments = vec![
        deployment("a", "api", step_at - 10 * MIN, step_at),
        deployment("b", "web", step_at, step_at),
        deployment("c", "other", step_at, step_at),
    ];
    let table = assess(&panels, &deployments, &[0, 1, 2]);
    let api = table.of(0);
    assert_eq!(api.len(), 1);
    assert!(api[0].unusual && api[0].worse);
    assert_eq!(api[0].after, Some(0.014));
    let text = api[0].describe();
    assert!(text.starts_with("error rate 0.1"), "{text}");
    assert!(text.ends_with("→ 1.4% ▲ unusual"), "{text}");
    assert!(table.worse(0));
    assert_eq!(table.rank(0), 2);
    // A failed query: listed, with nothing known.
    let web = table.of(1);
    assert_eq!(web.len(), 1);
    assert_eq!((web[0].before, web[0].unusual), (None, false));
    assert_eq!(web[0].describe(), "error rate – → –");
    assert_eq!(table.rank(1), 0);
    // No panel series for the service.
    assert!(table.of(2).is_empty());
}

#[test]
fn values_are_written_in_their_unit() {
    assert_eq!(Unit::Ratio.format(0.014), "1.4%");
    assert_eq!(Unit::Ratio.format(0.002), "0.2%");
    assert_eq!(Unit::Seconds.format(0.23), "230ms");
    assert_eq!(Unit::Seconds.format(1.5), "1.5s");
    assert_eq!(Unit::Bytes.format(3.5 * 1024.0 * 1024.0), "3.5 MiB");
    assert_eq!(Unit::Count.format(1200.0), "1.2k");
    assert_eq!(Unit::PerSecond.format(15.0), "15/s");
    assert_eq!(Unit::Count.format(f64::NAN), "–");
    assert_eq!(Unit::Seconds.format(f64::MAX), Unit::Seconds.format(1e15));
}

#[test]
fn samples_serialize_as_prometheus_writes_them() {
    let json = serde_json::to_string(&Sample {
        at_ms: 1_500,
        value: 0.25,
    })
    .unwrap();
    assert_eq!(json, "[1.5,0.25]");
}
