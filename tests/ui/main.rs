//! The dashboard headless: every screen as an insta snapshot, random input, wall mode's memory,
//! the SVG renderer and the export key.
//!
//! One of the few test binaries (tests/support/mod.rs says why they are few); run one module
//! with `cargo test --test ui MODULE::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod export;
mod fuzz;
mod health;
mod keys;
mod prompt;
mod screens;
mod svg;
mod wall_memory;
