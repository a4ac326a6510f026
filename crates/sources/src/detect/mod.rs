//! Zero-config: what a git repository says about itself, so `flowdeck` runs inside any clone
//! without a config file, and `flowdeck init` writes the same thing out for the user to edit.
//!
//! - `tags`: which tags are releases, and of which services (one, or one per prefix);
//! - `origin`: where the origin remote lives (GitHub, GitLab, another host to probe);
//! - `probe`: which forge another host runs, remembered in the data directory;
//! - `render`: the detection as a commented config, the one text both zero-config and `init`
//!   parse, so the two never disagree.

pub mod origin;
pub mod probe;
mod render;
pub mod tags;

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

pub use self::origin::{Forge, ForgeRepo, Origin};
pub use self::render::render;
pub use self::tags::{InferredService, TagGroup, TagInference};
use crate::token::{self, TokenLookup};

/// Folders a monorepo keeps its packages in, besides the top.
const PACKAGE_DIRS: &[&str] = &["crates", "packages", "services", "apps"];

/// Why there is nothing to detect.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// The directory is not inside a git repository: the caller's usual message applies.
    #[error("{} is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    /// A repository is there but cannot be read (permissions, damage, another owner).
    #[error("{0}")]
    Unreadable(String),
}

impl DetectError {
    /// Whether retrying may help: never, the repository is as it is.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// Everything read from one repository.
#[derive(Debug, Clone)]
pub struct Detection {
    /// The work tree's top (or a bare repository's folder): the git sources' `path`.
    pub root: PathBuf,
    pub bare: bool,
    /// The repository's name: the root folder's, without `.git`.
    pub name: String,
    pub tags: TagInference,
    /// Per service name, the folder (relative to the root) its changes live in.
    pub folders: Vec<(String, String)>,
    pub origin: Origin,
    /// The forge that will be read, if a token was found for it.
    pub forge: Option<ForgeRepo>,
    /// One line each: what was inferred and why (also the comments `init` writes).
    pub notes: Vec<String>,
}

/// How detection may reach out.
#[derive(Debug, Clone, Default)]
pub struct DetectOptions {
    /// Where probe answers are remembered (`forges.json` in the data directory); None: not
    /// remembered.
    pub probe_cache: Option<PathBuf>,
    /// Whether a host flowdeck does not know may be probed (one request or two, 5 s each).
    pub probe: bool,
}

/// Reads the repository `dir` is in (a work tree, or a bare repository).
pub fn detect(dir: &Path, options: &DetectOptions) -> Result<Detection, DetectError> {
    let repo = Repository::discover(dir).map_err(|e| match e.code() {
        // A `.git` git cannot open (a broken gitdir link, no permission) is not "no repository".
        ErrorCode::NotFound => match dir.ancestors().find(|d| d.join(".git").exists()) {
            Some(top) => DetectError::Unreadable(format!(
                "{}: the git repository here cannot be read ({} exists, but git cannot open it: {})",
                dir.display(),
                top.join(".git").display(),
                flowdeck_core::text::sanitize(e.message())
            )),
            None => DetectError::NotARepository(dir.to_path_buf()),
        },
        ErrorCode::Owner => DetectError::Unreadable(format!(
            "{}: the git repository here belongs to another user and git refuses to open it; add it to git's safe.directory or fix its owner",
            dir.display()
        )),
        _ => DetectError::Unreadable(format!(
            "{}: the git repository here cannot be read: {}",
            dir.display(),
            flowdeck_core::text::sanitize(e.message())
        )),
    })?;
    let bare = repo.is_bare();
    let root = match repo.workdir() {
        Some(workdir) => workdir.to_path_buf(),
        None => repo.path().to_path_buf(),
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    let root = PathBuf::from(root.to_string_lossy().trim_end_matches('/'));
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().trim_end_matches(".git").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".to_string());

    let names = repo.tag_names(None).map_err(|e| {
        DetectError::Unreadable(format!(
            "{}: cannot list the tags: {}",
            root.display(),
            flowdeck_core::text::sanitize(e.message())
        ))
    })?;
    let folder_of = |package: &str| -> Option<String> {
        if bare {
            return None;
        }
        let last = package.rsplit('/').next().unwrap_or(package);
        let mut candidates = vec![package.to_string()];
        for dir in PACKAGE_DIRS {
            candidates.push(format!("{dir}/{package}"));
            if last != package {
                candidates.push(format!("{dir}/{last}"));
            }
        }
        candidates
            .into_iter()
            .find(|c| !c.contains("..") && !c.starts_with('/') && root.join(c).is_dir())
    };
    let inference = tags::infer(names.iter().map(|n| n.ok().flatten()), &name, |p| {
        folder_of(p).is_some()
    });
    let folders = if inference.is_monorepo() {
        inference
            .services
            .iter()
            .filter_map(|s| folder_of(&s.name).map(|f| (s.name.clone(), f)))
            .collect()
    } else {
        Vec::new()
    };

    let origin = read_origin(&repo);
    let mut detection = Detection {
        root,
        bare,
        name,
        tags: inference,
        folders,
        origin,
        forge: None,
        notes: Vec::new(),
    };
    detection.notes.extend(describe_tags(&detection));
    resolve_forge(&mut detection, options);
    Ok(detection)
}

/// The origin remote (else the only remote), read; the URL itself is never kept.
fn read_origin(repo: &Repository) -> Origin {
    let names: Vec<String> = match repo.remotes() {
        Ok(list) => list
            .iter()
            .filter_map(|n| n.ok().flatten())
            .map(str::to_string)
            .collect(),
        Err(e) => {
            return Origin::None {
                why: format!(
                    "the remotes cannot be read: {}",
                    flowdeck_core::text::sanitize(e.message())
                ),
            };
        }
    };
    let chosen = match origin::choose_remote(&names) {
        Ok(name) => name,
        Err(why) => return Origin::None { why },
    };
    match repo
        .find_remote(chosen)
        .ok()
        .and_then(|r| r.url().ok().map(str::to_string))
    {
        Some(url) => origin::read_remote(&url),
        None => Origin::None {
            why: format!(
                "the remote {} has no URL flowdeck can read",
                flowdeck_core::text::sanitize(chosen)
            ),
        },
    }
}

/// "inferred from 126 tags like v0.29.0", per service; what was passed over or ignored.
fn describe_tags(detection: &Detection) -> Vec<String> {
    let inference = &detection.tags;
    let mut notes = Vec::new();
    if inference.services.is_empty() {
        notes.push(match inference.total {
            0 => "the repository has no tags, so no deployments: tag releases (like v1.2.3) to count them".to_string(),
            n => format!(
                "none of the {n} tags looks like a version (v1.2.3, 1.2.3, release-2026-01-05), so no deployments"
            ),
        });
        return notes;
    }
    for service in &inference.services {
        let groups: Vec<String> = service
            .groups
            .iter()
            .map(|g| format!("{} ({} like {})", g.glob(), tags_count(g.count), g.example))
            .collect();
        let folder = detection
            .folders
            .iter()
            .find(|(name, _)| *name == service.name)
            .map(|(_, folder)| format!("; its changes are the commits touching {folder}/"))
            .unwrap_or_default();
        notes.push(format!(
            "service {}: deployments are tags {}{folder}",
            service.name,
            groups.join(" and ")
        ));
    }
    if !inference.passed_over.is_empty() {
        let others: Vec<String> = inference
            .passed_over
            .iter()
            .take(5)
            .map(|g| format!("{} ({})", g.glob(), tags_count(g.count)))
            .collect();
        let more = inference.passed_over.len().saturating_sub(5);
        notes.push(format!(
            "other tag patterns not used: {}{}",
            others.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if inference.ignored + inference.unreadable > 0 {
        notes.push(format!(
            "{} of {} tags fit no version pattern and are ignored",
            inference.ignored + inference.unreadable,
            inference.total
        ));
    }
    notes
}

/// "1 tag", "126 tags".
fn tags_count(count: usize) -> String {
    match count {
        1 => "1 tag".to_string(),
        n => format!("{n} tags"),
    }
}

/// Decides the forge to read: known, remembered or probed, and only with a token.
fn resolve_forge(detection: &mut Detection, options: &DetectOptions) {
    let repo = match &detection.origin {
        Origin::None { why } => {
            detection
                .notes
                .push(format!("no forge: {why}; git alone gives the numbers"));
            return;
        }
        Origin::Refused { why } => {
            detection
                .notes
                .push(format!("no forge: {why}; git alone gives the numbers"));
            return;
        }
        Origin::Forge(repo) => repo.clone(),
        Origin::Unknown { web, project } => {
            let Some(forge) = identify(web, options, &mut detection.notes) else {
                return;
            };
            ForgeRepo {
                forge,
                base_url: match forge {
                    Forge::Github => format!("{web}/api/v3"),
                    Forge::Gitlab => web.clone(),
                },
                web: web.clone(),
                project: project.clone(),
            }
        }
    };
    if has_token(&repo) {
        detection.notes.push(format!(
            "origin is {} ({}): deployments, CI runs, pull requests and incidents are read from it",
            repo.describe(),
            repo.forge
        ));
        detection.forge = Some(repo);
    } else {
        let hint = match repo.forge {
            Forge::Github => "set GITHUB_TOKEN (or log in with `gh auth login`)",
            Forge::Gitlab => "set GITLAB_TOKEN (or log in with `glab auth login`)",
        };
        detection.notes.push(format!(
            "origin is {} ({}), but no token was found, so it is skipped: {hint} to add its deployments, CI and pull requests",
            repo.describe(),
            repo.forge
        ));
    }
}

/// The forge on a host flowdeck does not know: remembered, else probed when a token could
/// use the answer.
fn identify(web: &str, options: &DetectOptions, notes: &mut Vec<String>) -> Option<Forge> {
    let cached = options
        .probe_cache
        .as_deref()
        .and_then(|file| probe::remembered(file, web));
    let answer = match cached {
        Some(answer) => answer,
        None if !options.probe => {
            notes.push(format!(
                "origin is on {web}, which was not probed; git alone gives the numbers"
            ));
            return None;
        }
        None if !any_token_set() => {
            notes.push(format!(
                "origin is on {web}; set GITHUB_TOKEN or GITLAB_TOKEN to read its forge (it is then probed once)"
            ));
            return None;
        }
        None => match probe::probe(web) {
            Ok(answer) => {
                if let Some(file) = &options.probe_cache {
                    probe::remember(file, web, answer);
                }
                answer
            }
            Err(why) => {
                notes.push(format!(
                    "origin's host was probed and gave no answer: {why}; git alone gives the numbers"
                ));
                return None;
            }
        },
    };
    match answer {
        probe::Probed::Forge(forge) => Some(forge),
        probe::Probed::Neither => {
            notes.push(format!(
                "origin is on {web}, which is neither GitHub Enterprise nor GitLab; git alone gives the numbers"
            ));
            None
        }
    }
}

fn any_token_set() -> bool {
    ["GH_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Whether a token for `repo`'s forge is at hand (never which, never its value).
fn has_token(repo: &ForgeRepo) -> bool {
    let host = repo
        .web
        .split_once("://")
        .map_or(repo.web.as_str(), |(_, h)| h)
        .to_string();
    let lookup = match repo.forge {
        Forge::Github => TokenLookup {
            command: None,
            env: None,
            defaults: &["GH_TOKEN", "GITHUB_TOKEN"],
            gh_host: Some(host),
            glab_host: None,
        },
        Forge::Gitlab => TokenLookup {
            command: None,
            env: None,
            defaults: &["GITLAB_TOKEN"],
            gh_host: None,
            glab_host: Some(host),
        },
    };
    matches!(token::resolve(&lookup), Ok(Some(_)))
}
