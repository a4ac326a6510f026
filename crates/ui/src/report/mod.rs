//! Snapshot exports. Every format renders the same `Snapshot`, so they never disagree with each
//! other or with the screen.

pub(crate) mod html;
pub mod json;
pub(crate) mod markdown;
pub mod svg;
pub(crate) mod words;
pub mod write;

use crate::snapshot::Snapshot;
use flowdeck_config::ReportFormat;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the {0} report format is not available in this build yet")]
    Unsupported(&'static str),
    #[error("could not encode the report: {0}")]
    Encode(String),
    /// Writing failed; the caller says where to.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Options that shape a report beyond its snapshot.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// The longest item list in HTML and Markdown tables (JSON lists everything).
    pub max_items: usize,
}

pub fn render(
    snapshot: &Snapshot,
    format: ReportFormat,
    options: RenderOptions,
) -> Result<String, ReportError> {
    match format {
        ReportFormat::Json => json::render(snapshot),
        ReportFormat::Md => Ok(markdown::render(snapshot, options)),
        ReportFormat::Html => Ok(html::render(snapshot, options)),
        // The SVG is the dashboard itself; `report::svg` draws it from the app, not a snapshot.
        ReportFormat::Svg => Err(ReportError::Unsupported("svg (use report::svg::dashboard)")),
    }
}

/// Writes the report to `out`. JSON is streamed: at company scale it is hundreds of megabytes,
/// not worth a second copy in memory. The other formats are small and rendered first.
pub fn write<W: std::io::Write>(
    snapshot: &Snapshot,
    format: ReportFormat,
    options: RenderOptions,
    mut out: W,
) -> Result<(), ReportError> {
    match format {
        ReportFormat::Json => json::write(snapshot, out),
        _ => Ok(out.write_all(render(snapshot, format, options)?.as_bytes())?),
    }
}

/// The file name extension of a format.
pub fn extension(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Json => "json",
        ReportFormat::Md => "md",
        ReportFormat::Html => "html",
        ReportFormat::Svg => "svg",
    }
}
