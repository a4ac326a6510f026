//! End to end: the RELEASE binary driven in tmux (the demo dashboard, a live source, a team on
//! PostgreSQL). Unix only.
//!
//! One of the few test binaries (tests/support/mod.rs says why they are few); run one module
//! with `cargo test --test e2e MODULE::`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

#[cfg(unix)]
mod backfill;
#[cfg(unix)]
mod browser;
mod dashboard;
#[cfg(unix)]
mod live;
#[cfg(unix)]
mod notify;
#[cfg(unix)]
mod pushed;
#[cfg(unix)]
mod team_scale;
