//! `[[sources]] kind = "events"`: flowdeck.events/v1 lines (docs/EVENTS.md) followed in files,
//! and the ways in that share it: `input` (a file or `.gz` opened for `flowdeck ingest`).
//!
//! A poll lists the files `path` names (`files`), reads what is new in each since its
//! watermark (`follow`), checks the new lines of every file as one batch per file
//! (`flowdeck_core::events::parse`) and returns them; the poller commits the events, the
//! removals and the new offsets in one transaction. A bad line fails the sync with
//! `FILE:LINE: what is wrong`: nothing of that poll is stored and the offsets stay, so the
//! next poll reads the same lines again (fix the line, or rewrite the file: a file that
//! shrank or was replaced is read from its start).
//!
//! Without `path`, the source reads no files: it stands for the events pushed to
//! `flowdeck serve --ingest` and stored by `flowdeck ingest`, so a run reads the store.

pub mod files;
pub mod follow;
pub mod input;

use std::path::PathBuf;
use std::time::Duration;

use flowdeck_config::{EventsSourceConfig, SourceConfig};
use flowdeck_core::events::{self, BatchError, ParseOptions};

use crate::SourceError;
use crate::live::ProbeReport;
use crate::polled::{Found, Provider, Round, Setup};

/// The watermark key of one followed file.
fn mark_key(path: &std::path::Path) -> String {
    format!("file:{}", path.display())
}

#[derive(Debug)]
pub struct Events {
    name: String,
    /// The `path` setting, and the folder it is relative to.
    path: Option<String>,
    base_dir: PathBuf,
    options: ParseOptions,
    interval: Option<Duration>,
}

impl Events {
    /// How lines are read for a source configured as `config` (also what `flowdeck ingest`
    /// and the push endpoint use when the config has an events source).
    pub fn parse_options(config: &EventsSourceConfig, name: &str) -> ParseOptions {
        ParseOptions {
            production_environments: config.deploy_environments.clone(),
            incident_source: name.to_string(),
            ..ParseOptions::default()
        }
    }
}

impl Provider for Events {
    const KIND: &'static str = "events";
    type Config = EventsSourceConfig;

    fn config(source: &SourceConfig) -> Option<&EventsSourceConfig> {
        match source {
            SourceConfig::Events(config) => Some(config),
            _ => None,
        }
    }

    fn setup(config: &EventsSourceConfig, setup: &Setup<'_>) -> Result<Events, SourceError> {
        let name = SourceConfig::Events(config.clone()).display_name();
        if let Some(path) = &config.path
            && path.trim().is_empty()
        {
            return Err(SourceError::Config(format!(
                "source {name}: `path` is empty; name a file, a folder or a glob, or leave it out"
            )));
        }
        Ok(Events {
            options: Events::parse_options(config, &name),
            name,
            path: config.path.clone(),
            base_dir: setup.base_dir.to_path_buf(),
            interval: config.interval.map(|i| i.as_std()),
        })
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn interval(&self) -> Option<Duration> {
        self.interval
    }

    async fn sync(&self, round: &mut Round) -> Result<Found, SourceError> {
        let Some(pattern) = &self.path else {
            return Ok(Found::default());
        };
        let files = files::list(&self.base_dir, pattern).map_err(SourceError::Config)?;
        let mut found = Found::default();
        for file in files {
            let key = mark_key(&file);
            let last: Option<follow::Position> = round.marks.json(&key)?;
            let chunk = follow::read_new(&file, last.as_ref()).map_err(SourceError::Transient)?;
            if !chunk.bytes.is_empty() {
                let batch = events::parse(&chunk.bytes[..], &self.options)
                    .map_err(|e| refusal(&file, chunk.first_line, e))?;
                found.events.extend(batch.events);
                found.removals.extend(batch.removals);
            }
            if last.as_ref() != Some(&chunk.next) {
                let position = serde_json::to_string(&chunk.next)
                    .map_err(|e| SourceError::Data(e.to_string()))?;
                round.marks.set(key, position);
            }
        }
        Ok(found)
    }

    async fn probe(&self, _round: &Round) -> Result<ProbeReport, SourceError> {
        let Some(pattern) = &self.path else {
            return Ok("takes pushed and ingested events (no path to follow)".into());
        };
        let files = files::list(&self.base_dir, pattern).map_err(SourceError::Config)?;
        Ok(format!(
            "follows {} file(s) named by {pattern:?}",
            files.len()
        ))
    }
}

/// A refused batch as a sync failure naming the file and the line.
fn refusal(file: &std::path::Path, first_line: u64, error: BatchError) -> SourceError {
    let shown = file.display();
    match error {
        BatchError::Invalid { errors, more } => {
            let mut lines: Vec<String> = errors
                .iter()
                .take(5)
                .map(|e| format!("{shown}:{}: {}", e.line + first_line - 1, e.error))
                .collect();
            let rest = (errors.len() as u64 + more).saturating_sub(5);
            if rest > 0 {
                lines.push(format!("and {rest} more invalid line(s)"));
            }
            SourceError::Data(format!(
                "{}; nothing of this poll was stored",
                lines.join("; ")
            ))
        }
        BatchError::Read { line, detail } => {
            SourceError::Transient(format!("{shown}:{}: {detail}", line + first_line - 1))
        }
    }
}
