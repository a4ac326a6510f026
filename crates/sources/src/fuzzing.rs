//! Entry points for `fuzz/` (cargo-fuzz), behind the `fuzzing` feature: each takes raw bytes and
//! runs them through a reader of untrusted input. Not part of the API; a target that panics has
//! found a bug.

pub fn github_payloads(data: &[u8]) {
    crate::github::fuzz::payloads(data);
}

pub fn gitlab_payloads(data: &[u8]) {
    crate::gitlab::fuzz::payloads(data);
}

pub fn pagerduty_payloads(data: &[u8]) {
    crate::pagerduty::fuzz::payloads(data);
}

pub fn opsgenie_payloads(data: &[u8]) {
    crate::opsgenie::fuzz::payloads(data);
}

pub fn prometheus_responses(data: &[u8]) {
    crate::prometheus::fuzz::responses(data);
}

pub fn link_header(data: &[u8]) {
    crate::http::fuzz::link_header(data);
}

pub fn ratelimit_headers(data: &[u8]) {
    crate::http::fuzz::ratelimit_headers(data);
}
