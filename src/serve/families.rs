//! A snapshot's measures, and the sources' status lines, as metric families (see the module
//! docs of `serve` for the names and labels). Values are the snapshot's, so `/metrics` never
//! disagrees with `flowdeck report`; a value the report gives as null is left out here, never
//! written as 0. The histograms count the same items as the medians beside them (the window's
//! lead times and recovery times), so their `_count` is the measure's count.

use super::exposition::{Family, Histogram, Kind, Labels};
use crate::metrics::{Band, History, MetricSet, Scope, Window, deployments_in};
use crate::snapshot::Snapshot;
use crate::status::{SourceState, SourceStatus};
use crate::text::sanitize;

const HOUR: f64 = 3_600.0;
const DAY: f64 = 86_400.0;

/// Lead-time buckets: 1h, 4h, 1d, 3d, 7d, 14d, 30d, 90d, 180d (every DORA band threshold is a
/// bound, so the share under a band's limit is one bucket over the count).
pub const LEAD_TIME_BOUNDS: &[f64] = &[
    HOUR,
    4.0 * HOUR,
    DAY,
    3.0 * DAY,
    7.0 * DAY,
    14.0 * DAY,
    30.0 * DAY,
    90.0 * DAY,
    180.0 * DAY,
];

/// Recovery-time buckets: 5m, 15m, 30m, 1h, 4h, 12h, 1d, 3d, 7d, 30d.
pub const RECOVERY_BOUNDS: &[f64] = &[
    300.0,
    900.0,
    1_800.0,
    HOUR,
    4.0 * HOUR,
    12.0 * HOUR,
    DAY,
    3.0 * DAY,
    7.0 * DAY,
    30.0 * DAY,
];

/// One gauge read from a scope's measures; `None` leaves the sample out.
struct Gauge {
    name: &'static str,
    unit: Option<&'static str>,
    help: &'static str,
    value: fn(&MetricSet) -> Option<f64>,
}

