//! The dashboard's (and wall mode's) notifier, on a thread of its own so the event loop never
//! waits for it. The loop hands it every history it loads (`look`: the newest replaces one not
//! yet read, never blocking); the thread finds the transitions and answers with an [`Alert`]
//! (the status line, the bell, desktop lines), which the loop turns into `Action::Alert`, so
//! `update` decides what the screen shows and the loop only writes the bytes it asks for.
//!
//! - Bell and desktop: from what THIS dashboard saw change since its first load
//!   (`detect::Seen`), so every dashboard rings its own, also beside a collector. Quiet hours
//!   (in `general.timezone`, by the injected clock) keep both silent; the note still shows.
//! - Command and webhook: only when this dashboard is the one writing its store (it polls an
//!   embedded store: `sends` is Some), recorded by compare-and-set exactly as `collect` does.
//!   On a shared store only the collector sends them.

use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::app::Alert;
use crate::config::Config;
use crate::config::notify::NotifyConfig;
use crate::metrics::History;
use crate::model::Timestamp;
use crate::status::SourceStatus;
use crate::store::Store;

use super::deliver::{Delivery, Report};
use super::detect::{self, Seen};
use super::event::Event;
use super::health::HealthWatch;
use super::limit::Limiter;
use super::terminal::is_quiet;
use super::{Headless, until};

/// What the dashboard loaded.
pub struct Look {
    pub history: Arc<History>,
    pub statuses: Vec<SourceStatus>,
}

/// Where the notifier's store comes from.
pub struct Stores {
    /// The store this dashboard writes (it polls an embedded store): it sends commands and
    /// webhooks, recorded there. None: a shared store's reader, or no store.
    pub sends: Option<Arc<dyn Store>>,
    /// Any store, for the health panels' HTTP cache (None: no `unusual_deployment` here).
    pub panels: Option<Arc<dyn Store>>,
}

pub struct ScreenNotifier {
    slot: Arc<Mutex<Option<(Look, Instant)>>>,
    nudge: SyncSender<()>,
    thread: Option<JoinHandle<()>>,
}

impl ScreenNotifier {
    /// Starts the thread; None when the config has no `[[notify]]` entry. `alert` hears what
    /// to show, `report` a delivery's failure.
    pub fn start(
        config: &Config,
        stores: Stores,
        clock: impl Fn() -> Timestamp + Send + 'static,
        alert: impl Fn(Alert) + Send + 'static,
        report: Report,
    ) -> Option<ScreenNotifier> {
        if config.notify.is_empty() {
            return None;
        }
        let headless = match &stores.sends {
            Some(_) => Headless::of(config),
            None => {
                if !Headless::of(config).is_empty() {
                    tracing::info!(
                        "this dashboard reads a store another process writes (or none): its [[notify]] commands and webhooks are sent by `flowdeck collect`"
                    );
                }
                Headless {
                    targets: Vec::new(),
                }
            }
        };
        let delivery = if headless.is_empty() {
            None
        } else {
            Some(Delivery::start(report).ok()?)
        };
        let (nudge, nudges) = mpsc::sync_channel(1);
        let slot: Arc<Mutex<Option<(Look, Instant)>>> = Arc::new(Mutex::new(None));
        let mut state = State {
            config: config.clone(),
            stores,
            seen: Seen::default(),
            health: HealthWatch::default(),
            headless,
            desktop: config.notify.iter().map(|_| Limiter::default()).collect(),
        };
        let looks = slot.clone();
        let thread = std::thread::Builder::new()
            .name("flowdeck-screen-notify".into())
            .spawn(move || {
                loop {
                    let due = [state.headless.due(), state.desktop_due()]
                        .into_iter()
                        .flatten()
                        .min();
                    match nudges.recv_timeout(until(due)) {
                        Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                    let look = looks.lock().unwrap_or_else(PoisonError::into_inner).take();
                    let now = clock();
                    let mut shown = Alert::default();
                    if let Some((look, noticed)) = look {
                        shown = state.look(&look, noticed, now, delivery.as_ref());
                    }
                    if let Some(delivery) = &delivery {
                        state.headless.flush(delivery, now);
                    }
                    state.flush_desktop(&mut shown, now);
                    if !shown.note.is_empty() || shown.bell || !shown.desktop.is_empty() {
                        alert(shown);
                    }
                }
                if let Some(delivery) = delivery {
                    delivery.stop();
                }
            })
            .ok()?;
        Some(ScreenNotifier {
            slot,
            nudge,
            thread: Some(thread),
        })
    }

    /// Hands over what was loaded; never blocks (a look not yet read is replaced).
    pub fn look(&self, look: Look) {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some((look, Instant::now()));
        match self.nudge.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => tracing::warn!("the notifier has stopped"),
        }
    }
}

