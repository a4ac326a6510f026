//! Notifications (`[[notify]]`): transitions found in the store's data (`detect`), each sent
//! once per item and kind by the one process that records it in the store first, through the
//! channels of every entry that wants it: `command` and `webhook` (`deliver`), and in the
//! dashboard the terminal's bell and desktop notifications (`screen`, `terminal`).
//! docs/ARCHITECTURE.md#notifications.
//!
//! A notifier runs on a thread of its own: the poller only nudges it (a bounded channel of
//! one, so a nudge is never queued twice and never blocks a sync); the thread reads the store,
//! settles the transitions, and hands each message to the delivery thread (a bounded queue),
//! which runs the commands (killed after 10 s) and posts the webhooks (10 s per attempt, two
//! retries). Each entry is rate-limited (`limit`: a burst becomes one summary). Failures are
//! logged and kept for the status line; none stops the collector or a screen.

pub mod command;
pub mod deliver;
pub mod detect;
pub mod event;
pub mod health;
pub mod limit;
pub mod screen;
pub mod terminal;
pub mod webhook;

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::config::notify::NotifyConfig;
use crate::metrics::History;
use crate::model::Timestamp;
use crate::store::Store;

use deliver::{Delivery, Target};
use health::HealthWatch;
use limit::Limiter;

pub use event::Event;

/// More events than this at once are sent as one summary (`limit::PER_MINUTE`).
pub const BURST: usize = limit::PER_MINUTE;

/// The entries with a command or a webhook, each with its rate limit.
pub struct Headless {
    targets: Vec<(NotifyConfig, Target, Limiter)>,
}

impl Headless {
    pub fn of(config: &Config) -> Headless {
        let targets = config
            .notify
            .iter()
            .filter(|entry| entry.command.is_some() || entry.webhook.is_some())
            .map(|entry| {
                let target = Target {
                    command: entry.command.clone(),
                    webhook: entry.webhook.clone(),
                };
                (entry.clone(), target, Limiter::default())
            })
            .collect();
        Headless { targets }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Queues what each entry wants of `events` (within its rate limit).
    pub fn offer(
        &mut self,
        events: &[Event],
        delivery: &Delivery,
        noticed: Instant,
        now: Timestamp,
    ) {
        for (entry, target, limiter) in &mut self.targets {
            let wanted: Vec<Event> = events
                .iter()
                .filter(|e| entry.wants(e.kind, &e.services))
                .cloned()
                .collect();
            for event in limiter.offer(wanted, noticed, now) {
                delivery.send(target, event, noticed);
            }
        }
    }

    /// Sends the summaries whose minute is over.
    pub fn flush(&mut self, delivery: &Delivery, now: Timestamp) {
        for (_, target, limiter) in &mut self.targets {
            if let Some(event) = limiter.flush(Instant::now(), now) {
                delivery.send(target, event, Instant::now());
            }
        }
    }

    /// When the next summary is due.
    pub fn due(&self) -> Option<Instant> {
        self.targets.iter().filter_map(|(_, _, l)| l.due()).min()
    }
}

/// How long to wait for a nudge before a held summary is due (an hour without one).
pub(crate) fn until(due: Option<Instant>) -> Duration {
    due.map_or(Duration::from_secs(3600), |due| {
        due.saturating_duration_since(Instant::now())
    })
}

/// What a headless run (`collect`) sends: commands and webhooks.
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
        let headless = Headless::of(config);
        if headless.is_empty() {
            return None;
        }
        let (nudge, nudges) = mpsc::sync_channel(1);
        let last_failure = Arc::new(Mutex::new(None));
        let kept = last_failure.clone();
        let delivery = Delivery::start(Arc::new(move |message| {
            *kept.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
        }))
        .ok()?;
        let mut worker = Worker {
            headless,
            store,
            rules: config.clone(),
            health: HealthWatch::default(),
            failure: last_failure.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("flowdeck-notify".into())
            .spawn(move || {
                worker.run(&nudges, &clock, &delivery);
                delivery.stop();
            })
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

    /// Stops the thread after the messages already queued.
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
    headless: Headless,
    store: Arc<dyn Store>,
    rules: Config,
    health: HealthWatch,
    failure: Arc<Mutex<Option<String>>>,
}

impl Worker {
    fn run(
        &mut self,
        nudges: &Receiver<Instant>,
        clock: &dyn Fn() -> Timestamp,
        delivery: &Delivery,
    ) {
        loop {
            match nudges.recv_timeout(until(self.headless.due())) {
                Ok(nudged) => {
                    let now = clock();
                    match self.look(now) {
                        Ok(events) => {
                            tracing::info!(events = events.len(), "notifications checked");
                            self.headless.offer(&events, delivery, nudged, now);
                        }
                        Err(error) => {
                            self.failed(format!("could not read what to notify: {error}"))
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.headless.flush(delivery, clock());
        }
    }

    /// The transitions this process won.
    fn look(&mut self, now: Timestamp) -> Result<Vec<Event>, crate::store::StoreError> {
        let events = self.store.load()?;
        let statuses: Vec<_> = self
            .store
            .statuses()?
            .iter()
            .map(crate::commands::live::from_stored)
            .collect();
        let history = History::derive(events, self.rules.rules());
        let mut observed = detect::observe(
            &history,
            &statuses,
            self.rules.general.window.as_chrono(),
            now,
        );
        observed.extend(self.health.observe(&self.rules, &self.store, &history, now));
        detect::settle(self.store.as_ref(), &observed, now)
    }

    fn failed(&self, message: String) {
        tracing::warn!(error = message.as_str(), "notification failed");
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
    }
}
