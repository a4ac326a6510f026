//! The dashboard's runtime: the terminal, the event loop, and the effects `update` asks for.
//!
//! Keys, mouse, resizes, signals, loaded data, sync results, store changes and the clock all
//! arrive on one channel and become actions, which `update` applies: the loop changes no state
//! of the app itself. It keeps only its own bookkeeping (which load thread runs, when the wall
//! turns, whether to redraw). The screen is redrawn only when something changed, once per burst of messages, inside
//! a synchronized update; with nothing happening the loop sleeps until the next minute (or the
//! next second while an open incident's timer is on screen).

mod alerts;
mod browser;
mod effects;
mod terminal;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{Event, KeyCode, KeyEventKind, MouseButton, MouseEventKind};

use crate::app::state::{AppOptions, Effect};
use crate::app::{Action, Alert, App, Loaded, PanelRequest, PanelsRead, update, view};
use crate::health::Panels;
use crate::metrics::History;
use crate::model::Timestamp;
use crate::poller::{PollerHandle, ReportSink, SyncReport};
use crate::status::SourceStatus;
use crate::store::watch::{StoreEvent, StoreEventSink, WatchHandle};
use crate::ui::theme::Theme;

/// What the runtime's threads tell the loop.
pub enum Message {
    /// What became of something the loop started (a browser): a line for the status bar.
    Notice(String),
    Input(Event),
    /// SIGTERM, SIGHUP or SIGINT: restore the terminal and leave.
    Signal,
    Loaded(Box<Result<(History, Vec<SourceStatus>), String>>),
    /// A polled source finished a sync (its events are in the store).
    Synced(SyncReport),
    /// The store another process writes says something changed (or may have).
    Store(StoreEvent),
    /// The notifier found something to tell (docs/ARCHITECTURE.md#notifications).
    Alert(Alert),
    /// How far the syncs under way are, and the parts of syncs committed so far.
    Progress(Vec<crate::progress::SyncProgress>, u64),
    /// The health panels were read.
    Panels(Box<PanelsRead>),
}

/// Reads the sources (or the demo data) on a background thread.
pub type Loader = Arc<dyn Fn() -> Result<(History, Vec<SourceStatus>), String> + Send + Sync>;

/// Reads every health panel for a request (on a thread of the loop's; one read at a time).
pub type PanelRead = Arc<dyn Fn(&PanelRequest) -> Panels + Send + Sync>;

/// Starts the poller once the loop can hear it; the dashboard runs without one on demo data
/// and git-only configs.
pub type PollerStart = Box<dyn FnOnce(ReportSink) -> std::io::Result<PollerHandle> + Send>;

/// Starts following a store that another process keeps current (`flowdeck collect` writing
/// PostgreSQL): the dashboard then reloads on its commits instead of polling the sources.
pub type WatchStart = Box<dyn FnOnce(StoreEventSink) -> std::io::Result<WatchHandle> + Send>;

/// Starts the dashboard's notifier once the loop can hear it: what to show goes to the first
/// sink, a failed command or webhook to the second.
pub type NotifyStart = Box<
    dyn FnOnce(
            Box<dyn Fn(Alert) + Send>,
            crate::notify::deliver::Report,
        ) -> Option<crate::notify::screen::ScreenNotifier>
        + Send,
>;

pub struct Options {
    pub app: AppOptions,
    pub theme: Arc<Theme>,
    /// A fixed clock (`--now`): time does not move and nothing ticks.
    pub fixed_now: Option<Timestamp>,
    pub export: effects::ExportSettings,
    pub poller: Option<PollerStart>,
    pub watch: Option<WatchStart>,
    pub notify: Option<NotifyStart>,
    /// Reads the health panels (`[[panels]]`); None without panels.
    pub panels: Option<PanelRead>,
}

pub use effects::{ExportSettings, export};

pub fn run(options: Options, loader: Loader) -> anyhow::Result<()> {
    let mut guard = terminal::Guard::enter(options.app.mouse)?;
    let (sender, receiver) = mpsc::channel();
    terminal::spawn_input(sender.clone());
    terminal::spawn_signals(sender.clone());
    let result = event_loop(&mut guard, options, loader, sender, receiver);
    drop(guard);
    result
}

