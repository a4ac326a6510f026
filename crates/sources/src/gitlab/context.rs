//! What the parts of one GitLab sync (merge requests, pipelines, deployments) share.

use super::api::Api;
use super::setup::Settings;
use super::translate::Scope;
use crate::polled::Round;
use flowdeck_core::model::Timestamp;

pub(super) struct Cx<'a> {
    pub api: &'a Api,
    pub settings: &'a Settings,
    /// The stored watermarks (`round.marks`) and events; what this sync sets is gathered apart
    /// and set once every part has read.
    pub round: &'a Round,
    pub scope: Scope<'a>,
    /// Data is complete from here on: the first sync's `now - backfill`.
    pub horizon: Timestamp,
}
