//! The `flowdeck` binary as a user runs it (`report`, `check`, `collect`, `serve`, `init`,
//! config errors) and the reports it writes: JSON against its schema, HTML parsed and rendered
//! by Chromium, hostile text inert in every format.
//!
//! One of the few test binaries (tests/support/mod.rs says why they are few); run one module
//! with `cargo test --test cli MODULE::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod collect;
mod collect_git;
mod config;
mod derived_cache;
mod events;
mod git_report;
mod hardening;
mod headless;
mod live_report;
mod notify;
mod report;
mod report_chromium;
mod report_escaping;
mod report_health;
mod report_html;
mod report_schema;
mod report_waits;
mod serve_hooks;
mod serve_ingest;
mod serve_metrics;
mod shell;
mod window;
mod zero_config;
