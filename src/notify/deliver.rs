//! The delivery thread: runs `command`s and POSTs `webhook`s one after another, off the
//! notifier's thread (so a hanging webhook holds up neither the detection nor a screen), fed by
//! a bounded queue. A full queue drops the new message and says so; every failure goes to the
//! log and to `report` (the dashboard's status line).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::config::notify::{NotifyCommand, WebhookUrl};

use super::command;
use super::event::Event;
use super::webhook::Poster;

/// Messages waiting for the delivery thread.
pub const QUEUE: usize = 32;

/// Where one `[[notify]]` entry's messages go.
#[derive(Debug, Clone)]
pub struct Target {
    pub command: Option<NotifyCommand>,
    pub webhook: Option<WebhookUrl>,
}

/// Tells someone about a failure (a log line is written anyway).
pub type Report = Arc<dyn Fn(String) + Send + Sync>;

struct Job {
    target: Target,
    event: Event,
    /// When the store's change was noticed (the poller's commit, or the loaded data).
    noticed: Instant,
}

pub struct Delivery {
    queue: SyncSender<Job>,
    thread: Option<JoinHandle<()>>,
    report: Report,
}

impl Delivery {
    pub fn start(report: Report) -> std::io::Result<Delivery> {
        let (queue, jobs) = mpsc::sync_channel(QUEUE);
        let thread_report = report.clone();
        let thread = std::thread::Builder::new()
            .name("flowdeck-deliver".into())
            .spawn(move || deliver(&jobs, &thread_report))?;
        Ok(Delivery {
            queue,
            thread: Some(thread),
            report,
        })
    }

    /// Queues `event` for `target`; never blocks.
    pub fn send(&self, target: &Target, event: Event, noticed: Instant) {
        let job = Job {
            target: target.clone(),
            event,
            noticed,
        };
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(job)) => failed(
                &self.report,
                format!(
                    "notification dropped, {QUEUE} already waiting (a command or webhook is slow): {}",
                    job.event.text
                ),
            ),
            Err(TrySendError::Disconnected(_)) => {
                failed(&self.report, "the notification thread has stopped".into());
            }
        }
    }

    /// Finishes what is queued, then stops.
    pub fn stop(mut self) {
        let Delivery { queue, thread, .. } = &mut self;
        drop(std::mem::replace(queue, mpsc::sync_channel(1).0));
        if let Some(thread) = thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the notification delivery thread ended abnormally");
        }
    }
}

fn deliver(jobs: &Receiver<Job>, report: &Report) {
    // Made on the first webhook: a config without one never starts a runtime.
    let mut poster: Option<Result<Poster, String>> = None;
    while let Ok(job) = jobs.recv() {
        let Job {
            target,
            event,
            noticed,
        } = job;
        tracing::info!(
            kind = event.kind.as_str(),
            item = event.item.as_str(),
            latency_ms = u64::try_from(noticed.elapsed().as_millis()).unwrap_or(u64::MAX),
            latency_us = u64::try_from(noticed.elapsed().as_micros()).unwrap_or(u64::MAX),
            "notifying"
        );
        if let Some(command) = &target.command
            && let Err(error) = command::run(&command.0, &event.json(), command::TIMEOUT)
        {
            failed(report, format!("notification command failed: {error}"));
        }
        if let Some(webhook) = &target.webhook {
            match poster.get_or_insert_with(Poster::new) {
                Ok(poster) => match poster.post(webhook, &event) {
                    Ok(status) => {
                        tracing::info!(webhook = webhook.host().as_str(), status, "webhook sent")
                    }
                    Err(error) => failed(report, format!("notification {error}")),
                },
                Err(error) => failed(report, format!("notification webhook: {error}")),
            }
        }
    }
}

fn failed(report: &Report, message: String) {
    tracing::warn!(error = message.as_str(), "notification failed");
    report(message);
}
