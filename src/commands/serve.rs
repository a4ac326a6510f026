//! `flowdeck serve --metrics ADDR`: the measures as a Prometheus scrape target.
//!
//! Where the data comes from, as for the dashboard: the demo data (`--demo`), git sources read
//! in place, and the store the polled sources are kept in. Whether `serve` polls those sources
//! itself is `live::should_poll`: yes on an embedded store (unless `[general] poll = false`),
//! no on a shared one, which a `flowdeck collect` keeps current; it then reloads when the
//! store announces a commit (`Store::subscribe`), and every refresh interval while it cannot
//! (no feed, or the feed broke; it subscribes again meanwhile).
//!
//! The exposition is recomputed when the data changes (a sync that wrote something, a store
//! notification), the source lines when a sync only touched its status, and the measures when
//! the window moves (every refresh interval, unless the clock is fixed with `--now`); a scrape
//! never computes. SIGTERM or SIGINT stops the poller gracefully and exits 0.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use super::CommandError;
use super::context::Context;
use super::live::{Live, NotYetSynced};
use crate::cli::ServeArgs;
use crate::config::HumanDuration;
use crate::metrics::{History, Window};
use crate::model::Timestamp;
use crate::poller::{self, PollerHandle, ReportSink};
use crate::serve::hooks::Hooks;
use crate::serve::ingest::{Ingest, OnCommit};
use crate::serve::{
    Exposition, Family, MetricsServer, Published, Routes, measure_families, source_families,
};
use crate::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use crate::sources::registry;
use crate::status::SourceStatus;
use crate::store::watch::{self, StoreEvent, StoreEventSink, WatchHandle};

pub fn run(ctx: Context, args: &ServeArgs) -> Result<ExitCode, CommandError> {
    let config = ctx.loaded.config.clone();
    if args.metrics.is_some() && !ctx.demo && config.sources.is_empty() {
        // The same usage error and hint `report` gives.
        ctx.history(None)?;
    }
    let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(|e| {
        CommandError::Runtime(anyhow::Error::new(e).context("could not listen for SIGTERM"))
    })?;
    let live = Live::open(&ctx)?.map(Arc::new);
    let polling = live.as_ref().is_some_and(|l| l.should_poll(&ctx));
    let window = args.window.unwrap_or(config.general.window);
    let refresh = config.general.refresh.as_std().max(Duration::from_secs(1));

    let (triggers, received) = mpsc::channel();
    let ingest = match args.ingest {
        Some(address) => Some(Arc::new(ingest_routes(
            &ctx,
            address,
            live.as_ref(),
            args.metrics.is_some().then(|| triggers.clone()),
        )?)),
        None => None,
    };
    let published = args.metrics.map(|_| Arc::new(Published::default()));
    let servers = start_servers(args, published.clone(), ingest)?;
    let Some(published) = published else {
        // Ingest only: no measures to keep current, and no poller (a `collect` or the
        // dashboard polls); the servers answer until a signal.
        drop(triggers);
        return wait_and_stop(&mut signals, None, servers);
    };
    let mut refresher = Refresher::new(ctx, live.clone(), window, polling);
    refresher.reload()?;
    published.publish(refresher.exposition());
    tracing::info!(
        window = crate::serve::window_label(window).as_str(),
        polling,
        "serving metrics at /metrics"
    );

    // A store other processes write (a collector's) is followed by its commit feed, or read
    // every refresh interval while it has none; a store this process's poller writes is
    // followed when it can announce other processes' commits (pushes, a SQLite file's data
    // version).
    let _watch = match &live {
        Some(live) if !polling || live.store.is_shared() || live.announces_commits() => {
            Some(watch_store(live, triggers.clone(), refresh)?)
        }
        _ => None,
    };
    let poller = match (&live, polling) {
        (Some(live), true) => Some(start_poller(live, &refresher.ctx, triggers.clone())?),
        _ => None,
    };
    drop(triggers);
    let _refresh_loop = {
        let published = published.clone();
        std::thread::Builder::new()
            .name("flowdeck-metrics".into())
            .spawn(move || refresh_forever(refresher, received, &published, refresh))
            .map_err(|e| CommandError::Runtime(e.into()))?
    };
    wait_and_stop(&mut signals, poller, servers)
}

