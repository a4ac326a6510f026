//! Pull requests: the list sorted by last update, read down to the watermark (the backfill
//! horizon on a first sync); for a merged one, its first commit and first review by someone
//! else, read once and kept.

use std::collections::HashSet;

use super::api::{Api, PER_PAGE};
use super::known::Known;
use super::payload;
use super::state;
use super::translate::{self, PrDetails};
use crate::SourceError;
use crate::polled::{Watermarks, format_time};
use flowdeck_core::model::{PullRequest, Timestamp};

/// Pages of pull requests read at most in one sync (10,000).
const MAX_PAGES: usize = 100;

async fn list_pages(
    api: &Api,
    mut url: Option<url::Url>,
    cutoff: Option<Timestamp>,
    out: &mut Vec<payload::PullRequest>,
) -> Result<(), SourceError> {
    let mut pages = 0;
    while let Some(next) = url.take() {
        let page = api.get::<Vec<payload::PullRequest>>(next).await?;
        pages += 1;
        let mut done = false;
        for pr in page.body {
            if cutoff.is_some_and(|c| pr.updated_at < c) {
                done = true;
                break;
            }
            out.push(pr);
        }
        if done || pages >= MAX_PAGES {
            break;
        }
        url = match page.next {
            Some(link) => Some(api.follow(link.as_str())?),
            None => None,
        };
    }
    Ok(())
}

/// First commit (the earliest author date on the first page of its commits, which GitHub lists
/// oldest first) and first review by someone other than the author.
async fn details(api: &Api, pr: &payload::PullRequest) -> Result<PrDetails, SourceError> {
    let number = pr.number.to_string();
    let author = pr.user.as_ref().map(|u| u.login.as_str()).unwrap_or("");
    let commits = api
        .get_if_found::<Vec<payload::Commit>>(
            api.url(&["pulls", &number, "commits"], &[("per_page", PER_PAGE)]),
        )
        .await?
        .map(|p| p.body)
        .unwrap_or_default();
    let reviews = api
        .get_if_found::<Vec<payload::Review>>(
            api.url(&["pulls", &number, "reviews"], &[("per_page", PER_PAGE)]),
        )
        .await?
        .map(|p| p.body)
        .unwrap_or_default();
    Ok(PrDetails {
        first_commit_at: translate::first_commit_at(&commits),
        first_review_at: translate::first_review_by_other(&reviews, author),
    })
}

/// Pull requests updated since the watermark (with, on a first sync, every open one for work
/// in progress), as model events; only new or changed ones are returned.
pub(super) async fn sync(
    api: &Api,
    service: &str,
    known: &Known,
    marks: &mut Watermarks,
    horizon: Timestamp,
) -> Result<Vec<PullRequest>, SourceError> {
    let since = marks.timestamp(state::PULLS_UPDATED_SINCE)?;
    let mut listed: Vec<payload::PullRequest> = Vec::new();
    let recent = api.url(
        &["pulls"],
        &[
            ("state", "all"),
            ("sort", "updated"),
            ("direction", "desc"),
            ("per_page", PER_PAGE),
        ],
    );
    list_pages(
        api,
        Some(recent),
        Some(since.unwrap_or(horizon)),
        &mut listed,
    )
    .await?;
    if since.is_none() {
        // Open pull requests untouched since before the horizon are still work in progress.
        let open = api.url(&["pulls"], &[("state", "open"), ("per_page", PER_PAGE)]);
        list_pages(api, Some(open), None, &mut listed).await?;
    }
    // Without any pull request yet, the horizon: the next sync is incremental all the same.
    match (listed.iter().map(|p| p.updated_at).max(), since) {
        (Some(newest), since) if since.is_none_or(|s| newest > s) => {
            marks.set(state::PULLS_UPDATED_SINCE, format_time(newest));
        }
        (None, None) => marks.set(state::PULLS_UPDATED_SINCE, format_time(horizon)),
        _ => {}
    }

    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for pr in &listed {
        if !seen.insert(pr.number) {
            continue;
        }
        let stored = known.pulls.get(&pr.number);
        let details = match (pr.merged_at, stored) {
            (None, _) => PrDetails::default(),
            // Read once, when merged: commits and reviews before the merge do not change.
            (Some(merged), Some(s))
                if s.merged_at == Some(merged)
                    && (s.first_commit_at.is_some() || s.first_review_at.is_some()) =>
            {
                PrDetails {
                    first_commit_at: s.first_commit_at,
                    first_review_at: s.first_review_at,
                }
            }
            (Some(_), _) => details(api, pr).await?,
        };
        let model = translate::pull_request(pr, service, details);
        if stored != Some(&model) {
            out.push(model);
        }
    }
    Ok(out)
}
