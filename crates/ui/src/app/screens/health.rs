//! A service's page of health panels (`H`): each `[[panels]]` chart of the service over the
//! window, its deployments marked on the time axis (▲ ok, ✖ failed, ◆ rework) and its
//! incidents shaded. A panel whose query failed shows Prometheus' message in its place.

use crate::app::action::Command;
use crate::app::health::{ChartView, charts};
use crate::app::state::App;
use flowdeck_core::text::sanitize;

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Back, "back"),
    (Command::Health, "close"),
    (Command::Window, "window"),
    (Command::Refresh, "refresh"),
];

/// "api · health": the page in the breadcrumb.
pub(crate) fn crumb(service: &str) -> String {
    sanitize(&format!("{service} · health"))
}

#[derive(Debug, Clone)]
pub(crate) struct HealthView {
    pub(crate) charts: Vec<ChartView>,
    /// What the page says when there is no chart.
    pub(crate) empty: String,
}

/// The page of `service`.
pub(crate) fn view(app: &App, service: &str) -> HealthView {
    let charts = charts(app, service);
    let empty = if app.health.is_none() {
        "reading the health panels…".to_string()
    } else {
        sanitize(&format!(
            "no health panel covers {service} (a panel's `services` names the services it reads)"
        ))
    };
    HealthView { charts, empty }
}
