//! How a source fared: what the report's `sources[]`, the dashboard's status line, `check` and
//! `serve` show. It lives below every layer that shows it, so none of them depends on `sources`.

use std::fmt;

use serde::Serialize;

use crate::model::Timestamp;

/// The state of a source, as the report's `sources[].status` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    /// Its last sync succeeded.
    Ok,
    /// It delivered once, but its latest attempts failed: the data shown is older than it should be.
    Stale,
    /// It never delivered, or is misconfigured.
    Error,
    /// Its first sync is under way: no data yet, no failure either. The report speaks of ok,
    /// stale and error only, and shows this one as an error ("no data yet").
    Syncing,
}

impl SourceState {
    /// The word stored and shown: "ok", "stale", "error", "syncing".
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SourceState::Ok => "ok",
            SourceState::Stale => "stale",
            SourceState::Error => "error",
            SourceState::Syncing => "syncing",
        }
    }

    /// Reads a stored word; anything unknown (a newer version's state) is an error.
    pub fn parse(word: &str) -> SourceState {
        match word {
            "ok" => SourceState::Ok,
            "stale" => SourceState::Stale,
            "syncing" => SourceState::Syncing,
            _ => SourceState::Error,
        }
    }
}

impl fmt::Display for SourceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a source fared, for the report's `sources[]` and the dashboard's status line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceStatus {
    pub name: String,
    pub kind: String,
    pub status: SourceState,
    pub last_success_at: Option<Timestamp>,
    pub error: Option<String>,
    /// The earliest time the source's data is complete from; None when it holds all history.
    #[serde(skip)]
    pub covers_from: Option<Timestamp>,
    /// On a store several collectors share: the collector polling the source now (its
    /// lease's holder, docs/ARCHITECTURE.md#collectors-that-fail-over). None elsewhere, and
    /// when nobody holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_what_they_write_and_unknown_words_are_errors() {
        for state in [
            SourceState::Ok,
            SourceState::Stale,
            SourceState::Error,
            SourceState::Syncing,
        ] {
            assert_eq!(SourceState::parse(state.as_str()), state);
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{state}\"")
            );
        }
        assert_eq!(SourceState::parse("paused"), SourceState::Error);
        assert_eq!(SourceState::parse(""), SourceState::Error);
    }
}
