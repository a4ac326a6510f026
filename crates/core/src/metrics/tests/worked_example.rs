//! docs/METRICS.md#the-worked-example, as the document lists it: service `api`, nine deployments,
//! three incidents, the 14-day window `[2026-03-02, 2026-03-16)`, now 2026-03-16T12:00Z, default
//! settings. Every number the document works out by hand for it is asserted here, so the
//! document and the engine cannot drift apart: when this test fails, one of them is wrong.

use super::*;
use crate::metrics::trend::{Better, Direction, Trend};

const DOC_NOW: &str = "2026-03-16T12:00:00Z";

/// Deployment sha `S<n>` of the document's table.
fn s(n: u32) -> String {
    sha(0x50 + n)
}

/// Commit `c<n>` of the document's table.
fn c(n: u32) -> String {
    sha(0xc00 + n)
}

fn titled(n: u32, authored: &str, title: &str) -> Change {
    Change {
        title: title.into(),
        ..change(&c(n), authored)
    }
}

/// A git tag of `api`: id `git:api:<tag>`, name and ref the tag.
fn tag(name: &str, sha: &str, finished: &str, changes: Vec<Change>) -> Deployment {
    Deployment {
        id: format!("git:api:{name}"),
        ..dep("api", name, sha, finished, changes)
    }
}

fn titled_incident(id: &str, title: &str, started: &str, resolved: Option<&str>) -> Incident {
    Incident {
        title: title.into(),
        ..incident(id, &["api"], started, resolved)
    }
}

/// The two tables of the worked example, row by row.
fn worked_example() -> EventSet {
    let mut c9 = titled(9, "2026-03-13T08:00:00Z", "Revert \"Cache prices\"");
    c9.reverts = reverted_sha(&format!(
        "Revert \"Cache prices\"\n\nThis reverts commit {}.",
        c(8)
    ));
    let deployments = vec![
        // "all history before it"
        tag(
            "v1.0",
            &s(0),
            "2026-02-20T10:00:00Z",
            vec![change(&c(0), "2025-06-01T00:00:00Z")],
        ),
        tag(
            "v1.1",
            &s(1),
            "2026-03-02T10:00:00Z",
            vec![
                change(&c(1), "2026-03-02T08:00:00Z"),
                change(&c(2), "2026-03-01T04:00:00Z"),
                merge(&sha(0xd01), "2026-03-02T09:00:00Z"),
            ],
        ),
        tag(
            "v1.2",
            &s(2),
            "2026-03-03T15:00:00Z",
            vec![change(&c(3), "2026-03-03T14:00:00Z")],
        ),
        tag(
            "v1.3",
            &s(3),
            "2026-03-03T17:00:00Z",
            vec![titled(
                4,
                "2026-03-03T16:30:00Z",
                "hotfix: guard null price",
            )],
        ),
        tag(
            "v1.4",
            &s(4),
            "2026-03-05T11:00:00Z",
            vec![
                change(&c(5), "2026-03-04T11:00:00Z"),
                change(&c(6), "2026-03-05T09:00:00Z"),
            ],
        ),
        // S3 shipped with v1.3: nothing.
        tag("v1.5", &s(3), "2026-03-05T14:00:00Z", vec![]),
        tag(
            "v1.6",
            &s(6),
            "2026-03-10T10:00:00Z",
            vec![
                change(&c(7), "2026-03-09T10:00:00Z"),
                titled(8, "2026-03-10T06:00:00Z", "Cache prices"),
            ],
        ),
        tag("v1.7", &s(7), "2026-03-13T09:00:00Z", vec![c9]),
        tag(
            "v1.8",
            &s(8),
            "2026-03-13T16:00:00Z",
            vec![change(&c(10), "2026-03-13T12:00:00Z")],
        ),
    ];
    let incidents = vec![
        titled_incident(
            "INC-1",
            "Checkout latency",
            "2026-03-03T16:00:00Z",
            Some("2026-03-03T18:00:00Z"),
        ),
        titled_incident(
            "INC-3",
            "Search timeouts",
            "2026-03-09T12:00:00Z",
            Some("2026-03-09T12:30:00Z"),
        ),
        titled_incident(
            "INC-2",
            "Checkout errors after v1.8",
            "2026-03-16T09:00:00Z",
            None,
        ),
    ];
    EventSet {
        services: vec![Service {
            name: "api".into(),
            team: Some("payments".into()),
        }],
        deployments,
        incidents,
        ..EventSet::default()
    }
}

fn derive(rules: Rules) -> History {
    History::derive(worked_example(), rules)
}

fn doc_window() -> Window {
    window("2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z")
}

fn compute_over(history: &History, w: &Window) -> MetricSet {
    compute(history, &Scope::all(history), w, at(DOC_NOW))
}

