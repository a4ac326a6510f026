//! Incidents: issues carrying one of the incident labels, listed per label (GitHub's `labels`
//! filter means all of them), updated since the watermark day.

use std::collections::BTreeMap;

use super::api::{Api, PER_PAGE};
use super::payload;
use super::setup::Settings;
use super::state;
use super::translate;
use crate::SourceError;
use crate::http::PageWalk;
use crate::polled::{Watermarks, day_start, format_time};
use flowdeck_core::model::{Incident, Timestamp};

/// Pages of one label's issues read at most in one sync (10,000).
const MAX_PAGES: usize = 100;

async fn list(
    api: &Api,
    label: &str,
    since: Timestamp,
) -> Result<Vec<payload::Issue>, SourceError> {
    let since = format_time(since);
    let mut url = Some(api.url(
        &["issues"],
        &[
            ("labels", label),
            ("state", "all"),
            ("since", &since),
            ("per_page", PER_PAGE),
        ],
    ));
    let mut issues = Vec::new();
    let mut walk = url.as_ref().map(|first| {
        PageWalk::new(
            first,
            format!("issues labelled {label:?} of {}", api.repo()),
            MAX_PAGES,
        )
    });
    while let Some(next) = url.take() {
        let page = api.get::<Vec<payload::Issue>>(next).await?;
        issues.extend(page.body);
        url = match walk.as_mut().and_then(|walk| walk.after_page(page.next)) {
            Some(link) => Some(api.follow(link.as_str())?),
            None => None,
        };
    }
    Ok(issues)
}

/// Incidents updated since each label's watermark (the day of the backfill horizon on a first
/// sync). The watermark moves to the day of the latest update, and the listing from it is read
/// right away, so an unchanged next poll is answered 304.
pub(super) async fn sync(
    api: &Api,
    settings: &Settings,
    marks: &mut Watermarks,
    horizon: Timestamp,
) -> Result<Vec<Incident>, SourceError> {
    let mut incidents: BTreeMap<u64, (Timestamp, Incident)> = BTreeMap::new();
    for label in &settings.incident_labels {
        let key = state::issues_since(label);
        let since = marks.timestamp(&key)?.unwrap_or_else(|| day_start(horizon));
        let mut issues = list(api, label, since).await?;
        if let Some(next) = issues
            .iter()
            .map(|i| day_start(i.updated_at))
            .max()
            .filter(|next| *next > since)
        {
            marks.set(key, format_time(next));
            issues.extend(list(api, label, next).await?);
        }
        for issue in issues {
            if issue.pull_request.is_some() {
                continue;
            }
            match incidents.get(&issue.number) {
                Some((updated, _)) if *updated > issue.updated_at => {}
                _ => {
                    let id = settings.incident_id(issue.number);
                    let incident = translate::incident(&issue, id, &settings.service);
                    incidents.insert(issue.number, (issue.updated_at, incident));
                }
            }
        }
    }
    Ok(incidents.into_values().map(|(_, i)| i).collect())
}
