//! Every PagerDuty request flowdeck makes, in one place: URLs under the configured API root,
//! PagerDuty's headers (`Authorization: Token token=<key>`, the v2 Accept type), what its
//! statuses mean, and `GET /incidents` over a time range the way PagerDuty lets it be read:
//!
//! - `since`/`until` may span at most 6 months: a longer range is read in consecutive requests
//!   of at most [`MAX_RANGE`] (180 days, shorter than any six calendar months);
//! - classic offset paging (`limit=100`, `offset`, follow `more`), where `offset + limit` may not
//!   exceed [`OFFSET_CAP`] (10,000; PagerDuty answers 400 past it): when a range holds more, the
//!   rest of it is read as a new range starting where the incidents read so far end (the list is
//!   sorted by `created_at`, so that is the last one's creation, less a second of overlap);
//! - `time_zone=UTC`, `sort_by=created_at` (ascending), the configured `urgencies[]` and
//!   `service_ids[]`. Statuses are not asked for: open incidents are listed too, so the source
//!   knows what to re-read when they are resolved (the `statuses` setting filters what is stored).

use std::collections::BTreeMap;

use super::payload::{Incident, IncidentPage, OneIncident};
use super::setup::Settings;
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints, format_time};
use flowdeck_core::model::Timestamp;

/// PagerDuty's REST API v2 media type.
const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";

/// The largest page PagerDuty gives.
const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let auth = Auth::PagerDutyToken(settings.token.clone());
        Api {
            origin: setup
                .origin(settings.api.clone(), auth, Words)
                .accept(ACCEPT),
        }
    }

    /// `GET /incidents/{id}`; None when PagerDuty no longer has it (404).
    pub(super) async fn incident(&self, id: &str) -> Result<Option<Incident>, SourceError> {
        let url = self.origin.url(&["incidents", id], &[]);
        Ok(self
            .origin
            .get_if_found::<OneIncident>(url, "an incident")
            .await?
            .map(|response| response.body.incident))
    }
}

/// What PagerDuty's answers mean.
struct Words;

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("PagerDuty at {} ({})", failure.host, failure.what)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, what) = (failure.host, failure.what);
        Some(Hint::Config(match status {
            401 => format!(
                "PagerDuty at {host} rejected the API key (401 Unauthorized): it is wrong, expired or revoked; check token_cmd / token_env / PAGERDUTY_TOKEN"
            ),
            403 => format!(
                "PagerDuty at {host} refused to show {what} (403 Forbidden): the API key lacks read access to incidents"
            ),
            404 => format!(
                "PagerDuty at {host} has no {what} endpoint (404 Not Found): check base_url (https://api.pagerduty.com, or https://api.eu.pagerduty.com for the EU service region)"
            ),
            400 => format!(
                "PagerDuty at {host} refused the query for {what} (400 Bad Request): check urgencies and service_ids"
            ),
            _ => return None,
        }))
    }
}

/// The longest `since`..`until` span of one request.
pub(super) const MAX_RANGE: chrono::Duration = chrono::Duration::days(180);

/// The largest `offset + limit` PagerDuty serves.
pub(super) const OFFSET_CAP: usize = 10_000;

/// `[since, until]` cut into consecutive spans of at most [`MAX_RANGE`], oldest first.
fn ranges(since: Timestamp, until: Timestamp) -> Vec<(Timestamp, Timestamp)> {
    let until = until.max(since);
    let mut out = Vec::new();
    let mut from = since;
    loop {
        let to = (from + MAX_RANGE).min(until);
        out.push((from, to));
        if to >= until {
            return out;
        }
        from = to;
    }
}

/// The query of one listing request; `extra` adds e.g. `statuses[]` or `total` (probe).
fn query(
    settings: &Settings,
    since: Timestamp,
    until: Timestamp,
    offset: usize,
    limit: usize,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = vec![
        ("since".into(), format_time(since)),
        ("until".into(), format_time(until)),
        ("time_zone".into(), "UTC".into()),
        ("sort_by".into(), "created_at".into()),
        ("limit".into(), limit.to_string()),
        ("offset".into(), offset.to_string()),
    ];
    for urgency in &settings.urgencies {
        pairs.push(("urgencies[]".into(), urgency.clone()));
    }
    for service in &settings.service_ids {
        pairs.push(("service_ids[]".into(), service.clone()));
    }
    for (key, value) in extra {
        pairs.push(((*key).to_string(), (*value).to_string()));
    }
    pairs
}

