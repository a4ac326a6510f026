//! Incidents: issues carrying one of the incident labels, listed per label (GitHub's `labels`
//! filter means all of them), updated since the watermark day.

use serde::{Deserialize, Serialize};

use super::api::{Api, PER_PAGE};
use super::pass::Pass;
use super::payload;
use super::state;
use super::translate;
use super::walk::{self, Steps, runs_now};
use crate::SourceError;
use crate::polled::{day_start, format_time};
use flowdeck_core::model::Timestamp;

/// Pages of one label's issues read at most in one sync (10,000); the rest is read at the next sync.
const MAX_PAGES: usize = 100;

fn first_page(api: &Api, label: &str, since: Timestamp) -> String {
    let since = format_time(since);
    api.url(
        &["issues"],
        &[
            ("labels", label),
            ("state", "all"),
            ("since", &since),
            ("per_page", PER_PAGE),
        ],
    )
    .to_string()
}

/// Where one label's listing is (`issues.walk:<label>`): the next page, the day it lists
/// from, the latest update it saw, and whether it is the listing from the new day read right
/// after (so an unchanged next poll is answered 304).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IssuesWalk {
    next: Option<String>,
    since: Timestamp,
    latest_day: Option<Timestamp>,
    warm: bool,
}

/// Incidents updated since each label's watermark (the day of the backfill horizon on a first
/// sync), handed to the pass page by page. The watermark moves to the day of the latest
/// update, and the listing from it is read right away, so an unchanged next poll is answered
/// 304.
pub(super) async fn sync(pass: &mut Pass<'_>) -> Result<(), SourceError> {
    let (api, settings) = (pass.api, pass.settings);
    let horizon = pass.round.now - pass.round.backfill;
    for label in &settings.incident_labels {
        let key = state::issues_since(label);
        let walk_key = state::issues_walk(label);
        let stored_walk = walk::usable(
            pass.api,
            pass.round.marks.json::<IssuesWalk>(&walk_key)?,
            |w| w.next.as_deref(),
        );
        let stored_since = pass.round.marks.timestamp(&key)?;
        if !runs_now(stored_walk.is_some(), stored_since.is_some(), pass.resuming) {
            continue;
        }
        let mut walk = match stored_walk {
            Some(walk) => walk,
            None => {
                let since = stored_since.unwrap_or_else(|| day_start(horizon));
                IssuesWalk {
                    next: Some(first_page(api, label, since)),
                    since,
                    latest_day: None,
                    warm: false,
                }
            }
        };
        let mut steps = Steps::new(
            format!("issues labelled {label:?} of {}", api.repo()),
            MAX_PAGES,
        );
        let mut result = walk_label(pass, &mut walk, &mut steps, &walk_key).await;
        if matches!(result, Ok(true))
            && !walk.warm
            && let Some(next) = walk.latest_day.filter(|next| *next > walk.since)
        {
            pass.round.marks.set(key, format_time(next));
            walk = IssuesWalk {
                next: Some(first_page(api, label, next)),
                since: next,
                latest_day: None,
                warm: true,
            };
            result = walk_label(pass, &mut walk, &mut steps, &walk_key).await;
        }
        if matches!(result, Ok(true)) {
            pass.round.marks.clear(walk_key);
        } else {
            pass.round.marks.set_json(walk_key, &walk);
        }
        result?;
    }
    Ok(())
}

/// Reads one label's listing on; true when done, false at the page cap.
async fn walk_label(
    pass: &mut Pass<'_>,
    walk: &mut IssuesWalk,
    steps: &mut Steps,
    walk_key: &str,
) -> Result<bool, SourceError> {
    let (api, settings) = (pass.api, pass.settings);
    loop {
        let Some(url) = steps.next(api, &mut walk.next)? else {
            return Ok(walk.next.is_none());
        };
        let page = api.get::<Vec<payload::Issue>>(url).await?;
        walk.next = walk::next_link(api, page.next)?;
        for issue in page.body {
            walk.latest_day = walk.latest_day.max(Some(day_start(issue.updated_at)));
            if issue.pull_request.is_some() {
                continue;
            }
            let id = settings.incident_id(issue.number);
            let incident = translate::incident(&issue, id, &settings.service);
            pass.incident(incident, issue.updated_at);
        }
        pass.round.marks.set_json(walk_key, &*walk);
        pass.checkpoint()?;
    }
}
