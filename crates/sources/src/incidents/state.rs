//! What a polled incident source (PagerDuty, Opsgenie) remembers between syncs, and where its
//! next listing starts. Incidents change after they are first seen — they are resolved, their
//! urgency or priority moves — so a sync re-reads what may have changed:
//!
//! - the first sync lists everything created since the backfill horizon (`now - backfill`);
//! - later syncs list from the start (UTC midnight) of the last sync's day, or from the
//!   creation of the earliest incident still open at the last sync when that is earlier, as
//!   long as it is at most [`REREAD_OPEN_FOR`] older than that day;
//! - an incident open at the last sync that the listing does not bring back (created before the
//!   listing's start, or no longer matching its server-side filter) is looked up by id;
//! - an `open` watermark that cannot be read makes the sync read the whole backfill again.
//!
//! Watermarks (committed atomically with the events, so a failed sync leaves them as they were):
//!
//! | key             | value                                                                |
//! |-----------------|----------------------------------------------------------------------|
//! | `backfill.from` | the first sync's horizon (RFC 3339), kept by the scaffold (`polled::Round`) |
//! | `synced.at`     | when the last sync ran (RFC 3339)                                    |
//! | `open`          | JSON `[{"id", "created_at", "stored"}]`: what was open at the last sync |

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::SourceError;
use crate::polled::{Watermarks, day_start, format_time};
use flowdeck_core::model::{Incident, Timestamp};

pub(crate) const SYNCED_AT: &str = "synced.at";
pub(crate) const OPEN: &str = "open";

/// How much older than the last sync's day an open incident may be and still be re-read by
/// the listing; older ones are looked up one by one (one request each, rather than listing
/// weeks of history on every poll because one incident was never resolved).
pub(crate) const REREAD_OPEN_FOR: chrono::Duration = chrono::Duration::days(7);

/// An incident that was open at the last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Open {
    /// The provider's id (without the `pagerduty:` / `opsgenie:` prefix).
    pub id: String,
    pub created_at: Timestamp,
    /// Whether it passed the source's filters and was stored: a stored incident is kept up to
    /// date even when it no longer passes them (its urgency dropped), so it is not left open.
    pub stored: bool,
}

/// Where one sync starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The listing covers `[since, now]`.
    pub since: Timestamp,
    /// What was open at the last sync, by id.
    pub open: BTreeMap<String, Open>,
}

fn parse_time(text: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.to_utc())
}

/// Reads the source's watermarks and decides where this sync's listing starts. `horizon` is the
/// first sync's (`Round::covers_from`).
pub(crate) fn plan(
    marks: &Watermarks,
    horizon: Timestamp,
    now: Timestamp,
) -> Result<Plan, SourceError> {
    let source = marks.source();
    let synced_at = marks.read(SYNCED_AT, parse_time)?;
    let mut damaged = false;
    let open: Vec<Open> = match marks.get(OPEN)? {
        Some(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
            // Which incidents were open is lost: the whole backfill is read again, once, so
            // none of them is left open in the store.
            tracing::warn!(%source, %error, "the stored list of open incidents cannot be read; reading the backfill again");
            damaged = true;
            Vec::new()
        }),
        None => Vec::new(),
    };
    let open: BTreeMap<String, Open> = open.into_iter().map(|o| (o.id.clone(), o)).collect();
    let synced_at = synced_at.filter(|_| !damaged);
    let Some(synced_at) = synced_at else {
        return Ok(Plan {
            since: horizon,
            open,
        });
    };
    let day = day_start(synced_at).min(now);
    let since = open
        .values()
        .map(|o| o.created_at)
        .filter(|created| *created >= day - REREAD_OPEN_FOR)
        .fold(day, Timestamp::min);
    Ok(Plan { since, open })
}

/// One incident as the provider reported it, and how it fared against the filters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen<'a> {
    pub id: &'a str,
    pub created_at: Timestamp,
    /// Not resolved (closed) yet.
    pub open: bool,
    /// Passes the filters the listing asks the server for (urgency, priority, service): a
    /// listing brings it back.
    pub listed: bool,
    /// Passes every filter: it is stored.
    pub passes: bool,
}

/// What one sync found: the incidents to store and what is open now.
#[derive(Debug)]
pub(crate) struct Tally<'a> {
    plan: &'a Plan,
    pub incidents: Vec<Incident>,
    pub open: BTreeMap<String, Open>,
    seen: BTreeSet<String>,
}

