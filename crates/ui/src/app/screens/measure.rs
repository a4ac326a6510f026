//! A measure's drill-down: its value, band (with the band's rule) or why it has none, its
//! change with unit and verdict, its series over the window with dates and a scale, what its
//! values are made of (counts that add up to the number), and the items behind it. The list
//! opens on the items that make the number, failures first; `a` shows every item of the
//! window.

use std::collections::HashSet;

use chrono::Datelike;

use super::format::{day, reason_kind};
use super::items::{change_rows, deployment_rows, incident_rows, pull_request_rows, run_rows};
use super::tiles::{TrendView, spark, trend_view};
use crate::app::action::Command;
use crate::app::list::{ListModel, Tone};
use crate::app::scope::ScopeData;
use crate::app::state::{App, ListState, Measure};
use crate::snapshot::{DeploymentRow, count_delta, duration_delta, points_delta, rule_words};
use flowdeck_core::metrics::trend::{Better, Trend};
use flowdeck_core::metrics::{Band, BandTable};
use flowdeck_core::model::RunConclusion;
use flowdeck_core::text::{count, human_duration, human_seconds, number, percent};

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "open item"),
    (Command::Back, "back"),
    (Command::Right, "next measure"),
    (Command::Left, "previous measure"),
    (Command::ToggleAll, "all items"),
    (Command::SortNext, "sort"),
    (Command::SortReverse, "reverse"),
    (Command::SortVerdict, "sort by health"),
    (Command::Search, "search"),
    (Command::OpenUrl, "open in browser"),
    (Command::Panel1, "measure"),
    (Command::Services, "services"),
    (Command::Window, "window"),
    (Command::Export, "export"),
];

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BandRow {
    pub(crate) band: Band,
    pub(crate) threshold: String,
    pub(crate) current: bool,
}

/// A measure's series as a chart: the bars, and the labels of its axes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chart {
    /// "per day", "per week", "per 30 days".
    pub(crate) bucket: String,
    pub(crate) bars: Vec<Option<u64>>,
    /// The first bucket's day and the last day of the window.
    pub(crate) from: String,
    pub(crate) to: String,
    /// The tallest bar's value, in the measure's unit.
    pub(crate) max: String,
}

#[derive(Debug, Clone)]
pub(crate) struct MeasureView {
    pub(crate) title: &'static str,
    pub(crate) value: String,
    pub(crate) details: Vec<String>,
    pub(crate) band: Option<Band>,
    /// Why there is no value or band, and whether that is bad news.
    pub(crate) why_none: Option<(String, Tone)>,
    /// The rule of the value's band, in words ("≥ 1 deploy-day per 30 days").
    pub(crate) rule: Option<String>,
    pub(crate) trend: Option<TrendView>,
    pub(crate) definition: String,
    pub(crate) bands: Vec<BandRow>,
    pub(crate) band_table: String,
    /// None when the series has no data (the space goes to the rest).
    pub(crate) chart: Option<Chart>,
    /// What the values are made of: (bucket label, count), adding up to the list's count.
    pub(crate) distribution_title: String,
    pub(crate) distribution: Vec<(String, u64)>,
    pub(crate) list_title: String,
    pub(crate) list: ListModel,
    pub(crate) list_state: ListState,
    /// The scope's first health panel, beside the failure measures when one service is in
    /// scope (what the failed deployments did to it).
    pub(crate) health: Option<crate::app::health::ChartView>,
}

fn failed_run(c: Option<RunConclusion>) -> bool {
    matches!(
        c,
        Some(RunConclusion::Failure | RunConclusion::TimedOut | RunConclusion::StartupFailure)
    )
}

