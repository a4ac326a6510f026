//! The open event format `flowdeck.events/v1`: one JSON object per line (NDJSON), each with a
//! `type` (`service`, `deployment`, `incident`, `pipeline_run`, `pull_request`), its fields
//! named as in the model and the JSON report. Documented in docs/EVENTS.md and
//! `schema/flowdeck.events.v1.schema.json`.
//!
//! This module reads a batch of lines into model events ([`parse`]) and writes model events
//! as lines ([`write`]). Reading is all or nothing: every line is checked, and a batch with one
//! bad line is refused whole with every bad line's number and what is wrong with it (the
//! first [`MAX_REPORTED_ERRORS`]), so a caller stores either the whole batch or nothing.
//!
//! Inside one batch a later line with the same key replaces an earlier one (keys: a service by
//! name, a pull request by `(service, number)`, the others by `id`), and a line with
//! `"deleted": true` removes the event with its key; the batch that results holds each key
//! once, as an upsert or as a removal.

mod parse;
mod wire;
mod write;

pub use parse::{Batch, BatchError, LineError, ParseOptions, parse, parse_slice};
pub use write::write_events;

/// The format's name and version, as docs and the schema's `$id` name it.
pub const FORMAT: &str = "flowdeck.events/v1";

/// How many bad lines a refused batch reports; the count of the others is kept.
pub const MAX_REPORTED_ERRORS: usize = 50;

/// Longest line accepted unless the caller sets another (`ParseOptions::max_line_bytes`).
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// The environment names that mean production when a source does not say
/// (`deploy_environments`' default for every source).
pub const DEFAULT_PRODUCTION_ENVIRONMENTS: [&str; 2] = ["production", "prod"];

/// What a removal names: an event's kind and stable key (a pull request's is
/// `service#number`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventKey {
    pub kind: crate::model::EventKind,
    pub id: String,
}

#[cfg(test)]
mod tests;
