//! `flowdeck report`: compute the measures for a window and write a snapshot report.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::context::Context;
use super::live::{Live, NotYetSynced};
use super::{CommandError, window_args};
use crate::cli::ReportArgs;
use crate::config::ReportFormat;
use crate::report::write::{Existing, Output, OutputError};
use crate::report::{self, RenderOptions, ReportError};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use crate::status::SourceState;

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<ExitCode, CommandError> {
    let config = &ctx.loaded.config;
    let window = window_args::resolve(
        &args.window,
        config.general.window,
        ctx.now,
        config.general.timezone.0,
    )?;
    // Before any sync: a path that cannot or must not be written is refused at once (the
    // store or the log named with -o says so before its extension does).
    let output = prepare_output(ctx, args.output.as_deref())?;
    let format = output_format(args)?;
    let live = Live::open(ctx)?;
    // A shared store (PostgreSQL) is kept current by `flowdeck collect`: the report reads it
    // and spends none of the sources' rate limits, unless `[general] poll` says otherwise.
    let polling = live.as_ref().is_some_and(|l| l.should_poll(ctx));
    if let Some(live) = &live
        && polling
        && !args.offline
    {
        // On a terminal, a line on stderr while the sources sync; nothing on a pipe.
        let _progress = super::progress::SyncProgress::start(
            live.http.clone(),
            live.sources.iter().map(|s| s.name().to_string()).collect(),
        );
        // Every wait is said on stderr, and the whole sync ends at --max-wait.
        let limit = args.max_wait.as_std();
        super::waits::say_waits(&live.http, config.general.timezone.0, limit);
        let reports = live.sync_round(ctx.now, Some(limit))?;
        super::waits::say_cut(&reports, limit);
    }
    let not_yet = if polling && !args.offline {
        // Its sync just ran; a source still without a status failed before one was stored.
        NotYetSynced::Missing
    } else {
        NotYetSynced::when_reading(polling, args.offline)
    };
    let (history, sources, chosen) = ctx.history_of(live.as_ref(), not_yet)?;
    if let Some(chosen) = &chosen {
        eprintln!("flowdeck: {chosen}");
    }
    // The process ends with the report: freeing a large history piece by piece takes longer
    // than the report itself (about 0.4 s at 100k deployments), and the system takes the
    // memory back at exit anyway.
    let history = std::mem::ManuallyDrop::new(history);
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
            theme: ctx.theme.clone(),
            title: format!("flowdeck: {}", window.from.to_rfc3339()),
        };
        let svg = report::svg::dashboard(
            std::sync::Arc::new(std::mem::ManuallyDrop::into_inner(history)),
            sources,
            window,
            ctx.now,
            &picture,
        );
        emit(&output, &Content::Text(svg.as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut snapshot = Snapshot::build(
        &history,
        SnapshotRequest {
            window,
            now: ctx.now,
            sources,
            scope: ScopeFilter::All,
            environment: None,
        },
    );
    snapshot.inferred = ctx
        .inferred
        .iter()
        .flatten()
        .cloned()
        .chain(chosen)
        .collect();
    let panels = match &live {
        Some(live) if !args.offline => {
            super::panels::read(config, live.store.clone(), &history, &window)
        }
        _ => Default::default(),
    };
    let snapshot = snapshot.with_panels(&history, panels);
    let options = RenderOptions {
        max_items: config.general.report_items,
    };
    emit(&output, &Content::Report(&snapshot, format, options))?;
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

/// Where the report goes: `-o FILE` (`-` or none: standard output), checked by the one
/// writer of user-named files. The config, the store and the log are never written over.
fn prepare_output(ctx: &Context, path: Option<&Path>) -> Result<Output, CommandError> {
    let path = path.unwrap_or(Path::new("-"));
    Output::prepare(path, &ctx.protected_files(), Existing::Replace).map_err(|e| failure(path, e))
}

/// Writes the report: a file is replaced whole or not at all; a closed standard output
/// (`| head`) is not an error.
fn emit(output: &Output, content: &Content<'_>) -> Result<(), CommandError> {
    output
        .write(|out| {
            content.write_to(out).map_err(|e| match e {
                ReportError::Io(e) => e,
                other => std::io::Error::other(other),
            })
        })
        .map_err(|e| failure(output.path(), e))
}

fn failure(path: &Path, error: OutputError) -> CommandError {
    let place = if path.as_os_str() == "-" {
        "standard output".to_string()
    } else {
        path.display().to_string()
    };
    let message = format!("could not write the report to {place}: {error}");
    if error.is_usage() {
        CommandError::Usage(message)
    } else {
        CommandError::Runtime(anyhow::Error::msg(message))
    }
}

/// `--format`, else the `-o` file's extension, else JSON. An extension flowdeck does not write
/// (`demo.pdf`) is refused rather than filled with JSON.
fn output_format(args: &ReportArgs) -> Result<ReportFormat, CommandError> {
    if let Some(format) = args.format {
        return Ok(format);
    }
    let Some(path) = args.output.as_deref() else {
        return Ok(ReportFormat::Json);
    };
    let Some(extension) = path.extension() else {
        return Ok(ReportFormat::Json);
    };
    format_from_extension(path).ok_or_else(|| {
        CommandError::Usage(format!(
            "{}: flowdeck does not write .{} files; name the file .json, .md, .html or .svg, or choose with --format",
            path.display(),
            extension.to_string_lossy()
        ))
    })
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
