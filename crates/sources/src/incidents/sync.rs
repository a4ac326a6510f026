//! One sync of a polled incident source (PagerDuty, Opsgenie), the same for both: plan where the
//! listing starts (`state::plan`), list from there to now, look up by id what was open at the
//! last sync and did not come back, and hand the incidents that pass the filters to the store
//! with the new watermarks. Any failing request fails the whole sync: nothing is half-stored,
//! and the next sync starts from the same watermarks.

use std::collections::BTreeMap;
use std::future::Future;

use super::state::{Seen, Tally, plan};
use crate::SourceError;
use crate::polled::{Found, Round, format_time};
use flowdeck_core::model::{EventSet, Incident, Timestamp};

/// What an incident provider says to a sync.
pub(crate) trait IncidentSource: Sync {
    /// An incident (an alert) as the provider's API gives it.
    type Raw: Send + Sync;

    /// The source's name, for the log.
    fn source(&self) -> &str;

    /// Every incident created in `[since, now]`, by the provider's id.
    fn list(
        &self,
        since: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<BTreeMap<String, Self::Raw>, SourceError>> + Send;

    /// One incident by id; None when the provider no longer has it.
    fn lookup(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Self::Raw>, SourceError>> + Send;

    /// How it fares against the filters (`state.rs` of the provider).
    fn seen<'a>(&self, raw: &'a Self::Raw) -> Seen<'a>;

    /// As a flowdeck incident.
    fn incident(&self, raw: &Self::Raw) -> Incident;
}

pub(crate) async fn sync<S: IncidentSource>(
    source: &S,
    round: &mut Round,
) -> Result<Found, SourceError> {
    let plan = plan(&round.marks, round.covers_from, round.now)?;
    let listed = source.list(plan.since, round.now).await?;
    let mut tally = Tally::new(&plan);
    for raw in listed.values() {
        tally.add(source.seen(raw), || source.incident(raw));
    }
    for id in tally.missing() {
        match source.lookup(&id).await? {
            Some(raw) => tally.add(source.seen(&raw), || source.incident(&raw)),
            None => {
                tracing::info!(source = %source.source(), incident = %id, "an incident open at the last sync is gone from the provider")
            }
        }
    }
    tracing::debug!(
        source = %source.source(),
        listed = listed.len(),
        stored = tally.incidents.len(),
        open = tally.open.len(),
        since = %format_time(plan.since),
        "incident sync"
    );
    tally.remember(&mut round.marks, round.now);
    Ok(Found::events(EventSet {
        incidents: tally.incidents,
        ..EventSet::default()
    }))
}