fn index(history: &History, tag: &str) -> u32 {
    let id = format!("git:api:{tag}");
    history
        .events
        .deployments
        .iter()
        .position(|d| d.id == id)
        .unwrap() as u32
}

fn of<'a>(history: &'a History, tag: &str) -> &'a DeploymentFacts {
    facts(history, &format!("git:api:{tag}"))
}

/// The p90s are interpolated: equal to the document's figure up to float rounding.
fn assert_close(value: Option<f64>, expected: f64) {
    let value = value.unwrap();
    assert!((value - expected).abs() < 1e-6, "{value} ≠ {expected}");
}

const TAGS: [&str; 8] = [
    "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8",
];

#[test]
fn the_window_baseline_and_counted_deployments() {
    let history = derive(Rules::default());
    let w = doc_window();
    // 14 days, two whole ISO weeks.
    assert_eq!(w.days(), 14.0);
    assert_eq!(crate::metrics::window::whole_weeks(&w, Tz::UTC).len(), 2);
    assert!(of(&history, "v1.0").baseline);
    assert!(!w.contains(history.events.deployments[index(&history, "v1.0") as usize].finished_at));
    assert!(TAGS.iter().all(|t| !of(&history, t).baseline));
    let mut inside: Vec<&str> = deployments_in(&history, &Scope::all(&history), &w)
        .iter()
        .map(|&d| {
            history.events.deployments[d as usize]
                .name
                .as_deref()
                .unwrap()
        })
        .collect();
    inside.sort_unstable();
    assert_eq!(inside, TAGS);
}

#[test]
fn deployment_frequency_of_the_worked_example() {
    let history = derive(Rules::default());
    let f = compute_over(&history, &doc_window()).deployment_frequency;
    assert_eq!(f.deployments, 8);
    // 8 / 14 ≈ 0.57.
    assert_eq!(f.per_day, Some(8.0 / 14.0));
    assert_eq!((f.per_day.unwrap() * 100.0).round() / 100.0, 0.57);
    // Mon 2, Tue 3, Thu 5, Tue 10, Fri 13.
    assert_eq!(f.deploy_days, 5);
    // Week of 2 March: 3 deploy-days; week of 9 March: 2.
    let first = compute_over(
        &history,
        &window("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"),
    );
    assert_eq!(first.deployment_frequency.deploy_days, 3);
    let second = compute_over(
        &history,
        &window("2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"),
    );
    assert_eq!(second.deployment_frequency.deploy_days, 2);
    assert_eq!(f.median_deploy_days_per_week, Some(2.5));
    assert_eq!(f.band, Some(Band::High));
    // [Wed 4 Mar, Mon 9 Mar): five days, no whole week, one deploy-day: 1 × 7 / 5.
    let short = compute_over(
        &history,
        &window("2026-03-04T00:00:00Z", "2026-03-09T00:00:00Z"),
    )
    .deployment_frequency;
    assert_eq!(short.deploy_days, 1);
    assert_eq!(short.median_deploy_days_per_week, Some(1.4));
}

#[test]
fn lead_time_of_the_worked_example() {
    let history = derive(Rules::default());
    let lead = |tag: &str| -> Vec<f64> {
        history
            .lead_times(index(&history, tag))
            .iter()
            .map(|&s| s as f64 / H)
            .collect()
    };
    // The merge commit of v1.1 does not count.
    assert_eq!(lead("v1.1"), vec![2.0, 30.0]);
    assert_eq!(lead("v1.2"), vec![1.0]);
    assert_eq!(lead("v1.3"), vec![0.5]);
    assert_eq!(lead("v1.4"), vec![24.0, 2.0]);
    assert_eq!(lead("v1.5"), Vec::<f64>::new());
    assert_eq!(lead("v1.6"), vec![24.0, 4.0]);
    assert_eq!(lead("v1.7"), vec![1.0]);
    assert_eq!(lead("v1.8"), vec![4.0]);
    // The baseline would have brought all of history; it is left out.
    assert_eq!(lead("v1.0"), Vec::<f64>::new());
    let mut sorted: Vec<f64> = TAGS.iter().flat_map(|t| lead(t)).collect();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(
        sorted,
        vec![0.5, 1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 24.0, 24.0, 30.0]
    );

    let m = compute_over(&history, &doc_window()).lead_time_for_changes;
    assert_eq!(m.changes, 10);
    assert_eq!(m.median_seconds, Some(3.0 * H));
    assert_eq!(m.band, Some(Band::Elite));
    // Position 0.9 × 9 = 8.1: 24 + 0.1 × (30 − 24) = 24.6 h.
    assert_close(m.p90_seconds, 24.6 * H);
}

