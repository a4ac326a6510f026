//! Merge requests: the list newest-updated first down to the cursor; for each merged one that is
//! new or changed, its commits (the first commit's authored date) and its notes (the first
//! review). Open and closed ones need neither: only merged ones have a cycle time.
//! The first sync also lists every open merge request, however long untouched, for WIP.

use std::collections::HashMap;

use super::context::Cx;
use super::payload::{MergeRequest, MergeRequestCommit, Note};
use super::state::{self, MERGE_REQUESTS};
use super::translate;
use super::walk::{Cursor, walk};
use crate::SourceError;
use crate::live::SyncOutcome;
use flowdeck_core::model::Timestamp;

/// Merge shas of merge requests by iid, as far as this sync saw them (for "This reverts merge
/// request !N" in commit messages).
pub(super) type MergeShas = HashMap<u64, Option<String>>;

pub(super) async fn sync(cx: &Cx<'_>, out: &mut SyncOutcome) -> Result<MergeShas, SourceError> {
    let cursor = state::cursor(&cx.round.marks, MERGE_REQUESTS)?;
    let floor = cursor.as_ref().map_or(cx.horizon, |c| c.at);
    let first = cx.api.project_url(
        &["merge_requests"],
        &[
            ("state", "all"),
            ("order_by", "updated_at"),
            ("sort", "desc"),
            ("per_page", "100"),
        ],
    );
    let walked = walk(
        cx.api,
        first,
        |mr: &MergeRequest| mr.updated_at < floor,
        "merge requests",
    )
    .await?;
    let mut fresh: Vec<&MergeRequest> = walked
        .items
        .iter()
        .filter(|mr| match &cursor {
            Some(c) => c.is_new(*mr),
            None => mr.updated_at >= cx.horizon,
        })
        .collect();
    let open = if cursor.is_none() {
        let url = cx.api.project_url(
            &["merge_requests"],
            &[("state", "opened"), ("per_page", "100")],
        );
        cx.api
            .get_all::<MergeRequest>(url, "open merge requests")
            .await?
    } else {
        Vec::new()
    };
    for mr in &open {
        if !fresh.iter().any(|f| f.iid == mr.iid) {
            fresh.push(mr);
        }
    }
    fresh.sort_by_key(|mr| mr.iid);
    fresh.dedup_by_key(|mr| mr.iid);

    let mut shas = MergeShas::new();
    let mut count = 0;
    for mr in fresh {
        shas.insert(mr.iid, translate::merged_sha(mr));
        let (first_commit, first_review) = if mr.state == "merged" {
            (first_commit(cx, mr.iid).await?, first_review(cx, mr).await?)
        } else {
            (None, None)
        };
        out.events.pull_requests.push(translate::pull_request(
            &cx.scope,
            mr,
            first_commit,
            first_review,
        ));
        count += 1;
    }
    for mr in &walked.items {
        shas.entry(mr.iid)
            .or_insert_with(|| translate::merged_sha(mr));
    }
    let next = Cursor::advance(cursor.as_ref(), &walked.items)
        .map(|c| c.encode())
        .unwrap_or_else(|| state::timestamp(floor) + " ");
    tracing::info!(
        source = %cx.scope.project,
        merge_requests = count,
        unchanged = walked.unchanged,
        "GitLab merge requests read"
    );
    out.watermarks.push((MERGE_REQUESTS.to_string(), next));
    Ok(shas)
}

/// The oldest authored date among the merge request's commits (the list is newest first and
/// may be rebased, so every page is read and the minimum taken).
async fn first_commit(cx: &Cx<'_>, iid: u64) -> Result<Option<Timestamp>, SourceError> {
    let iid = iid.to_string();
    let url = cx
        .api
        .project_url(&["merge_requests", &iid, "commits"], &[("per_page", "100")]);
    let commits: Vec<MergeRequestCommit> = cx.api.get_all(url, "merge request commits").await?;
    Ok(commits.iter().map(|c| c.authored_date).min())
}

/// The first review by someone other than the author, reading notes oldest first and stopping
/// at the first page that has one.
async fn first_review(cx: &Cx<'_>, mr: &MergeRequest) -> Result<Option<Timestamp>, SourceError> {
    let iid = mr.iid.to_string();
    let mut next = Some(cx.api.project_url(
        &["merge_requests", &iid, "notes"],
        &[
            ("sort", "asc"),
            ("order_by", "created_at"),
            ("per_page", "100"),
        ],
    ));
    let mut pages = 0;
    while let Some(url) = next {
        let page = cx.api.get::<Vec<Note>>(url, "merge request notes").await?;
        if let Some(at) = translate::first_review(&page.body, mr.author.id) {
            return Ok(Some(at));
        }
        pages += 1;
        next = page.next.filter(|_| pages < super::api::MAX_PAGES);
    }
    Ok(None)
}