/// Waits for SIGTERM or SIGINT, then stops the poller and the servers.
fn wait_and_stop(
    signals: &mut Signals,
    poller: Option<PollerHandle>,
    servers: Vec<MetricsServer>,
) -> Result<ExitCode, CommandError> {
    let signal = signals.forever().next();
    tracing::info!(
        signal = signal.map_or("none", super::collect::signal_name),
        "stopping"
    );
    if let Some(poller) = poller {
        poller.stop();
    }
    for server in servers {
        server.shutdown();
    }
    // The refresher only reads; it ends with the process (a reload in progress is dropped).
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// One server per address: `--metrics` and `--ingest` on the same address share one.
fn start_servers(
    args: &ServeArgs,
    published: Option<Arc<Published>>,
    ingest: Option<Arc<Ingest>>,
) -> Result<Vec<MetricsServer>, CommandError> {
    let start = |address: std::net::SocketAddr, routes: Routes| {
        let what = match (&routes.metrics, &routes.ingest) {
            (Some(_), Some(_)) => "metrics and events",
            (Some(_), None) => "metrics",
            _ => "events",
        };
        let server = MetricsServer::serve(address, routes).map_err(|e| {
            CommandError::Runtime(
                anyhow::Error::new(e).context(format!("could not serve {what} on {address}")),
            )
        })?;
        tracing::info!(address = %server.local_addr(), what, "listening");
        Ok::<_, CommandError>(server)
    };
    let mut servers = Vec::new();
    match (args.metrics, args.ingest) {
        (Some(metrics), Some(pushes)) if metrics == pushes => servers.push(start(
            metrics,
            Routes {
                metrics: published,
                ingest,
            },
        )?),
        (metrics, pushes) => {
            if let Some(address) = metrics {
                servers.push(start(
                    address,
                    Routes {
                        metrics: published,
                        ingest: None,
                    },
                )?);
            }
            if let Some(address) = pushes {
                servers.push(start(
                    address,
                    Routes {
                        metrics: None,
                        ingest,
                    },
                )?);
            }
        }
    }
    Ok(servers)
}

/// What the ingest routes need: the store (the polled sources' one, else the one the config
/// names), the token, the limits, the webhook secrets. A token, a secret or a token variable
/// that is configured but unset stops the command; no token at all is allowed only on a
/// loopback address.
fn ingest_routes(
    ctx: &Context,
    address: std::net::SocketAddr,
    live: Option<&Arc<Live>>,
    triggers: Option<Sender<Trigger>>,
) -> Result<Ingest, CommandError> {
    let serve = &ctx.loaded.config.serve;
    let secret = |key: &str, variable: &Option<String>| -> Result<Option<String>, CommandError> {
        let Some(variable) = variable else {
            return Ok(None);
        };
        match std::env::var(variable) {
            Ok(value) if !value.trim().is_empty() => Ok(Some(value)),
            _ => Err(CommandError::Usage(format!(
                "[serve] {key} names {variable}, which is not set (or empty): set it, or remove the key"
            ))),
        }
    };
    let token = secret("ingest_token_env", &serve.ingest_token_env)?;
    if token.is_none() && !address.ip().is_loopback() {
        return Err(CommandError::Usage(format!(
            "--ingest {address} is not a loopback address, and [serve] ingest_token_env is not set: \
             anyone who reaches it could write the history\n  hint: set [serve] ingest_token_env, or listen on 127.0.0.1"
        )));
    }
    let github = secret(
        "github_webhook_secret_env",
        &serve.github_webhook_secret_env,
    )?;
    let gitlab = secret("gitlab_webhook_token_env", &serve.gitlab_webhook_token_env)?;
    let store = match live {
        Some(live) => live.store.clone(),
        None => super::live::open_store(ctx)?,
    };
    store
        .check_writable()
        .map_err(|e| CommandError::Runtime(anyhow::Error::msg(e.to_string())))?;
    let on_commit: Option<OnCommit> = triggers.map(|triggers| {
        let triggers = std::sync::Mutex::new(triggers);
        Arc::new(move || {
            if let Ok(triggers) = triggers.lock() {
                let _ = triggers.send(Trigger::StoreChanged);
            }
        }) as OnCommit
    });
    Ok(Ingest {
        store,
        token: token.as_deref().map(Ingest::token_digest),
        max_body: serve.max_body,
        timeout: serve.request_timeout.as_std(),
        options: super::ingest::parse_options(ctx, crate::serve::ingest::SOURCE),
        hooks: Hooks {
            github_secret: github.map(String::into_bytes),
            gitlab_token: gitlab.as_deref().map(Ingest::token_digest),
            targets: crate::sources::hooks::Hooks::from_config(&ctx.loaded.config),
            one_at_a_time: std::sync::Mutex::new(None),
        },
        on_commit,
    })
}

/// Follows the store's commits (`store::watch`), each one that asks for a read a reload.
fn watch_store(
    live: &Live,
    triggers: Sender<Trigger>,
    fallback_every: Duration,
) -> Result<WatchHandle, CommandError> {
    let sink: StoreEventSink = Arc::new(move |event| match trigger_for(&event) {
        Some(trigger) => triggers.send(trigger).is_ok(),
        None => true,
    });
    watch::watch(live.store.clone(), fallback_every, sink).map_err(|e| {
        CommandError::Runtime(anyhow::Error::new(e).context("could not watch the store"))
    })
}

/// An announced commit, a feed back after a break (commits may have been missed) and each
/// fallback read while there is no feed all mean: read the store again. A lost feed alone
/// changes nothing yet (the fallback reads follow).
fn trigger_for(event: &StoreEvent) -> Option<Trigger> {
    match event {
        StoreEvent::Changed(_) | StoreEvent::Resumed | StoreEvent::Periodic => {
            Some(Trigger::StoreChanged)
        }
        StoreEvent::FeedLost(_) => None,
    }
}

fn start_poller(
    live: &Live,
    ctx: &Context,
    triggers: Sender<Trigger>,
) -> Result<PollerHandle, CommandError> {
    let sink: ReportSink = Arc::new(move |report| {
        triggers
            .send(Trigger::Synced {
                changed: report.changed_something(),
            })
            .is_ok()
    });
    poller::spawn(
        live.sources.clone(),
        live.store.clone(),
        live.backfill,
        sink,
        ctx.fixed_now.then_some(ctx.now),
        super::collector::member(None),
    )
    .map_err(|e| CommandError::Runtime(anyhow::Error::new(e).context("could not start the poller")))
}

/// Why the exposition should be brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// A sync of this process's poller ended; `changed`: it wrote events (or a new failure).
    Synced { changed: bool },
    /// The store announced a commit (another process's or ours).
    StoreChanged,
}

