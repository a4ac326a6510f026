//! Link headers (RFC 8288) and their rel="next": any bytes, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| flowdeck_sources::fuzzing::link_header(data));
