//! Reading what servers say about their limits: the budget headers on every answer (GitHub's
//! `x-ratelimit-*`, GitLab's and PagerDuty's `RateLimit-*`), Retry-After, Opsgenie's
//! `X-RateLimit-State: THROTTLED` with `X-RateLimit-Period-In-Sec`, and whether a 403/429 is a
//! rate limit at all and how long it asks us to wait.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;

use flowdeck_core::model::Timestamp;

/// A secondary rate limit (GitHub) or abuse detection waits at least this long.
pub(super) const SECONDARY_MIN_WAIT: Duration = Duration::from_secs(60);

/// The rate-limit budget a server last reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset_at: Option<Timestamp>,
}

impl RateInfo {
    /// GitHub's `x-ratelimit-limit/remaining/reset`, else GitLab's and PagerDuty's
    /// `RateLimit-Limit/Remaining/Reset` (reset in epoch seconds; a small number is read as
    /// seconds from `now`, as in the IETF draft and as PagerDuty sends it).
    pub fn from_headers(headers: &HeaderMap, now: Timestamp) -> RateInfo {
        let pick = |github: &str, gitlab: &str| {
            header_u64(headers, github).or_else(|| header_u64(headers, gitlab))
        };
        RateInfo {
            limit: pick("x-ratelimit-limit", "ratelimit-limit"),
            remaining: pick("x-ratelimit-remaining", "ratelimit-remaining"),
            reset_at: pick("x-ratelimit-reset", "ratelimit-reset").and_then(|v| reset_time(v, now)),
        }
    }

    /// Whether any budget header was present.
    pub fn is_known(&self) -> bool {
        self.limit.is_some() || self.remaining.is_some() || self.reset_at.is_some()
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name)?.parse().ok()
}

/// Values below this are deltas in seconds, not epoch seconds (it is September 2001).
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

fn reset_time(value: u64, now: Timestamp) -> Option<Timestamp> {
    if value < EPOCH_THRESHOLD {
        seconds_after(now, value)
    } else {
        Utc.timestamp_opt(i64::try_from(value).ok()?, 0).single()
    }
}

/// `now` plus a wait a server named; None when no timestamp can hold it (a wait of billions of
/// years names no instant, so the caller backs off on its own rather than overflowing).
fn seconds_after(now: Timestamp, seconds: u64) -> Option<Timestamp> {
    let wait = chrono::TimeDelta::try_seconds(i64::try_from(seconds).ok()?)?;
    now.checked_add_signed(wait)
}

/// Opsgenie's throttling: `X-RateLimit-State: THROTTLED` with the window it was counted over,
/// `X-RateLimit-Period-In-Sec` (1 or 60): its token bucket has refilled after one period. `None`
/// without the state, or without a period to wait.
pub(super) fn throttled_until(headers: &HeaderMap, now: Timestamp) -> Option<Timestamp> {
    let state = header_str(headers, "x-ratelimit-state")?;
    if !state.eq_ignore_ascii_case("throttled") {
        return None;
    }
    seconds_after(now, header_u64(headers, "x-ratelimit-period-in-sec")?)
}

/// Retry-After as the instant it names: delay-seconds or an HTTP-date (IMF-fixdate, and the
/// obsolete RFC 850 and asctime forms).
pub(super) fn retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Timestamp> {
    let value = header_str(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return seconds_after(now, seconds);
    }
    http_date(value)
}

fn http_date(value: &str) -> Option<Timestamp> {
    if let Ok(date) = DateTime::parse_from_rfc2822(value) {
        return Some(date.with_timezone(&Utc));
    }
    for format in ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(value, format) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    None
}

/// What kind of limit a 403/429 answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LimitKind {
    /// The hourly/minute budget is spent (x-ratelimit-remaining: 0, "API rate limit exceeded").
    Primary,
    /// GitHub's secondary limits and abuse detection: at least [`SECONDARY_MIN_WAIT`].
    Secondary,
    /// 429 Too Many Requests (GitLab, Opsgenie and others), or a 403 with Retry-After or
    /// Opsgenie's THROTTLED state.
    TooMany,
}

impl LimitKind {
    pub(super) fn describe(self) -> &'static str {
        match self {
            LimitKind::Primary => "primary rate limit",
            LimitKind::Secondary => "secondary rate limit",
            LimitKind::TooMany => "too many requests",
        }
    }
}

/// A rate-limit answer and when the server lets us back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Limit {
    pub kind: LimitKind,
    /// When to try again, if the headers say; `None` means back off exponentially.
    pub resume_at: Option<Timestamp>,
}

