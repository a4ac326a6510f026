//! Notifications (`[[notify]]`): transitions found in the store's data (`detect`), each sent
//! once per item and kind by the one process that records it in the store first, through the
//! channels of every entry that wants it (`command`; the terminal's bell and desktop
//! notifications belong to the dashboard). docs/ARCHITECTURE.md#notifications.
//!
//! A notifier runs on a thread of its own: the poller only nudges it (a bounded channel of
//! one, so a nudge is never queued twice and never blocks a sync); the thread reads the store,
//! settles the transitions, and runs the commands one after another, each killed after 10 s.
//! A burst (more than [`BURST`] events at once) becomes one summary event. Failures are
//! logged and kept for the status line; none stops the collector.

pub mod command;
pub mod detect;
pub mod event;

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::config::Config;
use crate::config::notify::NotifyConfig;
use crate::metrics::History;
use crate::model::Timestamp;
use crate::store::Store;

pub use event::Event;

/// More events than this at once are sent as one summary.
pub const BURST: usize = 3;

/// What a headless run (`collect`) sends: commands (and, later, webhooks).
pub struct Notifier {
    nudge: SyncSender<Instant>,
    thread: Option<JoinHandle<()>>,
    /// The last failure, for a status line.
    pub last_failure: Arc<Mutex<Option<String>>>,
}

impl Notifier {
    /// Starts the notifier thread; None when the config notifies nobody headlessly.
    pub fn start(
        config: &Config,
        store: Arc<dyn Store>,
        clock: impl Fn() -> Timestamp + Send + 'static,
    ) -> Option<Notifier> {
        let entries: Vec<NotifyConfig> = config
            .notify
            .iter()
            .filter(|entry| entry.command.is_some())
            .cloned()
            .collect();
        for entry in config.notify.iter().filter(|e| e.webhook.is_some()) {
            if let Some(webhook) = &entry.webhook {
                tracing::warn!(
                    webhook = webhook.host().as_str(),
                    "webhooks are not sent by this build yet; use command"
                );
            }
        }
        if entries.is_empty() {
            return None;
        }
        let (nudge, nudges) = mpsc::sync_channel(1);
        let last_failure = Arc::new(Mutex::new(None));
        let worker = Worker {
            entries,
            store,
            rules: config.clone(),
            failure: last_failure.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("flowdeck-notify".into())
            .spawn(move || worker.run(&nudges, &clock))
            .ok()?;
        Some(Notifier {
            nudge,
            thread: Some(thread),
            last_failure,
        })
    }

    /// Asks for a look at the store (after a sync committed). Never blocks: a nudge already
    /// waiting covers this one.
    pub fn nudge(&self) {
        match self.nudge.try_send(Instant::now()) {
            Ok(()) | Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => {
                tracing::warn!("the notifier has stopped");
            }
        }
    }

    /// A handle that nudges, for the poller's report sink.
    pub fn nudger(&self) -> impl Fn() + Send + Sync + 'static {
        let nudge = self.nudge.clone();
        move || {
            let _ = nudge.try_send(Instant::now());
        }
    }

    /// Stops the thread after the command in progress.
    pub fn stop(mut self) {
        let Notifier { nudge, thread, .. } = &mut self;
        drop(std::mem::replace(nudge, mpsc::sync_channel(1).0));
        if let Some(thread) = thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the notifier's thread ended abnormally");
        }
    }
}

struct Worker {
    entries: Vec<NotifyConfig>,
    store: Arc<dyn Store>,
    rules: Config,
    failure: Arc<Mutex<Option<String>>>,
}

impl Worker {
    fn run(&self, nudges: &Receiver<Instant>, clock: &dyn Fn() -> Timestamp) {
        while let Ok(nudged) = nudges.recv() {
            let now = clock();
            match self.look(now) {
                Ok(events) => {
                    tracing::info!(events = events.len(), "notifications checked");
                    self.send(&events, nudged, now);
                }
                Err(error) => self.failed(format!("could not read what to notify: {error}")),
            }
        }
    }

    /// The transitions this process won.
    fn look(&self, now: Timestamp) -> Result<Vec<Event>, crate::store::StoreError> {
        let events = self.store.load()?;
        let statuses = self.store.statuses()?;
        let history = History::derive(events, self.rules.rules());
        let observed = detect::observe(
            &history,
            &statuses,
            self.rules.general.window.as_chrono(),
            now,
        );
        detect::settle(self.store.as_ref(), &observed, now)
    }

    fn send(&self, events: &[Event], nudged: Instant, now: Timestamp) {
        for entry in &self.entries {
            let Some(command) = &entry.command else {
                continue;
            };
            let wanted: Vec<Event> = events
                .iter()
                .filter(|e| entry.wants(e.kind, &e.services))
                .cloned()
                .collect();
            let batch = if wanted.len() > BURST {
                vec![Event::summary(&wanted, 0, now)]
            } else {
                wanted
            };
            for event in &batch {
                let latency = nudged.elapsed();
                tracing::info!(
                    kind = event.kind.as_str(),
                    item = event.item.as_str(),
                    latency_ms = latency.as_millis() as u64,
                    "notifying"
                );
                if let Err(error) = command::run(&command.0, &event.json(), command::TIMEOUT) {
                    self.failed(format!("notification command failed: {error}"));
                }
            }
        }
    }

    fn failed(&self, message: String) {
        tracing::warn!(error = message.as_str(), "notification failed");
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
    }
}
