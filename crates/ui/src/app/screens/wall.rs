//! Wall mode (`--wall`): the headline tiles big, one page per scope (everything, each team,
//! each service) rotating on a timer, loud about stale sources and open incidents.

use super::format::ticking;
use super::tiles::{Tile, tiles};
use crate::app::scope::ScopeData;
use crate::app::state::App;
use flowdeck_core::status::SourceState;
use flowdeck_core::text::sanitize;

#[derive(Debug, Clone)]
pub(crate) struct WallView {
    pub(crate) page_title: String,
    pub(crate) page: usize,
    pub(crate) pages: usize,
    pub(crate) tiles: Vec<Tile>,
    /// Loud when any source is stale or failing.
    pub(crate) stale: Option<String>,
    pub(crate) open_incidents: Vec<String>,
}

/// The wall page on show.
pub(crate) fn view(app: &App, scope: &ScopeData) -> WallView {
    let pages = app.wall_pages();
    let page = app.wall.as_ref().map_or(0, |w| w.page % pages.len().max(1));
    let stale: Vec<String> = app
        .data
        .sources
        .iter()
        // An "ok" source with an error read its data but not everything (a Prometheus whose
        // Alertmanager is down): current, so not stale.
        .filter(|s| s.error.is_some() && s.status != SourceState::Ok)
        .map(|s| {
            let since = s
                .last_success_at
                .map(|t| {
                    format!(
                        " since {}",
                        t.with_timezone(&app.history().rules.timezone)
                            .format("%H:%M")
                    )
                })
                .unwrap_or_default();
            sanitize(&format!("{} STALE{since}", s.name))
        })
        .collect();
    let open_incidents = scope
        .incidents
        .iter()
        .filter(|i| i.resolved_at.is_none())
        .map(|i| {
            sanitize(&format!(
                "{} · {}{} · open {}",
                i.services.join(", "),
                i.suppressed
                    .map(|how| format!("({how}) "))
                    .unwrap_or_default(),
                i.title,
                ticking((app.now - i.started_at).num_seconds())
            ))
        })
        .collect();
    WallView {
        page_title: pages
            .get(page)
            .map(|(t, _)| sanitize(t))
            .unwrap_or_default(),
        page,
        pages: pages.len(),
        tiles: tiles(scope, None),
        stale: (!stale.is_empty()).then(|| stale.join(" · ")),
        open_incidents,
    }
}