/// What a batch of triggers asks for.
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    /// Read everything again.
    reload: bool,
    /// Read the source statuses again.
    statuses: bool,
    /// Measure again at the current time (the window moved).
    measures: bool,
}

impl Work {
    fn add(&mut self, trigger: Trigger) {
        match trigger {
            Trigger::Synced { changed: true } | Trigger::StoreChanged => self.reload = true,
            Trigger::Synced { changed: false } => self.statuses = true,
        }
    }
}

fn refresh_forever(
    mut refresher: Refresher,
    triggers: Receiver<Trigger>,
    published: &Published,
    refresh: Duration,
) {
    let mut next_tick = Instant::now() + refresh;
    loop {
        let mut work = Work::default();
        let trigger =
            match triggers.recv_timeout(next_tick.saturating_duration_since(Instant::now())) {
                Ok(trigger) => Some(trigger),
                Err(RecvTimeoutError::Timeout) => None,
                // Nothing can trigger any more (demo data, git only): the clock alone moves things.
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(next_tick.saturating_duration_since(Instant::now()));
                    None
                }
            };
        match trigger {
            Some(trigger) => work.add(trigger),
            None => {
                next_tick = Instant::now() + refresh;
                if refresher.reads_in_place {
                    work.reload = true;
                } else {
                    work.statuses = refresher.live.is_some();
                    work.measures = !refresher.ctx.fixed_now;
                }
            }
        }
        // A burst (every source of a round, a stream of notifications) is one recomputation.
        while let Ok(more) = triggers.try_recv() {
            work.add(more);
        }
        if !(work.reload || work.statuses || work.measures) {
            continue;
        }
        let started = Instant::now();
        let done = if work.reload {
            refresher.reload().map_err(|e| e.to_string())
        } else {
            let statuses = if work.statuses {
                refresher.restatus().map_err(|e| e.to_string())
            } else {
                Ok(())
            };
            if work.measures {
                refresher.remeasure();
            }
            statuses
        };
        match done {
            Ok(()) => {
                published.publish(refresher.exposition());
                tracing::debug!(
                    reload = work.reload,
                    duration_seconds = started.elapsed().as_secs_f64(),
                    "metrics recomputed"
                );
            }
            Err(error) => {
                // The last exposition stays up; its source lines and timestamps show its age.
                tracing::warn!(%error, "could not read the history; serving the previous metrics");
            }
        }
    }
}