/// One page of the listing.
pub(super) async fn page(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    until: Timestamp,
    offset: usize,
    extra: &[(&str, &str)],
) -> Result<IncidentPage, SourceError> {
    let pairs = query(settings, since, until, offset, PAGE_SIZE, extra);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = api.origin.url(&["incidents"], &borrowed);
    Ok(api.origin.get::<IncidentPage>(url, "incidents").await?.body)
}

/// Every incident created in `[since, until]`, by id (an incident read twice, at a range's edge
/// or after a cap, is kept once, as last read).
pub(super) async fn incidents(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    until: Timestamp,
) -> Result<BTreeMap<String, Incident>, SourceError> {
    let mut found = BTreeMap::new();
    for (from, to) in ranges(since, until) {
        let mut lower = from;
        loop {
            match walk(api, settings, lower, to, &mut found).await? {
                Walk::Done => break,
                Walk::Capped { last_created } => {
                    let next = last_created - chrono::Duration::seconds(1);
                    if next <= lower {
                        return Err(SourceError::Data(format!(
                            "PagerDuty at {} lists more than {OFFSET_CAP} incidents created within one second of {}; flowdeck cannot page past that",
                            api.origin.host(),
                            format_time(lower)
                        )));
                    }
                    tracing::debug!(
                        since = %format_time(next),
                        "more than {OFFSET_CAP} incidents in one range: reading the rest as a new range"
                    );
                    lower = next;
                }
            }
        }
    }
    Ok(found)
}

enum Walk {
    Done,
    /// The offset cap was reached with more to read; the last incident read was created then.
    Capped {
        last_created: Timestamp,
    },
}

async fn walk(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    until: Timestamp,
    found: &mut BTreeMap<String, Incident>,
) -> Result<Walk, SourceError> {
    let mut offset = 0;
    let mut last_created: Option<Timestamp> = None;
    loop {
        let page = page(api, settings, since, until, offset, &[]).await?;
        let count = page.incidents.len();
        for incident in page.incidents {
            last_created =
                Some(last_created.map_or(incident.created_at, |t| t.max(incident.created_at)));
            found.insert(incident.id.clone(), incident);
        }
        if !page.more || count == 0 {
            return Ok(Walk::Done);
        }
        // PagerDuty may serve smaller pages than asked for; the next offset follows its limit.
        let limit = page
            .limit
            .and_then(|l| usize::try_from(l).ok())
            .filter(|l| *l > 0)
            .unwrap_or(PAGE_SIZE);
        offset += limit;
        if offset + PAGE_SIZE > OFFSET_CAP {
            return Ok(match last_created {
                Some(last_created) => Walk::Capped { last_created },
                None => Walk::Done,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> Timestamp {
        chrono::Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn ranges_of_at_most_180_days() {
        assert_eq!(
            ranges(at(2026, 1, 1), at(2026, 1, 2)),
            [(at(2026, 1, 1), at(2026, 1, 2))]
        );
        // 2025-01-01 + 180 d = 2025-06-30; + 180 d = 2025-12-27; then to 2026-03-01.
        assert_eq!(
            ranges(at(2025, 1, 1), at(2026, 3, 1)),
            [
                (at(2025, 1, 1), at(2025, 6, 30)),
                (at(2025, 6, 30), at(2025, 12, 27)),
                (at(2025, 12, 27), at(2026, 3, 1)),
            ]
        );
        assert_eq!(
            ranges(at(2026, 1, 1), at(2026, 6, 30)),
            [(at(2026, 1, 1), at(2026, 6, 30))]
        );
        // A clock going backwards still gives one (empty) range.
        assert_eq!(
            ranges(at(2026, 2, 1), at(2026, 1, 1)),
            [(at(2026, 2, 1), at(2026, 2, 1))]
        );
    }
}