const SECONDS: Option<&str> = Some("seconds");
const RATIO: Option<&str> = Some("ratio");

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// Every gauge per scope, in exposition order.
const GAUGES: &[Gauge] = &[
    Gauge {
        name: "flowdeck_deployments",
        unit: None,
        help: "Successful production deployments that finished in the window.",
        value: |m| count(m.deployment_frequency.deployments),
    },
    Gauge {
        name: "flowdeck_deployments_per_day",
        unit: None,
        help: "Deployments per day of the window.",
        value: |m| m.deployment_frequency.per_day,
    },
    Gauge {
        name: "flowdeck_deploy_dates",
        unit: None,
        help: "Deploy-days: calendar days (configured timezone) with at least one deployment, distinct across services.",
        value: |m| count(m.deployment_frequency.deploy_days),
    },
    Gauge {
        name: "flowdeck_deploy_dates_per_week_median",
        unit: None,
        help: "Median deploy-days per ISO week lying wholly inside the window (empty weeks count 0); the frequency band is set by it.",
        value: |m| m.deployment_frequency.median_deploy_days_per_week,
    },
    Gauge {
        name: "flowdeck_lead_time_median_seconds",
        unit: SECONDS,
        help: "Median change lead time: a commit's author time to the deployment that first shipped it.",
        value: |m| m.lead_time_for_changes.median_seconds,
    },
    Gauge {
        name: "flowdeck_lead_time_p90_seconds",
        unit: SECONDS,
        help: "90th percentile of the change lead time.",
        value: |m| m.lead_time_for_changes.p90_seconds,
    },
    Gauge {
        name: "flowdeck_change_failure_ratio",
        unit: RATIO,
        help: "Change failure rate: failed deployments over deployments (0 to 1).",
        value: |m| m.change_failure_rate.rate,
    },
    Gauge {
        name: "flowdeck_failed_deployments",
        unit: None,
        help: "Deployments that failed: an incident attributed to them, rolled back, or a commit reverted.",
        value: |m| count(m.change_failure_rate.failed),
    },
    Gauge {
        name: "flowdeck_recovered_deployments",
        unit: None,
        help: "Failed deployments that have recovered.",
        value: |m| count(m.failed_deployment_recovery_time.recovered),
    },
    Gauge {
        name: "flowdeck_unrecovered_deployments",
        unit: None,
        help: "Failed deployments not recovered yet.",
        value: |m| count(m.failed_deployment_recovery_time.unrecovered),
    },
    Gauge {
        name: "flowdeck_recovery_time_median_seconds",
        unit: SECONDS,
        help: "Median failed deployment recovery time: a failed deployment to its incidents resolved or its rollback or revert deployed.",
        value: |m| m.failed_deployment_recovery_time.median_seconds,
    },
    Gauge {
        name: "flowdeck_recovery_time_p90_seconds",
        unit: SECONDS,
        help: "90th percentile of the failed deployment recovery time.",
        value: |m| m.failed_deployment_recovery_time.p90_seconds,
    },
    Gauge {
        name: "flowdeck_incidents",
        unit: None,
        help: "Incidents that started in the window.",
        value: |m| count(m.time_to_restore.incidents),
    },
    Gauge {
        name: "flowdeck_open_incidents",
        unit: None,
        help: "Incidents that started in the window and are still open.",
        value: |m| count(m.time_to_restore.open),
    },
    Gauge {
        name: "flowdeck_time_to_restore_median_seconds",
        unit: SECONDS,
        help: "Median time to restore: an incident's start to its resolution.",
        value: |m| m.time_to_restore.median_seconds,
    },
    Gauge {
        name: "flowdeck_time_to_restore_p90_seconds",
        unit: SECONDS,
        help: "90th percentile of the time to restore.",
        value: |m| m.time_to_restore.p90_seconds,
    },
    Gauge {
        name: "flowdeck_rework_deployments",
        unit: None,
        help: "Rework deployments: rollbacks, reverts, hotfixes, or deployed while an incident of the service was open.",
        value: |m| count(m.deployment_rework_rate.rework),
    },
    Gauge {
        name: "flowdeck_rework_ratio",
        unit: RATIO,
        help: "Deployment rework rate: rework deployments over deployments (0 to 1).",
        value: |m| m.deployment_rework_rate.rate,
    },
    Gauge {
        name: "flowdeck_ci_runs",
        unit: None,
        help: "CI runs created in the window that count for the success rate (latest attempt; cancelled, skipped and neutral left out).",
        value: |m| count(m.ci.runs),
    },
    Gauge {
        name: "flowdeck_ci_succeeded_runs",
        unit: None,
        help: "CI runs that succeeded.",
        value: |m| count(m.ci.succeeded),
    },
    Gauge {
        name: "flowdeck_ci_success_ratio",
        unit: RATIO,
        help: "CI success rate: succeeded runs over counted runs (0 to 1).",
        value: |m| m.ci.success_rate,
    },
    Gauge {
        name: "flowdeck_ci_duration_median_seconds",
        unit: SECONDS,
        help: "Median CI run duration, start to finish.",
        value: |m| m.ci.median_duration_seconds,
    },
    Gauge {
        name: "flowdeck_ci_duration_p90_seconds",
        unit: SECONDS,
        help: "90th percentile of the CI run duration.",
        value: |m| m.ci.p90_duration_seconds,
    },
    Gauge {
        name: "flowdeck_ci_queue_median_seconds",
        unit: SECONDS,
        help: "Median CI queue time, created to started.",
        value: |m| m.ci.median_queue_seconds,
    },
];

/// How to read one measure's band.
type BandOf = fn(&MetricSet) -> Option<Band>;

/// The banded measures, by their report key, and how to read each band.
const BANDED: &[(&str, BandOf)] = &[
    ("deployment_frequency", |m| m.deployment_frequency.band),
    ("lead_time_for_changes", |m| m.lead_time_for_changes.band),
    ("change_failure_rate", |m| m.change_failure_rate.band),
    ("failed_deployment_recovery_time", |m| {
        m.failed_deployment_recovery_time.band
    }),
];

