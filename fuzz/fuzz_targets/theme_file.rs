//! A user theme file: any text gives theme overrides or a ConfigError, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = flowdeck_config::theme::parse_theme_file(text, Path::new("fuzz-theme.toml"));
});
