//! A measure's drill-down: its value, trend and band with the band table, its series over the
//! window, what its values are made of, and the items behind it (sortable and searchable).

use chrono::Datelike;

use super::items::{change_rows, deployment_rows, incident_rows, pull_request_rows, run_rows};
use super::tiles::{TrendView, spark, trend_view};
use crate::app::action::Command;
use crate::app::list::ListModel;
use crate::app::scope::ScopeData;
use crate::app::state::{App, ListState, Measure};
use flowdeck_core::metrics::trend::{Better, Trend};
use flowdeck_core::metrics::{Band, BandTable};
use flowdeck_core::text::{human_duration, human_seconds, percent};

/// The keys the command bar offers here.
pub(crate) const KEYS: &[Command] = &[
    Command::Open,
    Command::Back,
    Command::Right,
    Command::SortNext,
    Command::SortReverse,
    Command::Search,
    Command::OpenUrl,
    Command::Help,
];

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BandRow {
    pub(crate) band: Band,
    pub(crate) threshold: String,
    pub(crate) current: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct MeasureView {
    pub(crate) title: &'static str,
    pub(crate) value: String,
    pub(crate) detail: String,
    pub(crate) band: Option<Band>,
    pub(crate) trend: Option<TrendView>,
    pub(crate) definition: String,
    pub(crate) bands: Vec<BandRow>,
    pub(crate) band_table: String,
    pub(crate) series_label: String,
    pub(crate) series: Vec<Option<u64>>,
    /// What the values are made of: (bucket label, count).
    pub(crate) distribution_title: &'static str,
    pub(crate) distribution: Vec<(String, u64)>,
    pub(crate) list_title: String,
    pub(crate) list: ListModel,
    pub(crate) list_state: ListState,
}

/// The items behind a measure, in their natural order (newest first).
pub(crate) fn rows(app: &App, measure: Measure) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    match measure {
        Measure::DeploymentFrequency | Measure::ChangeFailureRate | Measure::ReworkRate => {
            deployment_rows(app, &scope.deployments, false)
        }
        Measure::RecoveryTime => deployment_rows(app, &scope.deployments, true),
        Measure::LeadTime => change_rows(app),
        Measure::TimeToRestore => incident_rows(app, &scope.incidents),
        Measure::Ci => run_rows(app, &scope.runs),
        Measure::PullRequests => pull_request_rows(app),
    }
}

