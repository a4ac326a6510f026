//! The one parser of every window a user types: `general.window` in the config, `--window`,
//! `--from` and `--to` on the command line (report, serve and the dashboard), and the
//! dashboard's `W` prompt. All of them accept and refuse the same things with the same words.
//!
//! A window is either a length ending now ("30d": whole days, within [`limits::WINDOW`]) or
//! two ends, each a calendar day (inclusive, in the configured timezone) or an RFC 3339
//! instant (the end exclusive). Windows in the future are refused: flowdeck measures what has
//! happened (docs/METRICS.md#window-parsing).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::duration::{DurationError, HumanDuration};
use super::limits::{self, OutOfBounds};
use flowdeck_core::metrics::Window;
use flowdeck_core::metrics::window::{local_day, start_of_day};
use flowdeck_core::model::Timestamp;

/// How to write a window, for prompts and hints.
pub const WINDOW_HINT: &str = "a length like 14d, or dates like 2026-11-01..2026-11-14";

/// One end of a window as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowEnd {
    /// A calendar day in the configured timezone, inclusive at both ends.
    Day(NaiveDate),
    /// An instant: the start inclusive, the end exclusive.
    Instant(DateTime<Utc>),
}

/// A window as typed, before the clock and the timezone place it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowSpec {
    /// A length ending now.
    Length(HumanDuration),
    /// From one end to the other.
    Between { from: WindowEnd, to: WindowEnd },
}

/// Why a typed window cannot be used: one sentence, naming what was typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("{0}")]
    Length(String),
    #[error("{input:?} is not a window: write {WINDOW_HINT}")]
    Unreadable { input: String },
    #[error("{input:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2026-03-01T09:00:00Z)")]
    NotADate { input: String },
    #[error("{0}")]
    OutOfYears(String),
    #[error(
        "the window from {from} to {to} is {days} days long; a window is at most {} days (about 10 years)",
        limits::MAX_WINDOW_DAYS
    )]
    TooLong { from: String, to: String, days: i64 },
    #[error("the window is empty: {from} is not before {to}")]
    Empty { from: String, to: String },
    #[error(
        "the window {edge} {at}, after today ({today}): flowdeck measures what has happened, so end it today or earlier"
    )]
    Future {
        edge: &'static str,
        at: String,
        today: String,
    },
}

impl WindowSpec {
    /// The prompt's form: a length, or `FROM..TO`.
    pub fn parse(text: &str) -> Result<WindowSpec, WindowError> {
        let text = text.trim();
        if let Some((from, to)) = text.split_once("..") {
            return WindowSpec::between(from, to);
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) && !looks_like_a_date(text) {
            return parse_length(text).map(WindowSpec::Length);
        }
        Err(WindowError::Unreadable {
            input: text.to_string(),
        })
    }

    /// `--from` and `--to`.
    pub fn between(from: &str, to: &str) -> Result<WindowSpec, WindowError> {
        Ok(WindowSpec::Between {
            from: parse_end(from.trim(), false)?,
            to: parse_end(to.trim(), true)?,
        })
    }

    /// Places the window: a length ends at `now`; days are whole days in `tz`. Refuses an
    /// empty window, one longer than the longest, and one that starts or ends after today.
    pub fn resolve(&self, now: Timestamp, tz: Tz) -> Result<Window, WindowError> {
        let (from, to) = match *self {
            WindowSpec::Length(length) => return Ok(Window::ending(now, length.as_chrono())),
            WindowSpec::Between { from, to } => (from, to),
        };
        let today = local_day(now, tz);
        let future = |edge: &'static str, at: String| WindowError::Future {
            edge,
            at,
            today: today.to_string(),
        };
        let start = match from {
            WindowEnd::Day(day) if day > today => {
                return Err(future("starts", day.to_string()));
            }
            WindowEnd::Day(day) => start_of_day(day, tz),
            WindowEnd::Instant(at) if at >= now => return Err(future("starts", at.to_rfc3339())),
            WindowEnd::Instant(at) => at,
        };
        let end = match to {
            WindowEnd::Day(day) if day > today => return Err(future("ends", day.to_string())),
            WindowEnd::Day(day) => start_of_day(day + Duration::days(1), tz),
            WindowEnd::Instant(at) if at > now => return Err(future("ends", at.to_rfc3339())),
            WindowEnd::Instant(at) => at,
        };
        if start >= end {
            return Err(WindowError::Empty {
                from: describe(from),
                to: describe(to),
            });
        }
        if limits::check_span(start, end).is_err() {
            return Err(WindowError::TooLong {
                from: describe(from),
                to: describe(to),
                days: (end - start).num_days(),
            });
        }
        Ok(Window::new(start, end))
    }
}

