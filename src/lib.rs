//! flowdeck: mission control for software delivery in the terminal.
//!
//! Data flows one way: sources -> store -> metrics -> view -> screen or report. The layers are
//! crates of this workspace (docs/ARCHITECTURE.md): `flowdeck-core` (model, metrics, status,
//! text), `flowdeck-config`, `flowdeck-store`, `flowdeck-sources` (with the poller) and
//! `flowdeck-ui` (snapshot, app, ui, report). This crate is the top: the command line, the
//! commands, the terminal event loop and `serve`. It re-exports the layers under their module
//! names, so `flowdeck::metrics` is the core's metric engine wherever it is used from.

pub use flowdeck_config as config;
pub use flowdeck_core::{bytes, events, health, metrics, model, progress, status, text};
pub use flowdeck_sources as sources;
pub use flowdeck_sources::poller;
pub use flowdeck_store as store;
pub use flowdeck_ui::{app, report, snapshot, ui};

pub mod cli;
pub mod clock;
pub mod commands;
pub mod logging;
pub mod notify;
pub mod serve;
pub mod tui;
