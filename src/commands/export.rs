//! `flowdeck export events`: the history as flowdeck.events/v1 lines (docs/EVENTS.md), which
//! `flowdeck ingest` reads back into the same events (the round trip: the report of the
//! ingested store is the report of the exported history).
//!
//! The history is what a report computes from: the demo data (`--demo`), or the configured
//! services, what git sources read in place, and everything stored (the store is read when
//! the config polls a source or the store already exists; a git-only config creates none).
//! `--from`/`--to` keep the events whose time falls in the span (a deployment's
//! `finished_at`, a pull request's or run's `created_at`, an incident's `started_at`);
//! services are always written.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::CommandError;
use super::context::Context;
use super::live;
use super::window_args;
use crate::cli::ExportEventsArgs;
use crate::metrics::Window;
use crate::model::EventSet;
use crate::report::write::{Existing, Output};
use crate::store::StoreLocation;

pub fn events(ctx: &Context, args: &ExportEventsArgs) -> Result<ExitCode, CommandError> {
    let config = &ctx.loaded.config;
    let span = match (&args.from, &args.to) {
        (Some(from), Some(to)) => Some(window_args::between(
            from,
            to,
            ctx.now,
            config.general.timezone.0,
        )?),
        _ => None,
    };
    let path = args.output.as_deref().unwrap_or(Path::new("-"));
    let output = Output::prepare(path, &ctx.protected_files(), Existing::Replace)
        .map_err(|e| write_failure(path, e))?;
    let mut events = history(ctx)?;
    if let Some(span) = span {
        keep_within(&mut events, span);
    }
    crate::store::canonical_order(&mut events);
    output
        .write(|out| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
            crate::events::write_events(&mut out, &events)?;
            out.flush()
        })
        .map_err(|e| write_failure(path, e))?;
    Ok(ExitCode::SUCCESS)
}

/// Every event a report of this config would compute from.
fn history(ctx: &Context) -> Result<EventSet, CommandError> {
    let config = &ctx.loaded.config;
    if ctx.demo {
        return Ok(crate::sources::collect_demo(ctx.now).0);
    }
    let (mut events, statuses) = crate::sources::collect(config, &ctx.loaded.base_dir, ctx.now);
    for status in statuses.iter().filter(|s| s.error.is_some()) {
        eprintln!(
            "warning: source {} failed: {}",
            status.name,
            status.error.as_deref().unwrap_or("unknown error")
        );
    }
    if reads_store(ctx) {
        let store = live::open_store(ctx)?;
        let stored = store
            .load()
            .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
        events.extend(stored);
    }
    Ok(events)
}

/// Whether the store holds part of the history: the config polls a source (and so keeps a
/// store), or the store is a server or a file that exists (events ingested without one).
fn reads_store(ctx: &Context) -> bool {
    if live::polls_anything(ctx) {
        return true;
    }
    match StoreLocation::parse(&ctx.loaded.config.general.store, &ctx.loaded.base_dir) {
        Ok(StoreLocation::Sqlite(path)) => path.exists(),
        Ok(StoreLocation::Postgres(_)) => true,
        Err(_) => false,
    }
}

fn keep_within(events: &mut EventSet, span: Window) {
    let inside = |at| at >= span.from && at < span.to;
    events.deployments.retain(|d| inside(d.finished_at));
    events.pull_requests.retain(|p| inside(p.created_at));
    events.pipeline_runs.retain(|r| inside(r.created_at));
    events.incidents.retain(|i| inside(i.started_at));
}

fn write_failure(path: &Path, error: crate::report::write::OutputError) -> CommandError {
    let place = if path.as_os_str() == "-" {
        "standard output".to_string()
    } else {
        path.display().to_string()
    };
    let message = format!("could not write the events to {place}: {error}");
    if error.is_usage() {
        CommandError::Usage(message)
    } else {
        CommandError::Runtime(anyhow::Error::msg(message))
    }
}
