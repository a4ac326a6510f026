//! The time the commands take as "now": where the dashboard's window ends, the minute on
//! screen, the collector's notifications. It is the system clock.
//!
//! One exception exists for the time-accelerated soak (`scripts/soak`), and only in a binary
//! built with the `soak` cargo feature (never in a release, a `cargo build` or `cargo test`
//! without it): there, `FLOWDECK_SOAK_CLOCK="START EPOCH SPEED"` makes now
//! `START + (wall clock - EPOCH) * SPEED`, so 30 days of a dashboard and a collector pass in
//! minutes against look-alike servers that read the same clock from the same variable.
//! START is RFC 3339, EPOCH Unix seconds (a real instant, fractions allowed), SPEED a factor
//! from 1 to 100,000. Waits, timeouts and rate limits stay in real time: only the instant the
//! data is measured at moves faster. A value that does not parse is ignored (a warning in
//! the log), so the clock is the system's.

use chrono::Utc;
use flowdeck_core::model::Timestamp;

/// The instant now, for the window's end and the minute on screen.
pub fn now() -> Timestamp {
    #[cfg(feature = "soak")]
    if let Some(clock) = soak::clock() {
        return clock.at(Utc::now());
    }
    Utc::now()
}

#[cfg(feature = "soak")]
mod soak {
    use std::sync::OnceLock;

    use chrono::{DateTime, TimeDelta, Utc};
    use flowdeck_core::model::Timestamp;

    pub(super) const VARIABLE: &str = "FLOWDECK_SOAK_CLOCK";
    const MAX_SPEED: f64 = 100_000.0;

    /// `now = start + (wall - epoch) * speed`.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) struct Accelerated {
        start: Timestamp,
        epoch: Timestamp,
        speed: f64,
    }

    impl Accelerated {
        pub(super) fn at(&self, wall: Timestamp) -> Timestamp {
            let real = (wall - self.epoch).num_microseconds().unwrap_or(0) as f64;
            let simulated = TimeDelta::microseconds((real * self.speed) as i64);
            // Past the calendar's end (an absurd START or EPOCH): the wall clock.
            self.start.checked_add_signed(simulated).unwrap_or(wall)
        }
    }

    pub(super) fn parse(text: &str) -> Option<Accelerated> {
        let mut parts = text.split_whitespace();
        let start = DateTime::parse_from_rfc3339(parts.next()?).ok()?.to_utc();
        let epoch_s: f64 = parts.next()?.parse().ok()?;
        let speed: f64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !(1.0..=MAX_SPEED).contains(&speed) || !epoch_s.is_finite() {
            return None;
        }
        let epoch = DateTime::<Utc>::from_timestamp_micros((epoch_s * 1e6) as i64)?;
        Some(Accelerated {
            start,
            epoch,
            speed,
        })
    }

    /// The clock the variable sets, read once.
    pub(super) fn clock() -> Option<Accelerated> {
        static CLOCK: OnceLock<Option<Accelerated>> = OnceLock::new();
        *CLOCK.get_or_init(|| {
            let text = std::env::var(VARIABLE).ok()?;
            let clock = parse(&text);
            match clock {
                Some(clock) => tracing::warn!(?clock, "soak build: the clock is accelerated"),
                None => tracing::warn!(
                    value = text.as_str(),
                    "{VARIABLE} is not START EPOCH SPEED; using the system clock"
                ),
            }
            clock
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn runs_speed_times_faster_from_its_start() {
            let clock = parse("2026-11-01T00:00:00Z 1000.5 1440").unwrap();
            let wall = DateTime::<Utc>::from_timestamp(1060, 500_000_000).unwrap();
            let expected: Timestamp = "2026-11-02T00:00:00Z".parse().unwrap();
            assert_eq!(clock.at(wall), expected);
        }

        #[test]
        fn an_instant_past_the_calendar_is_the_wall_clock() {
            let clock = parse("9999-01-01T00:00:00Z 0 100000").unwrap();
            let wall = Utc::now();
            assert_eq!(clock.at(wall), wall);
        }

        #[test]
        fn careless_values_leave_the_system_clock() {
            for text in [
                "",
                "2026-11-01T00:00:00Z",
                "2026-11-01T00:00:00Z 10",
                "2026-11-01T00:00:00Z 10 0",
                "2026-11-01T00:00:00Z 10 1e9",
                "2026-11-01T00:00:00Z NaN 10",
                "2026-11-01T00:00:00Z inf 10",
                "2026-11-01T00:00:00Z 10 10 extra",
                "yesterday 10 10",
                "\u{1b}[31m 10 10",
            ] {
                assert_eq!(parse(text), None, "{text:?}");
            }
        }
    }
}
