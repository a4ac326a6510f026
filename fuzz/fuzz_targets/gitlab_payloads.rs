//! GitLab's REST payloads, decoded and translated: any bytes, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| flowdeck_sources::fuzzing::gitlab_payloads(data));