/// The drill-down of `measure`; `list` is its items, searched and sorted.
pub(crate) fn view(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
    list_state: ListState,
    list: ListModel,
) -> MeasureView {
    let m = &scope.metrics;
    let p = &scope.previous_metrics;
    let (value, detail, band, trend, definition) = match measure.headline().and_then(|i| scope.headline.get(i)) {
        Some(h) => (
            h.value.clone(),
            h.detail.clone(),
            h.band,
            trend_view(h.trend, h.delta.clone()),
            h.definition.to_string(),
        ),
        None => match measure {
            Measure::TimeToRestore => (
                human_seconds(m.time_to_restore.median_seconds),
                format!(
                    "{} incidents · {} open · p90 {}",
                    m.time_to_restore.incidents,
                    m.time_to_restore.open,
                    human_seconds(m.time_to_restore.p90_seconds)
                ),
                None,
                trend_view(
                    Trend::of(m.time_to_restore.median_seconds, p.time_to_restore.median_seconds, Better::Lower),
                    None,
                ),
                "Median time from an incident's start to its resolution, for incidents that started in the window (classic MTTR).".into(),
            ),
            Measure::Ci => (
                percent(m.ci.success_rate),
                format!(
                    "{} of {} runs succeeded · duration {} (p90 {}) · queue {}",
                    m.ci.succeeded,
                    m.ci.runs,
                    human_seconds(m.ci.median_duration_seconds),
                    human_seconds(m.ci.p90_duration_seconds),
                    human_seconds(m.ci.median_queue_seconds)
                ),
                None,
                trend_view(Trend::of(m.ci.success_rate, p.ci.success_rate, Better::Higher), None),
                "Share of the latest attempts of CI runs that succeeded; cancelled, skipped and neutral runs are left out.".into(),
            ),
            _ => (
                human_seconds(m.pr_cycle_time.median_seconds),
                format!(
                    "{} merged · coding {} · pickup {} · review {} · deploy {} · {} open",
                    m.pr_cycle_time.prs,
                    human_seconds(m.pr_cycle_time.coding_median_seconds),
                    human_seconds(m.pr_cycle_time.pickup_median_seconds),
                    human_seconds(m.pr_cycle_time.review_median_seconds),
                    human_seconds(m.pr_cycle_time.deploy_median_seconds),
                    m.wip.open_prs
                ),
                None,
                trend_view(
                    Trend::of(m.pr_cycle_time.median_seconds, p.pr_cycle_time.median_seconds, Better::Lower),
                    None,
                ),
                "Median time from a pull request's first commit to the deployment that shipped its merge; bots excluded.".into(),
            ),
        },
    };
    let history = app.history();
    let (series_label, series) = match measure.headline().and_then(|i| scope.series.get(i)) {
        Some(s) => (format!("per {}", s.bucket), spark(&s.values)),
        None => (String::new(), Vec::new()),
    };
    let (distribution_title, distribution) = distribution(app, scope, measure);
    let list_title = match measure {
        Measure::LeadTime => format!("Changes ({})", list.rows.len()),
        Measure::TimeToRestore => format!("Incidents ({})", list.rows.len()),
        Measure::Ci => format!("Pipeline runs ({})", list.rows.len()),
        Measure::PullRequests => format!("Pull requests ({})", list.rows.len()),
        Measure::RecoveryTime => format!("Failed deployments ({})", list.rows.len()),
        _ => format!("Deployments ({})", list.rows.len()),
    };
    MeasureView {
        title: measure.title(),
        value,
        detail,
        band,
        trend,
        definition,
        bands: band_rows(&history.rules.bands, measure, band),
        band_table: history.rules.bands.name.clone(),
        series_label,
        series,
        distribution_title,
        distribution,
        list_title,
        list,
        list_state,
    }
}

fn band_rows(table: &BandTable, measure: Measure, current: Option<Band>) -> Vec<BandRow> {
    let fmt_seconds = |s: f64| human_duration(s as i64);
    let thresholds: Option<[String; 3]> = match measure {
        Measure::DeploymentFrequency => {
            Some(table.frequency.map(|r| format!("≥ {}", r.describe())))
        }
        Measure::LeadTime => Some(
            table
                .lead_time_seconds
                .map(|s| format!("< {}", fmt_seconds(s))),
        ),
        Measure::ChangeFailureRate => Some(
            table
                .change_failure_rate
                .map(|r| format!("≤ {}", percent(Some(r)))),
        ),
        Measure::RecoveryTime => Some(
            table
                .recovery_seconds
                .map(|s| format!("< {}", fmt_seconds(s))),
        ),
        _ => None,
    };
    let Some(thresholds) = thresholds else {
        return Vec::new();
    };
    let mut rows: Vec<BandRow> = Band::RANKED
        .iter()
        .zip(thresholds)
        .map(|(band, threshold)| BandRow {
            band: *band,
            threshold,
            current: current == Some(*band),
        })
        .collect();
    rows.push(BandRow {
        band: Band::Low,
        threshold: "otherwise".into(),
        current: current == Some(Band::Low),
    });
    rows
}

fn bucket_counts(
    values: impl Iterator<Item = i64>,
    bounds: &[(i64, &str)],
    last: &str,
) -> Vec<(String, u64)> {
    let mut counts = vec![0u64; bounds.len() + 1];
    for v in values {
        let i = bounds
            .iter()
            .position(|(b, _)| v < *b)
            .unwrap_or(bounds.len());
        counts[i] += 1;
    }
    bounds
        .iter()
        .map(|(_, l)| l.to_string())
        .chain(std::iter::once(last.to_string()))
        .zip(counts)
        .collect()
}