/// Keeps the history, statuses and rendered families between recomputations.
struct Refresher {
    ctx: Context,
    live: Option<Arc<Live>>,
    window: chrono::Duration,
    window_label: String,
    polling: bool,
    /// Sources read in place on every reload (git, the demo data): the clock alone can change
    /// what they say.
    reads_in_place: bool,
    history: Option<History>,
    statuses: Vec<SourceStatus>,
    measures: Vec<Family>,
    sources: Vec<Family>,
}

impl Refresher {
    fn new(ctx: Context, live: Option<Arc<Live>>, window: HumanDuration, polling: bool) -> Self {
        let reads_in_place = (ctx.demo && !ctx.fixed_now)
            || (!ctx.demo
                && ctx
                    .loaded
                    .config
                    .sources
                    .iter()
                    .any(|s| !registry::is_polled(s)));
        Refresher {
            ctx,
            live,
            window: window.as_chrono(),
            window_label: crate::serve::window_label(window),
            polling,
            reads_in_place,
            history: None,
            statuses: Vec::new(),
            measures: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn not_yet(&self) -> NotYetSynced {
        if self.polling {
            NotYetSynced::Syncing
        } else {
            NotYetSynced::Missing
        }
    }

    fn advance_clock(&mut self) {
        if !self.ctx.fixed_now {
            self.ctx.now = chrono::Utc::now();
        }
    }

    /// Reads every source (and the store) again and measures.
    fn reload(&mut self) -> Result<(), CommandError> {
        self.advance_clock();
        let (history, statuses, _) = self.ctx.history_of(self.live.as_deref(), self.not_yet())?;
        self.measures = measures(&history, self.ctx.now, self.window, &self.window_label);
        self.sources = source_families(&statuses);
        self.history = Some(history);
        self.statuses = statuses;
        Ok(())
    }

    /// The polled sources' statuses as the store has them now.
    fn restatus(&mut self) -> Result<(), crate::store::StoreError> {
        let Some(live) = &self.live else {
            return Ok(());
        };
        for fresh in live.statuses(self.not_yet())? {
            if let Some(status) = self.statuses.iter_mut().find(|s| s.name == fresh.name) {
                *status = fresh;
            }
        }
        self.sources = source_families(&self.statuses);
        Ok(())
    }

    /// Measures the history already read at the current time.
    fn remeasure(&mut self) {
        self.advance_clock();
        if let Some(history) = &self.history {
            self.measures = measures(history, self.ctx.now, self.window, &self.window_label);
        }
    }

    fn exposition(&self) -> Exposition {
        Exposition::render(&self.measures, &self.sources)
    }
}

/// The measure families of the window of `length` ending at `now`, from the report's snapshot.
fn measures(
    history: &History,
    now: Timestamp,
    length: chrono::Duration,
    label: &str,
) -> Vec<Family> {
    let snapshot = Snapshot::build(
        history,
        SnapshotRequest {
            window: Window::ending(now, length),
            now,
            // The source lines are rendered on their own (they change more often).
            sources: Vec::new(),
            scope: ScopeFilter::All,
            environment: None,
        },
    );
    measure_families(history, &snapshot, label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreChange;

    #[test]
    fn store_events_that_ask_for_a_read_become_reloads() {
        let changed = StoreEvent::Changed(StoreChange {
            source: "github:acme/api".into(),
        });
        for event in [changed, StoreEvent::Resumed, StoreEvent::Periodic] {
            assert_eq!(
                trigger_for(&event),
                Some(Trigger::StoreChanged),
                "{event:?}"
            );
        }
        assert_eq!(trigger_for(&StoreEvent::FeedLost("reset".into())), None);
    }

    #[test]
    fn a_burst_of_triggers_is_one_piece_of_work() {
        let mut work = Work::default();
        work.add(Trigger::Synced { changed: false });
        assert!(work.statuses && !work.reload);
        work.add(Trigger::Synced { changed: true });
        work.add(Trigger::StoreChanged);
        assert!(work.reload);
        let mut work = Work::default();
        work.add(Trigger::StoreChanged);
        assert!(work.reload && !work.statuses && !work.measures);
    }
}
