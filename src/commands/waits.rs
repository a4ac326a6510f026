//! What `flowdeck report` says on stderr while its sync waits (a rate limit's reset, a
//! `Retry-After`, a retry's backoff), and when it stops waiting at `--max-wait`: a report
//! never waits without a word, and never longer than the user allowed.

use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;

use crate::poller::{self, SyncReport};
use crate::sources::http::{HttpClient, Waiting};
use crate::text::{human_duration, sanitize};

/// Waits shorter than this (a quick retry's backoff) go unsaid.
const WORTH_SAYING: Duration = Duration::from_secs(2);

/// From now on, every wait of `http`'s requests of at least [`WORTH_SAYING`] is said on
/// stderr, with the time `--max-wait` (`limit`) ends it when that comes first.
pub fn say_waits(http: &HttpClient, timezone: Tz, limit: Duration) {
    let ends = chrono::Utc::now() + chrono::Duration::from_std(limit).unwrap_or_default();
    http.observe_waits(Arc::new(move |waiting: &Waiting| {
        if waiting.wait >= WORTH_SAYING {
            eprintln!("{}", sentence(waiting, timezone, limit, ends));
        }
    }));
}

/// "flowdeck: waiting for github:acme/api's rate limit until 14:05:12 (4m 50s)…".
fn sentence(
    waiting: &Waiting,
    timezone: Tz,
    limit: Duration,
    ends: chrono::DateTime<chrono::Utc>,
) -> String {
    let at = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&timezone).format("%H:%M:%S").to_string()
    };
    let whose = match &waiting.source {
        Some(source) => format!("{}'s", sanitize(source)),
        None => format!("{}'s", sanitize(&waiting.host)),
    };
    let mut line = format!(
        "flowdeck: waiting for {whose} {} until {} ({})…",
        waiting.what,
        at(waiting.until),
        minutes_seconds(waiting.wait)
    );
    if waiting.until > ends {
        line.push_str(&format!(
            " --max-wait {} ends the wait at {}, then the report uses the stored history",
            minutes_seconds(limit),
            at(ends)
        ));
    }
    line
}

/// After the sync: the sources `--max-wait` cut, said once.
pub fn say_cut(reports: &[SyncReport], limit: Duration) {
    let cut: Vec<String> = reports
        .iter()
        .filter_map(|report| match report {
            SyncReport::Failed { source, error, .. } if poller::gave_up(error) => {
                Some(sanitize(source))
            }
            _ => None,
        })
        .collect();
    if !cut.is_empty() {
        eprintln!(
            "flowdeck: stopped waiting after --max-wait {}; reporting from the stored history with {} marked stale",
            minutes_seconds(limit),
            cut.join(", ")
        );
    }
}

/// "4m 50s", "12s", "1h 5m".
fn minutes_seconds(wait: Duration) -> String {
    let s = wait.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3_600 if s.is_multiple_of(60) => format!("{}m", s / 60),
        60..3_600 => format!("{}m {}s", s / 60, s % 60),
        _ => human_duration(i64::try_from(s).unwrap_or(i64::MAX)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn says_whose_wait_what_for_and_until_when() {
        let waiting = Waiting {
            source: Some("github:acme/api".into()),
            host: "api.github.com".into(),
            what: "rate limit".into(),
            until: at("2026-03-31T14:05:12Z"),
            wait: Duration::from_secs(290),
        };
        let ends = at("2026-03-31T14:01:22Z");
        assert_eq!(
            sentence(&waiting, chrono_tz::UTC, Duration::from_secs(60), ends),
            "flowdeck: waiting for github:acme/api's rate limit until 14:05:12 (4m 50s)… --max-wait 1m ends the wait at 14:01:22, then the report uses the stored history"
        );
        let soon = Waiting {
            until: at("2026-03-31T14:00:52Z"),
            wait: Duration::from_secs(30),
            source: None,
            ..waiting
        };
        assert_eq!(
            sentence(
                &soon,
                chrono_tz::Europe::Berlin,
                Duration::from_secs(60),
                ends
            ),
            "flowdeck: waiting for api.github.com's rate limit until 16:00:52 (30s)…"
        );
    }

    #[test]
    fn a_hostile_source_name_is_made_inert() {
        let waiting = Waiting {
            source: Some("evil\u{1b}[2J".into()),
            host: "h".into(),
            what: "rate limit".into(),
            until: at("2026-03-31T14:05:12Z"),
            wait: Duration::from_secs(5),
        };
        let line = sentence(
            &waiting,
            chrono_tz::UTC,
            Duration::from_secs(60),
            at("2026-03-31T15:00:00Z"),
        );
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(Duration::from_secs(2)), "2s");
        assert_eq!(minutes_seconds(Duration::from_secs(290)), "4m 50s");
        assert_eq!(minutes_seconds(Duration::from_secs(300)), "5m");
        assert_eq!(minutes_seconds(Duration::from_secs(3_900)), "1h 5m");
    }
}