#[test]
fn change_failure_rate_of_the_worked_example() {
    let history = derive(Rules::default());
    // INC-1: rule (b), v1.2 one hour earlier, inside 24 h.
    assert_eq!(
        reasons(&of(&history, "v1.2").failure_reasons),
        vec![("incident_window", "INC-1")]
    );
    let inc1 = &history.attributions[0];
    assert_eq!(inc1.len(), 1);
    assert_eq!(inc1[0].deployment_id, "git:api:v1.2");
    assert_eq!(
        inc1[0].explanation,
        "started 1h after the deployment, within the 1d window"
    );
    // INC-3: the latest deployment before it is v1.5, 94 h earlier: nothing.
    assert_eq!(
        (at("2026-03-09T12:00:00Z") - at("2026-03-05T14:00:00Z")).num_hours(),
        94
    );
    assert!(history.attributions[1].is_empty());
    // v1.5 deploys S3 again: v1.4 is rolled back.
    assert_eq!(
        reasons(&of(&history, "v1.4").failure_reasons),
        vec![("rollback", "git:api:v1.5")]
    );
    // c9 reverts c8, shipped by v1.6.
    assert_eq!(
        reasons(&of(&history, "v1.6").failure_reasons),
        vec![("revert", c(9).as_str())]
    );
    // INC-2 names v1.8 (rule (a)); it started after the window.
    assert_eq!(
        reasons(&of(&history, "v1.8").failure_reasons),
        vec![("incident_link", "INC-2")]
    );
    let inc2 = &history.attributions[2];
    assert_eq!(inc2.len(), 1);
    assert_eq!(inc2[0].deployment_id, "git:api:v1.8");
    assert_eq!(inc2[0].explanation, "names v1.8");
    for tag in ["v1.0", "v1.1", "v1.3", "v1.5", "v1.7"] {
        assert!(!of(&history, tag).failed(), "{tag}");
    }

    let m = compute_over(&history, &doc_window()).change_failure_rate;
    assert_eq!((m.failed, m.deployments), (4, 8));
    assert_eq!(m.rate, Some(0.5));
    assert_eq!(m.band, Some(Band::Low));
}

#[test]
fn recovery_time_of_the_worked_example() {
    let history = derive(Rules::default());
    let recovery_hours = |tag: &str| {
        let d = index(&history, tag);
        let finished = history.events.deployments[d as usize].finished_at;
        history.deployments[d as usize]
            .recovered_at
            .map(|r| (r - finished).num_seconds() as f64 / H)
    };
    // INC-1 resolved 18:00, three hours after 15:00.
    assert_eq!(
        of(&history, "v1.2").recovered_at,
        Some(at("2026-03-03T18:00:00Z"))
    );
    assert_eq!(recovery_hours("v1.2"), Some(3.0));
    // Undone by the rollback v1.5 at 14:00.
    assert_eq!(
        of(&history, "v1.4").recovered_at,
        Some(at("2026-03-05T14:00:00Z"))
    );
    assert_eq!(recovery_hours("v1.4"), Some(3.0));
    // Undone by v1.7, Fri 13 Mar 09:00.
    assert_eq!(
        of(&history, "v1.6").recovered_at,
        Some(at("2026-03-13T09:00:00Z"))
    );
    assert_eq!(recovery_hours("v1.6"), Some(71.0));
    // INC-2 is open and nothing undid it.
    assert_eq!(of(&history, "v1.8").recovered_at, None);

    let m = compute_over(&history, &doc_window()).failed_deployment_recovery_time;
    assert_eq!((m.failed, m.recovered, m.unrecovered), (4, 3, 1));
    assert_eq!(m.median_seconds, Some(3.0 * H));
    assert_eq!(m.band, Some(Band::High));
    // Position 0.9 × 2 = 1.8: 3 + 0.8 × (71 − 3) = 57.4 h.
    assert_close(m.p90_seconds, 57.4 * H);
}

#[test]
fn time_to_restore_of_the_worked_example() {
    let history = derive(Rules::default());
    let m = compute_over(&history, &doc_window()).time_to_restore;
    // INC-1 (2 h) and INC-3 (30 min); INC-2 started after the window.
    assert_eq!((m.incidents, m.open), (2, 0));
    assert_eq!(m.median_seconds, Some(1.25 * H));
    assert_close(m.p90_seconds, 1.85 * H);
}

#[test]
fn rework_rate_of_the_worked_example() {
    let history = derive(Rules::default());
    // Hotfix c4, and finished at 17:00 while INC-1 (16:00–18:00) was open: counted once.
    assert_eq!(
        reasons(&of(&history, "v1.3").rework_reasons),
        vec![("hotfix", c(4).as_str()), ("during_incident", "INC-1")]
    );
    assert_eq!(
        reasons(&of(&history, "v1.5").rework_reasons),
        vec![("rollback", "git:api:v1.3")]
    );
    assert_eq!(
        reasons(&of(&history, "v1.7").rework_reasons),
        vec![("revert", c(9).as_str())]
    );
    // v1.2 finished at 15:00, before INC-1 started.
    for tag in ["v1.0", "v1.1", "v1.2", "v1.4", "v1.6", "v1.8"] {
        assert!(!of(&history, tag).rework(), "{tag}");
    }

    let m = compute_over(&history, &doc_window()).deployment_rework_rate;
    assert_eq!((m.rework, m.deployments), (3, 8));
    assert_eq!(m.rate, Some(0.375));
}