fn distribution(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
) -> (&'static str, Vec<(String, u64)>) {
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let durations = [
        (HOUR, "< 1h"),
        (DAY, "1h–1d"),
        (7 * DAY, "1–7d"),
        (30 * DAY, "7–30d"),
    ];
    let tz = app.history().rules.timezone;
    match measure {
        Measure::DeploymentFrequency => {
            let mut days = [0u64; 7];
            for d in &scope.deployments {
                days[d
                    .finished_at
                    .with_timezone(&tz)
                    .weekday()
                    .num_days_from_monday() as usize] += 1;
            }
            (
                "Deployments by weekday",
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .zip(days)
                    .map(|(d, c)| (d.to_string(), c))
                    .collect(),
            )
        }
        Measure::LeadTime => (
            "Changes by lead time",
            bucket_counts(
                scope.changes.iter().map(|c| c.lead_seconds),
                &durations,
                "≥ 30d",
            ),
        ),
        Measure::ChangeFailureRate | Measure::ReworkRate => {
            let mut counts: Vec<(String, u64)> = Vec::new();
            for d in &scope.deployments {
                let reasons = if measure == Measure::ChangeFailureRate {
                    &d.failure_reasons
                } else {
                    &d.rework_reasons
                };
                for r in reasons {
                    let label = r.kind.as_str().replace('_', " ");
                    match counts.iter_mut().find(|(l, _)| *l == label) {
                        Some((_, c)) => *c += 1,
                        None => counts.push((label, 1)),
                    }
                }
            }
            let ok = scope
                .deployments
                .iter()
                .filter(|d| {
                    if measure == Measure::ChangeFailureRate {
                        !d.failed
                    } else {
                        !d.rework
                    }
                })
                .count() as u64;
            counts.insert(0, ("none".into(), ok));
            ("Deployments by reason", counts)
        }
        Measure::RecoveryTime => {
            let mut buckets = bucket_counts(
                scope
                    .deployments
                    .iter()
                    .filter_map(|d| d.recovery_seconds.map(|s| s as i64)),
                &durations[..3],
                "≥ 7d",
            );
            let unrecovered = scope
                .deployments
                .iter()
                .filter(|d| d.failed && d.recovered_at.is_none())
                .count() as u64;
            buckets.push(("open".into(), unrecovered));
            ("Failed deployments by recovery time", buckets)
        }
        Measure::TimeToRestore => {
            let mut buckets = bucket_counts(
                scope
                    .incidents
                    .iter()
                    .filter_map(|i| i.resolved_at.map(|r| (r - i.started_at).num_seconds())),
                &durations[..3],
                "≥ 7d",
            );
            buckets.push((
                "open".into(),
                scope
                    .incidents
                    .iter()
                    .filter(|i| i.resolved_at.is_none())
                    .count() as u64,
            ));
            ("Incidents by time to restore", buckets)
        }
        Measure::Ci => {
            let m = &scope.metrics.ci;
            (
                "Runs by outcome",
                vec![
                    ("success".into(), m.succeeded),
                    ("failed".into(), m.runs - m.succeeded),
                ],
            )
        }
        Measure::PullRequests => {
            let history = app.history();
            let cycles = history
                .events
                .pull_requests
                .iter()
                .zip(&history.prs)
                .filter(|(pr, f)| {
                    !f.excluded && pr.merged_at.is_some_and(|m| scope.window.contains(m))
                })
                .filter_map(|(pr, f)| {
                    Some(
                        (f.deployed_at? - pr.first_commit_at.unwrap_or(pr.created_at))
                            .num_seconds(),
                    )
                });
            (
                "Pull requests by cycle time",
                bucket_counts(cycles, &durations, "≥ 30d"),
            )
        }
    }
}
