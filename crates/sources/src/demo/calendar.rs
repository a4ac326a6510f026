//! The working-day grid the demo history is laid out on.
//!
//! History is written in *working days back* (day 0 is the last weekday strictly before the date
//! of `now`, day 1 the weekday before it, ...) and minutes after 00:00 UTC on that day. Laying the
//! story out on weekdays keeps weekends quiet whatever weekday `now` falls on, and keeps every
//! generated name and number the same for any `now`: only the mapping to calendar dates moves.
//! Items that must sit close to `now` (the open incident, running pipelines) are placed relative
//! to `now` instead, never more than five hours back; grid items that start something (a pull
//! request, a pipeline run, a deployment, an incident) do so by 19:00 on their day, which is at
//! least five hours before the next midnight, so the two never interleave and ids given in order
//! of time come out the same for every `now`.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta, Weekday};

use flowdeck_core::model::Timestamp;

/// How many working days back the grid reaches (the baseline deployments sit near 68).
const GRID_DAYS: usize = 80;

/// A position on the grid: working days back and minutes after 00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    pub day: u32,
    pub minute: u32,
}

impl Slot {
    pub(super) const fn new(day: u32, hour: u32, minute: u32) -> Slot {
        Slot {
            day,
            minute: hour * 60 + minute,
        }
    }

    /// A monotonic "grid minute" (later is larger), for ordering and sampling between slots.
    pub(super) fn grid_minute(self) -> i64 {
        -(i64::from(self.day) * 1440) + i64::from(self.minute)
    }

    /// The slot of a grid minute (the inverse of [`Slot::grid_minute`]).
    pub(super) fn from_grid_minute(grid_minute: i64) -> Slot {
        let day = (-grid_minute).div_euclid(1440) + i64::from((-grid_minute).rem_euclid(1440) != 0);
        let minute = grid_minute + day * 1440;
        Slot {
            day: u32::try_from(day).unwrap_or(0),
            minute: u32::try_from(minute).unwrap_or(0),
        }
    }
}

/// Office hours on the grid, in which people write, review and merge code: 08:00-19:00 UTC.
const OFFICE_START: u32 = 8 * 60;
pub(super) const OFFICE_DAY: i64 = 11 * 60;

impl Slot {
    /// A monotonic "office minute": like [`Slot::grid_minute`] but counting office hours only,
    /// so durations subtracted from it skip nights and weekends. Times outside office hours
    /// clamp to its edges.
    pub(super) fn office_minute(self) -> i64 {
        let inside = (i64::from(self.minute) - i64::from(OFFICE_START)).clamp(0, OFFICE_DAY);
        -(i64::from(self.day) * OFFICE_DAY) + inside
    }

    /// The slot of an office minute (the inverse of [`Slot::office_minute`] inside office hours).
    pub(super) fn from_office_minute(office_minute: i64) -> Slot {
        let back = -office_minute;
        let day = back.div_euclid(OFFICE_DAY) + i64::from(back.rem_euclid(OFFICE_DAY) != 0);
        let inside = office_minute + day * OFFICE_DAY;
        Slot {
            day: u32::try_from(day).unwrap_or(0),
            minute: OFFICE_START + u32::try_from(inside).unwrap_or(0),
        }
    }
}

/// Maps grid slots to timestamps for one `now`.
pub(super) struct Grid {
    now: Timestamp,
    days: Vec<NaiveDate>,
}

impl Grid {
    pub(super) fn new(now: Timestamp) -> Grid {
        let mut days = Vec::with_capacity(GRID_DAYS);
        let mut date = now.date_naive();
        while days.len() < GRID_DAYS {
            date -= TimeDelta::days(1);
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                days.push(date);
            }
        }
        Grid { now, days }
    }

    pub(super) fn now(&self) -> Timestamp {
        self.now
    }

    /// The timestamp of a grid slot.
    pub(super) fn at(&self, slot: Slot) -> Timestamp {
        let date = match self.days.get(slot.day as usize) {
            Some(date) => *date,
            // Past the precomputed grid: continue at five weekdays per week (never used by the
            // story tables, which stay inside GRID_DAYS).
            None => {
                let last = self.days.last().copied().unwrap_or(self.now.date_naive());
                let extra = i64::from(slot.day) - (GRID_DAYS as i64 - 1);
                last - TimeDelta::days(extra / 5 * 7 + extra % 5)
            }
        };
        date.and_time(NaiveTime::MIN).and_utc() + TimeDelta::minutes(i64::from(slot.minute))
    }

    /// A grid minute (see [`Slot::grid_minute`]) plus a few real seconds.
    pub(super) fn at_minute(&self, grid_minute: i64, seconds: i64) -> Timestamp {
        self.at(Slot::from_grid_minute(grid_minute)) + TimeDelta::seconds(seconds)
    }

    /// An office minute (see [`Slot::office_minute`]) plus a few real seconds.
    pub(super) fn at_office(&self, office_minute: i64, seconds: i64) -> Timestamp {
        self.at(Slot::from_office_minute(office_minute)) + TimeDelta::seconds(seconds)
    }

    /// `minutes` before `now` (the now cluster).
    pub(super) fn before_now(&self, minutes: i64, seconds: i64) -> Timestamp {
        self.now - TimeDelta::minutes(minutes) - TimeDelta::seconds(seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn grid_skips_weekends_and_today() {
        // Monday 2025-03-10 15:00 UTC: day 0 is Friday 7th, day 5 Friday 28th of February.
        let now = Utc.with_ymd_and_hms(2025, 3, 10, 15, 0, 0).unwrap();
        let grid = Grid::new(now);
        let expect = |d, h, m| Utc.with_ymd_and_hms(2025, 3, d, h, m, 0).unwrap();
        assert_eq!(grid.at(Slot::new(0, 9, 30)), expect(7, 9, 30));
        assert_eq!(grid.at(Slot::new(4, 0, 0)), expect(3, 0, 0));
        assert_eq!(
            grid.at(Slot::new(5, 0, 0)),
            Utc.with_ymd_and_hms(2025, 2, 28, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn grid_and_office_minutes_round_trip() {
        for slot in [
            Slot::new(0, 8, 0),
            Slot::new(3, 17, 59),
            Slot::new(68, 9, 5),
        ] {
            assert_eq!(Slot::from_grid_minute(slot.grid_minute()), slot);
            assert_eq!(Slot::from_office_minute(slot.office_minute()), slot);
        }
        // Office time skips the night: an hour before 08:30 is 18:30 the working day before.
        let morning = Slot::new(2, 8, 30).office_minute();
        assert_eq!(Slot::from_office_minute(morning - 60), Slot::new(3, 18, 30));
    }
}
