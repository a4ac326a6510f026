//! What this source has stored before, kept in memory between syncs so an unchanged repository
//! costs no status, compare, commit or review requests: deployments with a final status and the
//! details of merged pull requests are read from here, not fetched again.
//!
//! The index is trusted only while it matches the store: every outcome carries the watermark
//! `sync.at`; when the store's value differs from the last one this index produced (a commit
//! failed, another process wrote), the index is rebuilt from the store.

use std::collections::{HashMap, HashSet};

use flowdeck_core::model::{Deployment, EventSet, PullRequest};

#[derive(Debug, Default)]
pub(super) struct Known {
    /// This source's deployments by id.
    pub deployments: HashMap<String, Deployment>,
    /// Every sha this source's deployments shipped.
    pub shipped: HashSet<String>,
    /// This service's pull requests by number.
    pub pulls: HashMap<u64, PullRequest>,
    /// The `sync.at` watermark of the outcome this index was last brought up to date with.
    pub marker: Option<String>,
}

impl Known {
    /// This source's part of a stored history: deployments with its id prefix and service, and
    /// the service's pull requests.
    pub(super) fn from_events(events: EventSet, id_prefix: &str, service: &str) -> Known {
        let mut known = Known::default();
        for deployment in events.deployments {
            if deployment.service == service && deployment.id.starts_with(id_prefix) {
                known.add_deployment(deployment);
            }
        }
        for pr in events.pull_requests {
            if pr.service == service {
                known.pulls.insert(pr.number, pr);
            }
        }
        known
    }

    pub(super) fn add_deployment(&mut self, deployment: Deployment) {
        self.shipped
            .extend(deployment.changes.iter().map(|c| c.sha.clone()));
        self.deployments.insert(deployment.id.clone(), deployment);
    }

    /// Whether a deployment is new or differs from what is stored.
    pub(super) fn deployment_changed(&self, deployment: &Deployment) -> bool {
        self.deployments.get(&deployment.id) != Some(deployment)
    }
}
