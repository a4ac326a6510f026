//! rate-limit headers, Retry-After and the 403/429 bodies they come with: any bytes, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| flowdeck_sources::fuzzing::ratelimit_headers(data));
