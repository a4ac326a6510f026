//! `--window`, `--from` and `--to` turned into a window.
//!
//! Calendar dates are days in the configured timezone, both inclusive: [from 00:00, to + 1 day
//! 00:00). RFC 3339 instants are used as given (the end exclusive).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::CommandError;
use crate::cli::ReportArgs;
use crate::config::{HumanDuration, limits};
use crate::metrics::Window;
use crate::metrics::window::start_of_day;
use crate::model::Timestamp;

pub fn resolve(
    args: &ReportArgs,
    default_window: HumanDuration,
    now: Timestamp,
    tz: Tz,
) -> Result<Window, CommandError> {
    let window = match (&args.from, &args.to, args.window) {
        (Some(from_text), Some(to_text), None) => return between(from_text, to_text, tz),
        (None, None, length) => {
            let length = length.unwrap_or(default_window).as_chrono();
            Window::ending(now, length)
        }
        // clap enforces these; kept total for callers that build args by hand.
        _ => {
            return Err(CommandError::Usage(
                "use either --window or both --from and --to".into(),
            ));
        }
    };
    not_empty(window)
}

/// `--from DATE --to DATE`: days in `tz` (both inclusive) or RFC 3339 instants (the end
/// exclusive), as a window that is not empty.
pub fn between(from_text: &str, to_text: &str, tz: Tz) -> Result<Window, CommandError> {
    let from = bound(from_text, tz, Edge::Start)?;
    let to = bound(to_text, tz, Edge::End)?;
    if from < to {
        limits::check_span(from, to).map_err(|o| {
            CommandError::Usage(o.sentence(&format!("the window from {from_text} to {to_text}")))
        })?;
    }
    not_empty(Window::new(from, to))
}

fn not_empty(window: Window) -> Result<Window, CommandError> {
    if window.from >= window.to {
        return Err(CommandError::Usage(format!(
            "the window is empty: {} is not before {}",
            window.from.to_rfc3339(),
            window.to.to_rfc3339()
        )));
    }
    Ok(window)
}

enum Edge {
    Start,
    End,
}

fn bound(text: &str, tz: Tz, edge: Edge) -> Result<Timestamp, CommandError> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let out_of_years = || {
            CommandError::Usage(format!(
                "{text:?} is outside the years {} to {}; dates run from 1970-01-01 to 2100-12-31",
                limits::FIRST_YEAR,
                limits::LAST_YEAR
            ))
        };
        // Checked before any arithmetic: the day after 262143-12-31 does not exist.
        if !(limits::FIRST_YEAR..=limits::LAST_YEAR).contains(&chrono::Datelike::year(&day)) {
            return Err(out_of_years());
        }
        return Ok(match edge {
            Edge::Start => start_of_day(day, tz),
            Edge::End => start_of_day(day + Duration::days(1), tz),
        });
    }
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            CommandError::Usage(format!(
                "{text:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2026-03-01T09:00:00Z)"
            ))
        })?;
    limits::check_instant(at, matches!(edge, Edge::End))
        .map_err(|out| CommandError::Usage(out.sentence(&format!("{text:?}"))))?;
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(window: Option<&str>, from: Option<&str>, to: Option<&str>) -> ReportArgs {
        ReportArgs {
            window: window.map(|w| w.parse().unwrap()),
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            format: None,
            output: None,
            offline: false,
            size: (200, 60),
        }
    }

    fn now() -> Timestamp {
        "2026-03-20T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn dates_are_inclusive_days_in_the_timezone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let w = resolve(
            &args(None, Some("2026-03-01"), Some("2026-03-10")),
            HumanDuration::seconds(86_400),
            now(),
            berlin,
        )
        .unwrap();
        assert_eq!(w.from.to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(w.to.to_rfc3339(), "2026-03-10T23:00:00+00:00");
        assert_eq!(w.days(), 10.0);
    }

    #[test]
    fn instants_are_used_as_given() {
        let w = resolve(
            &args(
                None,
                Some("2026-03-01T06:00:00Z"),
                Some("2026-03-02T06:00:00+01:00"),
            ),
            HumanDuration::seconds(86_400),
            now(),
            Tz::UTC,
        )
        .unwrap();
        assert_eq!(w.from.to_rfc3339(), "2026-03-01T06:00:00+00:00");
        assert_eq!(w.to.to_rfc3339(), "2026-03-02T05:00:00+00:00");
    }

    #[test]
    fn a_window_ends_now() {
        let w = resolve(
            &args(Some("7d"), None, None),
            HumanDuration::seconds(1),
            now(),
            Tz::UTC,
        )
        .unwrap();
        assert_eq!(w.to, now());
        assert_eq!(w.days(), 7.0);
        let w = resolve(
            &args(None, None, None),
            HumanDuration::seconds(86_400),
            now(),
            Tz::UTC,
        )
        .unwrap();
        assert_eq!(w.days(), 1.0);
    }

    #[test]
    fn bad_or_empty_windows_are_usage_errors() {
        let bad = resolve(
            &args(None, Some("yesterday"), Some("2026-03-10")),
            HumanDuration::seconds(1),
            now(),
            Tz::UTC,
        );
        assert!(matches!(bad, Err(CommandError::Usage(m)) if m.contains("yesterday")));
        let empty = resolve(
            &args(None, Some("2026-03-10"), Some("2026-03-01")),
            HumanDuration::seconds(1),
            now(),
            Tz::UTC,
        );
        assert!(matches!(empty, Err(CommandError::Usage(m)) if m.contains("empty")));
    }

    #[test]
    fn dates_and_windows_are_bounded() {
        let error = |from: &str, to: &str| match resolve(
            &args(None, Some(from), Some(to)),
            HumanDuration::seconds(86_400),
            now(),
            Tz::UTC,
        ) {
            Err(CommandError::Usage(message)) => message,
            other => panic!("accepted {from}..{to}: {:?}", other.map(|w| w.days())),
        };
        assert_eq!(
            error("2026-01-01", "9999-12-31"),
            "\"9999-12-31\" is outside the years 1970 to 2100; dates run from 1970-01-01 to 2100-12-31"
        );
        assert!(error("1969-12-31", "2026-01-01").starts_with("\"1969-12-31\" is outside"));
        assert!(
            error("2026-01-01T00:00:00Z", "+10000-01-01T00:00:00Z").contains("neither a date")
                || error("2026-01-01T00:00:00Z", "+10000-01-01T00:00:00Z").contains("outside")
        );
        assert!(
            error("0001-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
                .starts_with("\"0001-01-01T00:00:00Z\" is outside the years 1970 to 2100")
        );
        assert_eq!(
            error("1980-01-01", "2026-01-01"),
            "the window from 1980-01-01 to 2026-01-01 is 16803 days long; a window is at most 3660 days (about 10 years); narrow --from and --to"
        );
        assert!(
            resolve(
                &args(None, Some("2016-06-01"), Some("2026-05-31")),
                HumanDuration::seconds(86_400),
                now(),
                Tz::UTC,
            )
            .is_ok()
        );
    }
}