/// The deployments a measure counts, in the order its list shows them.
fn counted_deployments(scope: &ScopeData, measure: Measure, all: bool) -> Vec<&DeploymentRow> {
    let counts = |d: &&DeploymentRow| match measure {
        Measure::ChangeFailureRate | Measure::RecoveryTime => d.failed,
        Measure::ReworkRate => d.rework,
        Measure::BatchSize => !d.baseline,
        _ => true,
    };
    let mut rows: Vec<&DeploymentRow> = if all {
        scope.deployments.iter().collect()
    } else {
        scope.deployments.iter().filter(counts).collect()
    };
    // What makes the number first; newest first within (the scope's order, kept by a stable
    // sort).
    rows.sort_by_key(|d| !counts(d));
    if measure == Measure::BatchSize {
        rows.sort_by_key(|d| (!counts(d), std::cmp::Reverse(d.changes)));
    }
    rows
}

/// The incidents time to restore counts: those that started in the window (`all`: and the
/// ones still open from before), open ones first.
fn counted_incidents(scope: &ScopeData, all: bool) -> Vec<&crate::snapshot::IncidentRow> {
    scope
        .incidents
        .iter()
        .filter(|i| all || scope.window.contains(i.started_at))
        .collect()
}

/// The runs CI health counts: latest attempts that succeeded or failed, failures first
/// (`all`: every run of the window).
fn counted_runs(app: &App, scope: &ScopeData, all: bool) -> Vec<u32> {
    let runs = &app.history().events.pipeline_runs;
    let decided = |r: &u32| {
        runs.get(*r as usize).is_some_and(|run| {
            run.conclusion == Some(RunConclusion::Success) || failed_run(run.conclusion)
        })
    };
    let mut list: Vec<u32> = if all {
        scope.runs.clone()
    } else {
        scope.runs.iter().copied().filter(decided).collect()
    };
    list.sort_by_key(|r| {
        let run = runs.get(*r as usize);
        let failed = run.is_some_and(|run| failed_run(run.conclusion));
        (!decided(r), !failed)
    });
    list
}

/// The items behind a measure: those that make the number, or (`all`) every item of the
/// window with those first.
pub(crate) fn rows(app: &App, measure: Measure, all: bool) -> ListModel {
    let Some(scope) = &app.scope else {
        return ListModel::default();
    };
    match measure {
        Measure::DeploymentFrequency
        | Measure::ChangeFailureRate
        | Measure::RecoveryTime
        | Measure::ReworkRate
        | Measure::BatchSize => deployment_rows(app, counted_deployments(scope, measure, all)),
        Measure::LeadTime => change_rows(app),
        Measure::TimeToRestore => incident_rows(app, counted_incidents(scope, all)),
        Measure::Ci => run_rows(app, &counted_runs(app, scope, all)),
        Measure::PullRequests => pull_request_rows(app, all),
    }
}

/// "Failed deployments: 4 of 58 · a shows all 58", with the counts of both lists.
fn list_title(app: &App, scope: &ScopeData, measure: Measure, all: bool, shown: usize) -> String {
    let total_deployments = scope.deployments.len();
    let (what, counted, every) = match measure {
        Measure::DeploymentFrequency => ("Deployments", total_deployments, total_deployments),
        Measure::LeadTime => ("Changes", scope.changes.len(), scope.changes.len()),
        Measure::ChangeFailureRate | Measure::RecoveryTime => (
            "Failed deployments",
            counted_deployments(scope, measure, false).len(),
            total_deployments,
        ),
        Measure::ReworkRate => (
            "Rework deployments",
            counted_deployments(scope, measure, false).len(),
            total_deployments,
        ),
        Measure::BatchSize => (
            "Deployments with their changes",
            counted_deployments(scope, measure, false).len(),
            total_deployments,
        ),
        Measure::TimeToRestore => (
            "Incidents started in the window",
            counted_incidents(scope, false).len(),
            counted_incidents(scope, true).len(),
        ),
        Measure::Ci => (
            "Runs that succeeded or failed",
            counted_runs(app, scope, false).len(),
            scope.runs.len(),
        ),
        Measure::PullRequests => (
            "Pull requests merged in the window",
            pull_request_rows(app, false).rows.len(),
            pull_request_rows(app, true).rows.len(),
        ),
    };
    let search = if app.search.is_some() {
        format!(" · {shown} match the search")
    } else {
        String::new()
    };
    if counted == every {
        return format!("{what} ({counted}){search}");
    }
    if all {
        format!("All {every}: {what} first ({counted}){search} · a: only those")
    } else {
        format!("{what}: {counted} of {every}{search} · a: all {every}")
    }
}