#[test]
fn batch_size_of_the_worked_example() {
    let history = derive(Rules::default());
    let batches: Vec<u32> = TAGS.iter().map(|t| of(&history, t).changes).collect();
    assert_eq!(batches, vec![2, 1, 1, 2, 0, 2, 1, 1]);
    let m = compute_over(&history, &doc_window()).batch_size;
    assert_eq!(m.median_changes, Some(1.0));
}

#[test]
fn bands_of_the_worked_example() {
    let dora_2023 = compute_over(&derive(Rules::default()), &doc_window());
    assert_eq!(dora_2023.deployment_frequency.band, Some(Band::High));
    assert_eq!(dora_2023.lead_time_for_changes.band, Some(Band::Elite));
    assert_eq!(dora_2023.change_failure_rate.band, Some(Band::Low));
    assert_eq!(
        dora_2023.failed_deployment_recovery_time.band,
        Some(Band::High)
    );

    let rules = Rules {
        bands: BandTable::dora_2021(),
        ..Rules::default()
    };
    let dora_2021 = compute_over(&derive(rules), &doc_window());
    // 5 deploy-days × 30 / 14 days ≈ 10.7 ≥ 1; the weekly median 2.5 is not ≥ 5.
    let f = &dora_2021.deployment_frequency;
    assert_eq!(
        (f.deploy_days as f64 * 30.0 / 14.0 * 10.0).round() / 10.0,
        10.7
    );
    assert_eq!(f.band, Some(Band::High));
    assert_eq!(dora_2021.lead_time_for_changes.band, Some(Band::High));
    assert_eq!(dora_2021.change_failure_rate.band, Some(Band::Low));
    assert_eq!(
        dora_2021.failed_deployment_recovery_time.band,
        Some(Band::High)
    );
}

#[test]
fn trend_of_the_worked_example() {
    let history = derive(Rules::default());
    let current = doc_window();
    let previous = current.previous();
    assert_eq!(
        previous,
        window("2026-02-16T00:00:00Z", "2026-03-02T00:00:00Z")
    );
    let now = compute_over(&history, &current);
    let before = compute_over(&history, &previous);

    // Only the baseline v1.0 (Fri 20 Feb): weeks of 1 and 0 deploy-days.
    let f = &before.deployment_frequency;
    assert_eq!((f.deployments, f.deploy_days), (1, 1));
    assert_eq!(f.median_deploy_days_per_week, Some(0.5));
    // No lead times: a baseline's commits do not count.
    assert_eq!(before.lead_time_for_changes.changes, 0);
    assert_eq!(before.lead_time_for_changes.median_seconds, None);
    assert_eq!(
        (
            before.change_failure_rate.failed,
            before.change_failure_rate.deployments
        ),
        (0, 1)
    );
    assert_eq!(before.change_failure_rate.rate, Some(0.0));
    assert_eq!(before.deployment_rework_rate.rate, Some(0.0));
    assert_eq!(before.failed_deployment_recovery_time.median_seconds, None);

    // (direction, better, delta) of a trend whose values are both known.
    let moved = |current: Option<f64>, previous: Option<f64>, better: Better| {
        let t = Trend::of(current, previous, better).unwrap();
        (t.direction, t.better, t.delta)
    };
    assert_eq!(
        moved(
            now.deployment_frequency.median_deploy_days_per_week,
            f.median_deploy_days_per_week,
            Better::Higher,
        ),
        (Direction::Up, Some(true), 2.0)
    );
    // +50 percentage points.
    assert_eq!(
        moved(
            now.change_failure_rate.rate,
            before.change_failure_rate.rate,
            Better::Lower,
        ),
        (Direction::Up, Some(false), 0.5)
    );
    assert_eq!(
        moved(
            now.deployment_rework_rate.rate,
            before.deployment_rework_rate.rate,
            Better::Lower,
        ),
        (Direction::Up, Some(false), 0.375)
    );
    // The previous value is unknown: no trend.
    for (current, previous) in [
        (
            now.lead_time_for_changes.median_seconds,
            before.lead_time_for_changes.median_seconds,
        ),
        (
            now.failed_deployment_recovery_time.median_seconds,
            before.failed_deployment_recovery_time.median_seconds,
        ),
    ] {
        assert!(current.is_some());
        assert_eq!(Trend::of(current, previous, Better::Lower), None);
    }
}
