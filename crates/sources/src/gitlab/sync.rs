//! One sync: environments, merge requests, pipelines, deployments (in that order: deployments
//! resolve "This reverts merge request !N" with the merge shas the merge request list brought).
//!
//! First sync (no `horizon` watermark): GET /projects/:id (fails early and clearly on a wrong
//! project or token; gives the web URL), then every list down to the backfill horizon, the
//! deployments one successful deployment further (the baseline), and the open merge requests.
//! Later syncs: every list down to its cursor; a list whose first page answers 304 is unchanged
//! and ends there.

use super::api::Api;
use super::payload::Environment;
use super::setup::Settings;
use super::state::{self, HORIZON, Marks, PROJECT, ProjectInfo};
use super::translate::Scope;
use super::{deployments, merge_requests, pipelines};
use crate::SourceError;
use crate::live::{SyncContext, SyncOutcome};
use flowdeck_core::model::Timestamp;
use flowdeck_store::Store;

/// What the parts of a sync share.
pub struct Cx<'a> {
    pub api: &'a Api,
    pub settings: &'a Settings,
    pub store: &'a dyn Store,
    pub marks: Marks<'a>,
    pub scope: Scope<'a>,
    /// Data is complete from here on: the first sync's `now - backfill`.
    pub horizon: Timestamp,
}

pub async fn sync(
    api: &Api,
    settings: &Settings,
    ctx: &SyncContext,
) -> Result<SyncOutcome, SourceError> {
    let store = ctx.store.as_ref();
    let marks = Marks {
        store,
        source: &settings.name,
    };
    let horizon = match marks.horizon()? {
        Some(h) => h,
        None => ctx.now - ctx.backfill,
    };
    let project = match marks.json::<ProjectInfo>(PROJECT)? {
        Some(p) => p,
        None => {
            let p = api.project().await?;
            ProjectInfo {
                path: p.path_with_namespace,
                web_url: p.web_url,
            }
        }
    };
    let mut out = SyncOutcome {
        covers_from: Some(horizon),
        ..SyncOutcome::default()
    };
    out.watermarks
        .push((HORIZON.to_string(), state::timestamp(horizon)));
    out.watermarks
        .push((PROJECT.to_string(), state::json(&project)));

    let cx = Cx {
        api,
        settings,
        store,
        marks,
        scope: Scope {
            service: &settings.service,
            project: &settings.project,
            path: Some(&project.path),
            web_url: Some(&project.web_url),
        },
        horizon,
    };
    let environments: Vec<Environment> = api
        .get_all(
            api.project_url(&["environments"], &[("per_page", "100")]),
            "environments",
        )
        .await?;
    let mut merge_shas = merge_requests::sync(&cx, &mut out).await?;
    pipelines::sync(&cx, &mut out).await?;
    deployments::sync(&cx, &environments, &mut merge_shas, &mut out).await?;
    Ok(out)
}
