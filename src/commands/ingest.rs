//! `flowdeck ingest FILE|-`: flowdeck.events/v1 lines (docs/EVENTS.md) into the store.
//!
//! Every line is checked first; one bad line refuses the whole batch with `FILE:LINE: what is
//! wrong` (exit 2) and stores nothing. A good batch is stored in one transaction
//! (`Store::commit_batch`), under the source name `ingest`, so a dashboard or `serve` on the
//! same store sees all of it at once or none of it.

use std::io::Write as _;
use std::process::ExitCode;

use super::CommandError;
use super::context::Context;
use super::live;
use crate::cli::IngestArgs;
use crate::events::{Batch, BatchError, ParseOptions};
use crate::sources::events::{Events, input};

/// The source name ingested events are stored under.
pub const SOURCE: &str = "ingest";

pub fn run(ctx: &Context, args: &IngestArgs) -> Result<ExitCode, CommandError> {
    let stdin = args.file.as_os_str() == "-";
    let label = if stdin {
        "-".to_string()
    } else {
        args.file.display().to_string()
    };
    let reader = if stdin {
        input::reader(std::io::stdin(), false)
    } else {
        input::open(&args.file).map_err(CommandError::Usage)?
    };
    let batch = crate::events::parse(reader, &parse_options(ctx, SOURCE))
        .map_err(|e| refused(&label, e))?;
    let mut out = std::io::stdout();
    if args.dry_run {
        writeln!(out, "{label}: valid; would store {}", summary(&batch))
            .map_err(|e| CommandError::Runtime(e.into()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let store = live::open_store(ctx)?;
    let runtime =
        |e: crate::store::StoreError| CommandError::Runtime(anyhow::Error::msg(e.to_string()));
    store.check_writable().map_err(runtime)?;
    let count = store
        .commit_batch(SOURCE, &batch.events, &batch.removals, &[], None)
        .map_err(runtime)?;
    writeln!(
        out,
        "{label}: stored {} inserted, {} updated, {} unchanged, {} removed",
        count.upserts.inserted, count.upserts.updated, count.upserts.unchanged, count.removed
    )
    .map_err(|e| CommandError::Runtime(e.into()))?;
    Ok(ExitCode::SUCCESS)
}

/// How lines are read: as the config's first `events` source reads them (its production
/// environments), else by the defaults; incidents without a `source` get `source`.
pub fn parse_options(ctx: &Context, source: &str) -> ParseOptions {
    let configured = ctx.loaded.config.sources.iter().find_map(|s| match s {
        crate::config::SourceConfig::Events(events) => Some(events),
        _ => None,
    });
    match configured {
        Some(config) => Events::parse_options(config, source),
        None => ParseOptions {
            incident_source: source.to_string(),
            ..ParseOptions::default()
        },
    }
}

/// A refused batch: every reported line as `FILE:LINE: what`, then that nothing was stored.
fn refused(label: &str, error: BatchError) -> CommandError {
    match error {
        BatchError::Invalid { errors, more } => {
            let total = errors.len() as u64 + more;
            let mut message: Vec<String> = errors
                .iter()
                .map(|e| format!("{label}:{}: {}", e.line, e.error))
                .collect();
            if more > 0 {
                message.push(format!("{label}: and {more} more invalid line(s)"));
            }
            message.push(format!(
                "{label}: {total} invalid line(s); nothing was stored"
            ));
            CommandError::Usage(message.join("\n"))
        }
        BatchError::Read { line, detail } => CommandError::Runtime(anyhow::Error::msg(format!(
            "{label}:{line}: could not read on: {detail}; nothing was stored"
        ))),
    }
}

/// "2 services, 5 deployments, …" of what a batch holds.
pub fn summary(batch: &Batch) -> String {
    let e = &batch.events;
    format!(
        "{} services, {} deployments, {} pull requests, {} pipeline runs, {} incidents, {} removals",
        e.services.len(),
        e.deployments.len(),
        e.pull_requests.len(),
        e.pipeline_runs.len(),
        e.incidents.len(),
        batch.removals.len()
    )
}
