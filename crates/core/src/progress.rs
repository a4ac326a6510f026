//! How far a source's running sync is: what the dashboard's progress bar and `report`'s
//! progress line show while a first sync backfills. It lives below every layer that shows it;
//! the sources fill it in (`flowdeck_sources::progress`).

use std::time::Duration;

use crate::model::Timestamp;

/// One source's sync under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    /// The source's name ("github:acme/api").
    pub source: String,
    /// Requests this sync sent so far.
    pub requests: u64,
    /// The provider's guess of the requests still to send (list pages left from its `last`
    /// link, one per item still to read); None while nothing is known yet.
    pub left: Option<u64>,
    /// The rate-limit budget left on the source's host, and when it is refilled.
    pub rate_remaining: Option<u64>,
    pub rate_reset_at: Option<Timestamp>,
    /// Whether the sync is a backfill (a first sync, or one continuing a backfill cut short):
    /// while one runs, the numbers on screen are incomplete.
    pub backfilling: bool,
    /// How long the sync has run.
    pub elapsed: Duration,
}

impl SyncProgress {
    /// Time to go at the pace so far: the requests left at the rate they went; when the
    /// budget left is smaller than the requests left, the wait for the reset is added.
    pub fn time_left(&self, now: Timestamp) -> Option<Duration> {
        let left = self.left?;
        if self.requests == 0 {
            return None;
        }
        let per_request = self.elapsed.as_secs_f64() / self.requests as f64;
        let mut seconds = per_request * left as f64;
        if let (Some(remaining), Some(reset)) = (self.rate_remaining, self.rate_reset_at)
            && remaining < left
        {
            seconds += (reset - now).num_seconds().max(0) as f64;
        }
        Some(Duration::from_secs_f64(seconds.clamp(0.0, 1.0e9)))
    }

    /// The share done, 0 to 1, when the requests left are known.
    pub fn fraction(&self) -> Option<f64> {
        let left = self.left?;
        let total = self.requests + left;
        (total > 0).then(|| self.requests as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(requests: u64, left: Option<u64>) -> SyncProgress {
        SyncProgress {
            source: "github:acme/api".into(),
            requests,
            left,
            rate_remaining: None,
            rate_reset_at: None,
            backfilling: true,
            elapsed: Duration::from_secs(10),
        }
    }

    #[test]
    fn time_left_follows_the_pace_so_far() {
        let now = Timestamp::default();
        assert_eq!(
            progress(100, Some(300)).time_left(now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(progress(0, Some(300)).time_left(now), None);
        assert_eq!(progress(100, None).time_left(now), None);
        assert_eq!(progress(100, Some(300)).fraction(), Some(0.25));
        assert_eq!(progress(0, Some(0)).fraction(), None);
    }

    #[test]
    fn a_budget_smaller_than_what_is_left_adds_the_wait_for_the_reset() {
        let now = Timestamp::default();
        let mut p = progress(100, Some(300));
        p.rate_remaining = Some(10);
        p.rate_reset_at = Some(now + chrono::Duration::seconds(600));
        assert_eq!(p.time_left(now), Some(Duration::from_secs(630)));
    }
}
