//! Git sources a collector reads into the store, seen by a run that reads the store: the clone
//! where this run has one it can read (its tags are current), else what the collector stored
//! (a dashboard or report beside a shared store needs no clone). Never both: the stored copy
//! of a source read directly is dropped, so no tag counts twice.

use crate::config::Config;
use crate::config::schema::SourceConfig;
use crate::model::EventSet;
use crate::status::{SourceState, SourceStatus};

/// Settles each git source between `direct` (read from the clone now) and `stored` with
/// `stored_statuses` (what a collector wrote).
pub fn prefer_clones(
    config: &Config,
    direct: &mut Vec<SourceStatus>,
    stored: &mut EventSet,
    stored_statuses: &mut Vec<SourceStatus>,
) {
    for source in &config.sources {
        let SourceConfig::Git(git) = source else {
            continue;
        };
        let name = source.display_name();
        let Some(from_store) = stored_statuses.iter().position(|s| s.name == name) else {
            continue;
        };
        let read_here = direct
            .iter()
            .any(|s| s.name == name && s.status == SourceState::Ok);
        if read_here {
            stored_statuses.remove(from_store);
            let prefix = format!("git:{}:", git.service);
            stored.deployments.retain(|d| !d.id.starts_with(&prefix));
        } else {
            // The clone is missing or unreadable here: the collector's copy stands.
            direct.retain(|s| s.name != name);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{Deployment, DeploymentStatus};

    fn config() -> Config {
        toml::from_str("[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = \"/nowhere\"\n")
            .unwrap()
    }

    fn status(state: SourceState) -> SourceStatus {
        SourceStatus {
            name: "git:api".into(),
            kind: "git".into(),
            status: state,
            last_success_at: None,
            error: None,
            covers_from: None,
            collector: None,
        }
    }

    fn stored() -> EventSet {
        let at = chrono::DateTime::UNIX_EPOCH;
        EventSet {
            deployments: vec![Deployment {
                id: "git:api:v1".into(),
                name: Some("v1".into()),
                service: "api".into(),
                environment: "production".into(),
                production: true,
                sha: "a".repeat(40),
                ref_name: None,
                started_at: None,
                finished_at: at,
                status: DeploymentStatus::Success,
                url: None,
                changes: Vec::new(),
            }],
            ..EventSet::default()
        }
    }

    #[test]
    fn a_missing_clone_takes_the_stored_copy() {
        let mut direct = vec![status(SourceState::Error)];
        let mut events = stored();
        let mut statuses = vec![status(SourceState::Ok)];
        prefer_clones(&config(), &mut direct, &mut events, &mut statuses);
        assert!(direct.is_empty());
        assert_eq!(events.deployments.len(), 1);
        assert_eq!(statuses.len(), 1);
    }

    #[test]
    fn a_readable_clone_wins_and_nothing_counts_twice() {
        let mut direct = vec![status(SourceState::Ok)];
        let mut events = stored();
        let mut statuses = vec![status(SourceState::Ok)];
        prefer_clones(&config(), &mut direct, &mut events, &mut statuses);
        assert_eq!(direct.len(), 1);
        assert!(events.deployments.is_empty());
        assert!(statuses.is_empty());
    }
}