fn clock(fixed: Option<Timestamp>) -> Timestamp {
    fixed.unwrap_or_else(crate::clock::now)
}

fn spawn_load(loader: &Loader, sender: &Sender<Message>) {
    let loader = loader.clone();
    let sender = sender.clone();
    std::thread::spawn(move || {
        let _ = sender.send(Message::Loaded(Box::new(loader())));
    });
}

/// Reads the panels on a thread of its own; the answer comes back as a message.
fn spawn_panels(read: &PanelRead, request: PanelRequest, sender: &Sender<Message>) {
    let read = read.clone();
    let sender = sender.clone();
    std::thread::spawn(move || {
        let panels = read(&request);
        let _ = sender.send(Message::Panels(Box::new(PanelsRead { request, panels })));
    });
}

fn event_loop(
    guard: &mut terminal::Guard,
    mut options: Options,
    loader: Loader,
    sender: Sender<Message>,
    receiver: Receiver<Message>,
) -> anyhow::Result<()> {
    let now = clock(options.fixed_now);
    let mut app = App::new(App::empty_data(now), now, options.app.clone());
    let (width, height) = guard.size();
    update(&mut app, Action::Resize { width, height });
    update(&mut app, Action::Loading);
    spawn_load(&loader, &sender);
    // The store is drawn first (above); the poller's syncs arrive after.
    let poller = match options.poller.take() {
        Some(start) => {
            let sink_sender = sender.clone();
            let sink: ReportSink =
                Arc::new(move |report| sink_sender.send(Message::Synced(report)).is_ok());
            spawn_progress(sender.clone());
            Some(start(sink)?)
        }
        None => None,
    };
    let _watch = match options.watch.take() {
        Some(start) => {
            let sink_sender = sender.clone();
            let sink: StoreEventSink =
                Arc::new(move |event| sink_sender.send(Message::Store(event)).is_ok());
            Some(start(sink)?)
        }
        None => None,
    };
    let notifier = options.notify.take().and_then(|start| {
        let alerts = sender.clone();
        let notices = sender.clone();
        start(
            Box::new(move |alert| {
                let _ = alerts.send(Message::Alert(alert));
            }),
            Arc::new(move |failure| {
                let _ = notices.send(Message::Notice(failure));
            }),
        )
    });
    let alerts = alerts::Alerts::new();
    let mut load_in_flight = true;
    let mut reload_queued = false;
    // One panel read at a time; a newer request replaces a queued one.
    let mut panels_in_flight = false;
    let mut panels_queued: Option<PanelRequest> = None;
    let mut next_rotation = app.wall.as_ref().map(|w| Instant::now() + w.rotate_every);
    let mut dirty = true;

    loop {
        // The wall's progress line: how far into the page's time.
        if let (Some(at), Some(every)) = (next_rotation, app.wall.as_ref().map(|w| w.rotate_every))
        {
            let left = at.saturating_duration_since(Instant::now());
            update(&mut app, Action::WallElapsed(every.saturating_sub(left)));
        }
        if dirty {
            let vm = view::build(&app);
            guard.draw(&vm, &options.theme)?;
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        let timeout = next_wake(&app, options.fixed_now, next_rotation);
        let first = match receiver.recv_timeout(timeout) {
            Ok(message) => Some(message),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Coalesce a burst (a held key, a paste, a resize storm) into one frame.
        let mut messages: Vec<Message> = first.into_iter().collect();
        while let Ok(more) = receiver.try_recv() {
            messages.push(more);
            if messages.len() > 256 {
                break;
            }
        }
        if options.fixed_now.is_none() {
            update(&mut app, Action::Tick(crate::clock::now()));
            dirty = true;
        }
        if let Some(at) = next_rotation
            && Instant::now() >= at
        {
            update(&mut app, Action::RotateWall);
            next_rotation = app.wall.as_ref().map(|w| Instant::now() + w.rotate_every);
            dirty = true;
        }
        let page_before = app.wall.as_ref().map(|w| w.page);
        for message in messages {
            dirty = true;
            match message {
                Message::Input(event) => {
                    if let Some(action) = action_for(&app, &event) {
                        update(&mut app, action);
                    }
                }
                Message::Notice(note) => update(&mut app, Action::Notify(note)),
                Message::Alert(alert) => update(&mut app, Action::Alert(alert)),
                Message::Signal => update(&mut app, Action::Quit),
                Message::Synced(report) => update(&mut app, synced(&report)),
                Message::Progress(syncs, parts) => {
                    update(&mut app, Action::SyncProgress { syncs, parts });
                }
                Message::Store(event) => match event {
                    // A commit, the feed back after a break, or a fallback read: read again.
                    StoreEvent::Changed(_) | StoreEvent::Resumed | StoreEvent::Periodic => {
                        update(&mut app, Action::StoreChanged);
                    }
                    // Nothing changed yet; the fallback reads follow.
                    StoreEvent::FeedLost(_) => {}
                },
                Message::Panels(read) => {
                    panels_in_flight = false;
                    update(&mut app, Action::PanelsRead(read));
                    if let (Some(request), Some(reader)) = (panels_queued.take(), &options.panels) {
                        panels_in_flight = true;
                        spawn_panels(reader, request, &sender);
                    }
                }
                Message::Loaded(result) => {
                    load_in_flight = false;
                    let action = match *result {
                        Ok((history, sources)) => {
                            let history = Arc::new(history);
                            if let Some(notifier) = &notifier {
                                notifier.look(crate::notify::screen::Look {
                                    history: history.clone(),
                                    statuses: sources.clone(),
                                });
                            }
                            Action::Loaded(Box::new(Loaded {
                                history,
                                sources,
                                read_at: clock(options.fixed_now),
                            }))
                        }
                        Err(error) => Action::LoadFailed(error),
                    };
                    update(&mut app, action);
                    if reload_queued {
                        reload_queued = false;
                        load_in_flight = true;
                        spawn_load(&loader, &sender);
                    }
                }
            }
        }
        // A page turned by hand gets its full time.
        if app.wall.as_ref().map(|w| w.page) != page_before {
            next_rotation = app.wall.as_ref().map(|w| Instant::now() + w.rotate_every);
        }
        for effect in app.take_effects() {
            match effect {
                Effect::Refresh | Effect::Reload => {
                    if effect == Effect::Refresh
                        && let Some(poller) = &poller
                    {
                        // The sources are asked now; their syncs reload again as they land.
                        poller.refresh();
                    }
                    // One load in flight; a newer request replaces the queued one.
                    if load_in_flight {
                        reload_queued = true;
                    } else {
                        load_in_flight = true;
                        update(&mut app, Action::Loading);
                        spawn_load(&loader, &sender);
                    }
                }
                Effect::OpenUrl(url) => {
                    // The browser's outcome arrives as a notice; its process is waited for
                    // (never left defunct).
                    let notices = sender.clone();
                    let note = effects::open_url(&url, move |outcome| {
                        let _ = notices.send(Message::Notice(outcome));
                    });
                    update(&mut app, Action::Notify(note));
                }
                Effect::Export => {
                    let note = effects::export(&app, &options.export);
                    update(&mut app, Action::Notify(note));
                }
                Effect::Bell => alerts.bell(guard),
                Effect::Desktop(text) => alerts.desktop(guard, &text),
                Effect::ReadPanels(request) => {
                    if let Some(reader) = &options.panels {
                        if panels_in_flight {
                            panels_queued = Some(request);
                        } else {
                            panels_in_flight = true;
                            spawn_panels(reader, request, &sender);
                        }
                    }
                }
            }
            dirty = true;
        }
    }
}

/// How often the syncs' progress board is looked at; a message is sent only when it moved.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Follows the poller's progress board (`sources::progress`) for the progress bars, and tells
/// of each part a sync commits (the numbers fill in while a backfill runs). Stops when the
/// loop is gone.
fn spawn_progress(sender: Sender<Message>) {
    let _ = std::thread::Builder::new()
        .name("sync-progress".into())
        .spawn(move || {
            let mut seen = crate::sources::progress::version();
            loop {
                std::thread::sleep(PROGRESS_EVERY);
                let now = crate::sources::progress::version();
                if now == seen {
                    continue;
                }
                seen = now;
                let (syncs, parts) = crate::sources::progress::board();
                if sender.send(Message::Progress(syncs, parts)).is_err() {
                    return;
                }
            }
        });
}

/// What a sync report tells the app.
fn synced(report: &SyncReport) -> Action {
    let (source, ok) = match report {
        SyncReport::Synced { source, .. } => (source.clone(), true),
        SyncReport::Failed { source, .. } => (source.clone(), false),
    };
    Action::Synced {
        source,
        ok,
        changed: report.changed_something(),
    }
}

/// How long the loop may sleep: until the next minute (every duration on screen is written
/// to the minute), or the next step of the wall's progress line, or its rotation. A fixed
/// clock never ticks.
fn next_wake(app: &App, fixed_now: Option<Timestamp>, next_rotation: Option<Instant>) -> Duration {
    let mut wake = Duration::from_secs(3600);
    if fixed_now.is_none() {
        let now = Utc::now();
        let into_minute = u64::try_from(now.timestamp().rem_euclid(60)).unwrap_or(0);
        wake = Duration::from_secs(60 - into_minute.min(59));
    }
    if let Some(at) = next_rotation {
        wake = wake.min(at.saturating_duration_since(Instant::now()));
        if let Some(wall) = &app.wall {
            // The progress line moves in about a hundred steps, no faster than 4 a second.
            let step = (wall.rotate_every / 100).max(Duration::from_millis(250));
            wake = wake.min(step);
        }
    }
    wake
}

/// A key in a prompt: it edits like a shell line.
fn prompt_action(key: &crossterm::event::KeyEvent) -> Option<Action> {
    use crate::app::Edit;
    let ctrl = key
        .modifiers
        .contains(crossterm::event::KeyModifiers::CONTROL);
    let edit = |e: Edit| Some(Action::Edit(e));
    match key.code {
        KeyCode::Enter => Some(Action::SubmitInput),
        KeyCode::Esc => Some(Action::CancelInput),
        KeyCode::Backspace => edit(Edit::DeleteBack),
        KeyCode::Delete => edit(Edit::DeleteForward),
        KeyCode::Left => edit(Edit::Left),
        KeyCode::Right => edit(Edit::Right),
        KeyCode::Home => edit(Edit::Start),
        KeyCode::End => edit(Edit::End),
        KeyCode::Up => edit(Edit::Older),
        KeyCode::Down => edit(Edit::Newer),
        KeyCode::Char(c) if ctrl => match c {
            'c' | 'g' => Some(Action::CancelInput),
            'u' => edit(Edit::KillToStart),
            'w' | 'h' => edit(if c == 'w' {
                Edit::KillWord
            } else {
                Edit::DeleteBack
            }),
            'k' => edit(Edit::KillToEnd),
            'a' => edit(Edit::Start),
            'e' => edit(Edit::End),
            'b' => edit(Edit::Left),
            'f' => edit(Edit::Right),
            'p' => edit(Edit::Older),
            'n' => edit(Edit::Newer),
            'd' => edit(Edit::DeleteForward),
            // Any other control key is not text.
            _ => None,
        },
        // Alt with a letter is a command elsewhere, never text.
        KeyCode::Char(_) if key.modifiers.contains(crossterm::event::KeyModifiers::ALT) => None,
        KeyCode::Char(c) => Some(Action::Input(c)),
        _ => None,
    }
}

/// The action a terminal event asks for, if any.
pub fn action_for(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            if app.prompt.is_some() {
                return prompt_action(key);
            }
            app.keymap.command(key).map(Action::Command)
        }
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        Event::Mouse(mouse) if app.mouse => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            MouseEventKind::Down(MouseButton::Left) => {
                crate::ui::layout::panel_at(app.width, app.height, mouse.column, mouse.row)
                    .map(Action::ClickPanel)
            }
            _ => None,
        },
        _ => None,
    }
}
