//! `flowdeck` and `flowdeck --wall`: the dashboard.

use std::process::ExitCode;
use std::sync::Arc;

use super::context::Context;
use super::live::{Live, NotYetSynced};
use super::{CommandError, window_args};
use crate::app::state::AppOptions;
use crate::cli::WindowArgs;
use crate::config::window::WindowSpec;
use crate::notify::screen::{ScreenNotifier, Stores};
use crate::poller::{self, ReportSink};
use crate::store::watch::{self, StoreEventSink};
use crate::tui::{self, ExportSettings, Loader, Options};

pub fn run(ctx: Context, wall: bool, window: &WindowArgs) -> Result<ExitCode, CommandError> {
    let config = ctx.loaded.config.clone();
    if !ctx.demo && config.sources.is_empty() {
        // Fail before taking over the terminal, with the same hint `report` gives.
        ctx.history(None)?;
    }
    // A store that cannot be opened is reported before the terminal is taken over.
    let live = Live::open(&ctx)?.map(Arc::new);
    // Poll the sources, or follow a store a collector keeps current (`[general] poll`).
    let polling = live.as_ref().is_some_and(|l| l.should_poll(&ctx));
    let refresh = config.general.refresh.as_std();
    let theme = ctx.theme.clone();
    // `--window`, `--from` and `--to` read as `report` reads them; refused before the
    // terminal is taken over.
    let tz = config.general.timezone.0;
    let spec = window_args::spec(window, config.general.window)?;
    let placed = window_args::resolve(window, config.general.window, ctx.now, tz)?;
    let (window_days, custom_window) = match spec {
        WindowSpec::Length(length) => (length.as_chrono().num_days().max(1), None),
        WindowSpec::Between { .. } => (
            config.general.window.as_chrono().num_days().max(1),
            Some(placed),
        ),
    };
    let panels = live
        .as_ref()
        .and_then(|live| super::panels::dashboard_reader(&config, live.store.clone()));
    let options = Options {
        app: AppOptions {
            panels: panels.is_some(),
            window_days,
            custom_window,
            demo: ctx.demo,
            keymap: ctx.keymap.clone(),
            mouse: config.ui.mouse,
            wall_rotate: wall.then(|| {
                config
                    .ui
                    .wall_rotate
                    .as_std()
                    .max(std::time::Duration::from_secs(1))
            }),
        },
        theme: theme.clone(),
        fixed_now: ctx.fixed_now.then_some(ctx.now),
        export: ExportSettings {
            dir: ctx.loaded.base_dir.join(&config.export.dir),
            format: config.export.format,
            max_items: config.general.report_items,
            theme,
            protected: ctx.protected_files(),
        },
        poller: live.clone().filter(|_| polling).map(|live| {
            let fixed_now = ctx.fixed_now.then_some(ctx.now);
            Box::new(move |sink: ReportSink| {
                poller::spawn(
                    live.sources.clone(),
                    live.store.clone(),
                    live.backfill,
                    sink,
                    fixed_now,
                    super::collector::member(None),
                )
            }) as tui::PollerStart
        }),
        // Followed when nothing here polls, or when other processes' commits (pushes) can be
        // heard of: a SQLite file's data version, a PostgreSQL store's feed.
        watch: live
            .clone()
            .filter(|live| !polling || live.announces_commits())
            .map(|live| {
                Box::new(move |sink: StoreEventSink| {
                    watch::watch(live.store.clone(), refresh, sink)
                }) as tui::WatchStart
            }),
        notify: notify_start(&ctx, live.as_deref(), polling),
        panels,
    };
    let not_yet = NotYetSynced::when_reading(polling, false);
    let context = Arc::new(ctx);
    let loader: Loader = Arc::new(move || {
        // A refresh reads the sources again at the current time. The demo data stays as it
        // was first made: made again at a later time, its open incidents would start later and
        // look younger.
        let mut fresh = Context::clone(&context);
        if !fresh.fixed_now && !fresh.demo {
            fresh.now = crate::clock::now();
        }
        // The store is read as it is; the poller keeps it current.
        fresh
            .history_of(live.as_deref(), not_yet)
            .map(|(history, statuses, _)| (history, statuses))
            .map_err(|e| e.to_string())
    });
    tui::run(options, loader).map_err(CommandError::Runtime)?;
    Ok(ExitCode::SUCCESS)
}

/// The dashboard's notifier: bell and desktop always; commands and webhooks only when this
/// dashboard writes an embedded store it polls (on a shared store `collect` sends them).
fn notify_start(ctx: &Context, live: Option<&Live>, polling: bool) -> Option<tui::NotifyStart> {
    let config = ctx.loaded.config.clone();
    if config.notify.is_empty() {
        return None;
    }
    let wants_headless = config
        .notify
        .iter()
        .any(|e| e.command.is_some() || e.webhook.is_some());
    let (store, polls) = match live {
        Some(live) => (Some(live.store.clone()), polling),
        // A git-only dashboard that runs commands keeps what it sent in the store (made if
        // missing), so a restart does not send it again.
        None if wants_headless && !ctx.demo => match super::live::open_store(ctx) {
            Ok(store) => (Some(store), true),
            Err(error) => {
                tracing::warn!(error = %error, "no store for notifications: commands and webhooks are not sent");
                (None, false)
            }
        },
        None => (None, false),
    };
    let sends = store
        .clone()
        .filter(|store| sends_headless(polls, store.is_shared()));
    let fixed_now = ctx.fixed_now.then_some(ctx.now);
    Some(Box::new(move |alert, report| {
        ScreenNotifier::start(
            &config,
            Stores {
                sends,
                panels: store,
            },
            move || fixed_now.unwrap_or_else(chrono::Utc::now),
            alert,
            report,
        )
    }))
}

/// Whether a dashboard runs `command`s and posts `webhook`s: only when it writes its store
/// itself, and never on a shared store, where `collect` sends them (a dashboard told to poll
/// a shared store, `[general] poll = true`, still leaves them to the collector).
fn sends_headless(polls: bool, shared: bool) -> bool {
    polls && !shared
}

#[cfg(test)]
mod tests {
    use super::sends_headless;

    #[test]
    fn on_a_shared_store_only_the_collector_sends_commands_and_webhooks() {
        assert!(sends_headless(true, false));
        assert!(!sends_headless(true, true));
        assert!(!sends_headless(false, true));
        assert!(!sends_headless(false, false));
    }
}