const BANDS: [Band; 4] = [Band::Elite, Band::High, Band::Medium, Band::Low];

/// One measured scope: its labels, its measures, and the services it is made of.
struct Measured<'a> {
    labels: Labels,
    metrics: &'a MetricSet,
    scope: Scope,
}

/// The measure families of a snapshot: the total, every team and every service, for its window
/// (named `window` in every sample, e.g. "30d").
pub fn measure_families(history: &History, snapshot: &Snapshot, window_label: &str) -> Vec<Family> {
    let window = Window::new(snapshot.window.from, snapshot.window.to);
    let window_label = window_label.to_string();
    let mut scopes = vec![Measured {
        labels: vec![("scope", "total".into()), ("window", window_label.clone())],
        metrics: &snapshot.metrics,
        scope: Scope::all(history),
    }];
    let teams = history.teams();
    for team in &snapshot.teams {
        let members = teams
            .iter()
            .find(|(name, _)| *name == team.name)
            .map(|(_, members)| members.as_slice())
            .unwrap_or_default();
        scopes.push(Measured {
            labels: vec![
                ("scope", "team".into()),
                ("team", sanitize(&team.name)),
                ("window", window_label.clone()),
            ],
            metrics: &team.metrics,
            scope: Scope::services(history, members),
        });
    }
    for service in &snapshot.services {
        let mut labels: Labels = vec![
            ("scope", "service".into()),
            ("service", sanitize(&service.name)),
        ];
        if let Some(team) = &service.team {
            labels.push(("team", sanitize(team)));
        }
        labels.push(("window", window_label.clone()));
        let members: Vec<u32> = history.service(&service.name).into_iter().collect();
        scopes.push(Measured {
            labels,
            metrics: &service.metrics,
            scope: Scope::services(history, &members),
        });
    }

    let mut families: Vec<Family> = Vec::with_capacity(GAUGES.len() + 5);
    let window_labels: Labels = vec![("window", window_label.clone())];
    let mut start = Family::new(
        "flowdeck_window_start_timestamp_seconds",
        Kind::Gauge,
        SECONDS,
        "Start of the window the measures cover (inclusive), Unix time.",
    );
    start.gauge(window_labels.clone(), unix_seconds(snapshot.window.from));
    let mut end = Family::new(
        "flowdeck_window_end_timestamp_seconds",
        Kind::Gauge,
        SECONDS,
        "End of the window the measures cover (exclusive; the time they were computed at), Unix time.",
    );
    end.gauge(window_labels, unix_seconds(snapshot.window.to));
    families.push(start);
    families.push(end);

    for gauge in GAUGES {
        let mut family = Family::new(gauge.name, Kind::Gauge, gauge.unit, gauge.help);
        for scope in &scopes {
            if let Some(value) = (gauge.value)(scope.metrics) {
                family.gauge(scope.labels.clone(), value);
            }
        }
        families.push(family);
    }

    let mut lead = Family::new(
        "flowdeck_lead_time_seconds",
        Kind::Histogram,
        SECONDS,
        "Change lead times of the window's deployments; _count is the changes the median is taken over.",
    );
    let mut recovery = Family::new(
        "flowdeck_recovery_time_seconds",
        Kind::Histogram,
        SECONDS,
        "Recovery times of the window's recovered failed deployments.",
    );
    for scope in &scopes {
        let (lead_times, recovery_times) = distributions(history, &scope.scope, &window);
        lead.histogram(scope.labels.clone(), lead_times);
        recovery.histogram(scope.labels.clone(), recovery_times);
    }
    families.push(lead);
    families.push(recovery);

    let mut band = Family::new(
        "flowdeck_band",
        Kind::Gauge,
        None,
        "Performance band of a measure: 1 for the band it is in, 0 for the others; absent while the measure has no value.",
    );
    for scope in &scopes {
        for (measure, read) in BANDED {
            let Some(current) = read(scope.metrics) else {
                continue;
            };
            for candidate in BANDS {
                let mut labels = scope.labels.clone();
                labels.push(("measure", (*measure).to_string()));
                labels.push(("band", candidate.as_str().to_string()));
                band.gauge(labels, if candidate == current { 1.0 } else { 0.0 });
            }
        }
    }
    families.push(band);
    families
}

