//! Pull requests: the list sorted by last update, read down to the watermark (the backfill
//! horizon on a first sync); for a merged one, its first commit and first review by someone
//! else, read once and kept.

use serde::{Deserialize, Serialize};

use super::api::{Api, PER_PAGE};
use super::pass::Pass;
use super::payload;
use super::state;
use super::translate::{self, PrDetails};
use super::walk::{self, Steps, runs_now};
use crate::SourceError;
use crate::polled::format_time;
use flowdeck_core::model::Timestamp;

/// Pages of pull requests read at most in one sync (10,000); the rest is read at the next sync.
const MAX_PAGES: usize = 100;

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

/// Where the pull request listing is (`pulls.walk`): the next page, what it listed and has
/// not read yet, where it stops, and the newest update it saw.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PullsWalk {
    next: Option<String>,
    items: Vec<payload::PullRequest>,
    /// Updated before this, the listing ends (None: the open ones, read to their end).
    cutoff: Option<Timestamp>,
    /// After the recent ones, a first sync lists the open ones.
    open_next: bool,
    newest: Option<Timestamp>,
    since: Option<Timestamp>,
}

/// Pull requests updated since the watermark (with, on a first sync, every open one for work
/// in progress), handed to the pass as they are read (only new or changed ones are kept).
pub(super) async fn sync(pass: &mut Pass<'_>) -> Result<(), SourceError> {
    let api = pass.api;
    let horizon = pass.round.now - pass.round.backfill;
    let stored_walk = walk::usable(
        pass.api,
        pass.round.marks.json::<PullsWalk>(state::PULLS_WALK)?,
        |w| w.next.as_deref(),
    );
    let since = pass.round.marks.timestamp(state::PULLS_UPDATED_SINCE)?;
    if !runs_now(stored_walk.is_some(), since.is_some(), pass.resuming) {
        return Ok(());
    }
    let mut walk = match stored_walk {
        Some(walk) => walk,
        None => PullsWalk {
            next: Some(
                api.url(
                    &["pulls"],
                    &[
                        ("state", "all"),
                        ("sort", "updated"),
                        ("direction", "desc"),
                        ("per_page", PER_PAGE),
                    ],
                )
                .to_string(),
            ),
            items: Vec::new(),
            cutoff: Some(since.unwrap_or(horizon)),
            open_next: since.is_none(),
            newest: None,
            since,
        },
    };
    let mut steps = Steps::new(format!("pull requests of {}", api.repo()), MAX_PAGES);
    let result = walk_pulls(pass, &mut walk, &mut steps).await;
    let finished = matches!(result, Ok(true));
    if finished {
        // Without any pull request yet, the horizon: the next sync is incremental all the same.
        match (walk.newest, walk.since) {
            (Some(newest), since) if since.is_none_or(|s| newest > s) => {
                pass.round
                    .marks
                    .set(state::PULLS_UPDATED_SINCE, format_time(newest));
            }
            (None, None) => pass
                .round
                .marks
                .set(state::PULLS_UPDATED_SINCE, format_time(horizon)),
            _ => {}
        }
        pass.round.marks.clear(state::PULLS_WALK);
    } else {
        pass.round.marks.set_json(state::PULLS_WALK, &walk);
    }
    result.map(|_| ())
}

/// Reads on from where the walk is; true when it is done, false at the page cap.
async fn walk_pulls(
    pass: &mut Pass<'_>,
    walk: &mut PullsWalk,
    steps: &mut Steps,
) -> Result<bool, SourceError> {
    let api = pass.api;
    loop {
        while let Some(pr) = walk.items.first().cloned() {
            let stored = pass.known.pulls.get(&pr.number);
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
                (Some(_), _) => details(api, &pr).await?,
            };
            pass.pull(translate::pull_request(
                &pr,
                &pass.settings.service,
                details,
            ));
            walk.items.remove(0);
        }
        pass.round.marks.set_json(state::PULLS_WALK, &*walk);
        pass.checkpoint()?;
        let Some(url) = steps.next(api, &mut walk.next)? else {
            if walk.next.is_some() {
                return Ok(false);
            }
            if std::mem::replace(&mut walk.open_next, false) {
                // Open pull requests untouched since before the horizon are still work in
                // progress.
                walk.next = Some(
                    api.url(&["pulls"], &[("state", "open"), ("per_page", PER_PAGE)])
                        .to_string(),
                );
                walk.cutoff = None;
                continue;
            }
            return Ok(true);
        };
        let page = api.get::<Vec<payload::PullRequest>>(url).await?;
        walk.next = walk::next_link(api, page.next)?;
        for pr in page.body {
            if walk.cutoff.is_some_and(|c| pr.updated_at < c) {
                walk.next = None;
                break;
            }
            walk.newest = walk.newest.max(Some(pr.updated_at));
            walk.items.push(pr);
        }
    }
}
