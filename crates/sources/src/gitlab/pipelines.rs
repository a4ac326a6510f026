//! Pipelines: the list newest-updated first down to the cursor; the detail (started_at,
//! finished_at) only for pipelines that are new or changed and finished (success, failed,
//! canceled). A pipeline stored final is never asked for again unless it is retried, which moves
//! its updated_at and brings it back into the walk.

use super::context::Cx;
use super::payload::{Pipeline, PipelineDetail};
use super::state::{self, PIPELINES};
use super::translate;
use super::walk::{Cursor, walk};
use crate::SourceError;
use crate::live::SyncOutcome;

pub(super) async fn sync(cx: &Cx<'_>, out: &mut SyncOutcome) -> Result<(), SourceError> {
    let cursor = state::cursor(&cx.round.marks, PIPELINES)?;
    let floor = cursor.as_ref().map_or(cx.horizon, |c| c.at);
    let first = cx.api.project_url(
        &["pipelines"],
        &[
            ("order_by", "updated_at"),
            ("sort", "desc"),
            ("per_page", "100"),
        ],
    );
    let walked = walk(
        cx.api,
        first,
        |p: &Pipeline| p.updated_at < floor,
        "pipelines",
    )
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut details = 0;
    for p in &walked.items {
        let fresh = match &cursor {
            Some(c) => c.is_new(p),
            // The backfill: runs created inside it (the CI window is by created_at).
            None => p.created_at >= cx.horizon,
        };
        if !fresh || !translate::counts_as_run(p) || !seen.insert(p.id) {
            continue;
        }
        let detail = if translate::needs_detail(&p.status) {
            details += 1;
            let id = p.id.to_string();
            cx.api
                .get_optional::<PipelineDetail>(
                    cx.api.project_url(&["pipelines", &id], &[]),
                    "pipeline",
                )
                .await?
                .map(|r| r.body)
        } else {
            None
        };
        out.events
            .pipeline_runs
            .push(translate::pipeline_run(&cx.scope, p, detail.as_ref()));
    }
    let next = Cursor::advance(cursor.as_ref(), &walked.items)
        .map(|c| c.encode())
        .unwrap_or_else(|| state::timestamp(floor) + " ");
    out.watermarks.push((PIPELINES.to_string(), next));
    tracing::info!(
        source = %cx.scope.project,
        runs = seen.len(),
        details,
        unchanged = walked.unchanged,
        "GitLab pipelines read"
    );
    Ok(())
}
