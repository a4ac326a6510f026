//! Reading a batch of `flowdeck.events/v1` lines: every line checked, the batch refused whole
//! when one is bad, each key once in what is returned (the last line with a key wins).

use std::collections::HashMap;
use std::io::BufRead;

use super::wire::{Context, Line, Parsed};
use super::{
    DEFAULT_MAX_LINE_BYTES, DEFAULT_PRODUCTION_ENVIRONMENTS, EventKey, MAX_REPORTED_ERRORS,
};
use crate::model::{EventKind, EventSet, pull_request_id};

/// How a batch is read.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// A longer line is refused (and not kept in memory while it is skipped).
    pub max_line_bytes: usize,
    /// Which environment names mean production for a deployment whose line does not say.
    pub production_environments: Vec<String>,
    /// The `source` of an incident whose line does not name one.
    pub incident_source: String,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            production_environments: DEFAULT_PRODUCTION_ENVIRONMENTS.map(String::from).to_vec(),
            incident_source: "events".into(),
        }
    }
}

/// One bad line: its number (from 1) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    pub line: u64,
    pub error: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// Why a batch was refused. Nothing of a refused batch is to be stored.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Lines that are not valid events; `more` counts the bad lines past the first
    /// [`MAX_REPORTED_ERRORS`].
    #[error("{} invalid line(s), the first at line {}", .errors.len() as u64 + .more, .errors.first().map_or(0, |e| e.line))]
    Invalid { errors: Vec<LineError>, more: u64 },
    /// The input could not be read to its end (a broken pipe, a body cut short, a bad gzip).
    #[error("reading stopped at line {line}: {detail}")]
    Read { line: u64, detail: String },
}

impl BatchError {
    /// Whether sending the same batch again can succeed: only a read that broke off.
    pub fn is_retryable(&self) -> bool {
        matches!(self, BatchError::Read { .. })
    }
}

/// A whole batch, each key once.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Batch {
    pub events: EventSet,
    /// Events the batch removes (`"deleted": true`).
    pub removals: Vec<EventKey>,
    /// Deployments whose line had no `changes` (ids): their changes may be looked up.
    pub without_changes: Vec<String>,
    /// Lines read, blank ones included.
    pub lines: u64,
}

impl Batch {
    /// How many events (upserts and removals) the batch holds.
    pub fn len(&self) -> usize {
        let e = &self.events;
        e.services.len()
            + e.deployments.len()
            + e.pull_requests.len()
            + e.pipeline_runs.len()
            + e.incidents.len()
            + self.removals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads `input` to its end as one batch.
pub fn parse(mut input: impl BufRead, options: &ParseOptions) -> Result<Batch, BatchError> {
    let mut builder = Builder::new(options);
    let mut line = Vec::new();
    loop {
        let number = builder.lines + 1;
        match read_line(&mut input, &mut line, options.max_line_bytes) {
            Ok(Read::End) => break,
            Ok(Read::Line) => builder.line(number, &line),
            Ok(Read::TooLong(length)) => builder.error(
                number,
                format!(
                    "the line is longer than {} bytes ({length} bytes or more); split the batch",
                    options.max_line_bytes
                ),
            ),
            Err(e) => {
                return Err(BatchError::Read {
                    line: number,
                    detail: e.to_string(),
                });
            }
        }
        builder.lines = number;
    }
    builder.finish()
}

/// [`parse`] of a batch already in memory (an HTTP body).
pub fn parse_slice(input: &[u8], options: &ParseOptions) -> Result<Batch, BatchError> {
    parse(input, options)
}

enum Read {
    End,
    Line,
    /// A line over the limit, skipped to its end; at least this many bytes.
    TooLong(usize),
}

/// Reads one line (without its `\n`) into `line`, keeping at most `max` bytes of it.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> std::io::Result<Read> {
    line.clear();
    let mut seen = 0usize;
    let mut any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (any, seen > max) {
                (false, _) => Read::End,
                (true, true) => Read::TooLong(seen),
                (true, false) => Read::Line,
            });
        }
        any = true;
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        seen = seen.saturating_add(chunk.len());
        if seen <= max {
            line.extend_from_slice(chunk);
        } else {
            line.clear();
        }
        let consumed = done.unwrap_or(chunk.len());
        input.consume(consumed);
        if done.is_some() {
            return Ok(if seen > max {
                Read::TooLong(seen)
            } else {
                Read::Line
            });
        }
    }
}

