//! `flowdeck` and `flowdeck --wall`: the dashboard.

use std::process::ExitCode;
use std::sync::Arc;

use super::CommandError;
use super::context::Context;
use super::live::{Live, NotYetSynced};
use crate::app::state::AppOptions;
use crate::poller::{self, ReportSink};
use crate::store::watch::{self, StoreEventSink};
use crate::tui::{self, ExportSettings, Loader, Options};

pub fn run(ctx: Context, wall: bool) -> Result<ExitCode, CommandError> {
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
    let options = Options {
        app: AppOptions {
            window_days: config.general.window.as_chrono().num_days().max(1),
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
                )
            }) as tui::PollerStart
        }),
        watch: live.clone().filter(|_| !polling).map(|live| {
            Box::new(move |sink: StoreEventSink| watch::watch(live.store.clone(), refresh, sink))
                as tui::WatchStart
        }),
    };
    let not_yet = NotYetSynced::when_reading(polling, false);
    let context = Arc::new(ctx);
    let loader: Loader = Arc::new(move || {
        // A refresh reads the sources again at the current time.
        let mut fresh = Context::clone(&context);
        if !fresh.fixed_now {
            fresh.now = chrono::Utc::now();
        }
        // The store is read as it is; the poller keeps it current.
        Live::read_stored(live.as_deref(), not_yet)
            .and_then(|stored| fresh.history(stored))
            .map_err(|e| e.to_string())
    });
    tui::run(options, loader).map_err(CommandError::Runtime)?;
    Ok(ExitCode::SUCCESS)
}
