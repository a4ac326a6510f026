//! Wall-clock time for the HTTP layer: when a rate limit resets, when a budget window ends,
//! when a cached page was fetched. Waiting itself always goes through `tokio::time::sleep`, so a
//! test that pauses tokio's clock and uses [`TokioClock`] sees waits and wall time move together.

use std::fmt;

use chrono::Utc;

use flowdeck_core::model::Timestamp;

/// The current wall-clock time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Utc::now()
    }
}

/// A wall clock that follows tokio's clock: `start + (tokio now − the tokio instant it was made at)`.
///
/// With tokio's clock running normally this is the system clock shifted to `start`; with it paused
/// (`#[tokio::test(start_paused = true)]`) wall time advances exactly as far as the client's
/// `tokio::time::sleep`s do, so "wait until the epoch in x-ratelimit-reset" becomes an exact,
/// instant test.
#[derive(Clone, Copy)]
pub struct TokioClock {
    start: Timestamp,
    start_instant: tokio::time::Instant,
}

impl TokioClock {
    /// A clock reading `start` now. Make it inside the runtime whose clock it should follow.
    pub fn starting_at(start: Timestamp) -> TokioClock {
        TokioClock {
            start,
            start_instant: tokio::time::Instant::now(),
        }
    }
}

impl fmt::Debug for TokioClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokioClock")
            .field("now", &self.now())
            .finish()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = tokio::time::Instant::now().saturating_duration_since(self.start_instant);
        match chrono::Duration::from_std(elapsed) {
            Ok(elapsed) => self.start + elapsed,
            Err(_) => self.start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let start = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let clock = TokioClock::starting_at(start);
        assert_eq!(clock.now(), start);
        tokio::time::sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.now(), start + chrono::Duration::seconds(90));
    }
}