/// A window's length (`general.window`, `--window`, `serve --window`): a duration within the
/// bounds every window has.
pub fn parse_length(text: &str) -> Result<HumanDuration, WindowError> {
    let length: HumanDuration = text
        .parse()
        .map_err(|e: DurationError| WindowError::Length(e.to_string()))?;
    check_length(text, length)?;
    Ok(length)
}

/// [`parse_length`]'s bounds on a duration already read (the config's deserializer reads it),
/// `text` being what was written.
pub fn check_length(text: &str, length: HumanDuration) -> Result<(), WindowError> {
    length_bounds(text, length)
        .map_err(|out| WindowError::Length(out.sentence(&format!("{:?}", text.trim()))))
}

/// The bounds every window length has, the hint naming the one slip people make: "3m"
/// meant as three months.
pub fn length_bounds(text: &str, length: HumanDuration) -> Result<(), OutOfBounds> {
    limits::WINDOW.check(length).map_err(|mut out| {
        if let Some(months) = minutes_meant_as_months(text) {
            out.hint.push_str(&format!(
                " (\"m\" is minutes: for {months} months write \"{}d\")",
                months * 30
            ));
        }
        out
    })
}

/// "3m" read as minutes was probably meant as months.
fn minutes_meant_as_months(text: &str) -> Option<i64> {
    let number = text.trim().strip_suffix('m')?;
    let months: i64 = number.parse().ok()?;
    (1..=120).contains(&months).then_some(months)
}

/// "2026-11-01" or "2026-11-01T09:00:00Z": read as the start of a `FROM..TO`, not a length.
fn looks_like_a_date(text: &str) -> bool {
    text.len() >= 8 && text.as_bytes().get(4) == Some(&b'-')
}

fn parse_end(text: &str, end: bool) -> Result<WindowEnd, WindowError> {
    let out_of_years = |input: &str| {
        WindowError::OutOfYears(format!(
            "{input:?} is outside the years {} to {}; dates run from 1970-01-01 to 2100-12-31",
            limits::FIRST_YEAR,
            limits::LAST_YEAR
        ))
    };
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        // Checked before any arithmetic: the day after 262143-12-31 does not exist.
        if !(limits::FIRST_YEAR..=limits::LAST_YEAR).contains(&day.year()) {
            return Err(out_of_years(text));
        }
        return Ok(WindowEnd::Day(day));
    }
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| WindowError::NotADate {
            input: text.to_string(),
        })?;
    // An exclusive end may be the first instant after the last year; a start may not.
    limits::check_instant(at, end)
        .map_err(|out| WindowError::OutOfYears(out.sentence(&format!("{text:?}"))))?;
    Ok(WindowEnd::Instant(at))
}

fn describe(end: WindowEnd) -> String {
    match end {
        WindowEnd::Day(day) => day.to_string(),
        WindowEnd::Instant(at) => at.to_rfc3339(),
    }
}

