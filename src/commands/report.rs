//! `flowdeck report`: compute the measures for a window and write a snapshot report.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::context::Context;
use super::live::{Live, NotYetSynced};
use super::{CommandError, window_args};
use crate::cli::ReportArgs;
use crate::config::ReportFormat;
use crate::report::{self, RenderOptions, ReportError};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use crate::status::SourceState;

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
    let live = Live::open(ctx)?;
    // A shared store (PostgreSQL) is kept current by `flowdeck collect`: the report reads it
    // and spends none of the sources' rate limits, unless `[general] poll` says otherwise.
    let polling = live.as_ref().is_some_and(|l| l.should_poll(ctx));
    if let Some(live) = &live
        && polling
        && !args.offline
    {
        live.sync_round(ctx.now)?;
    }
    let not_yet = if polling && !args.offline {
        // Its sync just ran; a source still without a status failed before one was stored.
        NotYetSynced::Missing
    } else {
        NotYetSynced::when_reading(polling, args.offline)
    };
    let (history, sources) = ctx.history(Live::read_stored(live.as_ref(), not_yet)?)?;
    for source in sources.iter().filter(|s| s.error.is_some()) {
        let problem = source.error.as_deref().unwrap_or("unknown error");
        if source.status == SourceState::Ok {
            // Current data, but a part could not be read (Prometheus without Alertmanager).
            eprintln!("warning: source {}: {problem}", source.name);
        } else {
            eprintln!("warning: source {} failed: {problem}", source.name);
        }
    }
    // Sources that failed now but hold earlier data (stale) still give a report, with the
    // warnings above and their age in it.
    if !sources.is_empty()
        && sources
            .iter()
            .all(|s| s.error.is_some() && s.last_success_at.is_none())
    {
        return Err(CommandError::Runtime(anyhow::anyhow!(
            "every source failed, so there is nothing to report"
        )));
    }
    if format == ReportFormat::Svg {
        let (width, height) = args.size;
        let picture = report::svg::Picture {
            width,
            height,
            theme: std::sync::Arc::new(super::load_theme(ctx)?),
            title: format!("flowdeck: {}", window.from.to_rfc3339()),
        };
        let svg = report::svg::dashboard(
            std::sync::Arc::new(history),
            sources,
            window,
            ctx.now,
            &picture,
        );
        emit(args.output.as_deref(), &Content::Text(svg.as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
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
    let options = RenderOptions {
        max_items: config.general.report_items,
    };
    emit(
        args.output.as_deref(),
        &Content::Report(&snapshot, format, options),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What `emit` writes.
enum Content<'a> {
    Text(&'a [u8]),
    Report(&'a Snapshot<'a>, ReportFormat, RenderOptions),
}

impl Content<'_> {
    fn write_to<W: Write>(&self, out: W) -> Result<(), ReportError> {
        match *self {
            Content::Text(bytes) => write_all(out, bytes),
            Content::Report(snapshot, format, options) => {
                report::write(snapshot, format, options, out)
            }
        }
    }
}

fn write_all<W: Write>(mut out: W, bytes: &[u8]) -> Result<(), ReportError> {
    Ok(out.write_all(bytes)?)
}

/// Writes the report to the file (atomically) or to standard output, where a closed pipe
/// (`| head`) is not an error.
fn emit(path: Option<&Path>, content: &Content<'_>) -> Result<(), CommandError> {
    match path {
        Some(path) => {
            report::write::write_atomically_with(path, |out| {
                content.write_to(out).map_err(|e| match e {
                    ReportError::Io(e) => e,
                    other => std::io::Error::other(other),
                })
            })
            .with_context(|| format!("could not write the report to {}", path.display()))?;
            Ok(())
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let written = content.write_to(&mut out).and_then(|()| Ok(out.flush()?));
            match written {
                Err(ReportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(CommandError::Runtime(
                    anyhow::Error::new(e).context("could not write the report to standard output"),
                )),
                Ok(()) => Ok(()),
            }
        }
    }
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
