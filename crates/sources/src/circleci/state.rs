//! What the CircleCI source remembers between syncs:
//!
//! | key | value |
//! |---|---|
//! | `backfill.from` | the first sync's horizon (the scaffold's) |
//! | `pipelines.newest` | JSON `{"created_at", "ids"}`: the newest pipelines read (the ids created at that instant). The next listing stops at them, so an unchanged poll reads one page |
//! | `pipelines.open` | JSON list of the pipelines whose workflows had not all ended, with what their events need (id, number, created_at, sha, branch, tag): their workflows are read again each sync until they end, or for at most [`WAIT_DAYS`] |

use serde::{Deserialize, Serialize};

use super::payload::Workflow;
use super::translate::{self, Facts};
use crate::SourceError;
use crate::polled::Watermarks;
use flowdeck_core::model::Timestamp;

pub(super) const NEWEST: &str = "pipelines.newest";
pub(super) const OPEN: &str = "pipelines.open";

/// A pipeline whose workflows have not ended after this long is not waited for any more (an
/// approval nobody gives).
pub(super) const WAIT_DAYS: i64 = 7;
/// A pipeline with no workflow yet is still being set up for at most this long.
const SETUP_MINUTES: i64 = 60;

/// The newest pipelines read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Newest {
    pub created_at: Timestamp,
    pub ids: Vec<String>,
}

impl Newest {
    /// Whether a listed pipeline was read before: the listing, newest first, can stop there.
    pub(super) fn reaches(&self, id: &str, created_at: Timestamp) -> bool {
        created_at < self.created_at || self.ids.iter().any(|known| known == id)
    }

    /// The newest of `self` and the pipelines read now.
    pub(super) fn after<'a>(
        old: Option<Newest>,
        read: impl Iterator<Item = (&'a str, Timestamp)>,
    ) -> Option<Newest> {
        let mut newest = old;
        for (id, created_at) in read {
            match &mut newest {
                Some(n) if n.created_at > created_at => {}
                Some(n) if n.created_at == created_at => {
                    if !n.ids.iter().any(|k| k == id) {
                        n.ids.push(id.to_string());
                    }
                }
                _ => {
                    newest = Some(Newest {
                        created_at,
                        ids: vec![id.to_string()],
                    });
                }
            }
        }
        newest
    }
}

/// What the last sync left.
#[derive(Debug, Default)]
pub(super) struct Known {
    pub newest: Option<Newest>,
    pub open: Vec<Facts>,
}

impl Known {
    pub(super) fn read(marks: &Watermarks) -> Result<Known, SourceError> {
        Ok(Known {
            newest: marks.json(NEWEST)?,
            open: marks.json(OPEN)?.unwrap_or_default(),
        })
    }
}

/// Whether a pipeline's workflows are to be read again next sync.
pub(super) fn still_open(facts: &Facts, workflows: &[Workflow], now: Timestamp) -> bool {
    if facts.created_at < now - chrono::Duration::days(WAIT_DAYS) {
        return false;
    }
    if workflows.is_empty() {
        return !facts.errored
            && facts.created_at >= now - chrono::Duration::minutes(SETUP_MINUTES);
    }
    !workflows.iter().all(translate::finished)
}

pub(super) fn remember(
    marks: &mut Watermarks,
    newest: Option<&Newest>,
    open: &[Facts],
) -> Result<(), SourceError> {
    let json = |value: serde_json::Result<String>| {
        value.map_err(|e| SourceError::Data(format!("circleci watermarks: {e}")))
    };
    if let Some(newest) = newest {
        marks.set(NEWEST, json(serde_json::to_string(newest))?);
    }
    marks.set(OPEN, json(serde_json::to_string(open))?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_newest_keeps_every_id_of_its_instant() {
        let newest = Newest::after(
            None,
            [
                ("a", t("2026-03-02T10:00:00Z")),
                ("b", t("2026-03-02T10:00:00Z")),
                ("c", t("2026-03-01T10:00:00Z")),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(newest.ids, ["a", "b"]);
        assert!(newest.reaches("b", t("2026-03-02T10:00:00Z")));
        assert!(newest.reaches("z", t("2026-03-02T09:59:59Z")));
        assert!(!newest.reaches("d", t("2026-03-02T10:00:00Z")));
        let later = Newest::after(Some(newest), [("d", t("2026-03-02T11:00:00Z"))].into_iter());
        assert_eq!(later.unwrap().ids, ["d"]);
    }
}
