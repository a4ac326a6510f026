//! The snapshot: everything one report (and the dashboard's panels) shows for a window, built
//! once from the derived history. Its serde form is the JSON report contract
//! ("flowdeck.report/v1"): keys may be added, never renamed; unknown values are null.

mod charts;
mod deployments;
mod scope;
mod standup;

use serde::Serialize;

pub(crate) use charts::{Charts, LEAD_TIME_LABELS};
pub(crate) use deployments::{DeploymentRow, Deployments, deployment_row};
pub use scope::{ReportScope, ScopeFilter};
pub(crate) use standup::{Standup, standup_since};

use flowdeck_core::health::{Panel, Panels, assess};
use flowdeck_core::metrics::compute::{PreparedWindow, compute_prepared};
use flowdeck_core::metrics::{
    Attribution, BandTable, History, MetricSet, Scope, Window, deployments_in,
};
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::{SourceState, SourceStatus};

pub(crate) const SCHEMA: &str = "flowdeck.report/v1";

#[derive(Debug, Clone, Serialize)]
pub struct Snapshot<'h> {
    pub(crate) schema: &'static str,
    pub(crate) generated_at: Timestamp,
    pub timezone: String,
    /// Which services (and environment) the report measures.
    pub(crate) scope: ReportScope,
    /// The band table in use, by name ("dora-2023", "dora-2021", "custom").
    pub(crate) bands: String,
    /// Its thresholds, so a reader can check a band by hand.
    pub(crate) band_table: BandTable,
    pub window: WindowInfo,
    pub(crate) previous: Previous,
    pub metrics: MetricSet,
    pub services: Vec<ServiceReport>,
    pub teams: Vec<TeamReport>,
    /// Counted deployments that finished in the window, newest first.
    pub deployments: Deployments<'h>,
    /// Incidents that started in the window, are still open, or are attributed to a listed
    /// deployment; newest first.
    pub incidents: Vec<IncidentRow>,
    pub(crate) sources: Vec<SourceStatus>,
    /// The health panels' series (`[[panels]]`; absent without panels).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub panels: Vec<Panel>,
    /// What the HTML charts draw beyond the rows; not part of the JSON contract.
    #[serde(skip)]
    pub charts: Charts,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowInfo {
    pub from: Timestamp,
    pub to: Timestamp,
    pub(crate) days: f64,
    /// Whether every source's data reaches back to `from` (and the window has ended by now).
    pub(crate) complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Previous {
    pub(crate) window: WindowInfo,
    pub(crate) metrics: MetricSet,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub name: String,
    pub team: Option<String>,
    pub metrics: MetricSet,
    pub(crate) previous: PreviousMetrics,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReport {
    pub name: String,
    pub(crate) services: Vec<String>,
    pub metrics: MetricSet,
    pub(crate) previous: PreviousMetrics,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PreviousMetrics {
    pub(crate) metrics: MetricSet,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub(crate) id: String,
    pub(crate) source: String,
    pub(crate) services: Vec<String>,
    pub(crate) title: String,
    pub(crate) severity: Option<String>,
    pub(crate) started_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub(crate) url: Option<String>,
    /// The first attribution (the contract's single link); null when attributed to nothing.
    pub attributed_to: Option<Attribution>,
    /// Every attribution, one per service at most.
    pub(crate) attributions: Vec<Attribution>,
    /// "silenced" or "inhibited" while Alertmanager holds a firing alert back (its labels
    /// `alertmanager=suppressed` with `silenced_by=` / `inhibited_by=`): shown beside an open
    /// incident so nobody takes a muted alert for a loud one. In the JSON report too.
    pub(crate) suppressed: Option<&'static str>,
    #[serde(skip)]
    pub(crate) index: u32,
}

/// What goes into a snapshot besides the history.
#[derive(Debug, Clone)]
pub struct SnapshotRequest {
    pub window: Window,
    pub now: Timestamp,
    pub sources: Vec<SourceStatus>,
    /// The services to measure (everything by default).
    pub scope: ScopeFilter,
    /// The environment the history was narrowed to, named in the report; the caller narrows.
    pub environment: Option<String>,
}

impl<'h> Snapshot<'h> {
    pub fn build(history: &'h History, request: SnapshotRequest) -> Snapshot<'h> {
        let SnapshotRequest {
            window,
            now,
            sources,
            scope: filter,
            environment,
        } = request;
        let (scope, report_scope) = scope::resolve(history, &filter, environment);
        let previous_window = window.previous();
        // Ordering a long window's deployments (half a million at company scale) and finding
        // its incidents takes a good part of measuring every service and team twice: done on
        // a second thread meanwhile.
        let ((deployments, charts, incidents), measured) = std::thread::scope(|threads| {
            let rows = threads.spawn(|| {
                let indices = deployments_in(history, &scope, &window);
                let charts = Charts::build(history, &window, &indices);
                let deployments = Deployments::new(history, &indices);
                let incidents = incident_rows(history, &scope, &window, deployments.indices());
                (deployments, charts, incidents)
            });
            let measured = measure(history, &scope, window, now);
            match rows.join() {
                Ok(rows) => (rows, measured),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        let Measured {
            metrics,
            previous_metrics,
            services,
            teams,
        } = measured;
        // The report speaks of ok / stale / error only: a source still on its first sync
        // has no data yet.
        let sources: Vec<SourceStatus> = sources
            .into_iter()
            .map(|mut s| {
                if s.status == SourceState::Syncing {
                    s.status = SourceState::Error;
                    s.error
                        .get_or_insert_with(|| "no data yet: first sync in progress".into());
                }
                s
            })
            .collect();
        // Complete when every source has delivered once and reaches back to the window's start.
        let complete = |w: &Window| {
            !sources.is_empty()
                && w.to <= now
                && sources.iter().all(|s| {
                    s.last_success_at.is_some() && s.covers_from.is_none_or(|from| from <= w.from)
                })
        };
        Snapshot {
            schema: SCHEMA,
            generated_at: now,
            timezone: history.rules.timezone.name().to_string(),
            scope: report_scope,
            bands: history.rules.bands.name.clone(),
            band_table: history.rules.bands.clone(),
            window: WindowInfo {
                from: window.from,
                to: window.to,
                days: window.days(),
                complete: complete(&window),
            },
            previous: Previous {
                window: WindowInfo {
                    from: previous_window.from,
                    to: previous_window.to,
                    days: previous_window.days(),
                    complete: complete(&previous_window),
                },
                metrics: previous_metrics,
            },
            metrics,
            services,
            teams,
            deployments,
            incidents,
            sources,
            panels: Vec::new(),
            charts,
        }
    }

    /// The snapshot with the health panels read for its window: their series, and each listed
    /// deployment's verdict (docs/METRICS.md#health-panels-and-the-deployment-verdict).
    pub fn with_panels(mut self, history: &'h History, panels: Panels) -> Snapshot<'h> {
        let table = assess(
            &panels,
            &history.events.deployments,
            self.deployments.indices(),
        );
        self.deployments = self.deployments.with_health(table);
        self.panels = panels.panels;
        self
    }
}

/// Every measure a snapshot shows: the scope's totals, each service's and each team's, for the
/// window and the previous one.
struct Measured {
    metrics: MetricSet,
    previous_metrics: MetricSet,
    services: Vec<ServiceReport>,
    teams: Vec<TeamReport>,
}

fn measure(history: &History, scope: &Scope, window: Window, now: Timestamp) -> Measured {
    let current = PreparedWindow::new(history, window);
    let previous = PreparedWindow::new(history, window.previous());
    let compute =
        |scope: &Scope, prepared: &PreparedWindow| compute_prepared(history, scope, prepared, now);
    let mut services = Vec::with_capacity(scope.services.len());
    for &i in &scope.services {
        let Some(service) = history.services.get(i as usize) else {
            continue;
        };
        let one = Scope::services(history, &[i]);
        services.push(ServiceReport {
            name: service.name.clone(),
            team: service.team.clone(),
            metrics: compute(&one, &current),
            previous: PreviousMetrics {
                metrics: compute(&one, &previous),
            },
        });
    }
    // Teams wholly inside the scope: a team row over only part of its services would carry the
    // team's name and not its numbers.
    let teams = history
        .teams()
        .into_iter()
        .filter(|(_, members)| members.iter().all(|&s| scope.contains(s)))
        .map(|(name, members)| {
            let team = Scope::services(history, &members);
            TeamReport {
                name,
                services: members
                    .iter()
                    .map(|&s| history.services[s as usize].name.clone())
                    .collect(),
                metrics: compute(&team, &current),
                previous: PreviousMetrics {
                    metrics: compute(&team, &previous),
                },
            }
        })
        .collect();
    Measured {
        metrics: compute(scope, &current),
        previous_metrics: compute(scope, &previous),
        services,
        teams,
    }
}

/// One report row for an incident.
pub(crate) fn incident_row(history: &History, i: u32) -> IncidentRow {
    let incident = &history.events.incidents[i as usize];
    let attributions = history.attributions[i as usize].clone();
    IncidentRow {
        id: incident.id.clone(),
        source: incident.source.clone(),
        services: incident.services.clone(),
        title: incident.title.clone(),
        severity: incident.severity.clone(),
        started_at: incident.started_at,
        resolved_at: incident.resolved_at,
        url: incident.url.clone(),
        attributed_to: attributions.first().cloned(),
        attributions,
        suppressed: suppression(&incident.labels),
        index: i,
    }
}

/// How Alertmanager holds the alert back, from the labels the Prometheus source adds.
fn suppression(labels: &[String]) -> Option<&'static str> {
    if !labels.iter().any(|l| l == "alertmanager=suppressed") {
        return None;
    }
    if labels.iter().any(|l| l.starts_with("silenced_by=")) {
        Some("silenced")
    } else if labels.iter().any(|l| l.starts_with("inhibited_by=")) {
        Some("inhibited")
    } else {
        Some("suppressed")
    }
}

/// Incidents of the scope (any incident when it is everything; else those naming a service in
/// it) that started in the window, are still open, or are attributed to a listed deployment.
fn incident_rows(
    history: &History,
    scope: &Scope,
    window: &Window,
    listed: &[u32],
) -> Vec<IncidentRow> {
    let in_scope = |services: &[String]| {
        scope.all
            || services
                .iter()
                .any(|s| history.service(s).is_some_and(|i| scope.contains(i)))
    };
    let listed: std::collections::HashSet<u32> = listed.iter().copied().collect();
    let mut rows: Vec<IncidentRow> = history
        .events
        .incidents
        .iter()
        .enumerate()
        .filter(|(i, incident)| {
            (in_scope(&incident.services)
                && (window.contains(incident.started_at)
                    || (incident.resolved_at.is_none() && incident.started_at < window.to)))
                || history.attributions[*i]
                    .iter()
                    .any(|a| listed.contains(&a.deployment))
        })
        .map(|(i, _)| incident_row(history, i as u32))
        .collect();
    rows.sort_by(|a, b| (b.started_at, &b.id).cmp(&(a.started_at, &a.id)));
    rows
}

/// One of the five DORA measures as people read it: the screen's tiles and every report's
/// headline table come from this, so they never disagree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Headline {
    pub(crate) key: &'static str,
    pub(crate) title: &'static str,
    /// The banded value, formatted ("4.5 days/week", "1d 3h", "7.9%").
    pub(crate) value: String,
    /// What the value is made of ("63 deployments · 2.1/day").
    pub(crate) detail: String,
    pub(crate) band: Option<flowdeck_core::metrics::Band>,
    pub(crate) trend: Option<flowdeck_core::metrics::trend::Trend>,
    /// The trend's delta formatted in the value's unit, signed ("+0.5", "−2h", "+1.2 pt").
    pub(crate) delta: Option<String>,
    /// The definition in one sentence.
    pub(crate) definition: &'static str,
}

impl Snapshot<'_> {
    /// The five DORA measures, current against previous.
    pub(crate) fn headline(&self) -> Vec<Headline> {
        headline(&self.metrics, &self.previous.metrics)
    }
}

/// The five DORA measures of any scope, current against previous.
pub(crate) fn headline(current: &MetricSet, previous: &MetricSet) -> Vec<Headline> {
    use flowdeck_core::metrics::trend::{Better, Trend};
    use flowdeck_core::text::{human_duration, human_seconds, number, percent};

    let signed = |delta: f64, text: String| {
        if delta < 0.0 {
            format!("−{text}")
        } else {
            format!("+{text}")
        }
    };
    let duration_delta = |t: &Trend| signed(t.delta, human_duration(t.delta.abs().round() as i64));
    let points_delta = |t: &Trend| {
        signed(
            t.delta,
            format!("{} pt", number(Some(t.delta.abs() * 100.0), 1)),
        )
    };

    let (f, pf) = (
        &current.deployment_frequency,
        &previous.deployment_frequency,
    );
    let frequency_trend = Trend::of(
        f.median_deploy_days_per_week,
        pf.median_deploy_days_per_week,
        Better::Higher,
    );
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

    vec![
        Headline {
            key: "deployment_frequency",
            title: "Deployment frequency",
            value: match f.median_deploy_days_per_week {
                Some(1.0) => "1 day/week".to_string(),
                days => format!("{} days/week", number(days, 1)),
            },
            detail: format!(
                "{} deployments · {}/day · {} deploy-days",
                f.deployments,
                number(f.per_day, 1),
                f.deploy_days
            ),
            band: f.band,
            trend: frequency_trend,
            delta: frequency_trend.map(|t| signed(t.delta, number(Some(t.delta.abs()), 1))),
            definition: "Median deploy-days per whole ISO week: days with at least one successful production deployment.",
        },
        Headline {
            key: "lead_time_for_changes",
            title: "Lead time for changes",
            value: human_seconds(l.median_seconds),
            detail: format!(
                "{} changes · p90 {}",
                l.changes,
                human_seconds(l.p90_seconds)
            ),
            band: l.band,
            trend: lead_trend,
            delta: lead_trend.as_ref().map(duration_delta),
            definition: "Median time from a commit's author date to the production deployment that first shipped it (merges and baseline deployments excluded).",
        },
        Headline {
            key: "change_failure_rate",
            title: "Change failure rate",
            value: percent(c.rate),
            detail: format!("{} of {} deployments failed", c.failed, c.deployments),
            band: c.band,
            trend: failure_trend,
            delta: failure_trend.as_ref().map(points_delta),
            definition: "Share of deployments that caused an incident (linked or within the attribution window), were rolled back, or had a commit reverted.",
        },
        Headline {
            key: "failed_deployment_recovery_time",
            title: "Failed deployment recovery time",
            value: human_seconds(r.median_seconds),
            detail: format!(
                "{} recovered · {} unrecovered · p90 {}",
                r.recovered,
                r.unrecovered,
                human_seconds(r.p90_seconds)
            ),
            band: r.band,
            trend: recovery_trend,
            delta: recovery_trend.as_ref().map(duration_delta),
            definition: "Median time from a failed deployment to its recovery: its incidents resolved, or a rollback or revert deployed.",
        },
        Headline {
            key: "deployment_rework_rate",
            title: "Deployment rework rate",
            value: percent(w.rate),
            detail: format!("{} of {} deployments were rework", w.rework, w.deployments),
            band: None,
            trend: rework_trend,
            delta: rework_trend.as_ref().map(points_delta),
            definition: "Share of deployments that were rollbacks, shipped a revert or hotfix, or went out while an incident of the service was open.",
        },
    ]
}

#[cfg(test)]
mod suppression_tests {
    use super::suppression;

    fn labels(all: &[&str]) -> Vec<String> {
        all.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn alertmanager_labels_say_how_an_alert_is_held_back() {
        assert_eq!(suppression(&labels(&["alertname=HighErrorRate"])), None);
        assert_eq!(suppression(&labels(&["alertmanager=active"])), None);
        assert_eq!(
            suppression(&labels(&["alertmanager=suppressed", "silenced_by=4f2c"])),
            Some("silenced")
        );
        assert_eq!(
            suppression(&labels(&["alertmanager=suppressed", "inhibited_by=9a1b"])),
            Some("inhibited")
        );
        assert_eq!(
            suppression(&labels(&["alertmanager=suppressed"])),
            Some("suppressed")
        );
    }
}
