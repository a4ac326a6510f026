//! `flowdeck collect`: the headless collector. Polls every polled source (GitHub, GitLab,
//! Prometheus, PagerDuty, Opsgenie) and reads every git source on its interval into the
//! configured store, forever, so that dashboards, reports and `serve` elsewhere can read one
//! shared history (tag deployments included, without a clone) instead of each spending the
//! sources' rate limits.
//!
//! Logs go to standard error and the log file (JSON lines by default), one line per sync. On
//! SIGTERM or SIGINT the poller stops gracefully (a commit in progress completes, a request in
//! flight is dropped) and the command exits 0. A config error exits 2, as does a config with
//! nothing to poll; a store that cannot be opened exits 1.
//!
//! Several collectors may share one PostgreSQL store: each source is polled by one of them at
//! a time under a lease, and another takes it over when its holder dies or is cut off
//! (docs/ARCHITECTURE.md#collectors-that-fail-over). `--name` names this one (default
//! `host:pid`).

use std::process::ExitCode;
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use super::CommandError;
use super::context::Context;
use super::live::{self, Live};
use crate::notify::Notifier;
use crate::poller;
use crate::sources::registry;
use crate::store::StoreLocation;

pub fn run(ctx: &Context, name: Option<&str>) -> Result<ExitCode, CommandError> {
    nothing_to_poll(ctx)?;
    // Before anything is opened: a signal during start-up still ends the run cleanly.
    let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(|e| {
        CommandError::Runtime(anyhow::Error::new(e).context("could not listen for SIGTERM"))
    })?;
    let Some(live) = Live::open_collecting(ctx)? else {
        // nothing_to_poll has ruled this out; kept total.
        return Err(no_polled_sources(ctx));
    };
    for broken in live.broken() {
        tracing::warn!(
            source = broken.name.as_str(),
            error = broken.error.as_deref().unwrap_or_default(),
            "source cannot be polled"
        );
    }
    if live.sources.is_empty() {
        let reasons: Vec<String> = live
            .broken()
            .iter()
            .map(|b| format!("{}: {}", b.name, b.error.as_deref().unwrap_or_default()))
            .collect();
        return Err(CommandError::Usage(format!(
            "no polled source can be set up:\n  {}",
            reasons.join("\n  ")
        )));
    }
    let location = StoreLocation::parse(&ctx.loaded.config.general.store, &ctx.loaded.base_dir)
        .map(|l| live::describe(&l))
        .unwrap_or_default();
    let names: Vec<&str> = live.sources.iter().map(|s| s.name()).collect();
    let me = super::collector::member(name);
    tracing::info!(
        sources = names.join(", ").as_str(),
        store = location.as_str(),
        collector = me.name.as_str(),
        shared = live.store.leases().is_some(),
        "collecting"
    );
    let fixed_now = ctx.fixed_now.then_some(ctx.now);
    let notifier = Notifier::start(&ctx.loaded.config, live.store.clone(), move || {
        fixed_now.unwrap_or_else(crate::clock::now)
    });
    // What the store held before this run is looked at once, then after every sync.
    let nudge: Arc<dyn Fn() + Send + Sync> = match &notifier {
        Some(notifier) => {
            notifier.nudge();
            Arc::new(notifier.nudger())
        }
        None => Arc::new(|| {}),
    };
    let poller = poller::spawn(
        live.sources.clone(),
        live.store.clone(),
        live.backfill,
        // Every sync logs its own line; the collector keeps polling and nudges the notifier.
        Arc::new(move |_| {
            nudge();
            true
        }),
        ctx.fixed_now.then_some(ctx.now),
        me,
    )
    .map_err(|e| {
        CommandError::Runtime(anyhow::Error::new(e).context("could not start the poller"))
    })?;
    let signal = signals.forever().next();
    tracing::info!(
        signal = signal.map_or("none", signal_name),
        "stopping: finishing the write in progress"
    );
    poller.stop();
    if let Some(notifier) = notifier {
        notifier.stop();
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// A usage error when this run has nothing for a collector to do.
fn nothing_to_poll(ctx: &Context) -> Result<(), CommandError> {
    if ctx.demo {
        return Err(CommandError::Usage(
            "collect polls the configured sources, and --demo has none\n  hint: try `flowdeck serve --demo --metrics 127.0.0.1:9464` or `flowdeck --demo`".into(),
        ));
    }
    if !live::collects_anything(ctx) {
        return Err(no_polled_sources(ctx));
    }
    Ok(())
}

fn no_polled_sources(ctx: &Context) -> CommandError {
    let config = match &ctx.loaded.path {
        Some(path) => path.display().to_string(),
        None => "the default config (no config file)".into(),
    };
    let kinds: Vec<String> = std::iter::once(crate::sources::git::collected::KIND)
        .chain(registry::POLLED_KINDS)
        .map(|kind| format!("{kind:?}"))
        .collect();
    CommandError::Usage(format!(
        "{config} configures no source for collect to read\n  hint: add a [[sources]] of kind {} (see config.example.toml)",
        kinds.join(" or ")
    ))
}

/// SIGTERM / SIGINT by name, for log lines.
pub(super) fn signal_name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGINT => "SIGINT",
        _ => "signal",
    }
}
