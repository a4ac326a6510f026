//! The open event format (flowdeck.events/v1, docs/EVENTS.md): any bytes as a batch give a Batch or a
//! BatchError, never a panic; a batch that parses is written back out and read again to the same events.
#![no_main]

use flowdeck_core::events::{ParseOptions, parse_slice, write_events};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A small line limit, so the "line too long" path is reached too.
    let options = ParseOptions {
        max_line_bytes: 4096,
        ..ParseOptions::default()
    };
    let Ok(batch) = parse_slice(data, &options) else {
        return;
    };
    let mut written = Vec::new();
    if write_events(&mut written, &batch.events).is_err() {
        return;
    }
    let again = parse_slice(&written, &ParseOptions::default());
    assert!(again.is_ok(), "flowdeck's own export does not read back: {again:?}");
});
