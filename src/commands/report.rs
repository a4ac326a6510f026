//! `flowdeck report`: compute the measures for a window and write a snapshot report.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::context::Context;
use super::{CommandError, window_args};
use crate::cli::ReportArgs;
use crate::config::ReportFormat;
use crate::report::{self, RenderOptions};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<ExitCode, CommandError> {
    let config = &ctx.loaded.config;
    let window = window_args::resolve(
        args,
        config.general.window,
        ctx.now,
        config.general.timezone.0,
    )?;
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_from_extension))
        .unwrap_or(ReportFormat::Json);
    let (history, sources) = ctx.history()?;
    for source in sources.iter().filter(|s| s.error.is_some()) {
        eprintln!(
            "warning: source {} failed: {}",
            source.name,
            source.error.as_deref().unwrap_or("unknown error")
        );
    }
    if !sources.is_empty() && sources.iter().all(|s| s.error.is_some()) {
        return Err(CommandError::Runtime(anyhow::anyhow!(
            "every source failed, so there is nothing to report"
        )));
    }
    let text = if format == ReportFormat::Svg {
        let (width, height) = args.size;
        let picture = report::svg::Picture {
            width,
            height,
            theme: std::sync::Arc::new(super::load_theme(ctx)?),
            title: format!("flowdeck: {}", window.from.to_rfc3339()),
        };
        report::svg::dashboard(
            std::sync::Arc::new(history),
            sources,
            window,
            ctx.now,
            &picture,
        )
    } else {
        let snapshot = Snapshot::build(
            &history,
            SnapshotRequest {
                window,
                now: ctx.now,
                sources,
                scope: ScopeFilter::All,
                environment: None,
            },
        );
        report::render(
            &snapshot,
            format,
            RenderOptions {
                max_items: config.general.report_items,
            },
        )
        .map_err(|e| CommandError::Runtime(e.into()))?
    };
    match &args.output {
        Some(path) => write_file(path, text.as_bytes())?,
        None => write_stdout(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn format_from_extension(path: &Path) -> Option<ReportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(ReportFormat::Json),
        "md" | "markdown" => Some(ReportFormat::Md),
        "html" | "htm" => Some(ReportFormat::Html),
        "svg" => Some(ReportFormat::Svg),
        _ => None,
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    report::write::write_atomically(path, bytes)
        .with_context(|| format!("could not write the report to {}", path.display()))?;
    Ok(())
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), CommandError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CommandError::Runtime(
            anyhow::Error::new(e).context("could not write the report to standard output"),
        )),
        _ => Ok(()),
    }
}