/// The lead times and recovery times behind a scope's medians in the window: the same items
/// `compute` takes the medians of (lead times of the window's deployments, clamped at 0; the
/// recovery of each failed deployment that has recovered).
fn distributions(history: &History, scope: &Scope, window: &Window) -> (Histogram, Histogram) {
    let mut lead = Histogram::new(LEAD_TIME_BOUNDS);
    let mut recovery = Histogram::new(RECOVERY_BOUNDS);
    for d in deployments_in(history, scope, window) {
        for &seconds in history.lead_times(d) {
            lead.observe(seconds.max(0) as f64);
        }
        let (Some(facts), Some(deployment)) = (
            history.deployments.get(d as usize),
            history.events.deployments.get(d as usize),
        ) else {
            continue;
        };
        if facts.failed()
            && let Some(recovered) = facts.recovered_at
        {
            let seconds = (recovered - deployment.finished_at).num_seconds().max(0);
            recovery.observe(seconds as f64);
        }
    }
    (lead, recovery)
}

/// One status line per source: whether its last sync worked, and when one last did.
pub fn source_families(statuses: &[SourceStatus]) -> Vec<Family> {
    let mut up = Family::new(
        "flowdeck_source_up",
        Kind::Gauge,
        None,
        "Whether a source's last sync worked (1) or not (0: failed, stale, or not synced yet).",
    );
    let mut last = Family::new(
        "flowdeck_last_sync_timestamp_seconds",
        Kind::Gauge,
        SECONDS,
        "When a source last synced successfully, Unix time.",
    );
    for status in statuses {
        let labels: Labels = vec![
            ("source", sanitize(&status.name)),
            ("kind", sanitize(&status.kind)),
        ];
        up.gauge(
            labels.clone(),
            if status.status == SourceState::Ok {
                1.0
            } else {
                0.0
            },
        );
        if let Some(at) = status.last_success_at {
            last.gauge(labels, unix_seconds(at));
        }
    }
    vec![up, last]
}

