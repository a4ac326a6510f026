//! The five DORA measures as people read them: the screen's tiles and every report's headline
//! table come from here, so they never disagree.
//!
//! No data is never a verdict: a measure without a value has no band and says why (nothing in
//! the window, nothing recovered yet, or no data at all because a source never delivered). The
//! frequency is written in the unit of the band rule that rates it (deploy-days per week, per
//! month, ...), so the number and its band speak of the same thing. Every change against the
//! previous window carries its unit and whether it is better or worse.

use flowdeck_core::metrics::bands::FrequencyRule;
use flowdeck_core::metrics::trend::{Better, Trend};
use flowdeck_core::metrics::{Band, BandTable, History, MetricSet};
use flowdeck_core::status::{SourceState, SourceStatus};
use flowdeck_core::text::{count, human_duration, human_seconds, number, percent};

/// A change against the previous window, in the value's unit: the long form for reports and
/// wide screens, the short form for narrow tiles ("+0.5 days/week", "+0.5/wk").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delta {
    pub(crate) long: String,
    pub(crate) short: String,
}

impl Delta {
    fn same(text: String) -> Delta {
        Delta {
            long: text.clone(),
            short: text,
        }
    }
}

/// One of the five DORA measures as people read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Headline {
    pub(crate) key: &'static str,
    pub(crate) title: &'static str,
    /// The banded value, formatted ("4.5 days/week", "1d 3h", "7.9%"); "–" without one.
    pub(crate) value: String,
    /// What the value is made of, most telling first ("58 deployments", "1.9/day"): a narrow
    /// screen drops fields from the end rather than cutting one.
    pub(crate) details: Vec<String>,
    /// Shorter details, for where not even the first of `details` fits ("4 of 58 failed").
    pub(crate) compact: Vec<String>,
    pub(crate) band: Option<Band>,
    /// Why there is no value (or no band), in a few words: "no deployments in this window",
    /// "none recovered yet", "no data: git:web never loaded". Shown where the band would be.
    pub(crate) why_none: Option<String>,
    /// Whether what `why_none` says is bad news (a failure nobody recovered from, a source that
    /// never delivered) rather than just an absence.
    pub(crate) why_none_is_bad: bool,
    pub(crate) trend: Option<Trend>,
    /// The trend's change in the value's unit, signed ("+0.5 days/week", "−2h", "+1.2 pt").
    pub(crate) delta: Option<Delta>,
    /// The definition in one sentence.
    pub(crate) definition: &'static str,
    /// The rule of the band the value is in, in words ("≥ 1 deploy-day per 30 days").
    pub(crate) rule: Option<String>,
}

impl Headline {
    /// The details as one line: "58 deployments · 1.9/day · 22 deploy-days".
    pub(crate) fn detail(&self) -> String {
        self.details.join(" · ")
    }
}

/// What the five measures are computed from besides the numbers.
pub(crate) struct HeadlineInput<'a> {
    pub(crate) current: &'a MetricSet,
    pub(crate) previous: &'a MetricSet,
    pub(crate) bands: &'a BandTable,
    /// The window's length in days (the previous window has the same).
    pub(crate) window_days: f64,
    /// Why the scope has no deployment data at all, when it has none (`missing_data`).
    pub(crate) missing: Option<String>,
    /// Whether the data reaches back over the previous window (`reaches_back`): when it does
    /// not, the previous window's numbers are an absence, not a value, and there is no trend.
    pub(crate) previous_known: bool,
}

/// Whether every source's data reaches back to `from` (a source that does not say how far
/// back it reaches is taken at its word that it does).
pub(crate) fn reaches_back(
    sources: &[SourceStatus],
    from: flowdeck_core::model::Timestamp,
) -> bool {
    sources
        .iter()
        .all(|s| s.covers_from.is_none_or(|covers| covers <= from))
}

