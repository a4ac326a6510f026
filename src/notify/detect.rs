//! Transitions, from the store's data: every item in a state worth telling (a failed
//! deployment, an open or resolved incident, a source's health, a measure's band), compared
//! with the last state notified (the store's `notifications` table), and recorded there by
//! compare-and-set, so exactly one process sends each transition, once, across restarts.
//!
//! Nothing old is announced: the first time a store is watched, every current state is
//! recorded silently (the baseline); afterwards an item first seen more than [`FRESH`] after
//! its state began (a source added with months of backfill) is recorded silently too.

use std::collections::HashMap;

use crate::config::notify::EventKind;
use crate::metrics::compute::{Scope, compute};
use crate::metrics::{History, Window};
use crate::model::{DeploymentStatus, Timestamp};
use crate::status::{SourceState, SourceStatus};
use crate::store::{Store, StoreError};

use super::event::Event;

/// How long after its state began an item is still news.
pub const FRESH: chrono::Duration = chrono::Duration::hours(24);

/// The row that says a store's baseline was recorded.
const BASELINE: (&str, &str) = ("baseline", "store");

/// One item in one state, now.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The table's kind: "deployment", "incident", "source", "band".
    pub table: &'static str,
    pub item: String,
    pub state: String,
    /// When the state began (None: unknown, always news).
    pub since: Option<Timestamp>,
    pub services: Vec<String>,
    /// What the item is called in a sentence ("api v1.2.0", "incident \"DB down\"").
    pub label: String,
    pub url: Option<String>,
}

/// Everything worth watching in `history` and the sources' `statuses`, at `now`, with the
/// bands over the last `window`.
pub fn observe(
    history: &History,
    statuses: &[SourceStatus],
    window: chrono::Duration,
    now: Timestamp,
) -> Vec<Observation> {
    let mut seen = Vec::new();
    for (deployment, facts) in history.events.deployments.iter().zip(&history.deployments) {
        if deployment.status == DeploymentStatus::Failure || facts.failed() {
            let name = deployment.name.as_deref().unwrap_or(&deployment.sha);
            let why = facts
                .failure_reasons
                .first()
                .map(|r| format!(" ({})", r.kind.as_str()))
                .unwrap_or_default();
            seen.push(Observation {
                table: "deployment",
                item: deployment.id.clone(),
                state: "failed".into(),
                since: Some(deployment.finished_at),
                services: vec![deployment.service.clone()],
                label: format!("{} {name}{why}", deployment.service),
                url: deployment.url.clone(),
            });
        }
    }
    for incident in &history.events.incidents {
        let (state, since) = match incident.resolved_at {
            Some(at) => ("resolved", at),
            None => ("open", incident.started_at),
        };
        seen.push(Observation {
            table: "incident",
            item: incident.id.clone(),
            state: state.into(),
            since: Some(since),
            services: incident.services.clone(),
            label: format!("incident {:?}", incident.title),
            url: incident.url.clone(),
        });
    }
    for status in statuses {
        let state = match status.status {
            SourceState::Ok => "ok",
            SourceState::Stale | SourceState::Error => "stale",
            // A first sync under way says nothing yet.
            SourceState::Syncing => continue,
        };
        seen.push(Observation {
            table: "source",
            item: status.name.clone(),
            state: state.into(),
            since: None,
            services: Vec::new(),
            label: match &status.error {
                Some(error) if state == "stale" => format!("source {} ({error})", status.name),
                _ => format!("source {}", status.name),
            },
            url: None,
        });
    }
    let metrics = compute(
        history,
        &Scope::all(history),
        &Window::ending(now, window),
        now,
    );
    for (measure, band) in [
        ("deployment_frequency", metrics.deployment_frequency.band),
        ("lead_time_for_changes", metrics.lead_time_for_changes.band),
        ("change_failure_rate", metrics.change_failure_rate.band),
        (
            "failed_deployment_recovery_time",
            metrics.failed_deployment_recovery_time.band,
        ),
    ] {
        if let Some(band) = band {
            seen.push(Observation {
                table: "band",
                item: format!("all/{measure}"),
                state: band.as_str().into(),
                since: None,
                services: Vec::new(),
                label: measure.replace('_', " "),
                url: None,
            });
        }
    }
    seen
}