fn unix_seconds(at: crate::model::Timestamp) -> f64 {
    at.timestamp() as f64 + f64::from(at.timestamp_subsec_millis()) / 1_000.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::serve::exposition::{Format, Value, write};
    use crate::snapshot::{ScopeFilter, SnapshotRequest};

    fn demo() -> (History, crate::model::Timestamp) {
        let now: crate::model::Timestamp = "2026-03-20T09:00:00Z".parse().unwrap();
        let events = crate::sources::demo::generate(now);
        let config = crate::config::Config::default();
        (History::derive(events, config.rules()), now)
    }

    fn snapshot(history: &History, now: crate::model::Timestamp) -> Snapshot<'_> {
        Snapshot::build(
            history,
            SnapshotRequest {
                window: Window::ending(now, chrono::Duration::days(30)),
                now,
                sources: Vec::new(),
                scope: ScopeFilter::All,
                environment: None,
            },
        )
    }

    fn find<'a>(families: &'a [Family], name: &str) -> &'a Family {
        families.iter().find(|f| f.name == name).unwrap()
    }

    #[test]
    fn every_scope_has_its_snapshot_values_and_histograms_count_what_the_medians_take() {
        let (history, now) = demo();
        let snapshot = snapshot(&history, now);
        let families = measure_families(&history, &snapshot, "30d");
        let deployments = find(&families, "flowdeck_deployments");
        // Total, every team, every service: one sample each.
        assert_eq!(
            deployments.samples.len(),
            1 + snapshot.teams.len() + snapshot.services.len()
        );
        assert_eq!(
            deployments.samples[0].labels,
            vec![
                ("scope", "total".to_string()),
                ("window", "30d".to_string())
            ]
        );
        assert_eq!(
            deployments.samples[0].value,
            Value::Gauge(snapshot.metrics.deployment_frequency.deployments as f64)
        );
        let lead = find(&families, "flowdeck_lead_time_seconds");
        let recovery = find(&families, "flowdeck_recovery_time_seconds");
        let all_metrics: Vec<&MetricSet> = std::iter::once(&snapshot.metrics)
            .chain(snapshot.teams.iter().map(|t| &t.metrics))
            .chain(snapshot.services.iter().map(|s| &s.metrics))
            .collect();
        for (i, metrics) in all_metrics.iter().enumerate() {
            let Value::Histogram(h) = &lead.samples[i].value else {
                panic!("not a histogram")
            };
            assert_eq!(
                h.count(),
                metrics.lead_time_for_changes.changes,
                "scope {i}"
            );
            let Value::Histogram(h) = &recovery.samples[i].value else {
                panic!("not a histogram")
            };
            assert_eq!(
                h.count(),
                metrics.failed_deployment_recovery_time.recovered,
                "scope {i}"
            );
            assert_eq!(lead.samples[i].labels, deployments.samples[i].labels);
        }
        // The demo has changes and recoveries to count.
        assert!(snapshot.metrics.lead_time_for_changes.changes > 0);
        assert!(snapshot.metrics.failed_deployment_recovery_time.recovered > 0);
    }

    #[test]
    fn a_service_sample_is_labelled_with_its_service_team_and_window() {
        let (history, now) = demo();
        let snapshot = snapshot(&history, now);
        let families = measure_families(&history, &snapshot, "30d");
        let service = snapshot.services.iter().find(|s| s.team.is_some()).unwrap();
        let deployments = find(&families, "flowdeck_deployments");
        let found = deployments
            .samples
            .iter()
            .find(|s| {
                s.labels
                    .iter()
                    .any(|(k, v)| *k == "service" && *v == service.name)
            })
            .unwrap();
        assert_eq!(
            found.labels,
            vec![
                ("scope", "service".to_string()),
                ("service", service.name.clone()),
                ("team", service.team.clone().unwrap()),
                ("window", "30d".to_string()),
            ]
        );
        assert_eq!(
            found.value,
            Value::Gauge(service.metrics.deployment_frequency.deployments as f64)
        );
    }

    #[test]
    fn null_values_are_left_out_and_bands_are_one_hot() {
        let (history, now) = demo();
        // A window before any demo history: no deployments, so no medians or rates.
        let long_ago = now - chrono::Duration::days(3_000);
        let empty = Snapshot::build(
            &history,
            SnapshotRequest {
                window: Window::ending(long_ago, chrono::Duration::days(30)),
                now: long_ago,
                sources: Vec::new(),
                scope: ScopeFilter::All,
                environment: None,
            },
        );
        let families = measure_families(&history, &empty, "30d");
        assert!(
            find(&families, "flowdeck_lead_time_median_seconds")
                .samples
                .is_empty()
        );
        assert!(
            find(&families, "flowdeck_change_failure_ratio")
                .samples
                .is_empty()
        );
        // Only deployment frequency has a band: no deploy-days is a known 0, which is "low".
        let band = find(&families, "flowdeck_band");
        assert!(!band.samples.is_empty());
        assert!(band.samples.iter().all(|s| {
            s.labels
                .contains(&("measure", "deployment_frequency".to_string()))
        }));
        assert_eq!(empty.metrics.deployment_frequency.band, Some(Band::Low));
        assert!(band.samples.iter().any(
            |s| s.value == Value::Gauge(1.0) && s.labels.contains(&("band", "low".to_string()))
        ));
        // Counts are known to be 0, so they are written.
        let deployments = find(&families, "flowdeck_deployments");
        assert_eq!(deployments.samples[0].value, Value::Gauge(0.0));
        let mut text = String::new();
        write(&mut text, &families, Format::Prometheus);
        assert!(!text.contains("flowdeck_lead_time_median_seconds"));
        assert!(!text.contains("measure=\"lead_time_for_changes\""));

        let snapshot = snapshot(&history, now);
        let families = measure_families(&history, &snapshot, "30d");
        let band = find(&families, "flowdeck_band");
        let total: Vec<_> = band
            .samples
            .iter()
            .filter(|s| s.labels.iter().any(|(k, v)| *k == "scope" && v == "total"))
            .filter(|s| {
                s.labels
                    .iter()
                    .any(|(k, v)| *k == "measure" && v == "lead_time_for_changes")
            })
            .collect();
        assert_eq!(total.len(), 4);
        let ones: Vec<&str> = total
            .iter()
            .filter(|s| s.value == Value::Gauge(1.0))
            .filter_map(|s| s.labels.iter().find(|(k, _)| *k == "band"))
            .map(|(_, v)| v.as_str())
            .collect();
        let expected = snapshot
            .metrics
            .lead_time_for_changes
            .band
            .unwrap()
            .as_str();
        assert_eq!(ones, [expected]);
    }

    #[test]
    fn sources_say_up_and_when_they_last_synced() {
        let at: crate::model::Timestamp = "2026-03-20T09:00:00.250Z".parse().unwrap();
        let statuses = vec![
            SourceStatus {
                name: "github:acme/api".into(),
                kind: "github".into(),
                status: SourceState::Ok,
                last_success_at: Some(at),
                error: None,
                covers_from: None,
                collector: None,
            },
            SourceStatus {
                name: "gitlab:\u{1b}[31mweb".into(),
                kind: "gitlab".into(),
                status: SourceState::Error,
                last_success_at: None,
                error: Some("401".into()),
                covers_from: None,
                collector: None,
            },
        ];
        let families = source_families(&statuses);
        let up = find(&families, "flowdeck_source_up");
        assert_eq!(up.samples[0].value, Value::Gauge(1.0));
        assert_eq!(up.samples[1].value, Value::Gauge(0.0));
        // Untrusted text loses its escape sequence.
        assert_eq!(
            up.samples[1].labels[0],
            ("source", "gitlab:web".to_string())
        );
        let last = find(&families, "flowdeck_last_sync_timestamp_seconds");
        assert_eq!(last.samples.len(), 1, "never synced: left out");
        assert_eq!(last.samples[0].value, Value::Gauge(1_773_997_200.25));
    }

    #[test]
    fn names_follow_the_prometheus_conventions() {
        let (history, now) = demo();
        let snapshot = snapshot(&history, now);
        let mut families = measure_families(&history, &snapshot, "30d");
        families.extend(source_families(&[]));
        let mut names = std::collections::HashSet::new();
        for family in &families {
            assert!(names.insert(family.name), "{} twice", family.name);
            assert!(family.name.starts_with("flowdeck_"), "{}", family.name);
            assert!(
                family
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                family.name
            );
            // OpenMetrics: a unit is the name's suffix.
            if let Some(unit) = family.unit {
                assert!(
                    family.name.ends_with(&format!("_{unit}")),
                    "{}",
                    family.name
                );
            }
            // Only counters end in _total, and there are none; the time units are seconds.
            for bad in ["_total", "_count", "_sum", "_bucket"] {
                assert!(!family.name.ends_with(bad), "{}", family.name);
            }
            for token in family.name.split('_') {
                assert!(
                    !matches!(
                        token,
                        "days" | "hours" | "minutes" | "weeks" | "milliseconds"
                    ),
                    "{}: not a base unit",
                    family.name
                );
            }
        }
    }
}
