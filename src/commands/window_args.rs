//! `--window`, `--from` and `--to` turned into a window, by the parser config and the
//! dashboard's prompt share (`config::window`).
//!
//! Calendar dates are days in the configured timezone, both inclusive: [from 00:00, to + 1 day
//! 00:00). RFC 3339 instants are used as given (the end exclusive). A window in the future is
//! refused.

use chrono_tz::Tz;

use super::CommandError;
use crate::cli::WindowArgs;
use crate::config::HumanDuration;
use crate::config::window::{WindowError, WindowSpec};
use crate::metrics::Window;
use crate::model::Timestamp;

/// The window the flags ask for, `default_window` ending now without any.
pub fn resolve(
    args: &WindowArgs,
    default_window: HumanDuration,
    now: Timestamp,
    tz: Tz,
) -> Result<Window, CommandError> {
    spec(args, default_window)?.resolve(now, tz).map_err(usage)
}

/// What the flags ask for, before the clock places it.
pub fn spec(args: &WindowArgs, default_window: HumanDuration) -> Result<WindowSpec, CommandError> {
    match (&args.from, &args.to, args.window) {
        (Some(from), Some(to), None) => WindowSpec::between(from, to).map_err(usage),
        (None, None, length) => Ok(WindowSpec::Length(length.unwrap_or(default_window))),
        // clap enforces these; kept total for callers that build args by hand.
        _ => Err(CommandError::Usage(
            "use either --window or both --from and --to".into(),
        )),
    }
}

fn usage(error: WindowError) -> CommandError {
    CommandError::Usage(match error {
        WindowError::TooLong { .. } => format!("{error}; narrow --from and --to"),
        other => other.to_string(),
    })
}

/// `--from DATE --to DATE` alone (`export`): the same parser and bounds as every window.
pub fn between(from: &str, to: &str, now: Timestamp, tz: Tz) -> Result<Window, CommandError> {
    WindowSpec::between(from, to)
        .map_err(usage)?
        .resolve(now, tz)
        .map_err(usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(window: Option<&str>, from: Option<&str>, to: Option<&str>) -> WindowArgs {
        WindowArgs {
            window: window.map(|w| w.parse().unwrap()),
            from: from.map(str::to_string),
            to: to.map(str::to_string),
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
                &args(None, Some("2016-03-20"), Some("2026-03-19")),
                HumanDuration::seconds(86_400),
                now(),
                Tz::UTC,
            )
            .is_ok()
        );
        // A window that ends after today is refused, not rated.
        assert!(error("2026-03-01", "2026-05-31").contains("after today"));
    }
}
