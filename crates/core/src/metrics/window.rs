//! The time window a measure is computed for, and day boundaries in the configured timezone.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::model::Timestamp;

/// A half-open interval [from, to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    pub fn new(from: Timestamp, to: Timestamp) -> Self {
        Window { from, to }
    }

    /// The window of `length` ending at `to`.
    pub fn ending(to: Timestamp, length: Duration) -> Self {
        Window {
            from: to - length,
            to,
        }
    }

    pub fn length(&self) -> Duration {
        self.to - self.from
    }

    /// Length in days, fractional for windows that are not whole days.
    pub fn days(&self) -> f64 {
        self.length().num_milliseconds() as f64 / 86_400_000.0
    }

    /// The window of the same length that ends where this one starts (the trend's baseline).
    pub fn previous(&self) -> Window {
        Window {
            from: self.from - self.length(),
            to: self.from,
        }
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }
}

/// The calendar day of `t` in `tz`.
pub fn local_day(t: Timestamp, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The instant a calendar day starts in `tz`. Where midnight does not exist (a DST jump at
/// 00:00), the day starts at the first instant that does.
pub fn start_of_day(day: NaiveDate, tz: Tz) -> Timestamp {
    let mut local = day.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.to_utc();
        }
        local += Duration::minutes(30);
    }
    // No zone skips more than two hours; fall back to the day as UTC.
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The Monday of the ISO week `day` lies in.
pub(crate) fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The ISO weeks (as their Mondays) lying wholly inside `window`: Monday 00:00 in `tz` at or
/// after `from`, the next Monday 00:00 at or before `to`.
pub(crate) fn whole_weeks(window: &Window, tz: Tz) -> Vec<NaiveDate> {
    let mut weeks = Vec::new();
    let mut monday = monday_of(local_day(window.from, tz));
    if start_of_day(monday, tz) < window.from {
        monday += Duration::days(7);
    }
    loop {
        let next = monday + Duration::days(7);
        if start_of_day(next, tz) > window.to {
            break;
        }
        weeks.push(monday);
        monday = next;
    }
    weeks
}

/// Local calendar days of many timestamps, as days since the common era. Deployments arrive in
/// time order per service, so caching the last day's bounds makes most lookups two comparisons
/// instead of a timezone conversion.
pub(crate) struct DayIndexer {
    tz: Tz,
    cached: Option<(Timestamp, Timestamp, i32)>,
}

impl DayIndexer {
    pub(crate) fn new(tz: Tz) -> Self {
        DayIndexer { tz, cached: None }
    }

    pub(crate) fn day(&mut self, t: Timestamp) -> i32 {
        if let Some((start, end, day)) = self.cached
            && start <= t
            && t < end
        {
            return day;
        }
        let date = local_day(t, self.tz);
        let start = start_of_day(date, self.tz);
        let end = date.succ_opt().map_or(start + Duration::days(1), |next| {
            start_of_day(next, self.tz)
        });
        let day = date.num_days_from_ce();
        self.cached = Some((start, end, day));
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn previous_window_has_the_same_length_and_ends_at_from() {
        let w = Window::new(t("2026-03-01T00:00:00Z"), t("2026-03-31T00:00:00Z"));
        let p = w.previous();
        assert_eq!(p.to, w.from);
        assert_eq!(p.length(), w.length());
        assert_eq!(w.days(), 30.0);
        assert!(w.contains(w.from) && !w.contains(w.to));
    }

    #[test]
    fn local_day_follows_the_timezone() {
        let tz: Tz = "America/New_York".parse().unwrap();
        // 03:30 UTC on the 10th is still the 9th in New York.
        assert_eq!(
            local_day(t("2026-03-10T03:30:00Z"), tz).to_string(),
            "2026-03-09"
        );
        assert_eq!(
            local_day(t("2026-03-10T03:30:00Z"), Tz::UTC).to_string(),
            "2026-03-10"
        );
    }

    #[test]
    fn whole_weeks_start_on_monday_in_the_timezone() {
        // 2026-03-02 is a Monday.
        let w = Window::new(t("2026-03-02T00:00:00Z"), t("2026-03-23T00:00:00Z"));
        let weeks = whole_weeks(&w, Tz::UTC);
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[0].to_string(), "2026-03-02");
        // In Tokyo, Monday 00:00 is Sunday 15:00 UTC: the first whole week starts a week later,
        // and the last one (ending Monday 23 00:00 Tokyo = 22 15:00 UTC) fits.
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let weeks = whole_weeks(&w, tokyo);
        assert_eq!(
            weeks.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec!["2026-03-09", "2026-03-16"]
        );
    }

    #[test]
    fn day_indexer_agrees_with_local_day_across_dst() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let mut indexer = DayIndexer::new(tz);
        // Hourly through the spring-forward night of 2026-03-29.
        let mut t = t("2026-03-28T18:00:00Z");
        for _ in 0..40 {
            assert_eq!(indexer.day(t), local_day(t, tz).num_days_from_ce(), "{t}");
            t += Duration::hours(1);
        }
    }

    #[test]
    fn short_windows_have_no_whole_week() {
        let w = Window::new(t("2026-03-03T00:00:00Z"), t("2026-03-09T00:00:00Z"));
        assert!(whole_weeks(&w, Tz::UTC).is_empty());
    }
}
