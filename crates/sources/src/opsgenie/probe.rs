//! `flowdeck check` for an Opsgenie source: reachable, the API key accepted (never shown), the
//! rate limit left when Opsgenie reports one, and one page each of the alerts the backfill holds
//! and of those open now.

use super::api::{self, Api};
use super::payload::AlertPage;
use super::setup::Settings;
use super::translate;
use crate::SourceError;
use crate::live::ProbeReport;
use crate::polled::{Round, format_time};

fn count(page: &AlertPage) -> String {
    let more = page.paging.as_ref().is_some_and(|p| p.next.is_some());
    if more {
        format!("more than {}", page.data.len())
    } else {
        page.data.len().to_string()
    }
}

pub(super) async fn probe(
    api: &Api,
    settings: &Settings,
    round: &Round,
) -> Result<ProbeReport, SourceError> {
    let since = round.now - round.backfill;
    let all: AlertPage = api
        .origin
        .get(api::first_url(api, settings, since, None), "alerts")
        .await?
        .body;
    let open: AlertPage = api
        .origin
        .get(
            api::first_url(api, settings, since, Some("status: open")),
            "alerts",
        )
        .await?
        .body;
    let rate = match api
        .origin
        .rate()
        .and_then(|r| r.remaining.map(|left| (left, r.limit)))
    {
        Some((left, Some(limit))) => format!("{left} of {limit} requests left"),
        Some((left, None)) => format!("{left} requests left"),
        None => "no rate limit reported (Opsgenie throttles with 429)".to_string(),
    };
    let priorities = if settings.priorities.is_empty() {
        "every priority".to_string()
    } else {
        settings.priorities.join(", ")
    };
    let unmapped = all
        .data
        .iter()
        .filter(|a| translate::services(a, settings).is_empty())
        .count();
    let mapping = if unmapped == 0 {
        String::new()
    } else {
        format!(
            "; {unmapped} of them map to no flowdeck service (tag them service:<name>, or add a tag, integration or source to service_map)"
        )
    };
    Ok(format!(
        "Opsgenie at {} reachable, API key accepted; {rate}; {} alerts ({priorities}) since {}, {} open{mapping}",
        api.origin.host(),
        count(&all),
        format_time(since),
        count(&open),
    ))
}
