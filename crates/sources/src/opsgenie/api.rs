//! Every Opsgenie request flowdeck makes, in one place: URLs under the configured API root, the
//! `Authorization: GenieKey <key>` header, the next-page links Opsgenie hands out (followed only
//! on the configured origin, so a payload cannot send the key elsewhere), what its statuses mean,
//! and `GET /v2/alerts` from a creation time on, the way Opsgenie lets it be read:
//!
//! - one search query: `createdAt >= <epoch ms>`, ANDed with the priorities
//!   (`(priority: P1 OR priority: P2)`) and with the user's own `query` (in parentheses);
//! - `limit=100`, `offset`, `sort=createdAt`, `order=asc`, following `paging.next`;
//! - Opsgenie serves at most [`OFFSET_CAP`] (20,000) results of one query (`offset + limit`):
//!   when a query holds more, the rest is read with the `createdAt` bound moved to the last
//!   alert read (the list is sorted by creation, and `>=` re-reads that millisecond).

use std::collections::BTreeMap;

use super::payload::{Alert, AlertPage, OneAlert};
use super::setup::Settings;
use crate::SourceError;
use crate::http::Auth;
use crate::polled::{Failure, Hint, Origin, Setup, StatusHints, format_time};
use flowdeck_core::model::Timestamp;

/// The largest page Opsgenie gives.
const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone)]
pub(super) struct Api {
    pub(super) origin: Origin,
}

impl Api {
    pub(super) fn new(setup: &Setup<'_>, settings: &Settings) -> Api {
        let auth = Auth::GenieKey(settings.token.clone());
        Api {
            origin: setup.origin(settings.api.clone(), auth, Words),
        }
    }

    /// `GET /v2/alerts/{id}?identifierType=id`; None when Opsgenie no longer has it (404).
    pub(super) async fn alert(&self, id: &str) -> Result<Option<Alert>, SourceError> {
        let url = self
            .origin
            .url(&["v2", "alerts", id], &[("identifierType", "id")]);
        Ok(self
            .origin
            .get_if_found::<OneAlert>(url, "an alert")
            .await?
            .map(|response| response.body.data))
    }
}

/// What Opsgenie's answers mean.
struct Words;

impl StatusHints for Words {
    fn context(&self, failure: &Failure<'_>) -> String {
        format!("Opsgenie at {} ({})", failure.host, failure.what)
    }

    fn hint(&self, status: u16, failure: &Failure<'_>) -> Option<Hint> {
        let (host, what) = (failure.host, failure.what);
        Some(Hint::Config(match status {
            401 => format!(
                "Opsgenie at {host} rejected the API key (401 Unauthorized): it is wrong or its integration is disabled; check token_cmd / token_env / OPSGENIE_API_KEY"
            ),
            403 => format!(
                "Opsgenie at {host} refused to show {what} (403 Forbidden): the API key lacks read access (give its API integration \"Read\" rights)"
            ),
            404 => format!(
                "Opsgenie at {host} has no {what} endpoint (404 Not Found): check base_url (https://api.opsgenie.com, or https://api.eu.opsgenie.com for EU accounts)"
            ),
            400 | 422 => format!(
                "Opsgenie at {host} refused the search for {what} ({status}): check `query` and `priorities`"
            ),
            _ => return None,
        }))
    }
}

/// The largest `offset + limit` Opsgenie serves.
const OFFSET_CAP: usize = 20_000;

/// The search query for alerts created at or after `since`; `extra` (e.g. `status: open`) is
/// ANDed in too.
fn query(settings: &Settings, since: Timestamp, extra: Option<&str>) -> String {
    let mut parts = vec![format!("createdAt >= {}", since.timestamp_millis())];
    if !settings.priorities.is_empty() {
        let any: Vec<String> = settings
            .priorities
            .iter()
            .map(|p| format!("priority: {p}"))
            .collect();
        parts.push(format!("({})", any.join(" OR ")));
    }
    if !settings.query.is_empty() {
        parts.push(format!("({})", settings.query));
    }
    if let Some(extra) = extra {
        parts.push(extra.to_string());
    }
    parts.join(" AND ")
}

/// The first page's URL.
pub(super) fn first_url(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    extra: Option<&str>,
) -> url::Url {
    let query = query(settings, since, extra);
    let limit = PAGE_SIZE.to_string();
    api.origin.url(
        &["v2", "alerts"],
        &[
            ("query", query.as_str()),
            ("limit", limit.as_str()),
            ("offset", "0"),
            ("sort", "createdAt"),
            ("order", "asc"),
        ],
    )
}

/// Every alert created at or after `since`, by id (one read twice, after a cap, is kept once,
/// as last read).
pub(super) async fn alerts(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
) -> Result<BTreeMap<String, Alert>, SourceError> {
    let mut found = BTreeMap::new();
    let mut lower = since;
    loop {
        match walk(api, settings, lower, &mut found).await? {
            Walk::Done => return Ok(found),
            Walk::Capped { last_created } => {
                if last_created <= lower {
                    return Err(SourceError::Data(format!(
                        "Opsgenie at {} lists more than {OFFSET_CAP} alerts created at {}; flowdeck cannot page past that",
                        api.origin.host(),
                        format_time(lower)
                    )));
                }
                tracing::debug!(
                    since = %format_time(last_created),
                    "more than {OFFSET_CAP} alerts in one query: reading on from the last one's creation"
                );
                lower = last_created;
            }
        }
    }
}

enum Walk {
    Done,
    Capped { last_created: Timestamp },
}

/// The `offset` a next-page link asks for.
fn offset_of(url: &url::Url) -> Option<usize> {
    url.query_pairs()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse().ok())
}

async fn walk(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    found: &mut BTreeMap<String, Alert>,
) -> Result<Walk, SourceError> {
    let mut url = first_url(api, settings, since, None);
    let mut offset = 0;
    let mut last_created: Option<Timestamp> = None;
    loop {
        let page: AlertPage = api.origin.get(url, "alerts").await?.body;
        let count = page.data.len();
        for alert in page.data {
            last_created = Some(last_created.map_or(alert.created_at, |t| t.max(alert.created_at)));
            found.insert(alert.id.clone(), alert);
        }
        let next = page.paging.unwrap_or_default().next;
        let Some(next) = next.filter(|_| count > 0) else {
            return Ok(Walk::Done);
        };
        let next = api.origin.follow(&next, "alerts")?;
        offset = offset_of(&next).unwrap_or(offset + count);
        if offset + PAGE_SIZE > OFFSET_CAP {
            return Ok(match last_created {
                Some(last_created) => Walk::Capped { last_created },
                None => Walk::Done,
            });
        }
        url = next;
    }
}
