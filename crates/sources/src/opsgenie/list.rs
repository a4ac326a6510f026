//! `GET /v2/alerts` from a creation time on, the way Opsgenie lets it be read:
//!
//! - one search query: `createdAt >= <epoch ms>`, ANDed with the priorities
//!   (`(priority: P1 OR priority: P2)`) and with the user's own `query` (in parentheses);
//! - `limit=100`, `offset`, `sort=createdAt`, `order=asc`, following `paging.next`;
//! - Opsgenie serves at most [`OFFSET_CAP`] (20,000) results of one query (`offset + limit`):
//!   when a query holds more, the rest is read with the `createdAt` bound moved to the last
//!   alert read (the list is sorted by creation, and `>=` re-reads that millisecond).

use std::collections::BTreeMap;

use super::api::Api;
use super::payload::{Alert, AlertPage};
use super::setup::Settings;
use crate::SourceError;
use crate::incidents::common::PAGE_SIZE;
use crate::incidents::marks::format_time;
use flowdeck_core::model::Timestamp;

/// The largest `offset + limit` Opsgenie serves.
pub const OFFSET_CAP: usize = 20_000;

/// The search query for alerts created at or after `since`; `extra` (e.g. `status: open`) is
/// ANDed in too.
pub fn query(settings: &Settings, since: Timestamp, extra: Option<&str>) -> String {
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
pub fn first_url(
    api: &Api,
    settings: &Settings,
    since: Timestamp,
    extra: Option<&str>,
) -> url::Url {
    let query = query(settings, since, extra);
    let limit = PAGE_SIZE.to_string();
    api.url(
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
pub async fn alerts(
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
                        api.host(),
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
        let page: AlertPage = api.get(url, "alerts").await?.body;
        let count = page.data.len();
        for alert in page.data {
            last_created = Some(last_created.map_or(alert.created_at, |t| t.max(alert.created_at)));
            found.insert(alert.id.clone(), alert);
        }
        let next = page.paging.unwrap_or_default().next;
        let Some(next) = next.filter(|_| count > 0) else {
            return Ok(Walk::Done);
        };
        let next = api.follow(&next)?;
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
