//! flowdeck: mission control for software delivery in the terminal.
//!
//! Data flows one way: sources -> store -> metrics -> view -> screen or report.
//! `model` and `metrics` know nothing of HTTP, SQL or terminals.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod poller;
pub mod report;
pub mod serve;
pub mod snapshot;
pub mod sources;
pub mod status;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
