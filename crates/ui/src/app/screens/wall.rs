//! Wall mode (`--wall`): readable from three metres. Each page (everything, each team, each
//! service) names its scope in large letters, shows what is broken now first, then the
//! headline tiles big; a thin line shows how long until the page turns, and the arrows page by
//! hand (Left goes back a page).

use super::alerts::{Alert, alerts};
use super::format::for_how_long;
use super::tiles::{Tile, tiles};
use crate::app::scope::ScopeData;
use crate::app::state::App;
use flowdeck_core::text::sanitize;

#[derive(Debug, Clone)]
pub(crate) struct WallView {
    /// The scope's name, drawn large ("billing", "All services").
    pub(crate) name: String,
    /// What kind of scope it is ("service", "team", or "" for everything).
    pub(crate) kind: &'static str,
    pub(crate) page: usize,
    pub(crate) pages: usize,
    /// How far into the page's time (0 to 1): the progress line.
    pub(crate) progress: f64,
    pub(crate) alerts: Vec<Alert>,
    pub(crate) tiles: Vec<Tile>,
    pub(crate) open_incidents: Vec<String>,
    /// A health page's charts (instead of the tiles).
    pub(crate) charts: Vec<crate::app::health::ChartView>,
}

/// The wall page on show.
pub(crate) fn view(app: &App, scope: &ScopeData) -> WallView {
    let pages = app.wall_pages();
    let page = app.wall.as_ref().map_or(0, |w| w.page % pages.len().max(1));
    let progress = app.wall.as_ref().map_or(0.0, |w| {
        let total = w.rotate_every.as_secs_f64();
        if total > 0.0 {
            (w.elapsed.as_secs_f64() / total).clamp(0.0, 1.0)
        } else {
            0.0
        }
    });
    let open_incidents = scope
        .incidents
        .iter()
        .filter(|i| i.resolved_at.is_none())
        .map(|i| {
            sanitize(&format!(
                "{} · {}{} · open for {}",
                i.services.join(", "),
                i.suppressed
                    .map(|how| format!("({how}) "))
                    .unwrap_or_default(),
                i.title,
                for_how_long(app.now, i.started_at)
            ))
        })
        .collect();
    let (name, kind) = pages
        .get(page)
        .map(|p| (sanitize(&p.name), p.kind))
        .unwrap_or_default();
    let charts = match pages.get(page) {
        Some(p) if p.kind == crate::app::state::HEALTH_PAGE => {
            crate::app::health::charts(app, &p.name)
        }
        _ => Vec::new(),
    };
    WallView {
        name,
        kind,
        page,
        pages: pages.len(),
        progress,
        alerts: alerts(app, scope),
        tiles: tiles(scope, None),
        open_incidents,
        charts,
    }
}
