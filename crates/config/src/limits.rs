//! The bounds of every size, count, duration and date a user can give flowdeck, in the config
//! file or on the command line, so that nothing typed makes it read, compute or write without
//! limit. The config's keys are checked against them while loading (`bounds.rs`, with
//! file:line:col); the command line's flags through the same functions.

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};

use super::duration::HumanDuration;

/// The largest config (or theme) file read: the documented example is about 15 KiB.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The longest window: about ten years of history, daily buckets stay cheap.
pub const MAX_WINDOW_DAYS: i64 = 3660;

/// The longest item list per table in html and md reports.
pub const MAX_REPORT_ITEMS: u64 = 100_000;

/// The first and last calendar years a date or instant may fall in (`--from`, `--to`,
/// `--now`): before 1970 no version control has history; after 2100 is a typo. Every
/// timestamp a report then writes, the previous window's included, keeps four digits.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 2100;

/// A value out of its bounds: what is wrong and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfBounds {
    /// What is wrong, as a predicate ("is too short"): the caller names the value as the
    /// user wrote it, and where.
    pub problem: String,
    pub hint: String,
}

impl OutOfBounds {
    /// `"3m" is too short; A window is at least …`, for one-line messages (flags).
    pub fn sentence(&self, subject: &str) -> String {
        format!(
            "{subject} {}; {}",
            self.problem,
            lowercase_first(&self.hint)
        )
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The range a duration setting accepts.
#[derive(Debug, Clone, Copy)]
pub struct DurationBounds {
    /// What the setting is, for the hint: "a window", "a poll interval".
    pub what: &'static str,
    pub min_seconds: i64,
    pub max_seconds: i64,
    /// Only whole days (a window: the dashboard, the charts and the bands count days).
    pub whole_days: bool,
}

const DAY: i64 = 86_400;

/// `general.window`, `report --window`, `serve --window`.
pub const WINDOW: DurationBounds = DurationBounds {
    what: "a window",
    min_seconds: DAY,
    max_seconds: MAX_WINDOW_DAYS * DAY,
    whole_days: true,
};

/// `general.backfill`: how far back a first sync reaches.
pub const BACKFILL: DurationBounds = DurationBounds {
    what: "the backfill",
    min_seconds: DAY,
    max_seconds: MAX_WINDOW_DAYS * DAY,
    whole_days: false,
};

/// `general.refresh` and every source's `interval`: a poll more often than each second
/// would only spend rate limits; one less often than daily is not "live".
pub const INTERVAL: DurationBounds = DurationBounds {
    what: "a poll interval",
    min_seconds: 1,
    max_seconds: DAY,
    whole_days: false,
};

/// `incidents.attribution_window`.
pub const ATTRIBUTION_WINDOW: DurationBounds = DurationBounds {
    what: "the attribution window",
    min_seconds: 1,
    max_seconds: 365 * DAY,
    whole_days: false,
};

/// `ui.wall_rotate`.
pub const WALL_ROTATE: DurationBounds = DurationBounds {
    what: "a wall page's time",
    min_seconds: 1,
    max_seconds: DAY,
    whole_days: false,
};

/// A Prometheus source's `gap` (it must exceed the rules' evaluation interval).
pub const ALERT_GAP: DurationBounds = DurationBounds {
    what: "the alert gap",
    min_seconds: 1,
    max_seconds: DAY,
    whole_days: false,
};

/// `[serve] request_timeout`: how long a client may take to send its request.
pub const REQUEST_TIMEOUT: DurationBounds = DurationBounds {
    what: "a request timeout",
    min_seconds: 1,
    max_seconds: 3600,
    whole_days: false,
};

/// `[serve] max_body`'s bounds in bytes: 1 KiB to 1 GiB (a batch is held in memory whole).
pub const MIN_MAX_BODY: u64 = 1 << 10;
pub const MAX_MAX_BODY: u64 = 1 << 30;

/// `[serve] max_body`.
pub fn check_max_body(value: u64) -> Result<(), OutOfBounds> {
    if !(MIN_MAX_BODY..=MAX_MAX_BODY).contains(&value) {
        return Err(OutOfBounds {
            problem: if value < MIN_MAX_BODY {
                "is too small"
            } else {
                "is too large"
            }
            .into(),
            hint: format!(
                "A body limit is {MIN_MAX_BODY} to {MAX_MAX_BODY} bytes (1 KiB to 1 GiB)"
            ),
        });
    }
    Ok(())
}

/// A panel's `compare`: the before/after span of the verdict.
pub const PANEL_COMPARE: DurationBounds = DurationBounds {
    what: "a panel's compare span",
    min_seconds: 60,
    max_seconds: DAY,
    whole_days: false,
};

impl DurationBounds {
    pub fn check(&self, value: HumanDuration) -> Result<(), OutOfBounds> {
        let seconds = value.as_chrono().num_seconds();
        let hint = || self.hint();
        if seconds < self.min_seconds {
            return Err(OutOfBounds {
                problem: "is too short".into(),
                hint: hint(),
            });
        }
        if seconds > self.max_seconds {
            return Err(OutOfBounds {
                problem: "is too long".into(),
                hint: hint(),
            });
        }
        if self.whole_days && seconds % DAY != 0 {
            return Err(OutOfBounds {
                problem: "is not a whole number of days".into(),
                hint: hint(),
            });
        }
        Ok(())
    }

    fn hint(&self) -> String {
        let min = HumanDuration::seconds(self.min_seconds);
        let max = HumanDuration::seconds(self.max_seconds);
        let days = if self.whole_days {
            ", in whole days"
        } else {
            ""
        };
        let about = if self.max_seconds >= 365 * DAY {
            format!(" (about {} years)", self.max_seconds / (365 * DAY))
        } else {
            String::new()
        };
        // "3660d" reads better than "522w6d" for a bound.
        let max_text = if self.max_seconds % (7 * DAY) == 0 || self.max_seconds < DAY {
            max.to_string()
        } else {
            format!("{}d", self.max_seconds / DAY)
        };
        format!(
            "{} is at least \"{min}\" and at most \"{max_text}\"{about}{days}",
            capitalised(self.what)
        )
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `general.report_items`.
pub fn check_report_items(value: u64) -> Result<(), OutOfBounds> {
    if value > MAX_REPORT_ITEMS {
        return Err(OutOfBounds {
            problem: "is too large".into(),
            hint: format!("the longest item list is {MAX_REPORT_ITEMS}; 0 lists none"),
        });
    }
    Ok(())
}

/// The earliest instant a user may name: 1970-01-01T00:00:00Z.
pub fn earliest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(FIRST_YEAR, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// The first instant after the latest a user may name: 2101-01-01T00:00:00Z.
pub fn after_latest() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(LAST_YEAR + 1, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// An instant (`--now`, the ends of `--from`/`--to`) inside the years flowdeck accepts;
/// `end` allows the first instant after the last year (an exclusive end).
pub fn check_instant(at: DateTime<Utc>, end: bool) -> Result<(), OutOfBounds> {
    let inside = if end {
        at > earliest() && at <= after_latest()
    } else {
        at >= earliest() && at < after_latest()
    };
    if inside {
        return Ok(());
    }
    Err(OutOfBounds {
        problem: format!("is outside the years {FIRST_YEAR} to {LAST_YEAR}"),
        hint: "dates and times run from 1970-01-01 to 2100-12-31".into(),
    })
}

/// A window given by its two ends (`--from`, `--to`): at most [`MAX_WINDOW_DAYS`] long.
pub fn check_span(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(), OutOfBounds> {
    let days = (to - from).num_days();
    if (to - from).num_seconds() > MAX_WINDOW_DAYS * DAY {
        return Err(OutOfBounds {
            problem: format!("is {days} days long"),
            hint: format!(
                "a window is at most {MAX_WINDOW_DAYS} days (about 10 years); narrow --from and --to"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duration(text: &str) -> HumanDuration {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_window_is_whole_days_from_one_to_ten_years() {
        assert!(WINDOW.check(duration("1d")).is_ok());
        assert!(WINDOW.check(duration("3660d")).is_ok());
        let short = WINDOW.check(duration("0s")).unwrap_err();
        assert_eq!(short.problem, "is too short");
        assert_eq!(
            short.hint,
            "A window is at least \"1d\" and at most \"3660d\" (about 10 years), in whole days"
        );
        assert_eq!(
            WINDOW.check(duration("3m")).unwrap_err().sentence("\"3m\""),
            "\"3m\" is too short; a window is at least \"1d\" and at most \"3660d\" (about 10 years), in whole days"
        );
        assert_eq!(
            WINDOW.check(duration("36h")).unwrap_err().problem,
            "is not a whole number of days"
        );
        assert_eq!(
            WINDOW.check(duration("3661d")).unwrap_err().problem,
            "is too long"
        );
    }

    #[test]
    fn intervals_run_from_a_second_to_a_day() {
        assert!(INTERVAL.check(duration("1s")).is_ok());
        assert!(INTERVAL.check(duration("1d")).is_ok());
        let error = INTERVAL.check(duration("2d")).unwrap_err();
        assert_eq!(
            error.hint,
            "A poll interval is at least \"1s\" and at most \"1d\""
        );
    }

    #[test]
    fn instants_stay_in_four_digit_years() {
        assert!(check_instant(earliest(), false).is_ok());
        assert!(check_instant(after_latest(), true).is_ok());
        assert!(check_instant(after_latest(), false).is_err());
        let error = check_instant(
            "9999-12-31T00:00:00Z"
                .parse()
                .unwrap_or_else(|_| earliest()),
            true,
        )
        .unwrap_err();
        assert_eq!(error.problem, "is outside the years 1970 to 2100");
    }

    #[test]
    fn report_items_are_bounded() {
        assert!(check_report_items(0).is_ok());
        assert!(check_report_items(MAX_REPORT_ITEMS).is_ok());
        assert_eq!(
            check_report_items(u64::MAX).unwrap_err().problem,
            "is too large"
        );
    }
}
