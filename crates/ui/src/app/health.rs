//! Health panels on the dashboard (docs/ARCHITECTURE.md#from-the-history-to-a-report): what the
//! app asks the runtime to read, what it keeps of an answer, and the charts' view models.
//!
//! Every refresh (a finished load) and every new window asks for every panel of every service
//! once (`Effect::ReadPanels`); the reader caches answers per step, so a refresh within a step
//! costs no request. The verdicts (`HealthTable`) are computed once per answer and again when
//! the history on show changes (a reload, the environment filter), never per frame.

use std::collections::HashSet;
use std::sync::Arc;

use super::state::{App, Effect, WindowChoice};
use flowdeck_core::health::{Better, HealthTable, Panels, Unit, assess};
use flowdeck_core::metrics::History;
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::sanitize;

/// Columns a request's width is rounded up to, so a resize does not read everything again.
const WIDTH_STEP: u16 = 40;

/// What one read of the panels covers: every service, the window, the width charts draw at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelRequest {
    pub services: Vec<String>,
    pub from_ms: i64,
    pub to_ms: i64,
    pub width: u16,
}

/// A finished read (`Action::PanelsRead`).
#[derive(Debug, Clone)]
pub struct PanelsRead {
    pub request: PanelRequest,
    pub panels: Panels,
}

/// The panels on show and their verdicts on the history's deployments.
#[derive(Debug, Clone)]
pub(crate) struct HealthData {
    pub(crate) panels: Arc<Panels>,
    pub(crate) from_ms: i64,
    pub(crate) to_ms: i64,
    pub(crate) table: Arc<HealthTable>,
    /// The history `table`'s indices point into.
    history: Arc<History>,
    /// The services some panel has a series of (the wall asks on every frame).
    covered: Arc<HashSet<String>>,
}

/// What the last request was made for: the data's stamp, the window choice, the width.
pub(crate) type RequestKey = (Timestamp, WindowChoice, u16);

/// How a deployment is marked on a chart: by shape and colour, never colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    Ok,
    Failed,
    Rework,
}

impl MarkerKind {
    /// Which marker wins a spot several share: failed over rework over ok.
    pub fn weight(self) -> u8 {
        match self {
            MarkerKind::Ok => 0,
            MarkerKind::Rework => 1,
            MarkerKind::Failed => 2,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            MarkerKind::Ok => "▲",
            MarkerKind::Failed => "✖",
            MarkerKind::Rework => "◆",
        }
    }
}

/// One chart's view model: a panel's series of one service, with the service's deployments
/// and incidents over the window.
#[derive(Debug, Clone)]
pub(crate) struct ChartView {
    pub(crate) title: String,
    pub(crate) unit: Unit,
    pub(crate) better: Better,
    panels: Arc<Panels>,
    panel: usize,
    series: usize,
    pub(crate) from_ms: i64,
    pub(crate) to_ms: i64,
    pub(crate) markers: Vec<(i64, MarkerKind)>,
    pub(crate) incidents: Vec<(i64, i64)>,
    pub(crate) error: Option<String>,
}

impl ChartView {
    /// The series' samples (shared with the data, never copied per frame).
    pub(crate) fn points(&self) -> &[flowdeck_core::health::Sample] {
        self.panels
            .panels
            .get(self.panel)
            .and_then(|p| p.series.get(self.series))
            .map_or(&[], |s| s.points.as_slice())
    }
}

/// Asks for the panels when the data, the window or the width changed, and keeps the
/// verdicts in step with the history on show. Called at the end of every `update`.
pub(crate) fn refresh(app: &mut App) {
    if !app.panels_configured || !app.data.loaded {
        return;
    }
    let width = app
        .width
        .max(1)
        .div_ceil(WIDTH_STEP)
        .saturating_mul(WIDTH_STEP);
    let key: RequestKey = (app.data.loaded_at, app.window, width);
    if app.panels_requested.as_ref() != Some(&key) {
        app.panels_requested = Some(key);
        let window = app.window.resolve(app.now);
        let services = app
            .data
            .history
            .services
            .iter()
            .map(|s| s.name.clone())
            .collect();
        app.effects.push(Effect::ReadPanels(PanelRequest {
            services,
            from_ms: window.from.timestamp_millis(),
            to_ms: window.to.timestamp_millis(),
            width,
        }));
    }
    let history = app.history().clone();
    if let Some(health) = &mut app.health
        && !Arc::ptr_eq(&health.history, &history)
    {
        health.table = Arc::new(verdicts(
            &health.panels,
            &history,
            health.from_ms,
            health.to_ms,
        ));
        health.history = history;
    }
}