/// The drill-down of `measure`; `list` is its items, searched and sorted.
pub(crate) fn view(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
    list_state: ListState,
    all: bool,
    list: ListModel,
) -> MeasureView {
    let m = &scope.metrics;
    let p = &scope.previous_metrics;
    let headline = measure.headline().and_then(|i| scope.headline.get(i));
    let (value, details, band, why_none, rule, trend, definition) = match headline {
        Some(h) => (
            h.value.clone(),
            h.details.clone(),
            h.band,
            h.why_none.clone().map(|why| {
                (
                    why,
                    if h.why_none_is_bad {
                        Tone::Fail
                    } else {
                        Tone::Muted
                    },
                )
            }),
            h.rule.clone(),
            trend_view(h.trend, h.delta.clone()),
            h.definition.to_string(),
        ),
        None => flow_summary(measure, m, p),
    };
    let history = app.history();
    let tz = history.rules.timezone;
    let chart = scope
        .series
        .get(measure.index())
        .filter(|s| s.has_data())
        .map(|s| {
            let max = s.values.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
            Chart {
                bucket: format!("per {}", s.bucket),
                bars: spark(&s.values),
                from: s.starts.first().map(|t| day(*t, tz)).unwrap_or_default(),
                to: day(scope.window.to - chrono::Duration::seconds(1), tz),
                max: scale_label(measure, max),
            }
        });
    let (distribution_title, distribution) = distribution(app, scope, measure, all);
    MeasureView {
        title: measure.title(),
        value,
        details,
        band,
        why_none,
        rule,
        trend,
        definition,
        bands: band_rows(&history.rules.bands, measure, band),
        band_table: history.rules.bands.name.clone(),
        chart,
        distribution_title,
        distribution,
        list_title: list_title(app, scope, measure, all, list.rows.len()),
        list,
        list_state,
        health: health_chart(app, scope, measure),
    }
}

/// The first health panel of the one service in scope, on the failure and recovery
/// drill-downs.
fn health_chart(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
) -> Option<crate::app::health::ChartView> {
    if !matches!(
        measure,
        Measure::ChangeFailureRate | Measure::RecoveryTime | Measure::TimeToRestore
    ) {
        return None;
    }
    let [only] = scope.services.as_slice() else {
        return None;
    };
    let service = &app.history().services.get(*only as usize)?.name;
    crate::app::health::charts(app, service).into_iter().next()
}

type Summary = (
    String,
    Vec<String>,
    Option<Band>,
    Option<(String, Tone)>,
    Option<String>,
    Option<TrendView>,
    String,
);

