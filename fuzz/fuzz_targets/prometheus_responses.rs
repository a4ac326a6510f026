//! Prometheus' query and alert responses and Alertmanager's alerts, read into runs and incidents: any bytes, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| flowdeck_sources::fuzzing::prometheus_responses(data));