/// A read arrived: it replaces the panels on show.
pub(crate) fn arrived(app: &mut App, read: PanelsRead) {
    let history = app.history().clone();
    let panels = Arc::new(read.panels);
    let (from_ms, to_ms) = (read.request.from_ms, read.request.to_ms);
    let covered = panels
        .panels
        .iter()
        .flat_map(|p| p.series.iter().map(|s| s.service.clone()))
        .collect();
    app.health = Some(HealthData {
        covered: Arc::new(covered),
        table: Arc::new(verdicts(&panels, &history, from_ms, to_ms)),
        panels,
        from_ms,
        to_ms,
        history,
    });
}

/// The verdict of every deployment that finished between `from_ms` and `to_ms`.
fn verdicts(panels: &Panels, history: &History, from_ms: i64, to_ms: i64) -> HealthTable {
    let deployments = &history.events.deployments;
    let listed: Vec<u32> = deployments
        .iter()
        .enumerate()
        .filter(|(_, d)| (from_ms..=to_ms).contains(&d.finished_at.timestamp_millis()))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    assess(panels, deployments, &listed)
}

/// The verdicts on show (empty without panels).
pub(crate) fn table(app: &App) -> Option<&HealthTable> {
    app.health
        .as_ref()
        .map(|h| h.table.as_ref())
        .filter(|t| !t.is_empty())
}

/// Whether any panel has a series for `service`.
pub(crate) fn has_panels(app: &App, service: &str) -> bool {
    app.health
        .as_ref()
        .is_some_and(|h| h.covered.contains(service))
}

/// Every panel's chart of `service` over the window on show, in the config's order.
pub(crate) fn charts(app: &App, service: &str) -> Vec<ChartView> {
    let Some(health) = &app.health else {
        return Vec::new();
    };
    let window = app.window.resolve(app.now);
    let (from_ms, to_ms) = (window.from.timestamp_millis(), window.to.timestamp_millis());
    let history = app.history();
    let markers: Vec<(i64, MarkerKind)> = history
        .events
        .deployments
        .iter()
        .zip(&history.deployments)
        .filter(|(d, _)| d.service == service)
        .map(|(d, facts)| {
            let kind = if facts.failed() {
                MarkerKind::Failed
            } else if facts.rework() {
                MarkerKind::Rework
            } else {
                MarkerKind::Ok
            };
            (d.finished_at.timestamp_millis(), kind)
        })
        .filter(|(at, _)| (from_ms..=to_ms).contains(at))
        .collect();
    let now_ms = app.now.timestamp_millis();
    let incidents: Vec<(i64, i64)> = history
        .events
        .incidents
        .iter()
        .filter(|i| i.services.iter().any(|s| s == service))
        .map(|i| {
            (
                i.started_at.timestamp_millis(),
                i.resolved_at.map_or(now_ms, |r| r.timestamp_millis()),
            )
        })
        .filter(|(start, end)| *end >= from_ms && *start <= to_ms)
        .collect();
    let mut charts = Vec::new();
    for (p, panel) in health.panels.panels.iter().enumerate() {
        let Some(s) = panel.series.iter().position(|s| s.service == service) else {
            continue;
        };
        let error = panel.series.get(s).and_then(|s| s.error.clone());
        charts.push(ChartView {
            title: sanitize(&format!("{} · {service}", panel.name)),
            unit: panel.unit,
            better: panel.better,
            panels: health.panels.clone(),
            panel: p,
            series: s,
            from_ms,
            to_ms,
            markers: markers.clone(),
            incidents: incidents.clone(),
            error,
        });
    }
    charts
}