/// What each kind of input does, for the tests of every place that reads a window (config,
/// flags and prompt share this table): the text, and `Ok(days)` of the window it gives at
/// [`EXAMPLES_NOW`] in UTC, or `Err(words the refusal contains)`.
#[doc(hidden)]
pub const EXAMPLES: &[(&str, Result<f64, &str>)] = &[
    ("14d", Ok(14.0)),
    ("2w", Ok(14.0)),
    ("1d", Ok(1.0)),
    ("3660d", Ok(3660.0)),
    (
        "3m",
        Err(
            "\"3m\" is too short; a window is at least \"1d\" and at most \"3660d\" (about 10 years), in whole days (\"m\" is minutes: for 3 months write \"90d\")",
        ),
    ),
    ("36h", Err("\"36h\" is not a whole number of days")),
    ("0d", Err("\"0d\" is too short")),
    ("3661d", Err("\"3661d\" is too long")),
    ("banana", Err("not a window")),
    ("2026-11-01..2026-11-14", Ok(14.0)),
    ("2026-11-20..2026-11-20", Ok(1.0)),
    ("2026-11-14..2026-11-01", Err("the window is empty")),
    (
        "2026-11-01..2026-11-30",
        Err("the window ends 2026-11-30, after today (2026-11-20)"),
    ),
    (
        "2026-12-01..2026-12-14",
        Err("the window starts 2026-12-01, after today (2026-11-20)"),
    ),
    ("2026-13-01..2026-11-14", Err("is neither a date")),
    (
        "1969-12-31..2026-01-01",
        Err("is outside the years 1970 to 2100"),
    ),
    (
        "1980-01-01..2026-01-01",
        Err("is 16803 days long; a window is at most 3660 days"),
    ),
    ("2026-11-01T06:00:00Z..2026-11-02T06:00:00Z", Ok(1.0)),
];

/// The clock [`EXAMPLES`] are placed at.
#[doc(hidden)]
pub const EXAMPLES_NOW: &str = "2026-11-20T14:30:00Z";

/// Splits an example into what the command line takes: `--window X`, or `--from A --to B`.
#[doc(hidden)]
pub fn example_flags(text: &str) -> Vec<String> {
    match text.split_once("..") {
        Some((from, to)) => vec!["--from".into(), from.into(), "--to".into(), to.into()],
        None => vec!["--window".into(), text.into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        EXAMPLES_NOW.parse().unwrap_or_default()
    }

    #[test]
    fn every_example_reads_as_documented() {
        for (text, expected) in EXAMPLES {
            let got = WindowSpec::parse(text).and_then(|spec| spec.resolve(now(), Tz::UTC));
            match (got, expected) {
                (Ok(window), Ok(days)) => assert_eq!(window.days(), *days, "{text}"),
                (Err(error), Err(words)) => {
                    assert!(error.to_string().contains(words), "{text}: {error}")
                }
                (got, expected) => panic!("{text}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn dates_are_inclusive_days_in_the_timezone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap_or(Tz::UTC);
        let window = WindowSpec::between("2026-03-01", "2026-03-10")
            .and_then(|spec| spec.resolve(now(), berlin))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(window.from.to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(window.to.to_rfc3339(), "2026-03-10T23:00:00+00:00");
    }

    #[test]
    fn a_length_ends_now() {
        let window = WindowSpec::parse("7d")
            .and_then(|spec| spec.resolve(now(), Tz::UTC))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(window.to, now());
        assert_eq!(window.days(), 7.0);
    }

    #[test]
    fn the_end_of_the_years_is_an_exclusive_end_only() {
        assert!(WindowSpec::between("2026-01-01T00:00:00Z", "2101-01-01T00:00:00Z").is_ok());
        assert!(matches!(
            WindowSpec::between("2101-01-01T00:00:00Z", "2101-01-02T00:00:00Z"),
            Err(WindowError::OutOfYears(_))
        ));
        assert!(matches!(
            WindowSpec::between("0001-01-01T00:00:00Z", "2026-01-01"),
            Err(WindowError::OutOfYears(_))
        ));
    }

    #[test]
    fn hostile_input_is_refused_plainly() {
        for text in [
            "",
            "..",
            "\u{1b}[2J",
            "9999999999999999999999d",
            "2026-11-01..",
            "..2026-11-01",
            "2026-11-01...2026-11-02",
            &"9".repeat(10_000),
        ] {
            assert!(
                WindowSpec::parse(text)
                    .and_then(|s| s.resolve(now(), Tz::UTC))
                    .is_err(),
                "{text:?}"
            );
        }
    }
}
