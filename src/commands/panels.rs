//! The health panels a report and the dashboard show: one read of every `[[panels]]` entry for
//! the window (docs/ARCHITECTURE.md#data-flow). A panel whose query fails carries Prometheus'
//! message; a reader that cannot be set up is a warning, never a failed report or dashboard.

use std::sync::Arc;

use flowdeck_core::health::Panels;
use flowdeck_core::metrics::{History, Window};
use flowdeck_sources::prometheus::{PanelReader, PanelSpan};
use flowdeck_sources::registry::http_client;
use flowdeck_store::Store;

use crate::app::PanelRequest;
use crate::config::Config;
use crate::tui::PanelRead;

/// How many columns a report's chart is sampled for.
pub const REPORT_WIDTH: u16 = 600;

/// The dashboard's panel reader: one `PanelReader` (its cache lives as long as the dashboard,
/// so a refresh within a step asks again for nothing) on a runtime of its own. None without
/// panels, or when it cannot be set up (logged; the dashboard runs without panels).
pub fn dashboard_reader(config: &Config, store: Arc<dyn Store>) -> Option<PanelRead> {
    if config.panels.is_empty() {
        return None;
    }
    let setup = || -> anyhow::Result<PanelRead> {
        let reader = Arc::new(PanelReader::new(config, &http_client(store)?)?);
        let runtime = Arc::new(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("flowdeck-panels")
                .enable_all()
                .build()?,
        );
        Ok(Arc::new(move |request: &PanelRequest| {
            let span = PanelSpan {
                from_ms: request.from_ms,
                to_ms: request.to_ms,
                width: request.width,
            };
            runtime.block_on(reader.read(&request.services, span))
        }))
    };
    setup()
        .map_err(|error| tracing::warn!("health panels not read: {error:#}"))
        .ok()
}

/// Every panel's series for the history's services over `window`; empty without panels.
pub fn read(config: &Config, store: Arc<dyn Store>, history: &History, window: &Window) -> Panels {
    try_read(config, store, history, window).unwrap_or_else(|error| {
        eprintln!("warning: health panels not read: {error:#}");
        Panels::default()
    })
}

/// `read`, saying why the panels could not be read at all (the notifier logs it: it runs
/// under the dashboard, where nothing may be printed).
pub fn try_read(
    config: &Config,
    store: Arc<dyn Store>,
    history: &History,
    window: &Window,
) -> anyhow::Result<Panels> {
    if config.panels.is_empty() {
        return Ok(Panels::default());
    }
    let reader = PanelReader::new(config, &http_client(store)?)?;
    let services: Vec<String> = history.services.iter().map(|s| s.name.clone()).collect();
    let span = PanelSpan {
        from_ms: window.from.timestamp_millis(),
        to_ms: window.to.timestamp_millis(),
        width: REPORT_WIDTH,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok(runtime.block_on(reader.read(&services, span)))
}
