//! The config loader: any text as a config file gives a Config or a ConfigError, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = flowdeck_config::parse(text, Path::new("fuzz.toml"));
});
