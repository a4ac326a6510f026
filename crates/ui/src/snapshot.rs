//! The snapshot: everything one report (and the dashboard's panels) shows for a window, built
//! once from the derived history. Its serde form is the JSON report contract
//! ("flowdeck.report/v1"): keys may be added, never renamed; unknown values are null.

mod charts;
mod deployments;
mod headline;
mod quiet;
mod scope;
mod standup;

use serde::Serialize;

pub(crate) use charts::{Charts, LEAD_TIME_LABELS};
pub(crate) use deployments::{DeploymentRow, Deployments, deployment_row};
pub(crate) use headline::{
    Delta, Headline, HeadlineInput, count_delta, duration_delta, headline, missing_data,
    points_delta, reaches_back, rule_words,
};
pub use quiet::{empty_window_note, scope_note};
pub use scope::{ReportScope, ScopeFilter};
pub(crate) use standup::{Standup, standup_since};

use flowdeck_core::health::{Panel, Panels, assess};
use flowdeck_core::metrics::compute::{PreparedWindow, compute_prepared};
use flowdeck_core::metrics::{
    Attribution, BandTable, History, MetricSet, Scope, Window, deployments_in,
    latest_deployment_before,
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
    /// The scope's last counted deployment before the window's end, whether or not it lies in
    /// the window: what an empty window names. Null when there is none.
    pub latest_deployment: Option<LatestDeployment>,
    /// With no config file: what was inferred from the git repository, one line each, and
    /// which system's deployments were counted. Absent when a config file was read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<String>,
    /// The health panels' series (`[[panels]]`; absent without panels).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub panels: Vec<Panel>,
    /// What the HTML charts draw beyond the rows; not part of the JSON contract.
    #[serde(skip)]
    pub charts: Charts,
    /// Why the scope has no deployment data at all, when it has none (its measures then show
    /// no value and no band); not part of the JSON contract.
    #[serde(skip)]
    pub(crate) missing: Option<String>,
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
    pub latest_deployment: Option<LatestDeployment>,
}

/// A deployment named by id, name and time: the latest one of a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestDeployment {
    pub id: String,
    /// The tag or version name ("v1.2.0"), if the source gives one.
    pub name: Option<String>,
    pub finished_at: Timestamp,
}

impl LatestDeployment {
    /// The scope's last counted deployment finished before `before`.
    pub(crate) fn of(history: &History, scope: &Scope, before: Timestamp) -> Option<Self> {
        let index = latest_deployment_before(history, scope, before)?;
        let deployment = history.events.deployments.get(index as usize)?;
        Some(LatestDeployment {
            id: deployment.id.clone(),
            name: deployment.name.clone(),
            finished_at: deployment.finished_at,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReport {
    pub name: String,
    pub(crate) services: Vec<String>,
    pub metrics: MetricSet,
    pub(crate) previous: PreviousMetrics,
    pub latest_deployment: Option<LatestDeployment>,
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
        let missing = missing_data(history, &scope.services, &sources);
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
            latest_deployment: LatestDeployment::of(history, &scope, window.to),
            inferred: Vec::new(),
            panels: Vec::new(),
            charts,
            missing,
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
/// window and the previous one (the dashboard's services table reads the same).
pub(crate) struct Measured {
    pub(crate) metrics: MetricSet,
    pub(crate) previous_metrics: MetricSet,
    pub(crate) services: Vec<ServiceReport>,
    pub(crate) teams: Vec<TeamReport>,
}

pub(crate) fn measure(
    history: &History,
    scope: &Scope,
    window: Window,
    now: Timestamp,
) -> Measured {
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
            latest_deployment: LatestDeployment::of(history, &one, window.to),
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
                latest_deployment: LatestDeployment::of(history, &team, window.to),
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

impl Snapshot<'_> {
    /// What an empty window says about itself (`quiet.rs`); None when it holds a deployment.
    pub fn empty_window_note(&self) -> Option<String> {
        empty_window_note(
            self.metrics.deployment_frequency.deployments,
            &Window::new(self.window.from, self.window.to),
            self.latest_deployment.as_ref(),
            self.generated_at,
        )
    }

    /// The five DORA measures, current against previous.
    pub(crate) fn headline(&self) -> Vec<Headline> {
        headline(HeadlineInput {
            current: &self.metrics,
            previous: &self.previous.metrics,
            bands: &self.band_table,
            window_days: self.window.days,
            missing: self.missing.clone(),
            previous_known: reaches_back(&self.sources, self.previous.window.from),
        })
    }
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