/// Reads a 403 or 429 answer: `None` when it is not a rate limit (a plain 403 is a permission
/// problem). `body` is the answer's body; only its first few KiB are looked at.
pub(super) fn classify(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Option<Limit> {
    if status != 403 && status != 429 {
        return None;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_lowercase();
    let secondary = text.contains("secondary rate limit") || text.contains("abuse");
    let rate = RateInfo::from_headers(headers, now);
    let spent = rate.remaining == Some(0);
    let retry_at = retry_after(headers, now);
    let throttled = throttled_until(headers, now);
    let kind = if secondary {
        LimitKind::Secondary
    } else if spent || text.contains("rate limit") {
        LimitKind::Primary
    } else if status == 429 || retry_at.is_some() || throttled.is_some() {
        LimitKind::TooMany
    } else {
        return None;
    };
    // A secondary limit's x-ratelimit-reset is the primary budget's (up to an hour away): only
    // use it when that budget is spent too.
    let resume_at = match kind {
        LimitKind::Secondary => retry_at.or(if spent { rate.reset_at } else { None }),
        LimitKind::Primary | LimitKind::TooMany => retry_at.or(rate.reset_at).or(throttled),
    };
    Some(Limit { kind, resume_at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn now() -> Timestamp {
        Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn github_and_gitlab_budget_headers() {
        let h = headers(&[
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", "1740834000"),
        ]);
        let info = RateInfo::from_headers(&h, now());
        assert_eq!(info.limit, Some(5000));
        assert_eq!(info.remaining, Some(4999));
        assert_eq!(info.reset_at, Utc.timestamp_opt(1_740_834_000, 0).single());

        let h = headers(&[
            ("RateLimit-Limit", "600"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "1740830460"),
        ]);
        let info = RateInfo::from_headers(&h, now());
        assert_eq!(info.remaining, Some(0));
        assert_eq!(info.reset_at, Utc.timestamp_opt(1_740_830_460, 0).single());

        let h = headers(&[("ratelimit-reset", "42")]);
        let info = RateInfo::from_headers(&h, now());
        assert_eq!(info.reset_at, Some(now() + chrono::Duration::seconds(42)));
        assert!(!RateInfo::from_headers(&HeaderMap::new(), now()).is_known());
    }

    #[test]
    fn retry_after_forms() {
        let at = |v: &str| retry_after(&headers(&[("retry-after", v)]), now());
        assert_eq!(at("30"), Some(now() + chrono::Duration::seconds(30)));
        let expected = Utc.with_ymd_and_hms(2025, 3, 1, 12, 5, 0).single();
        assert_eq!(at("Sat, 01 Mar 2025 12:05:00 GMT"), expected);
        assert_eq!(at("Saturday, 01-Mar-25 12:05:00 GMT"), expected);
        assert_eq!(at("Sat Mar  1 12:05:00 2025"), expected);
        assert_eq!(at("soon"), None);
    }

    #[test]
    fn plain_403_is_not_a_limit() {
        let body = br#"{"message":"Resource not accessible by integration"}"#;
        let h = headers(&[("x-ratelimit-remaining", "4000")]);
        assert_eq!(classify(403, &h, body, now()), None);
        assert_eq!(classify(404, &h, b"rate limit", now()), None);
    }

    #[test]
    fn github_primary_limit_waits_for_reset() {
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1740830520"),
        ]);
        let limit = classify(403, &h, b"{\"message\":\"API rate limit exceeded\"}", now()).unwrap();
        assert_eq!(limit.kind, LimitKind::Primary);
        assert_eq!(
            limit.resume_at,
            Utc.timestamp_opt(1_740_830_520, 0).single()
        );
    }

    #[test]
    fn secondary_limit_ignores_primary_reset_unless_spent() {
        let body = b"{\"message\":\"You have exceeded a secondary rate limit.\"}";
        let h = headers(&[
            ("x-ratelimit-remaining", "4000"),
            ("x-ratelimit-reset", "1740833000"),
        ]);
        let limit = classify(403, &h, body, now()).unwrap();
        assert_eq!(limit.kind, LimitKind::Secondary);
        assert_eq!(limit.resume_at, None);
        let h = headers(&[("retry-after", "30")]);
        let limit = classify(403, &h, body, now()).unwrap();
        assert_eq!(limit.resume_at, Some(now() + chrono::Duration::seconds(30)));
        let abuse = classify(403, &HeaderMap::new(), b"abuse detection mechanism", now());
        assert_eq!(abuse.map(|l| l.kind), Some(LimitKind::Secondary));
    }

    #[test]
    fn too_many_requests() {
        let limit = classify(429, &HeaderMap::new(), b"Retry later", now()).unwrap();
        assert_eq!(
            limit,
            Limit {
                kind: LimitKind::TooMany,
                resume_at: None
            }
        );
        let h = headers(&[("RateLimit-Reset", "1740830460")]);
        let limit = classify(429, &h, b"Retry later", now()).unwrap();
        assert_eq!(
            limit.resume_at,
            Utc.timestamp_opt(1_740_830_460, 0).single()
        );
    }

    #[test]
    fn pagerduty_429_waits_the_reset_seconds() {
        // PagerDuty's RateLimit-Reset is the number of seconds until the budget refills.
        let h = headers(&[
            ("ratelimit-limit", "960"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "37"),
        ]);
        let body = br#"{"error":{"message":"Rate Limit Exceeded","code":2020}}"#;
        let limit = classify(429, &h, body, now()).unwrap();
        assert_eq!(limit.kind, LimitKind::Primary);
        assert_eq!(limit.resume_at, Some(now() + chrono::Duration::seconds(37)));
        let info = RateInfo::from_headers(&h, now());
        assert_eq!((info.limit, info.remaining), (Some(960), Some(0)));
        // Another dimension spent while this token's budget is not: the reset still says when.
        let h = headers(&[("ratelimit-remaining", "12"), ("ratelimit-reset", "5")]);
        let limit = classify(429, &h, b"{}", now()).unwrap();
        assert_eq!(limit.kind, LimitKind::TooMany);
        assert_eq!(limit.resume_at, Some(now() + chrono::Duration::seconds(5)));
    }

    #[test]
    fn opsgenie_throttled_waits_one_period() {
        let h = headers(&[
            ("X-RateLimit-State", "THROTTLED"),
            ("X-RateLimit-Reason", "INTEGRATION"),
            ("X-RateLimit-Period-In-Sec", "60"),
        ]);
        let body =
            br#"{"message":"You are making too many requests!","took":0.0,"requestId":"r1"}"#;
        let limit = classify(429, &h, body, now()).unwrap();
        assert_eq!(limit.kind, LimitKind::TooMany);
        assert_eq!(limit.resume_at, Some(now() + chrono::Duration::seconds(60)));
        assert_eq!(
            throttled_until(&h, now()),
            Some(now() + chrono::Duration::seconds(60))
        );
        // Retry-After, when a proxy adds one, is more exact and wins.
        let mut with_retry = h.clone();
        with_retry.insert("retry-after", HeaderValue::from_static("3"));
        let limit = classify(429, &with_retry, body, now()).unwrap();
        assert_eq!(limit.resume_at, Some(now() + chrono::Duration::seconds(3)));
        // A 403 carrying the throttled state is a limit too, not a permission problem.
        let limit = classify(403, &h, b"{}", now()).unwrap();
        assert_eq!(limit.kind, LimitKind::TooMany);
        // OK state, or no period: nothing to wait for from these headers.
        let ok = headers(&[
            ("X-RateLimit-State", "OK"),
            ("X-RateLimit-Period-In-Sec", "60"),
        ]);
        assert_eq!(throttled_until(&ok, now()), None);
        assert_eq!(classify(403, &ok, b"{}", now()), None);
        let no_period = headers(&[("X-RateLimit-State", "THROTTLED")]);
        assert_eq!(throttled_until(&no_period, now()), None);
        assert_eq!(
            classify(429, &no_period, b"{}", now()).unwrap().resume_at,
            None
        );
    }

    #[test]
    fn a_wait_no_timestamp_can_hold_names_no_instant() {
        // Found reading the code for the fuzz target ratelimit_headers: a Retry-After or an
        // Opsgenie period past chrono's range overflowed `now + seconds` and panicked.
        for huge in [
            "9999999999999999",
            "9223372036854775807",
            "18446744073709551615",
        ] {
            let h = headers(&[("retry-after", huge)]);
            assert_eq!(retry_after(&h, now()), None);
            let h = headers(&[
                ("x-ratelimit-state", "THROTTLED"),
                ("x-ratelimit-period-in-sec", huge),
            ]);
            assert_eq!(throttled_until(&h, now()), None);
            let limit = classify(429, &h, b"", now()).unwrap();
            assert_eq!(limit.kind, LimitKind::TooMany);
            assert_eq!(limit.resume_at, None);
        }
    }
}