/// The measures that are not headline tiles: value, details, why none, change, definition.
fn flow_summary(
    measure: Measure,
    m: &flowdeck_core::metrics::MetricSet,
    p: &flowdeck_core::metrics::MetricSet,
) -> Summary {
    let none = |why: &str| Some((why.to_string(), Tone::Muted));
    match measure {
        Measure::TimeToRestore => {
            let t = Trend::of(
                m.time_to_restore.median_seconds,
                p.time_to_restore.median_seconds,
                Better::Lower,
            );
            (
                human_seconds(m.time_to_restore.median_seconds),
                vec![
                    count(m.time_to_restore.incidents, "incident"),
                    format!("{} open", m.time_to_restore.open),
                    format!("p90 {}", human_seconds(m.time_to_restore.p90_seconds)),
                ],
                None,
                match (m.time_to_restore.median_seconds, m.time_to_restore.open) {
                    (Some(_), _) => None,
                    (None, 0) => none("no incidents in this window"),
                    (None, open) => Some((
                        format!("none resolved yet: {open} open"),
                        Tone::Fail,
                    )),
                },
                None,
                trend_view(t, t.as_ref().map(duration_delta)),
                "Median time from an incident's start to its resolution, for incidents that started in the window (classic MTTR).".into(),
            )
        }
        Measure::Ci => {
            let t = Trend::of(m.ci.success_rate, p.ci.success_rate, Better::Higher);
            (
                percent(m.ci.success_rate),
                vec![
                    format!("{} of {} succeeded", m.ci.succeeded, count(m.ci.runs, "run")),
                    format!(
                        "duration {} (p90 {})",
                        human_seconds(m.ci.median_duration_seconds),
                        human_seconds(m.ci.p90_duration_seconds)
                    ),
                    format!("queue {}", human_seconds(m.ci.median_queue_seconds)),
                ],
                None,
                m.ci.success_rate
                    .is_none()
                    .then(|| none("no runs succeeded or failed in this window"))
                    .flatten(),
                None,
                trend_view(t, t.as_ref().map(points_delta)),
                "Share of the latest attempts of CI runs that succeeded; cancelled, skipped and neutral runs are left out.".into(),
            )
        }
        Measure::BatchSize => {
            let t = Trend::of(
                m.batch_size.median_changes,
                p.batch_size.median_changes,
                Better::Lower,
            );
            (
                match m.batch_size.median_changes {
                    Some(n) => {
                        let text = number(Some(n), 1);
                        format!("{text} {}", if text == "1" { "change" } else { "changes" })
                    }
                    None => "–".into(),
                },
                vec!["median changes per deployment".into()],
                None,
                m.batch_size
                    .median_changes
                    .is_none()
                    .then(|| none("no deployments with changes in this window"))
                    .flatten(),
                None,
                trend_view(t, t.as_ref().map(|t| count_delta(t, "change", ""))),
                "Median non-merge changes per non-baseline deployment: smaller batches are easier to review and to undo.".into(),
            )
        }
        _ => {
            let t = Trend::of(
                m.pr_cycle_time.median_seconds,
                p.pr_cycle_time.median_seconds,
                Better::Lower,
            );
            (
                human_seconds(m.pr_cycle_time.median_seconds),
                vec![
                    format!("{} merged", m.pr_cycle_time.prs),
                    format!(
                        "coding {}",
                        human_seconds(m.pr_cycle_time.coding_median_seconds)
                    ),
                    format!(
                        "pickup {}",
                        human_seconds(m.pr_cycle_time.pickup_median_seconds)
                    ),
                    format!(
                        "review {}",
                        human_seconds(m.pr_cycle_time.review_median_seconds)
                    ),
                    format!(
                        "deploy {}",
                        human_seconds(m.pr_cycle_time.deploy_median_seconds)
                    ),
                    format!("{} open", m.wip.open_prs),
                ],
                None,
                m.pr_cycle_time
                    .median_seconds
                    .is_none()
                    .then(|| none("no pull requests merged and deployed in this window"))
                    .flatten(),
                None,
                trend_view(t, t.as_ref().map(duration_delta)),
                "Median time from a pull request's first commit to the deployment that shipped its merge; bots excluded.".into(),
            )
        }
    }
}

/// The tallest bar's value in the measure's unit, for the chart's scale.
fn scale_label(measure: Measure, max: f64) -> String {
    match measure {
        Measure::DeploymentFrequency => count(max.round() as u64, "deployment"),
        Measure::ChangeFailureRate | Measure::ReworkRate | Measure::Ci => percent(Some(max)),
        Measure::BatchSize => format!("{} changes", number(Some(max), 1)),
        _ => human_duration(max.round() as i64),
    }
}

