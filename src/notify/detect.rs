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
use crate::store::{Store, StoreError, StoredStatus};

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
    statuses: &[StoredStatus],
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
        let state = if status.status == "ok" { "ok" } else { "stale" };
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
        ("band", Some(before), after) => Some((
            EventKind::BandChanged,
            format!("{label}: band {before} -> {after}"),
        )),
        _ => None,
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
        let stale_news = previous.is_none() && observation.since.is_some_and(|s| now - s > FRESH);
        if !won || baseline || stale_news {
            continue;
        }
        if let Some((kind, text)) = transition(previous, observation) {
            events.push(Event::new(
                kind,
                &observation.item,
                &observation.state,
                &observation.services,
                &format!("flowdeck: {text}"),
                observation.url.as_deref(),
                now,
            ));
        }
    }
    if baseline {
        store.mark_notified(BASELINE.0, BASELINE.1, None, "recorded", now)?;
    }
    Ok(events)
}

/// The hook for the health panels' verdict: a deployment whose panel verdict is unusual
/// becomes an `unusual_deployment` event, once per deployment (recorded like every
/// transition). Nothing calls it yet: the verdict code (issue 17's health panels) is on
/// another branch; it passes the deployment id and the verdict text ("error rate 0.2% →
/// 1.4% ▲ unusual").
pub fn unusual_deployment(
    store: &dyn Store,
    deployment: &str,
    verdict: &str,
    now: Timestamp,
) -> Result<Option<Event>, StoreError> {
    let won = store.mark_notified("unusual", deployment, None, "unusual", now)?;
    Ok(won.then(|| {
        Event::new(
            EventKind::UnusualDeployment,
            deployment,
            "unusual",
            &[],
            &format!("flowdeck: unusual deployment {deployment}: {verdict}"),
            None,
            now,
        )
    }))
}
