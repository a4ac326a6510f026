//! What `update` asks the outside world for: a browser, and report exports.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use crate::app::{App, view};
use crate::config::ReportFormat;
use crate::report::write::{Existing, Output, Protected};
use crate::report::{self, RenderOptions};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use crate::ui::theme::Theme;

/// Where `e` writes, and in which format.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    pub dir: PathBuf,
    pub format: ReportFormat,
    pub max_items: usize,
    /// The SVG export draws the screen in the dashboard's theme.
    pub theme: Arc<Theme>,
    /// The files flowdeck uses, which an export never replaces.
    pub protected: Vec<Protected>,
}

/// Opens a URL in the user's browser; returns what to tell the user.
pub fn open_url(url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return format!("not opening {url}: only http(s) links are opened");
    }
    match webbrowser::open(url) {
        Ok(()) => format!("opened {url}"),
        Err(e) => format!("could not open a browser for {url}: {e}"),
    }
}

/// Writes a report of what the screen shows — its window and its service, team or environment
/// filter — to the export folder; returns what to tell the user (the path, or why not).
pub fn export(app: &App, settings: &ExportSettings) -> String {
    let Some(shown) = &app.scope else {
        return "nothing to export yet".into();
    };
    let filter = current_scope(app);
    let text = if settings.format == ReportFormat::Svg {
        // The SVG report is the screen itself, at the terminal's size.
        report::svg::view_to_svg(
            &view::build(app),
            &report::svg::Picture {
                width: app.width,
                height: app.height,
                theme: settings.theme.clone(),
                title: format!("flowdeck: {}", shown.window.from.to_rfc3339()),
            },
        )
    } else {
        let snapshot = Snapshot::build(
            app.history(),
            SnapshotRequest {
                window: shown.window,
                now: app.now,
                sources: app.data.sources.clone(),
                scope: filter.clone(),
                environment: app.filters.environment.clone(),
            },
        );
        match report::render(
            &snapshot,
            settings.format,
            RenderOptions {
                max_items: settings.max_items,
            },
        ) {
            Ok(text) => text,
            Err(e) => return format!("export failed: {e}"),
        }
    };
    let path = settings
        .dir
        .join(file_name(&filter, app, report::extension(settings.format)));
    if let Err(e) = std::fs::create_dir_all(&settings.dir) {
        return format!("export to {} failed: {e}", path.display());
    }
    match Output::prepare(&path, &settings.protected, Existing::Replace)
        .and_then(|output| output.write(|out| out.write_all(text.as_bytes())))
    {
        Ok(()) => format!("exported {}", path.display()),
        Err(e) => format!("export to {} failed: {e}", path.display()),
    }
}

/// The scope on screen: the service or team filter, or in wall mode the page's.
fn current_scope(app: &App) -> ScopeFilter {
    let Some(wall) = &app.wall else {
        return match (&app.filters.service, &app.filters.team) {
            (Some(service), _) => ScopeFilter::Service(service.clone()),
            (None, Some(team)) => ScopeFilter::Team(team.clone()),
            (None, None) => ScopeFilter::All,
        };
    };
    // Wall pages are everything, then each team, then each service (`App::wall_pages`).
    let history = app.history();
    let teams = history.teams();
    let pages = 1 + teams.len() + history.services.len();
    match wall.page % pages {
        0 => ScopeFilter::All,
        page if page <= teams.len() => ScopeFilter::Team(teams[page - 1].0.clone()),
        page => history
            .services
            .get(page - 1 - teams.len())
            .map_or(ScopeFilter::All, |s| ScopeFilter::Service(s.name.clone())),
    }
}

/// `flowdeck-[service-api-]20261120-143000.html`. Names come from sources, so only letters,
/// digits, '-' and '_' of them reach the file name (no '/' or '..').
fn file_name(filter: &ScopeFilter, app: &App, extension: &str) -> String {
    let safe = |name: &str| -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(60)
            .collect()
    };
    let mut scope = match filter {
        ScopeFilter::All => String::new(),
        ScopeFilter::Service(name) => format!("service-{}-", safe(name)),
        ScopeFilter::Team(name) => format!("team-{}-", safe(name)),
    };
    if let Some(environment) = &app.filters.environment {
        scope.push_str(&format!("env-{}-", safe(environment)));
    }
    format!(
        "flowdeck-{scope}{}.{extension}",
        app.now.format("%Y%m%d-%H%M%S")
    )
}
