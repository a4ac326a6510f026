//! One sync: plan where the listing starts (see `incidents::marks`), list `[since, now]`, look
//! up by id what was open at the last sync and did not come back, and hand the incidents that
//! pass the filters to the store with the new watermarks. Any failing request fails the whole
//! sync: nothing is half-stored, and the next sync starts from the same watermarks.

use super::api::Api;
use super::payload;
use super::setup::Settings;
use super::{list, translate};
use crate::SourceError;
use crate::incidents::marks::{self, Seen, Tally};
use crate::live::{SyncContext, SyncOutcome};
use flowdeck_core::model::EventSet;

fn seen<'a>(raw: &'a payload::Incident, settings: &Settings) -> Seen<'a> {
    Seen {
        id: &raw.id,
        created_at: raw.created_at,
        open: !raw.is_resolved(),
        listed: translate::listed(raw, settings),
        passes: translate::passes(raw, settings),
    }
}

pub async fn sync(
    api: &Api,
    settings: &Settings,
    ctx: &SyncContext,
) -> Result<SyncOutcome, SourceError> {
    let plan = marks::plan(ctx.store.as_ref(), &settings.name, ctx.now, ctx.backfill)?;
    let listed = list::incidents(api, settings, plan.since, ctx.now).await?;
    let mut tally = Tally::new(&plan);
    for raw in listed.values() {
        tally.add(seen(raw, settings), || translate::incident(raw, settings));
    }
    for id in tally.missing() {
        match api.incident(&id).await? {
            Some(raw) => tally.add(seen(&raw, settings), || translate::incident(&raw, settings)),
            None => {
                tracing::info!(source = %settings.name, incident = %id, "an incident open at the last sync is gone from PagerDuty")
            }
        }
    }
    tracing::debug!(
        source = %settings.name,
        listed = listed.len(),
        stored = tally.incidents.len(),
        open = tally.open.len(),
        since = %marks::format_time(plan.since),
        "pagerduty sync"
    );
    let watermarks = tally.watermarks(ctx.now);
    Ok(SyncOutcome {
        events: EventSet {
            incidents: tally.incidents,
            ..EventSet::default()
        },
        watermarks,
        covers_from: Some(plan.horizon),
        degraded: None,
    })
}
