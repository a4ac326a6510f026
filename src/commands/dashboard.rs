//! `flowdeck` and `flowdeck --wall`: the dashboard.

use std::process::ExitCode;
use std::sync::Arc;

use super::context::Context;
use super::live::{Live, NotYetSynced};
use super::{CommandError, window_args};
use crate::app::state::AppOptions;
use crate::cli::WindowArgs;
use crate::config::window::WindowSpec;
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
                )
            }) as tui::PollerStart
        }),
        watch: live.clone().filter(|_| !polling).map(|live| {
            Box::new(move |sink: StoreEventSink| watch::watch(live.store.clone(), refresh, sink))
                as tui::WatchStart
        }),
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
