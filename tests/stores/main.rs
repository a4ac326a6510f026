//! The history stores: SQLite, PostgreSQL against a real server, and the two giving the same
//! answers.
//!
//! One of the few test binaries (tests/support/mod.rs says why they are few); run one module
//! with `cargo test --test stores MODULE::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod compares;
mod derived;
mod failover;
mod leases;
mod notified;
mod parity;
mod postgres;
mod sqlite;
