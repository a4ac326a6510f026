//! Opening the repository, and turning libgit2's errors into `SourceError`s.

use std::fmt::Display;
use std::io;
use std::path::{Path, PathBuf};

use git2::{ErrorClass, ErrorCode, Repository};

use crate::SourceError;

/// The configured path resolved against the config file's directory.
pub(super) fn resolve(path: &Path, base_dir: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_dir.join(path)
    }
}

/// Opens the work tree or bare repository at exactly `path` (no search of parent directories:
/// a path that is not itself a repository is a configuration mistake, not a hint to look up).
pub(super) fn open(path: &Path) -> Result<Repository, SourceError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(SourceError::Config(format!(
                "git source: {} is a file, not a git repository; set `path` to a work tree or a bare repository",
                path.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SourceError::Config(format!(
                "git source: {} does not exist; set `path` to a work tree or a bare repository",
                path.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            return Err(SourceError::Config(format!(
                "git source: {} cannot be read ({e})",
                path.display()
            )));
        }
        Err(e) => {
            return Err(SourceError::Transient(format!(
                "git source: cannot read {}: {e}",
                path.display()
            )));
        }
    }
    let repo = Repository::open(path).map_err(|e| match e.code() {
        ErrorCode::NotFound => SourceError::Config(format!(
            "git source: {} is not a git repository (neither a work tree nor a bare repository)",
            path.display()
        )),
        ErrorCode::Owner => SourceError::Config(format!(
            "git source: {} belongs to another user and git refuses to open it; add it to git's safe.directory or fix its owner",
            path.display()
        )),
        _ => classify(e, format_args!("cannot open the git repository {}", path.display())),
    })?;
    objects_readable(&repo)?;
    Ok(repo)
}

/// Refuses a repository whose object folders cannot be read. libgit2 takes an object it
/// cannot read for one that is not there, so without this an unreadable repository looked
/// like one with no tags to deploy: `check` said ok and the report had 0 deployments.
fn objects_readable(repo: &Repository) -> Result<(), SourceError> {
    let objects = repo.path().join("objects");
    for folder in [objects.clone(), objects.join("pack")] {
        if let Err(e) = std::fs::read_dir(&folder)
            && e.kind() == io::ErrorKind::PermissionDenied
        {
            return Err(permission_denied(&folder));
        }
    }
    Ok(())
}

/// When `oid` looked missing: the folder that would hold it as a loose object, if it is there
/// but cannot be read (so the object may well exist).
pub(super) fn unreadable_object(repo: &Repository, oid: git2::Oid) -> Option<SourceError> {
    let hex = oid.to_string();
    let folder = repo.path().join("objects").join(hex.get(..2)?);
    match std::fs::read_dir(&folder) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Some(permission_denied(&folder)),
        _ => None,
    }
}

fn permission_denied(folder: &Path) -> SourceError {
    SourceError::Config(format!(
        "git source: {} cannot be read: permission denied (flowdeck reads the repository's objects; give this user read access)",
        folder.display()
    ))
}

/// Sorts a libgit2 error into the kinds a poller acts on: I/O and locks may pass, everything
/// else means the repository holds something flowdeck cannot read.
pub(super) fn classify(e: git2::Error, context: impl Display) -> SourceError {
    let text = format!("git source: {context}: {}", e.message());
    if e.message().contains("Permission denied") {
        // Not transient and not damage: this user may not read part of the repository.
        return SourceError::Config(format!(
            "{text} (permission denied: give this user read access to the repository)"
        ));
    }
    if e.code() == ErrorCode::Locked || matches!(e.class(), ErrorClass::Os | ErrorClass::Thread) {
        SourceError::Transient(text)
    } else {
        SourceError::Data(format!(
            "{text} (the repository may be damaged; `git fsck` there tells more)"
        ))
    }
}

/// Whether an error means "this object is not in the repository" (a shallow or damaged clone),
/// as opposed to "this object is not of the kind asked for" (also NotFound, but of class Invalid).
pub(super) fn is_missing(e: &git2::Error) -> bool {
    e.code() == ErrorCode::NotFound && e.class() == ErrorClass::Odb
}