/// Why a scope has no deployment data at all, or None when it has some: a source that never
/// delivered or is on its first sync says so by name; otherwise nothing was ever recorded.
pub(crate) fn missing_data(
    history: &History,
    services: &[u32],
    sources: &[SourceStatus],
) -> Option<String> {
    let any = services.iter().any(|&s| {
        history
            .services
            .get(s as usize)
            .is_some_and(|facts| !facts.deployments.is_empty())
    });
    if any {
        return None;
    }
    let syncing: Vec<&str> = sources
        .iter()
        .filter(|s| s.status == SourceState::Syncing)
        .map(|s| s.name.as_str())
        .collect();
    let never: Vec<&str> = sources
        .iter()
        .filter(|s| s.last_success_at.is_none() && s.status != SourceState::Syncing)
        .map(|s| s.name.as_str())
        .collect();
    Some(if !never.is_empty() {
        format!("no data: {} never loaded", never.join(", "))
    } else if !syncing.is_empty() {
        format!("no data yet: {} on its first sync", syncing.join(", "))
    } else {
        "no data: no deployments recorded".to_string()
    })
}

fn signed(delta: f64, text: String) -> String {
    if delta < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A change of a duration: "+3h 41m".
pub(crate) fn duration_delta(t: &Trend) -> Delta {
    Delta::same(signed(
        t.delta,
        human_duration(t.delta.abs().round() as i64),
    ))
}

/// A change of a rate in percentage points: "−1.2 pt".
pub(crate) fn points_delta(t: &Trend) -> Delta {
    Delta::same(signed(
        t.delta,
        format!("{} pt", number(Some(t.delta.abs() * 100.0), 1)),
    ))
}

/// A change of a count with its unit: "+1 change", "−0.5 changes".
pub(crate) fn count_delta(t: &Trend, unit: &str, short: &str) -> Delta {
    let amount = number(Some(t.delta.abs()), 1);
    let plural = if amount == "1" { "" } else { "s" };
    Delta {
        long: signed(t.delta, format!("{amount} {unit}{plural}")),
        short: signed(t.delta, format!("{amount}{short}")),
    }
}

/// The unit a deploy-day rate is written in: per week, per month, per `days` days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cadence {
    /// Days per unit: 7 for a week, 30 for a month.
    pub(crate) days: f64,
    pub(crate) long: &'static str,
    pub(crate) short: &'static str,
}

impl Cadence {
    const WEEK: Cadence = Cadence {
        days: 7.0,
        long: "week",
        short: "wk",
    };

    fn of(rule: &FrequencyRule) -> Cadence {
        match *rule {
            FrequencyRule::PerWeek { .. } => Cadence::WEEK,
            FrequencyRule::PerDays { days, .. } => {
                let (long, short) = match days.round() as i64 {
                    7 => return Cadence::WEEK,
                    28..=31 => ("month", "mo"),
                    89..=92 => ("quarter", "qtr"),
                    180..=184 => ("half year", "6mo"),
                    365 | 366 => ("year", "yr"),
                    _ => ("period", "per"),
                };
                Cadence { days, long, short }
            }
        }
    }
}

/// The rule that rates the frequency: elite's or high's when it meets them, else medium's
/// (the one a low frequency missed). Its unit is the unit the frequency is written in.
fn rating_rule(m: &MetricSet, bands: &BandTable) -> Option<FrequencyRule> {
    let index = match m.deployment_frequency.band? {
        Band::Elite => 0,
        Band::High => 1,
        Band::Medium | Band::Low => 2,
    };
    bands.frequency.get(index).copied()
}

/// The frequency as `rule` measures it: the weekly median, or deploy-days per its period.
fn by_rule(m: &MetricSet, rule: Option<FrequencyRule>, window_days: f64) -> Option<f64> {
    let f = &m.deployment_frequency;
    match rule {
        None | Some(FrequencyRule::PerWeek { .. }) => f.median_deploy_days_per_week,
        Some(FrequencyRule::PerDays { days, .. }) => {
            (window_days > 0.0).then(|| f.deploy_days as f64 * days / window_days)
        }
    }
}