/// What a change from `previous` to `observation.state` tells, if anything.
fn transition(previous: Option<&str>, observation: &Observation) -> Option<(EventKind, String)> {
    let label = &observation.label;
    let state = observation.state.as_str();
    match (observation.table, previous, state) {
        ("deployment", _, "failed") => Some((
            EventKind::DeploymentFailed,
            format!("deployment failed: {label}"),
        )),
        ("incident", None | Some("resolved"), "open") => Some((
            EventKind::IncidentOpened,
            format!("incident opened: {label}"),
        )),
        ("incident", _, "resolved") => Some((
            EventKind::IncidentResolved,
            format!("incident resolved: {label}"),
        )),
        ("source", Some("stale"), "ok") => {
            Some((EventKind::SourceStale, format!("{label} recovered")))
        }
        ("source", _, "stale") => Some((EventKind::SourceStale, format!("{label} is stale"))),
        ("health", _, "unusual") => Some((
            EventKind::UnusualDeployment,
            format!("unusual deployment: {label}"),
        )),
        ("band", Some(before), after) => Some((
            EventKind::BandChanged,
            format!("{label}: band {before} -> {after}"),
        )),
        _ => None,
    }
}

/// An item first seen long after its state began is no news.
fn old_news(previous: Option<&str>, observation: &Observation, now: Timestamp) -> bool {
    previous.is_none() && observation.since.is_some_and(|s| now - s > FRESH)
}

/// The event a change from `previous` tells, if any.
fn event_of(previous: Option<&str>, observation: &Observation, now: Timestamp) -> Option<Event> {
    let (kind, text) = transition(previous, observation)?;
    Some(Event::new(
        kind,
        &observation.item,
        &observation.state,
        &observation.services,
        &format!("flowdeck: {text}"),
        observation.url.as_deref(),
        now,
    ))
}