impl<'a> Tally<'a> {
    pub(crate) fn new(plan: &'a Plan) -> Tally<'a> {
        Tally {
            plan,
            incidents: Vec::new(),
            open: BTreeMap::new(),
            seen: BTreeSet::new(),
        }
    }

    /// Takes one incident: stored when it passes the filters, or when it was stored while open
    /// (so it is not left open after its urgency or priority changed); remembered as open when
    /// it is and a later listing or lookup must come back for it.
    pub(crate) fn add(&mut self, seen: Seen<'_>, incident: impl FnOnce() -> Incident) {
        let was_stored = self.plan.open.get(seen.id).is_some_and(|o| o.stored);
        let stored = seen.passes || was_stored;
        if stored {
            self.incidents.push(incident());
        }
        if seen.open && (stored || seen.listed) {
            self.open.insert(
                seen.id.to_string(),
                Open {
                    id: seen.id.to_string(),
                    created_at: seen.created_at,
                    stored,
                },
            );
        } else {
            self.open.remove(seen.id);
        }
        self.seen.insert(seen.id.to_string());
    }

    /// Incidents open at the last sync that this sync has not brought back yet: to look up.
    pub(crate) fn missing(&self) -> Vec<String> {
        self.plan
            .open
            .keys()
            .filter(|id| !self.seen.contains(*id))
            .cloned()
            .collect()
    }

    /// Sets the watermarks to commit with this sync's events.
    pub(crate) fn remember(&self, marks: &mut Watermarks, now: Timestamp) {
        remember(marks, now, &self.open);
    }
}

/// Sets the watermarks to commit with a sync's events: when it ran, what is open now.
pub(crate) fn remember(marks: &mut Watermarks, now: Timestamp, open: &BTreeMap<String, Open>) {
    let open: Vec<&Open> = open.values().collect();
    marks.set(SYNCED_AT, format_time(now));
    marks.set(
        OPEN,
        serde_json::to_string(&open).unwrap_or_else(|_| "[]".to_string()),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use std::sync::Arc;

    use super::*;
    use flowdeck_core::model::EventSet;
    use flowdeck_store::{SqliteStore, Store, StoredStatus};

    fn at(y: i32, m: u32, d: u32, h: u32) -> Timestamp {
        chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn commit(store: &Arc<SqliteStore>, marks: Watermarks) {
        let status = StoredStatus {
            name: "pd".into(),
            kind: "pagerduty".into(),
            status: "ok".into(),
            last_success_at: None,
            error: None,
            covers_from: None,
            next_retry_at: None,
        };
        store
            .commit_sync("pd", &EventSet::default(), &marks.into_updates(), &status)
            .unwrap();
    }

    fn marks(store: &Arc<SqliteStore>) -> Watermarks {
        Watermarks::new(store.clone(), "pd")
    }

    fn open(id: &str, created_at: Timestamp) -> Open {
        Open {
            id: id.into(),
            created_at,
            stored: true,
        }
    }

    #[test]
    fn first_then_later_syncs() {
        let store = Arc::new(SqliteStore::in_memory().unwrap());
        let now = at(2026, 3, 31, 12);
        let horizon = at(2025, 12, 31, 12);
        let first = plan(&marks(&store), horizon, now).unwrap();
        assert_eq!(
            first.since, horizon,
            "a first sync reads the whole backfill"
        );

        // Open at the first sync: one from two days before, one from three weeks before.
        let tracked: BTreeMap<String, Open> = [
            open("P1", at(2026, 3, 29, 8)),
            open("P2", at(2026, 3, 10, 8)),
        ]
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
        let mut set = marks(&store);
        remember(&mut set, now, &tracked);
        commit(&store, set);

        let later = plan(
            &marks(&store),
            horizon,
            at(2026, 3, 31, 12) + chrono::Duration::minutes(1),
        )
        .unwrap();
        // P1 (03-29) is re-listed; P2 (03-10) is more than 7 days before 03-31: looked up.
        assert_eq!(later.since, at(2026, 3, 29, 8));
        assert_eq!(later.open, tracked);

        // Nothing open: from the last sync's day.
        let mut set = marks(&store);
        remember(&mut set, at(2026, 4, 2, 9), &BTreeMap::new());
        commit(&store, set);
        let quiet = plan(&marks(&store), horizon, at(2026, 4, 2, 10)).unwrap();
        assert_eq!(quiet.since, at(2026, 4, 2, 0));
        assert!(quiet.open.is_empty());
    }

    fn incident(id: &str) -> Incident {
        Incident {
            id: format!("pagerduty:{id}"),
            source: "pagerduty".into(),
            services: Vec::new(),
            title: id.into(),
            severity: None,
            labels: Vec::new(),
            body: None,
            started_at: at(2026, 3, 30, 0),
            resolved_at: None,
            url: None,
        }
    }

    #[test]
    fn a_tally_stores_what_passes_and_keeps_stored_ones_current() {
        let mut tracked = BTreeMap::new();
        for (id, stored) in [("A", true), ("B", false), ("C", true), ("D", true)] {
            tracked.insert(
                id.to_string(),
                Open {
                    id: id.into(),
                    created_at: at(2026, 3, 29, 0),
                    stored,
                },
            );
        }
        let plan = Plan {
            since: at(2026, 3, 29, 0),
            open: tracked,
        };
        let mut tally = Tally::new(&plan);
        let seen = |id: &'static str, open: bool, listed: bool, passes: bool| Seen {
            id,
            created_at: at(2026, 3, 29, 0),
            open,
            listed,
            passes,
        };
        // A: stored, now resolved but its urgency dropped: still updated, no longer tracked.
        tally.add(seen("A", false, false, false), || incident("A"));
        // B: open and not stored (statuses = ["resolved"]), now resolved: stored.
        tally.add(seen("B", false, true, true), || incident("B"));
        // E: new, open, listed but not stored: tracked for later.
        tally.add(seen("E", true, true, false), || incident("E"));
        // F: new, open, not listed and not stored: forgotten.
        tally.add(seen("F", true, false, false), || incident("F"));
        let ids: Vec<&str> = tally.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["pagerduty:A", "pagerduty:B"]);
        assert_eq!(tally.missing(), ["C", "D"]);
        let open: Vec<(&str, bool)> = tally
            .open
            .values()
            .map(|o| (o.id.as_str(), o.stored))
            .collect();
        assert_eq!(open, [("E", false)]);
    }

    #[test]
    fn a_damaged_open_list_reads_the_backfill_again() {
        let store = Arc::new(SqliteStore::in_memory().unwrap());
        let mut set = marks(&store);
        set.set(SYNCED_AT, "2026-03-30T10:00:00Z");
        set.set(OPEN, "[{\"id\":");
        commit(&store, set);
        let plan = plan(&marks(&store), at(2026, 3, 1, 0), at(2026, 3, 31, 0)).unwrap();
        assert!(plan.open.is_empty());
        assert_eq!(plan.since, at(2026, 3, 1, 0));
    }
}