impl Drop for ScreenNotifier {
    /// The thread ends after the messages already queued; the dashboard does not wait for a
    /// slow command or webhook on its way out.
    fn drop(&mut self) {
        drop(std::mem::replace(&mut self.nudge, mpsc::sync_channel(1).0));
        drop(self.thread.take());
    }
}

struct State {
    config: Config,
    stores: Stores,
    seen: Seen,
    health: HealthWatch,
    headless: Headless,
    /// One per `[[notify]]` entry, in config order.
    desktop: Vec<Limiter>,
}

impl State {
    fn look(
        &mut self,
        look: &Look,
        noticed: Instant,
        now: Timestamp,
        delivery: Option<&Delivery>,
    ) -> Alert {
        let history = &look.history;
        let mut observed = detect::observe(
            history,
            &look.statuses,
            self.config.general.window.as_chrono(),
            now,
        );
        if let Some(store) = &self.stores.panels {
            observed.extend(self.health.observe(&self.config, store, history, now));
        }
        if let (Some(store), Some(delivery)) = (&self.stores.sends, delivery) {
            match detect::settle(store.as_ref(), &observed, now) {
                Ok(events) => self.headless.offer(&events, delivery, noticed, now),
                Err(error) => tracing::warn!(error = %error, "could not record notifications"),
            }
        }
        let events = self.seen.compare(&observed, now);
        self.alert(&events, noticed, now)
    }

    /// The bell, desktop lines and note of `events`, entry by entry.
    fn alert(&mut self, events: &[Event], noticed: Instant, now: Timestamp) -> Alert {
        let mut alert = Alert::default();
        let mut noted: Vec<Event> = Vec::new();
        let tz = self.config.general.timezone.0;
        for (entry, limiter) in self.config.notify.iter().zip(&mut self.desktop) {
            let wanted = wanted(entry, events);
            if wanted.is_empty() {
                continue;
            }
            for event in &wanted {
                if !noted
                    .iter()
                    .any(|n| n.item == event.item && n.kind == event.kind)
                {
                    noted.push(event.clone());
                }
            }
            if is_quiet(entry.quiet_hours.as_ref(), tz, now) {
                tracing::info!(
                    events = wanted.len(),
                    "quiet hours: no bell, no desktop notification"
                );
                continue;
            }
            alert.bell |= entry.bell;
            if entry.desktop {
                alert.desktop.extend(
                    limiter
                        .offer(wanted, noticed, now)
                        .into_iter()
                        .map(|e| e.text),
                );
            }
        }
        alert.note = match noted.as_slice() {
            [] => String::new(),
            [one] => one.text.clone(),
            many => Event::summary(many, 0, now).text,
        };
        alert
    }

    fn desktop_due(&self) -> Option<Instant> {
        self.desktop.iter().filter_map(Limiter::due).min()
    }

    /// Desktop summaries whose minute is over (quiet hours hold them back too).
    fn flush_desktop(&mut self, alert: &mut Alert, now: Timestamp) {
        let tz = self.config.general.timezone.0;
        for (entry, limiter) in self.config.notify.iter().zip(&mut self.desktop) {
            if let Some(event) = limiter.flush(Instant::now(), now)
                && !is_quiet(entry.quiet_hours.as_ref(), tz, now)
            {
                alert.desktop.push(event.text);
            }
        }
    }
}

fn wanted(entry: &NotifyConfig, events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .filter(|e| entry.wants(e.kind, &e.services))
        .cloned()
        .collect()
}
