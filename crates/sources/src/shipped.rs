//! The commits of deployments whose source knows only the sha it deployed (Jenkins, Buildkite,
//! CircleCI, Argo CD, ...), by one rule for every such source
//! (docs/METRICS.md#deployments-that-name-only-a-sha):
//!
//! 1. a git source of the same service (its `deploy_tags = []` makes it a commit lookup only):
//!    the counted deployments of the service, from every source, are walked in deploy order
//!    over its repository, each that named no commits getting the commits no earlier one
//!    reached (one that named them, inline or by a compare, keeps its own);
//! 2. else a GitHub or GitLab source of the service: its compare API, asked by the forge's
//!    sync and kept in the store, applied when the store is read ([`compared`]);
//! 3. else none: the deployments have no changes, the service's lead time is unknown, and the
//!    status line of each source that found them says why.
//!
//! Rule 1 runs where the history is put together (the binary's `Context::history`), after the
//! stored events are read: the git source is read there too, and nothing it finds is stored.

pub mod compared;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::git;
use flowdeck_config::schema::GitSourceConfig;
use flowdeck_config::{Config, SourceConfig};
use flowdeck_core::model::{Change, Deployment, EventSet};
use flowdeck_core::status::SourceStatus;

/// The id prefixes of the deployments whose source reads their commits itself.
const SHIPS_OWN_COMMITS: [&str; 3] = ["git:", "github:", "gitlab:"];

/// Something a status line should say about a service's shipped commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedNote {
    pub service: String,
    pub text: String,
}

/// Fills in the shipped commits of the counted deployments that name none (a pushed or
/// ingested deployment without `changes`, a webhook's deployment not yet compared, a CI
/// source's) of every service that has a git source and a deployment that names only a sha;
/// returns what the status lines should say
/// (a sha missing from the clone, a service with no way to read its commits).
pub fn resolve(config: &Config, base_dir: &Path, events: &mut EventSet) -> Vec<ShippedNote> {
    let mut by_service: BTreeMap<String, Vec<&mut Deployment>> = BTreeMap::new();
    let mut sha_only: BTreeSet<String> = BTreeSet::new();
    for deployment in events.deployments.iter_mut().filter(|d| d.counts()) {
        if !names_commits(deployment) && deployment.changes.is_empty() {
            sha_only.insert(deployment.service.clone());
        }
        by_service
            .entry(deployment.service.clone())
            .or_default()
            .push(deployment);
    }
    let mut notes = Vec::new();
    for service in sha_only {
        let Some(mut deployments) = by_service.remove(service.as_str()) else {
            continue;
        };
        match lookup_for(config, &service) {
            Some(lookup) => {
                if let Some(text) = ship_with(lookup, base_dir, &mut deployments) {
                    notes.push(ShippedNote {
                        service: service.clone(),
                        text,
                    });
                }
            }
            // A GitHub or GitLab source of the service compares them (`compared`).
            None if compared::fallbacks(config)
                .iter()
                .any(|f| f.service == service) => {}
            None => notes.push(ShippedNote {
                text: format!(
                    "lead time unknown for {service}: its deployments name only a sha and no git, GitHub or GitLab source of {service} reads their commits (add [[sources]] kind = \"git\", service = \"{service}\", deploy_tags = [])"
                ),
                service,
            }),
        }
    }
    notes
}

/// Adds each note to the status line of every source that found deployments of its service
/// and does not read their commits itself, and of every events source (a status that already
/// says something keeps it).
pub fn annotate(config: &Config, notes: &[ShippedNote], statuses: &mut [SourceStatus]) {
    for note in notes {
        let names: Vec<String> = config
            .sources
            .iter()
            .filter(|s| {
                !matches!(
                    s,
                    SourceConfig::Git(_) | SourceConfig::Github(_) | SourceConfig::Gitlab(_)
                )
            })
            // An events source may carry deployments of any service.
            .filter(|s| {
                s.deployment_service() == Some(note.service.as_str())
                    || matches!(s, SourceConfig::Events(_))
            })
            .map(SourceConfig::display_name)
            .collect();
        annotate_named(&names, note, statuses);
    }
}

/// Adds `note` to the status lines of the sources `names` (a status that already says
/// something keeps it).
pub fn annotate_named(names: &[String], note: &ShippedNote, statuses: &mut [SourceStatus]) {
    for status in statuses.iter_mut().filter(|s| names.contains(&s.name)) {
        status.error = Some(match status.error.take() {
            Some(error) => format!("{error}; {}", note.text),
            None => note.text.clone(),
        });
    }
}

/// Whether a deployment's source reads its commits itself (a deployment of another source
/// that carries `changes` named them too: see `resolve`).
fn names_commits(deployment: &Deployment) -> bool {
    SHIPS_OWN_COMMITS
        .iter()
        .any(|prefix| deployment.id.starts_with(prefix))
}

/// The git source that reads the commits of `service`: the first of the service's git sources
/// with `deploy_tags = []`, else its first git source.
fn lookup_for<'a>(config: &'a Config, service: &str) -> Option<&'a GitSourceConfig> {
    let git_sources: Vec<&GitSourceConfig> = config
        .sources
        .iter()
        .filter_map(|s| match s {
            SourceConfig::Git(git) if git.service == service => Some(git),
            _ => None,
        })
        .collect();
    git_sources
        .iter()
        .find(|g| g.deploy_tags.is_empty())
        .or_else(|| git_sources.first())
        .copied()
}

/// Walks the repository for the service's deployments; a note when it could not (the git
/// source's own status line says why it cannot be read) or when shas are missing.
fn ship_with(
    lookup: &GitSourceConfig,
    base_dir: &Path,
    deployments: &mut [&mut Deployment],
) -> Option<String> {
    let service = &lookup.service;
    // Every counted deployment takes part in the walk (each commit goes to the first one that
    // reaches it), but one that named its commits (inline `changes`, a compare) keeps them.
    let named: HashMap<String, Vec<Change>> = deployments
        .iter()
        .filter(|d| !d.changes.is_empty())
        .map(|d| (d.id.clone(), d.changes.clone()))
        .collect();
    let walked = git::ship(lookup, base_dir, deployments);
    for deployment in deployments.iter_mut() {
        if let Some(changes) = named.get(&deployment.id) {
            deployment.changes.clone_from(changes);
        }
    }
    match walked {
        Ok(shipped) if shipped.missing.is_empty() => {
            tracing::debug!(%service, resolved = shipped.resolved, "shipped commits read from git");
            None
        }
        Ok(shipped) => Some(format!(
            "{} deployment(s) of {service} name a sha the git source's repository does not have (e.g. {}): fetch it; their lead times are unknown",
            shipped.missing.len(),
            shipped.missing[0],
        )),
        Err(error) => Some(format!(
            "lead time unknown for {service}: its git source cannot be read ({error})"
        )),
    }
}
