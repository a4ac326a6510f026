//! What `update` asks the outside world for: a browser, and report exports.

use std::path::PathBuf;

use crate::app::App;
use crate::config::ReportFormat;
use crate::report::{self, RenderOptions};
use crate::snapshot::{Snapshot, SnapshotRequest};

/// Where `e` writes, and in which format.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    pub dir: PathBuf,
    pub format: ReportFormat,
    pub max_items: usize,
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

/// Writes a report of the current window to the export folder; returns what to tell the user.
pub fn export(app: &App, settings: &ExportSettings) -> String {
    let Some(scope) = &app.scope else {
        return "nothing to export yet".into();
    };
    let snapshot = Snapshot::build(
        app.history(),
        SnapshotRequest {
            window: scope.window,
            now: app.now,
            sources: app.data.sources.clone(),
        },
    );
    let text = match report::render(
        &snapshot,
        settings.format,
        RenderOptions {
            max_items: settings.max_items,
        },
    ) {
        Ok(text) => text,
        Err(e) => return format!("export failed: {e}"),
    };
    let extension = match settings.format {
        ReportFormat::Json => "json",
        ReportFormat::Md => "md",
        ReportFormat::Html => "html",
        ReportFormat::Svg => "svg",
    };
    let name = format!("flowdeck-{}.{extension}", app.now.format("%Y%m%d-%H%M%S"));
    let path = settings.dir.join(name);
    match std::fs::create_dir_all(&settings.dir).and_then(|()| std::fs::write(&path, text)) {
        Ok(()) => format!("exported {}", path.display()),
        Err(e) => format!("export to {} failed: {e}", path.display()),
    }
}
