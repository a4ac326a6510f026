//! Zero-config: with no config file, inside a git repository, flowdeck configures itself from
//! it (`sources::detect`), and `flowdeck init` writes the same config out. The event history
//! of such a run goes to the data directory, one store per repository, so a second run is
//! incremental.

use std::path::{Path, PathBuf};

use super::CommandError;
use crate::config::LoadedConfig;
use crate::model::EventSet;
use crate::sources::detect::{self, DetectError, DetectOptions, Detection};

/// flowdeck's XDG data directory.
fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "flowdeck").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The store of the repository at `root`: `repos/<name>-<hash of its path>.sqlite` in the data
/// directory, so two clones of one project keep separate histories.
fn store_for(data_dir: &Path, detection: &Detection) -> PathBuf {
    let path = detection.root.to_string_lossy();
    let hash = path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let name: String = detection
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    data_dir
        .join("repos")
        .join(format!("{name}-{:08x}.sqlite", hash as u32))
}

/// The detection of the repository the current directory is in, with the forge probed when
/// needed; None outside a git repository.
pub fn detect_here() -> Result<Option<(Detection, Option<PathBuf>)>, CommandError> {
    let here = std::env::current_dir().map_err(|e| {
        CommandError::Runtime(anyhow::anyhow!("cannot read the current directory: {e}"))
    })?;
    let data = data_dir();
    let options = DetectOptions {
        probe_cache: data.as_ref().map(|d| d.join("forges.json")),
        probe: true,
    };
    match detect::detect(&here, &options) {
        Ok(detection) => {
            // The store's folder is made now: a config naming a missing folder is refused.
            let store = data
                .as_deref()
                .map(|d| store_for(d, &detection))
                .filter(|store| {
                    store
                        .parent()
                        .is_some_and(|dir| std::fs::create_dir_all(dir).is_ok())
                });
            Ok(Some((detection, store)))
        }
        Err(DetectError::NotARepository(_)) => Ok(None),
        Err(error @ DetectError::Unreadable(_)) => Err(CommandError::Usage(format!(
            "{error}\n  hint: pass --config FILE, or run flowdeck in a readable work tree"
        ))),
    }
}

/// The config inferred from the current repository, when no config file was found and the
/// defaults configure no source; None outside a repository (the usual message stays).
pub fn infer(loaded: &LoadedConfig) -> Result<Option<(LoadedConfig, Vec<String>)>, CommandError> {
    if loaded.path.is_some() || !loaded.config.sources.is_empty() {
        return Ok(None);
    }
    let Some((detection, store)) = detect_here()? else {
        return Ok(None);
    };
    let text = detect::render(&detection, store.as_deref());
    let inferred = LoadedConfig::inferred(&text, &detection.root)?;
    Ok(Some((inferred, detection.notes)))
}

/// Which system says "deployed" in an inferred config: the forge when it has production
/// deployments since the backfill horizon, else the tags. The tags' deployments are dropped
/// in the first case. Returns the sentence saying which and why.
pub fn choose_deployments(
    events: &mut EventSet,
    since: crate::model::Timestamp,
    forge_read: bool,
) -> Option<String> {
    let forge_kind = |id: &str| {
        ["github:", "gitlab:"]
            .into_iter()
            .find(|prefix| id.starts_with(prefix))
            .map(|prefix| prefix.trim_end_matches(':'))
    };
    let from_forge: Vec<&str> = events
        .deployments
        .iter()
        .filter(|d| d.counts() && d.finished_at >= since)
        .filter_map(|d| forge_kind(&d.id))
        .collect();
    let tags = events
        .deployments
        .iter()
        .filter(|d| d.id.starts_with("git:"))
        .count();
    let Some(kind) = from_forge.first().copied() else {
        let any_forge = events
            .deployments
            .iter()
            .any(|d| forge_kind(&d.id).is_some());
        return Some(if !forge_read {
            format!("deployments: {tags} tags (no forge is read)")
        } else if any_forge {
            format!(
                "deployments: {tags} tags (the forge has no production deployment since {})",
                since.format("%Y-%m-%d")
            )
        } else {
            format!("deployments: {tags} tags (no forge deployments to a production environment)")
        });
    };
    let count = from_forge.len();
    events.deployments.retain(|d| !d.id.starts_with("git:"));
    let forge = if kind == "github" { "GitHub" } else { "GitLab" };
    Some(format!(
        "deployments: {forge}'s ({count} to production since {}), so tags are not counted",
        since.format("%Y-%m-%d")
    ))
}