/// A frequency rule in words: "≥ 5 deploy-days a week (median of whole weeks)",
/// "≥ 1 deploy-day per 30 days".
pub(crate) fn rule_words(rule: &FrequencyRule) -> String {
    let days = |n: f64| {
        let text = number(Some(n), 2);
        if text == "1" {
            "1 deploy-day".to_string()
        } else {
            format!("{text} deploy-days")
        }
    };
    match *rule {
        FrequencyRule::PerWeek { min } => format!("≥ {} a week (median of whole weeks)", days(min)),
        FrequencyRule::PerDays { days: d, min } => {
            format!("≥ {} per {} days", days(min), number(Some(d), 0))
        }
    }
}

/// "5 days/week", "1 day/week", "1.9 days/month".
fn frequency_value(value: Option<f64>, cadence: Cadence) -> String {
    match value {
        None => "–".to_string(),
        Some(v) => {
            let text = number(Some(v), 1);
            let noun = if text == "1" { "day" } else { "days" };
            format!("{text} {noun}/{}", cadence.long)
        }
    }
}

/// The five DORA measures of any scope, current against previous.
pub(crate) fn headline(input: HeadlineInput<'_>) -> Vec<Headline> {
    let HeadlineInput {
        current,
        previous,
        bands,
        window_days,
        missing,
        previous_known,
    } = input;

    let f = &current.deployment_frequency;
    let rule = rating_rule(current, bands);
    let cadence = rule.as_ref().map_or(Cadence::WEEK, Cadence::of);
    let frequency = by_rule(current, rule, window_days);
    // The previous window in the same unit, so the change compares like with like.
    let frequency_trend = Trend::of(
        frequency,
        by_rule(previous, rule, window_days),
        Better::Higher,
    );
    let frequency_rule = rule.map(|rule| match f.band {
        Some(Band::Low) => format!("below medium's {}", rule_words(&rule)),
        _ => rule_words(&rule),
    });
    let (l, pl) = (
        &current.lead_time_for_changes,
        &previous.lead_time_for_changes,
    );
    let lead_trend = Trend::of(l.median_seconds, pl.median_seconds, Better::Lower);
    let (c, pc) = (&current.change_failure_rate, &previous.change_failure_rate);
    let failure_trend = Trend::of(c.rate, pc.rate, Better::Lower);
    let (r, pr) = (
        &current.failed_deployment_recovery_time,
        &previous.failed_deployment_recovery_time,
    );
    let recovery_trend = Trend::of(r.median_seconds, pr.median_seconds, Better::Lower);
    let (w, pw) = (
        &current.deployment_rework_rate,
        &previous.deployment_rework_rate,
    );
    let rework_trend = Trend::of(w.rate, pw.rate, Better::Lower);
    let no_deployments = (f.deployments == 0).then(|| "no deployments in this window".to_string());

    let mut rows = vec![
        Headline {
            key: "deployment_frequency",
            title: "Deployment frequency",
            value: frequency_value(frequency, cadence),
            details: vec![
                count(f.deployments, "deployment"),
                format!("{}/day", number(f.per_day, 1)),
                count(f.deploy_days, "deploy-day"),
            ],
            compact: vec![count(f.deployments, "deploy")],
            band: f.band,
            why_none: None,
            why_none_is_bad: false,
            trend: frequency_trend,
            delta: frequency_trend.map(|t| {
                let amount = number(Some(t.delta.abs()), 1);
                let noun = if amount == "1" { "day" } else { "days" };
                Delta {
                    long: signed(t.delta, format!("{amount} {noun}/{}", cadence.long)),
                    short: signed(t.delta, format!("{amount}/{}", cadence.short)),
                }
            }),
            definition: "Median deploy-days per whole ISO week: days with at least one successful production deployment.",
            rule: frequency_rule,
        },
        Headline {
            key: "lead_time_for_changes",
            title: "Lead time for changes",
            value: human_seconds(l.median_seconds),
            details: vec![
                count(l.changes, "change"),
                format!("p90 {}", human_seconds(l.p90_seconds)),
            ],
            compact: vec![count(l.changes, "change")],
            band: l.band,
            why_none: l.median_seconds.is_none().then(|| {
                no_deployments
                    .clone()
                    .unwrap_or_else(|| "no changes shipped in this window".into())
            }),
            why_none_is_bad: false,
            trend: lead_trend,
            delta: lead_trend.as_ref().map(duration_delta),
            definition: "Median time from a commit's author date to the production deployment that first shipped it (merges and baseline deployments excluded).",
            rule: None,
        },
        Headline {
            key: "change_failure_rate",
            title: "Change failure rate",
            value: percent(c.rate),
            details: vec![format!(
                "{} of {} failed",
                c.failed,
                count(c.deployments, "deployment")
            )],
            compact: vec![format!("{} of {} failed", c.failed, c.deployments)],
            band: c.band,
            why_none: c.rate.is_none().then(|| no_deployments.clone()).flatten(),
            why_none_is_bad: false,
            trend: failure_trend,
            delta: failure_trend.as_ref().map(points_delta),
            definition: "Share of deployments that caused an incident (linked or within the attribution window), were rolled back, or had a commit reverted.",
            rule: None,
        },
        Headline {
            key: "failed_deployment_recovery_time",
            title: "Failed deployment recovery time",
            value: human_seconds(r.median_seconds),
            details: vec![
                format!("{} recovered", r.recovered),
                format!("{} failing", r.unrecovered),
                format!("p90 {}", human_seconds(r.p90_seconds)),
            ],
            compact: vec![
                format!("{} fixed", r.recovered),
                format!("{} failing", r.unrecovered),
            ],
            band: r.band,
            why_none: r.median_seconds.is_none().then(|| {
                if r.unrecovered > 0 {
                    format!("none recovered yet: {} failing", r.unrecovered)
                } else if f.deployments == 0 {
                    "no deployments in this window".to_string()
                } else {
                    "no failed deployments".to_string()
                }
            }),
            why_none_is_bad: r.median_seconds.is_none() && r.unrecovered > 0,
            trend: recovery_trend,
            delta: recovery_trend.as_ref().map(duration_delta),
            definition: "Median time from a failed deployment to its recovery: its incidents resolved, or a rollback or revert deployed.",
            rule: None,
        },
        Headline {
            key: "deployment_rework_rate",
            title: "Deployment rework rate",
            value: percent(w.rate),
            details: vec![format!(
                "{} of {} were rework",
                w.rework,
                count(w.deployments, "deployment")
            )],
            compact: vec![format!("{} of {} rework", w.rework, w.deployments)],
            band: None,
            why_none: w.rate.is_none().then(|| no_deployments.clone()).flatten(),
            why_none_is_bad: false,
            trend: rework_trend,
            delta: rework_trend.as_ref().map(points_delta),
            definition: "Share of deployments that were rollbacks, shipped a revert or hotfix, or went out while an incident of the service was open.",
            rule: None,
        },
    ];
    if let Some(reason) = missing {
        // Nothing was ever recorded for this scope: no number is a verdict.
        for row in &mut rows {
            row.value = "–".to_string();
            row.band = None;
            row.trend = None;
            row.delta = None;
            row.rule = None;
            row.details = Vec::new();
            row.compact = Vec::new();
            row.why_none = Some(reason.clone());
            row.why_none_is_bad = true;
        }
    }
    if !previous_known {
        // The data starts inside the window: nothing to compare with, so no trend
        // (a frequency of 0 before the data began is not a slower team).
        for row in &mut rows {
            row.trend = None;
            row.delta = None;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frequency(deployments: u64, deploy_days: u64, median: f64, band: Band) -> MetricSet {
        let mut m = MetricSet::default();
        let f = &mut m.deployment_frequency;
        f.deployments = deployments;
        f.per_day = Some(deployments as f64 / 1200.0);
        f.deploy_days = deploy_days;
        f.median_deploy_days_per_week = Some(median);
        f.band = Some(band);
        m
    }

    fn rows(current: &MetricSet, days: f64, missing: Option<String>) -> Vec<Headline> {
        headline(HeadlineInput {
            current,
            previous: &MetricSet::default(),
            bands: &BandTable::dora_2023(),
            window_days: days,
            missing,
            previous_known: true,
        })
    }

    #[test]
    fn no_trend_when_the_data_does_not_reach_back_over_the_previous_window() {
        let current = frequency(76, 70, 1.0, Band::High);
        // Before the data began: no deployments, as a store that does not reach back says.
        let previous = frequency(0, 0, 0.0, Band::Low);
        let bands = BandTable::dora_2023();
        let input = |previous_known| HeadlineInput {
            current: &current,
            previous: &previous,
            bands: &bands,
            window_days: 365.0,
            missing: None,
            previous_known,
        };
        // With the previous window known, 0 before is a real change.
        assert!(headline(input(true))[0].trend.is_some());
        let rows = headline(input(false));
        assert!(rows.iter().all(|r| r.trend.is_none() && r.delta.is_none()));
        // The value and band stay: only the comparison goes.
        assert_eq!(rows[0].band, Some(Band::High));
    }

    #[test]
    fn reaches_back_takes_every_source_at_its_word() {
        let at = |s: &str| s.parse::<flowdeck_core::model::Timestamp>().unwrap();
        let mut source = SourceStatus {
            name: "git:web".into(),
            kind: "git".into(),
            status: SourceState::Ok,
            last_success_at: None,
            error: None,
            covers_from: None,
            collector: None,
        };
        assert!(reaches_back(&[], at("2020-01-01T00:00:00Z")));
        assert!(reaches_back(
            std::slice::from_ref(&source),
            at("2020-01-01T00:00:00Z")
        ));
        source.covers_from = Some(at("2026-01-01T00:00:00Z"));
        assert!(!reaches_back(
            std::slice::from_ref(&source),
            at("2025-12-31T00:00:00Z")
        ));
        assert!(reaches_back(&[source], at("2026-01-01T00:00:00Z")));
    }

    #[test]
    fn a_slow_cadence_is_written_per_month_like_the_rule_that_rates_it() {
        // 76 deployments on 70 days over 1200 days: no whole week has a deploy-day in its
        // median, but more than one deploy-day a month: medium.
        let m = frequency(76, 70, 0.0, Band::Medium);
        let f = &rows(&m, 1200.0, None)[0];
        assert_eq!(f.value, "1.8 days/month");
        assert_eq!(f.band, Some(Band::Medium));
        assert_eq!(f.rule.as_deref(), Some("≥ 1 deploy-day per 30 days"));
        let elite = frequency(60, 22, 5.0, Band::Elite);
        assert_eq!(rows(&elite, 30.0, None)[0].value, "5 days/week");
        let low = frequency(0, 0, 0.0, Band::Low);
        let f = &rows(&low, 30.0, None)[0];
        assert_eq!(f.value, "0 days/month");
        assert_eq!(
            f.rule.as_deref(),
            Some("below medium's ≥ 1 deploy-day per 30 days")
        );
    }

    #[test]
    fn no_data_is_no_verdict_and_says_why() {
        let low = frequency(0, 0, 0.0, Band::Low);
        for row in rows(&low, 30.0, Some("no data: git:ux never loaded".into())) {
            assert_eq!(row.value, "–");
            assert_eq!(row.band, None);
            assert_eq!(row.trend, None);
            assert_eq!(
                row.why_none.as_deref(),
                Some("no data: git:ux never loaded")
            );
        }
        // An empty window of a scope with history: the frequency is a real 0, the rest say why.
        let rows = rows(&low, 30.0, None);
        assert_eq!(rows[0].band, Some(Band::Low));
        assert_eq!(
            rows[1].why_none.as_deref(),
            Some("no deployments in this window")
        );
        assert_eq!(rows[2].details, vec!["0 of 0 deployments failed"]);
    }
}