/// The same comparison as [`settle`], against what this process saw last instead of the
/// store: a dashboard's bell and desktop notifications, which every dashboard gives its own
/// user whoever sends the commands. The first look is the baseline (nothing rings).
#[derive(Debug, Default)]
pub struct Seen {
    states: Option<HashMap<(&'static str, String), String>>,
}

impl Seen {
    pub fn compare(&mut self, observations: &[Observation], now: Timestamp) -> Vec<Event> {
        let baseline = self.states.is_none();
        let states = self.states.get_or_insert_with(HashMap::new);
        let mut events = Vec::new();
        for observation in observations {
            let key = (observation.table, observation.item.clone());
            let previous = states.insert(key, observation.state.clone());
            if previous.as_deref() == Some(observation.state.as_str())
                || baseline
                || old_news(previous.as_deref(), observation, now)
            {
                continue;
            }
            events.extend(event_of(previous.as_deref(), observation, now));
        }
        events
    }
}

/// Records every changed observation in the store (compare-and-set) and returns the events
/// this process won and should send.
pub fn settle(
    store: &dyn Store,
    observations: &[Observation],
    now: Timestamp,
) -> Result<Vec<Event>, StoreError> {
    let notified: HashMap<(String, String), String> = store
        .notified()?
        .into_iter()
        .map(|n| ((n.kind, n.item), n.state))
        .collect();
    let baseline = !notified.contains_key(&(BASELINE.0.to_string(), BASELINE.1.to_string()));
    let mut events = Vec::new();
    for observation in observations {
        let key = (observation.table.to_string(), observation.item.clone());
        let previous = notified.get(&key).map(String::as_str);
        if previous == Some(observation.state.as_str()) {
            continue;
        }
        let won = store.mark_notified(
            observation.table,
            &observation.item,
            previous,
            &observation.state,
            now,
        )?;
        if !won || baseline || old_news(previous, observation, now) {
            continue;
        }
        events.extend(event_of(previous, observation, now));
    }
    if baseline {
        store.mark_notified(BASELINE.0, BASELINE.1, None, "recorded", now)?;
    }
    Ok(events)
}

/// The deployments whose health verdict is an unusual worsening (`worse` on some panel:
/// docs/METRICS.md#health-panels-and-the-deployment-verdict), as observations: each becomes one
/// `unusual_deployment` event, recorded like every transition. `verdicts` pairs a deployment's
/// index in `history` with the verdict text of its worse panels ("error rate 0.2% → 1.4% ▲
/// unusual"). An unusual improvement is no news.
pub fn unusual(history: &History, verdicts: &[(u32, String)]) -> Vec<Observation> {
    verdicts
        .iter()
        .filter_map(|(index, verdict)| {
            let deployment = history.events.deployments.get(*index as usize)?;
            let name = deployment.name.as_deref().unwrap_or(&deployment.sha);
            Some(Observation {
                table: "health",
                item: deployment.id.clone(),
                state: "unusual".into(),
                since: Some(deployment.finished_at),
                services: vec![deployment.service.clone()],
                label: format!("{} {name}: {verdict}", deployment.service),
                url: deployment.url.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::SqliteStore;

    fn at(hour: u32) -> Timestamp {
        use chrono::TimeZone;
        chrono::Utc
            .with_ymd_and_hms(2026, 3, 5, hour, 0, 0)
            .single()
            .unwrap()
    }

    fn seen(table: &'static str, item: &str, state: &str, since: Option<u32>) -> Observation {
        Observation {
            table,
            item: item.into(),
            state: state.into(),
            since: since.map(at),
            services: vec!["api".into()],
            label: item.into(),
            url: None,
        }
    }

    /// The world at four moments: the baseline, every kind changing, nothing changing, and
    /// the states going back.
    fn moments() -> [Vec<Observation>; 4] {
        let before = vec![
            seen("incident", "pd:1", "open", Some(1)),
            seen("source", "gh", "ok", None),
            seen("band", "all/change_failure_rate", "high", None),
        ];
        let changed = vec![
            seen("deployment", "git:api:v2", "failed", Some(9)),
            seen("incident", "pd:1", "resolved", Some(9)),
            seen("incident", "pd:2", "open", Some(9)),
            seen("source", "gh", "stale", None),
            seen("band", "all/change_failure_rate", "medium", None),
            seen("health", "git:api:v3", "unusual", Some(9)),
        ];
        let back = vec![
            seen("deployment", "git:api:v2", "failed", Some(9)),
            seen("incident", "pd:1", "resolved", Some(9)),
            seen("incident", "pd:2", "open", Some(9)),
            seen("source", "gh", "ok", None),
            seen("band", "all/change_failure_rate", "medium", None),
            seen("health", "git:api:v3", "unusual", Some(9)),
        ];
        [before, changed.clone(), changed, back]
    }

    fn kinds(events: &[Event]) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = events.iter().map(|e| e.kind.as_str()).collect();
        kinds.sort_unstable();
        kinds
    }

    #[test]
    fn every_kind_fires_once_per_transition_in_the_store_and_in_memory() {
        let store = SqliteStore::in_memory().unwrap();
        let mut memory = Seen::default();
        let [before, changed, again, back] = moments();
        assert!(settle(&store, &before, at(10)).unwrap().is_empty());
        assert!(memory.compare(&before, at(10)).is_empty());
        let wanted = vec![
            "band_changed",
            "deployment_failed",
            "incident_opened",
            "incident_resolved",
            "source_stale",
            "unusual_deployment",
        ];
        let sent = settle(&store, &changed, at(11)).unwrap();
        assert_eq!(kinds(&sent), wanted, "{sent:?}");
        assert_eq!(kinds(&memory.compare(&changed, at(11))), wanted);
        assert!(settle(&store, &again, at(12)).unwrap().is_empty());
        assert!(memory.compare(&again, at(12)).is_empty());
        // The source recovers: one more source_stale event ("recovered").
        let sent = settle(&store, &back, at(13)).unwrap();
        assert_eq!(kinds(&sent), vec!["source_stale"]);
        assert!(sent[0].text.contains("recovered"), "{}", sent[0].text);
        assert_eq!(kinds(&memory.compare(&back, at(13))), vec!["source_stale"]);
    }

    #[test]
    fn a_second_process_sends_nothing_the_first_sent_and_old_news_is_silent() {
        let store = SqliteStore::in_memory().unwrap();
        let [before, changed, ..] = moments();
        settle(&store, &before, at(10)).unwrap();
        assert_eq!(settle(&store, &changed, at(11)).unwrap().len(), 6);
        // Another process seeing the same store: nothing left to send.
        assert!(settle(&store, &changed, at(11)).unwrap().is_empty());
        // A failure first seen two days after it happened is recorded silently.
        let late = vec![seen("deployment", "git:api:v0", "failed", Some(1))];
        let two_days = at(1) + chrono::Duration::days(2);
        assert!(settle(&store, &late, two_days).unwrap().is_empty());
        let mut memory = Seen::default();
        memory.compare(&before, at(10));
        assert!(memory.compare(&late, two_days).is_empty());
    }
}