fn band_rows(table: &BandTable, measure: Measure, current: Option<Band>) -> Vec<BandRow> {
    let fmt_seconds = |s: f64| human_duration(s as i64);
    let thresholds: Option<[String; 3]> = match measure {
        Measure::DeploymentFrequency => Some(table.frequency.map(|r| rule_words(&r))),
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

/// What the values are made of, counted so the counts add up to the items of the list.
fn distribution(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
    all: bool,
) -> (String, Vec<(String, u64)>) {
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let durations = [
        (HOUR, "< 1h"),
        (DAY, "1h–1d"),
        (7 * DAY, "1–7d"),
        (30 * DAY, "7–30d"),
    ];
    let history = app.history();
    let tz = history.rules.timezone;
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
                "Deployments by weekday".into(),
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .zip(days)
                    .map(|(d, c)| (d.to_string(), c))
                    .collect(),
            )
        }
        Measure::LeadTime => (
            "Changes by lead time".into(),
            bucket_counts(
                scope.changes.iter().map(|c| c.lead_seconds),
                &durations,
                "≥ 30d",
            ),
        ),
        Measure::ChangeFailureRate | Measure::ReworkRate => {
            // Each deployment once, under its first reason: the counts add up to the
            // deployments, however many reasons one has.
            let mut counts: Vec<(String, u64)> = Vec::new();
            let mut none = 0u64;
            for d in &scope.deployments {
                let reasons = if measure == Measure::ChangeFailureRate {
                    &d.failure_reasons
                } else {
                    &d.rework_reasons
                };
                let Some(first) = reasons.first() else {
                    none += 1;
                    continue;
                };
                let label = reason_kind(history, first.kind);
                match counts.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((label, 1)),
                }
            }
            if all {
                counts.insert(0, ("none".into(), none));
            }
            (
                if all {
                    "Deployments by first reason".into()
                } else {
                    "By first reason".into()
                },
                counts,
            )
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
            buckets.push(("failing".into(), unrecovered));
            ("Failed deployments by recovery time".into(), buckets)
        }
        Measure::TimeToRestore => {
            let incidents = counted_incidents(scope, all);
            let mut buckets = bucket_counts(
                incidents
                    .iter()
                    .filter_map(|i| i.resolved_at.map(|r| (r - i.started_at).num_seconds())),
                &durations[..3],
                "≥ 7d",
            );
            buckets.push((
                "open".into(),
                incidents.iter().filter(|i| i.resolved_at.is_none()).count() as u64,
            ));
            ("Incidents by time to restore".into(), buckets)
        }
        Measure::Ci => {
            let m = &scope.metrics.ci;
            let mut rows = vec![
                ("success".into(), m.succeeded),
                ("failed".into(), m.runs.saturating_sub(m.succeeded)),
            ];
            if all {
                let decided: HashSet<u32> = counted_runs(app, scope, false).into_iter().collect();
                let other = scope.runs.iter().filter(|r| !decided.contains(r)).count() as u64;
                rows.push(("other".into(), other));
            }
            ("Runs by outcome".into(), rows)
        }
        Measure::BatchSize => (
            "Deployments by changes".into(),
            bucket_counts(
                counted_deployments(scope, measure, all)
                    .iter()
                    .map(|d| i64::from(d.changes)),
                &[(1, "0"), (2, "1"), (4, "2–3"), (8, "4–7"), (16, "8–15")],
                "≥ 16",
            ),
        ),
        Measure::PullRequests => {
            let in_scope: HashSet<&str> = scope
                .services
                .iter()
                .filter_map(|&s| history.services.get(s as usize))
                .map(|s| s.name.as_str())
                .collect();
            let merged: Vec<Option<i64>> = history
                .events
                .pull_requests
                .iter()
                .zip(&history.prs)
                .filter(|(pr, f)| {
                    !f.excluded
                        && in_scope.contains(pr.service.as_str())
                        && pr.merged_at.is_some_and(|m| scope.window.contains(m))
                })
                .map(|(pr, f)| {
                    f.deployed_at.map(|deployed| {
                        (deployed - pr.first_commit_at.unwrap_or(pr.created_at)).num_seconds()
                    })
                })
                .collect();
            let mut buckets = bucket_counts(merged.iter().flatten().copied(), &durations, "≥ 30d");
            buckets.push((
                "not deployed".into(),
                merged.iter().filter(|c| c.is_none()).count() as u64,
            ));
            ("Merged pull requests by cycle time".into(), buckets)
        }
    }
}
