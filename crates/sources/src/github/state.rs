//! What the GitHub source remembers between syncs, as watermarks in the store (committed
//! atomically with the events they describe):
//!
//! | key                                | value                                                 |
//! |------------------------------------|-------------------------------------------------------|
//! | `backfill.from`                    | the first sync's horizon (RFC 3339), kept by the scaffold (`polled::Round`) |
//! | `sync.at`                          | when the last sync ran, with a serial: whether the store still holds what `known` remembers |
//! | `deployments.environments`         | the environments GitHub flags `production_environment`, found on the first sync |
//! | `deployments.newest_id:<env>`      | the newest deployment id seen in that environment     |
//! | `runs.created_since`               | the day workflow runs are listed from (YYYY-MM-DD)    |
//! | `pulls.updated_since`              | the newest pull request update seen (RFC 3339)        |
//! | `issues.since:<label>`             | the day incident issues are listed from (RFC 3339)    |
//! | `deployments.walk:<env>`           | cursor of a listing not finished (JSON, `walk.rs`): the next page, what it listed and has not read yet |
//! | `deployments.changes_pending`      | deployments whose shipped commits are still to be read (JSON ids) |
//! | `runs.walk`, `pulls.walk`, `issues.walk:<label>` | the same cursors for the other listings |
//!
//! A cursor is set while its listing is unfinished (a backfill committed in parts and cut
//! short, or a listing that reached its page cap) and stored empty once it is done.

pub(super) const SYNC_AT: &str = "sync.at";
pub(super) const ENVIRONMENTS: &str = "deployments.environments";
pub(super) const RUNS_CREATED_SINCE: &str = "runs.created_since";
pub(super) const PULLS_UPDATED_SINCE: &str = "pulls.updated_since";
pub(super) const CHANGES_PENDING: &str = "deployments.changes_pending";
pub(super) const RUNS_WALK: &str = "runs.walk";
pub(super) const PULLS_WALK: &str = "pulls.walk";

/// "deployments.walk:<environment>"
pub(super) fn deployments_walk(environment: &str) -> String {
    format!("deployments.walk:{environment}")
}

/// "issues.walk:<label>"
pub(super) fn issues_walk(label: &str) -> String {
    format!("issues.walk:{label}")
}

/// "deployments.newest_id:<environment>"
pub(super) fn deployments_newest(environment: &str) -> String {
    format!("deployments.newest_id:{environment}")
}

/// "issues.since:<label>"
pub(super) fn issues_since(label: &str) -> String {
    format!("issues.since:{label}")
}
