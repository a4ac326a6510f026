//! The git source as a commit lookup: the shipped commits of deployments another source found
//! (a CI system, a GitOps controller) that know only the sha they deployed
//! (docs/METRICS.md#deployments-that-name-only-a-sha).

use std::collections::HashMap;
use std::path::Path;

use git2::Oid;

use super::paths::PathFilter;
use super::walk::History;
use super::{glob, repo, tune_libgit2};
use crate::SourceError;
use flowdeck_config::schema::GitSourceConfig;
use flowdeck_core::model::Deployment;

/// What [`ship`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipped {
    /// Deployments whose shipped commits were read from the repository.
    pub resolved: usize,
    /// Deployments whose sha the repository does not have (a clone not fetched lately, or the
    /// wrong repository), in deploy order: they keep what their source stored.
    pub missing: Vec<String>,
}

/// Gives each deployment, in deploy order (`finished_at`, then id bytewise), the commits
/// reachable from its sha that no earlier one reached: the same walk as the tags of
/// [`super::load`], with the source's `paths`. `deployments` are the counted deployments of
/// the source's service, from every source.
pub fn ship(
    config: &GitSourceConfig,
    base_dir: &Path,
    deployments: &mut [&mut Deployment],
) -> Result<Shipped, SourceError> {
    tune_libgit2();
    let path = repo::resolve(&config.path, base_dir);
    let repo = repo::open(&path)?;
    let filter = if config.paths.is_empty() {
        None
    } else {
        let matchers = config
            .paths
            .iter()
            .map(|p| glob(p, "paths"))
            .collect::<Result<Vec<_>, _>>()?;
        Some(PathFilter::new(matchers))
    };
    deployments.sort_by(|a, b| {
        a.finished_at
            .cmp(&b.finished_at)
            .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
    });
    let mut history = History::new(&repo, filter);
    let mut read_ahead = HashMap::new();
    let mut shipped = Shipped::default();
    for deployment in deployments.iter_mut() {
        let commit = Oid::from_str(deployment.sha.trim())
            .ok()
            .filter(|_| deployment.sha.trim().len() == 40)
            .and_then(|oid| repo.find_commit(oid).ok());
        let Some(commit) = commit else {
            shipped.missing.push(deployment.id.clone());
            continue;
        };
        let tip = commit.id();
        read_ahead.insert(tip, commit);
        deployment.changes = history.ship(tip, &mut read_ahead)?;
        shipped.resolved += 1;
    }
    Ok(shipped)
}
