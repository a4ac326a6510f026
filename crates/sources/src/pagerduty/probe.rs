//! `flowdeck check` for a PagerDuty source: reachable, the API key accepted (never shown), the
//! rate limit left, and one page each of what the backfill holds and of what is open now
//! (PagerDuty counts them with `total=true`).

use super::api::{self, Api};
use super::payload::IncidentPage;
use super::setup::Settings;
use super::translate;
use crate::SourceError;
use crate::live::ProbeReport;
use crate::polled::{Round, format_time};

fn count(page: &IncidentPage) -> String {
    match page.total {
        Some(total) => total.to_string(),
        None if page.more => format!("more than {}", page.incidents.len()),
        None => page.incidents.len().to_string(),
    }
}

pub(super) async fn probe(
    api: &Api,
    settings: &Settings,
    round: &Round,
) -> Result<ProbeReport, SourceError> {
    // One request may span at most six months.
    let since = (round.now - round.backfill).max(round.now - api::MAX_RANGE);
    let all = api::page(api, settings, since, round.now, 0, &[("total", "true")]).await?;
    let open = api::page(
        api,
        settings,
        since,
        round.now,
        0,
        &[
            ("statuses[]", "triggered"),
            ("statuses[]", "acknowledged"),
            ("total", "true"),
        ],
    )
    .await?;
    let rate = match api.origin.rate() {
        Some(rate) => match (rate.remaining, rate.limit) {
            (Some(left), Some(limit)) => format!("{left} of {limit} requests left"),
            (Some(left), None) => format!("{left} requests left"),
            _ => "no rate limit reported".to_string(),
        },
        None => "no rate limit reported".to_string(),
    };
    let urgencies = if settings.urgencies.is_empty() {
        "every urgency".to_string()
    } else {
        format!("urgency {}", settings.urgencies.join(", "))
    };
    let mut unmapped: Vec<&str> = all
        .incidents
        .iter()
        .filter(|i| translate::services(i, settings).is_empty())
        .map(|i| i.service_name().or(i.service_id()).unwrap_or("no service"))
        .collect();
    unmapped.sort_unstable();
    unmapped.dedup();
    let mapping = if unmapped.is_empty() {
        String::new()
    } else {
        format!(
            "; services mapped to no flowdeck service (add them to service_map): {}",
            unmapped.join(", ")
        )
    };
    Ok(format!(
        "PagerDuty at {} reachable, API key accepted; {rate}; {} incidents ({urgencies}) since {}, {} open{mapping}",
        api.origin.host(),
        count(&all),
        format_time(since),
        count(&open),
    ))
}