/// A batch as it is read: events by key, the last line with a key winning.
struct Builder<'a> {
    options: &'a ParseOptions,
    /// Where each key's event is (`Slot`), so a later line replaces it in place.
    slots: HashMap<EventKey, Slot>,
    batch: Batch,
    errors: Vec<LineError>,
    more: u64,
    lines: u64,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Upsert(usize),
    Removal(usize),
}

impl<'a> Builder<'a> {
    fn new(options: &'a ParseOptions) -> Self {
        Builder {
            options,
            slots: HashMap::new(),
            batch: Batch::default(),
            errors: Vec::new(),
            more: 0,
            lines: 0,
        }
    }

    fn error(&mut self, line: u64, error: String) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(LineError { line, error });
        } else {
            self.more += 1;
        }
    }

    fn line(&mut self, number: u64, bytes: &[u8]) {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match read_event(bytes, self.options) {
            Ok(parsed) => {
                // A bad batch is refused whole: after the first error only errors matter.
                if self.errors.is_empty() {
                    self.keep(parsed);
                }
            }
            Err(error) => self.error(number, error),
        }
    }

    fn keep(&mut self, parsed: Parsed) {
        let events = &mut self.batch.events;
        let (key, upsert) = match parsed {
            Parsed::Remove(key) => (key, None),
            Parsed::Service(s) => {
                let key = key(EventKind::Service, &s.name);
                (key, Some(Upsert::Service(s)))
            }
            Parsed::Deployment(d, given) => (
                key(EventKind::Deployment, &d.id),
                Some(Upsert::Deployment(d, given)),
            ),
            Parsed::Incident(i) => (key(EventKind::Incident, &i.id), Some(Upsert::Incident(i))),
            Parsed::Run(r) => (key(EventKind::PipelineRun, &r.id), Some(Upsert::Run(r))),
            Parsed::PullRequest(p) => (
                key(
                    EventKind::PullRequest,
                    &pull_request_id(&p.service, p.number),
                ),
                Some(Upsert::PullRequest(p)),
            ),
        };
        let previous = self.slots.get(&key).copied();
        // Drop what the key held; the new line takes its place (a removal goes to the end).
        if let Some(Slot::Removal(at)) = previous {
            self.batch.removals[at].id.clear();
        }
        let slot = match upsert {
            None => {
                if let Some(Slot::Upsert(at)) = previous {
                    tombstone(events, key.kind, at, &mut self.batch.without_changes);
                }
                self.batch.removals.push(key.clone());
                Slot::Removal(self.batch.removals.len() - 1)
            }
            Some(upsert) => {
                let at = match previous {
                    Some(Slot::Upsert(at)) => {
                        upsert.replace(events, at, &mut self.batch.without_changes)
                    }
                    _ => upsert.push(events, &mut self.batch.without_changes),
                };
                Slot::Upsert(at)
            }
        };
        self.slots.insert(key, slot);
    }

    fn finish(mut self) -> Result<Batch, BatchError> {
        if !self.errors.is_empty() {
            return Err(BatchError::Invalid {
                errors: self.errors,
                more: self.more,
            });
        }
        // Take out what later lines replaced by a removal (marked by an empty id or name).
        let batch = &mut self.batch;
        batch.removals.retain(|r| !r.id.is_empty());
        batch.events.services.retain(|s| !s.name.is_empty());
        batch.events.deployments.retain(|d| !d.id.is_empty());
        batch.events.incidents.retain(|i| !i.id.is_empty());
        batch.events.pipeline_runs.retain(|r| !r.id.is_empty());
        batch.events.pull_requests.retain(|p| !p.service.is_empty());
        batch.without_changes.retain(|id| !id.is_empty());
        batch.lines = self.lines;
        Ok(self.batch)
    }
}

