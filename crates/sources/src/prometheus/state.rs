//! What the Prometheus source remembers between syncs, as watermarks in the store (committed
//! atomically with the incidents they describe):
//!
//! | key             | value                                                               |
//! |-----------------|---------------------------------------------------------------------|
//! | `backfill.from` | the backfill horizon of the first sync (RFC 3339), kept by the scaffold (`polled::Round`) |
//! | `state`         | JSON: `read_to` (the `now` of the last sync, ms) and, per series (its labels), the runs that may still change: open ones, and closed ones whose last sample is within 2 × `gap` of `read_to` |
//!
//! The next sync reads raw samples from `read_to − gap` on (a sample written late, just
//! before the last sync's `now`, is not missed) and merges them with the remembered runs, so a
//! run keeps its start and its incident id however many syncs it spans, without reading it
//! again from its start. Runs older than that cannot change any more; they are only in the
//! store, which keeps them beyond Prometheus' retention.

use serde::{Deserialize, Serialize};

use super::payload::LabelMap;
use super::runs::{Millis, Span};
use crate::SourceError;
use crate::polled::Watermarks;

pub(super) const STATE: &str = "state";

/// The `state` watermark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct State {
    /// The `now` of the last sync.
    pub read_to: Option<Millis>,
    #[serde(default)]
    pub series: Vec<SeriesState>,
}

/// The runs of one series that may still change, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SeriesState {
    pub labels: LabelMap,
    pub spans: Vec<Span>,
}

/// The remembered state; an unreadable one (written by another version, damaged) is logged and
/// read as none: the next sync reads from the backfill horizon again, which gives the same
/// incidents with the same ids.
pub(super) fn remembered(marks: &Watermarks) -> Result<State, SourceError> {
    let Some(text) = marks.get(STATE)? else {
        return Ok(State::default());
    };
    match serde_json::from_str(&text) {
        Ok(state) => Ok(state),
        Err(error) => {
            tracing::warn!(
                source = marks.source(),
                %error,
                "the remembered Prometheus state cannot be read; reading from the backfill horizon again"
            );
            Ok(State::default())
        }
    }
}

/// The watermark value of a state.
pub(super) fn encode(state: &State) -> String {
    serde_json::to_string(state).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_skips_empty_fields() {
        let state = State {
            read_to: Some(1_000),
            series: vec![SeriesState {
                labels: [("alertname".to_string(), "A".to_string())].into(),
                spans: vec![Span {
                    start: 1,
                    last: 2,
                    step: 1,
                    open: true,
                    body: None,
                    alertmanager: Vec::new(),
                }],
            }],
        };
        let text = encode(&state);
        assert_eq!(
            text,
            r#"{"read_to":1000,"series":[{"labels":{"alertname":"A"},"spans":[{"start":1,"last":2,"step":1,"open":true}]}]}"#
        );
        assert_eq!(serde_json::from_str::<State>(&text).unwrap(), state);
    }
}
