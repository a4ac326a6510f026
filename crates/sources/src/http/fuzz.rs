//! The fuzzing entry of the header readers (feature `fuzzing`): Link headers, and the rate-limit
//! headers with Retry-After and the 403/429 body they come with.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LINK};
use url::Url;

use flowdeck_core::model::Timestamp;

use super::{link, ratelimit};

/// The moment the answers arrive.
fn now() -> Timestamp {
    chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or(chrono::DateTime::UNIX_EPOCH)
}

/// `data` is one Link header value.
pub(crate) fn link_header(data: &[u8]) {
    let Ok(base) = Url::parse("https://api.example.com/repos/o/r/pulls?page=2") else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = link::parse_link_header(text, &base);
    }
    if let Ok(value) = HeaderValue::from_bytes(data) {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, value);
        let _ = link::next_link(&headers, &base);
    }
}

/// `data` is header lines (`name: value`), a blank line, then the body of a 403 or 429.
pub(crate) fn ratelimit_headers(data: &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut headers = HeaderMap::new();
    for line in head.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    let now = now();
    let info = ratelimit::RateInfo::from_headers(&headers, now);
    let _ = info.is_known();
    let _ = ratelimit::throttled_until(&headers, now);
    let _ = ratelimit::retry_after(&headers, now);
    for status in [403, 429] {
        if let Some(limit) = ratelimit::classify(status, &headers, body, now) {
            let _ = limit.kind.describe();
        }
    }
}