fn key(kind: EventKind, id: &str) -> EventKey {
    EventKey {
        kind,
        id: id.to_string(),
    }
}

/// Marks the upsert at `at` as replaced by a removal (taken out in `finish`).
fn tombstone(events: &mut EventSet, kind: EventKind, at: usize, without: &mut [String]) {
    match kind {
        EventKind::Service => events.services[at].name.clear(),
        EventKind::Deployment => {
            let id = std::mem::take(&mut events.deployments[at].id);
            forget(without, &id);
        }
        EventKind::Incident => events.incidents[at].id.clear(),
        EventKind::PipelineRun => events.pipeline_runs[at].id.clear(),
        EventKind::PullRequest => events.pull_requests[at].service.clear(),
    }
}

fn forget(without: &mut [String], id: &str) {
    if let Some(slot) = without.iter_mut().find(|w| *w == id) {
        slot.clear();
    }
}

enum Upsert {
    Service(crate::model::Service),
    Deployment(crate::model::Deployment, bool),
    Incident(crate::model::Incident),
    Run(crate::model::PipelineRun),
    PullRequest(crate::model::PullRequest),
}

impl Upsert {
    fn push(self, events: &mut EventSet, without: &mut Vec<String>) -> usize {
        match self {
            Upsert::Service(s) => push(&mut events.services, s),
            Upsert::Deployment(d, given) => {
                if !given {
                    without.push(d.id.clone());
                }
                push(&mut events.deployments, d)
            }
            Upsert::Incident(i) => push(&mut events.incidents, i),
            Upsert::Run(r) => push(&mut events.pipeline_runs, r),
            Upsert::PullRequest(p) => push(&mut events.pull_requests, p),
        }
    }

    fn replace(self, events: &mut EventSet, at: usize, without: &mut Vec<String>) -> usize {
        match self {
            Upsert::Service(s) => events.services[at] = s,
            Upsert::Deployment(d, given) => {
                forget(without, &d.id);
                if !given {
                    without.push(d.id.clone());
                }
                events.deployments[at] = d;
            }
            Upsert::Incident(i) => events.incidents[at] = i,
            Upsert::Run(r) => events.pipeline_runs[at] = r,
            Upsert::PullRequest(p) => events.pull_requests[at] = p,
        }
        at
    }
}

fn push<T>(list: &mut Vec<T>, item: T) -> usize {
    list.push(item);
    list.len() - 1
}

/// One line into what it asks for, or what is wrong with it.
fn read_event(bytes: &[u8], options: &ParseOptions) -> Result<Parsed, String> {
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "a NUL byte at column {}: the line is not text",
            at + 1
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 at column {}: events are UTF-8 JSON",
            e.valid_up_to() + 1
        )
    })?;
    if !text.trim_start().starts_with('{') {
        return Err("not a JSON object: every line is one object with a `type`".into());
    }
    let line: Line = serde_json::from_str(text).map_err(|e| describe(&e))?;
    // An escaped NUL (\u0000) cannot be kept by every store (PostgreSQL text refuses it).
    if text.contains("\\u0000") && has_nul_string(text) {
        return Err("a string holds a NUL character (\\u0000)".into());
    }
    line.check(&Context {
        production_environments: &options.production_environments,
        incident_source: &options.incident_source,
    })
}

/// serde_json's message without its "at line 1 column N" (a line is one line), with the column
/// in front, and the first thing a line must have said plainly.
fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    if message.starts_with("missing field `type`") {
        return "no `type`: every line is an object with a `type` (service, deployment, incident, pipeline_run or pull_request)".into();
    }
    match error.classify() {
        serde_json::error::Category::Eof => {
            format!("the line ends too early (truncated JSON?): {message}")
        }
        _ => format!("column {}: {message}", error.column()),
    }
}

/// Whether any string in the JSON `text` holds a NUL character once unescaped.
fn has_nul_string(text: &str) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(walk),
            serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || walk(v)),
            _ => false,
        }
    }
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| walk(&v))
}
