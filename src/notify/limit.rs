//! The rate limit of one notification target (one `[[notify]]` entry's command and webhook, or
//! its desktop notifications): a burst becomes one summary.
//!
//! The rule (config.example.toml and docs/ARCHITECTURE.md#notifications say it too):
//! - at most [`PER_MINUTE`] messages per target in any 60 seconds;
//! - events that fit what is left of the minute are sent one by one;
//! - more events at once than fit are sent as ONE summary ("flowdeck: 7 events: …") when one
//!   message is still allowed, else held;
//! - held events wait until the minute of the oldest message sent is over, then go as one
//!   summary. At most [`MAX_HELD`] are kept (the summary counts the rest), so a flood never
//!   grows memory.
//!
//! Pure: time is passed in, so the tests need no clock.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::model::Timestamp;

use super::event::Event;

/// Messages per target per [`MINUTE`].
pub const PER_MINUTE: usize = 3;
pub const MINUTE: Duration = Duration::from_secs(60);
/// Events held for the next summary; more are only counted.
pub const MAX_HELD: usize = 100;

#[derive(Debug, Default)]
pub struct Limiter {
    /// When each message of the last minute went.
    sent: VecDeque<Instant>,
    held: Vec<Event>,
    /// Held events past `MAX_HELD`: counted in the summary, not kept.
    dropped: usize,
    /// When the first held event came.
    held_since: Option<Instant>,
}

impl Limiter {
    /// What to send now of `events` (seen at `now`, the wall clock `at`).
    pub fn offer(&mut self, events: Vec<Event>, now: Instant, at: Timestamp) -> Vec<Event> {
        if events.is_empty() {
            return Vec::new();
        }
        self.forget(now);
        let room = PER_MINUTE.saturating_sub(self.sent.len());
        if !self.held.is_empty() || room == 0 {
            self.hold(events, now);
            return Vec::new();
        }
        if events.len() <= room {
            for _ in &events {
                self.sent.push_back(now);
            }
            return events;
        }
        self.sent.push_back(now);
        vec![Event::summary(&events, 0, at)]
    }

    /// The held events as one summary, once their minute is over.
    pub fn flush(&mut self, now: Instant, at: Timestamp) -> Option<Event> {
        if self.held.is_empty() {
            return None;
        }
        self.forget(now);
        if self.sent.len() >= PER_MINUTE {
            return None;
        }
        let held = std::mem::take(&mut self.held);
        let dropped = std::mem::take(&mut self.dropped);
        self.held_since = None;
        self.sent.push_back(now);
        Some(if held.len() == 1 && dropped == 0 {
            held.into_iter().next()?
        } else {
            Event::summary(&held, dropped, at)
        })
    }

    /// When `flush` will have something to send (None: nothing held).
    pub fn due(&self) -> Option<Instant> {
        let since = self.held_since?;
        // The minute of the message whose leaving frees a place (none: a place is free).
        let Some(leaving) = self.sent.len().checked_sub(PER_MINUTE) else {
            return Some(since);
        };
        Some(self.sent.get(leaving).map_or(since, |sent| *sent + MINUTE))
    }

    fn hold(&mut self, events: Vec<Event>, now: Instant) {
        self.held_since.get_or_insert(now);
        for event in events {
            if self.held.len() < MAX_HELD {
                self.held.push(event);
            } else {
                self.dropped += 1;
            }
        }
    }

    fn forget(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= MINUTE)
        {
            self.sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::notify::EventKind;

    fn events(n: usize) -> Vec<Event> {
        (0..n)
            .map(|i| {
                Event::new(
                    EventKind::DeploymentFailed,
                    &format!("d{i}"),
                    "failed",
                    &["api".into()],
                    &format!("flowdeck: deployment failed: d{i}"),
                    None,
                    chrono::DateTime::UNIX_EPOCH,
                )
            })
            .collect()
    }

    #[test]
    fn a_few_events_go_one_by_one_and_a_burst_as_one_summary() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let start = Instant::now();
        let mut limiter = Limiter::default();
        assert_eq!(limiter.offer(events(2), start, at).len(), 2);
        let burst = limiter.offer(events(7), start, at);
        assert_eq!(burst.len(), 1);
        assert!(burst[0].text.contains("7 events"), "{}", burst[0].text);
        assert_eq!(burst[0].item, "summary");
    }

    #[test]
    fn past_the_minutes_budget_events_wait_for_one_summary() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let start = Instant::now();
        let mut limiter = Limiter::default();
        assert_eq!(limiter.offer(events(3), start, at).len(), 3);
        let second = start + Duration::from_secs(10);
        assert!(limiter.offer(events(1), second, at).is_empty());
        assert!(limiter.offer(events(4), second, at).is_empty());
        assert_eq!(limiter.due(), Some(start + MINUTE));
        assert!(limiter.flush(start + Duration::from_secs(59), at).is_none());
        let summary = limiter.flush(start + MINUTE, at).unwrap();
        assert!(summary.text.contains("5 events"), "{}", summary.text);
        assert!(limiter.due().is_none());
        assert!(limiter.flush(start + MINUTE * 2, at).is_none());
    }

    #[test]
    fn a_flood_is_bounded_and_counted() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let start = Instant::now();
        let mut limiter = Limiter::default();
        limiter.offer(events(3), start, at);
        for _ in 0..50 {
            limiter.offer(events(100), start, at);
        }
        assert_eq!(limiter.held.len(), MAX_HELD);
        let summary = limiter.flush(start + MINUTE, at).unwrap();
        assert!(summary.text.contains("5000 events"), "{}", summary.text);
    }

    #[test]
    fn one_held_event_is_sent_as_itself() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let start = Instant::now();
        let mut limiter = Limiter::default();
        limiter.offer(events(3), start, at);
        limiter.offer(events(1), start, at);
        let event = limiter.flush(start + MINUTE, at).unwrap();
        assert_eq!(event.item, "d0");
    }
}
