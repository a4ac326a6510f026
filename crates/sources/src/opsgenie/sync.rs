//! One sync: plan where the listing starts (see `incidents::marks`), list the alerts created
//! since then, look up by id what was open at the last sync and did not come back, and hand the
//! alerts that pass the filters to the store with the new watermarks. Any failing request fails
//! the whole sync: nothing is half-stored, and the next sync starts from the same watermarks.

use super::api::Api;
use super::payload::Alert;
use super::setup::Settings;
use super::{list, translate};
use crate::SourceError;
use crate::incidents::marks::{self, Seen, Tally};
use crate::live::{SyncContext, SyncOutcome};
use flowdeck_core::model::EventSet;

fn seen<'a>(alert: &'a Alert, settings: &Settings) -> Seen<'a> {
    let listed = translate::listed(alert, settings);
    Seen {
        id: &alert.id,
        created_at: alert.created_at,
        open: !alert.is_closed(),
        listed,
        passes: listed,
    }
}

pub async fn sync(
    api: &Api,
    settings: &Settings,
    ctx: &SyncContext,
) -> Result<SyncOutcome, SourceError> {
    let plan = marks::plan(ctx.store.as_ref(), &settings.name, ctx.now, ctx.backfill)?;
    let listed = list::alerts(api, settings, plan.since).await?;
    let mut tally = Tally::new(&plan);
    for alert in listed.values() {
        tally.add(seen(alert, settings), || {
            translate::incident(alert, settings)
        });
    }
    for id in tally.missing() {
        match api.alert(&id).await? {
            Some(alert) => tally.add(seen(&alert, settings), || {
                translate::incident(&alert, settings)
            }),
            None => {
                tracing::info!(source = %settings.name, alert = %id, "an alert open at the last sync is gone from Opsgenie")
            }
        }
    }
    tracing::debug!(
        source = %settings.name,
        listed = listed.len(),
        stored = tally.incidents.len(),
        open = tally.open.len(),
        since = %marks::format_time(plan.since),
        "opsgenie sync"
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
