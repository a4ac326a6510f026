//! `flowdeck init`: the commented starter config, and where `load` will look for it. The binary
//! writes it, and never over an existing file.

use std::io;
use std::path::{Path, PathBuf};

use super::locate;

/// The starter config; `"{{service}}"` and `"{{path}}"` are filled in by [`starter`].
const STARTER: &str = include_str!("starter.toml");

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The target file exists (a usage error: exit 2).
    #[error(
        "{}: a file already exists there, so it was left untouched\n  hint: edit it (`flowdeck check` validates it), or pass --config with a new path for a fresh starter config",
        path.display()
    )]
    Exists { path: PathBuf },
    /// Neither --config, $FLOWDECK_CONFIG nor a home directory says where to write (exit 2).
    #[error(
        "nowhere to write the config: the home directory is unknown\n  hint: pass --config FILE or set $FLOWDECK_CONFIG"
    )]
    NoPath,
    /// Creating the file's directory failed (a runtime failure: exit 1).
    #[error("{}: cannot create the directory {} for the starter config: {source}", path.display(), dir.display())]
    CreateDir {
        path: PathBuf,
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing the file failed (a runtime failure: exit 1).
    #[error("{}: cannot write the starter config: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl InitError {
    /// Whether the user asked for something impossible (exit 2) rather than the system failing.
    pub fn is_usage(&self) -> bool {
        matches!(self, InitError::Exists { .. } | InitError::NoPath)
    }
}

/// What `flowdeck init` writes, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Starter {
    /// `explicit` (--config), else $FLOWDECK_CONFIG, else the XDG config path.
    pub path: PathBuf,
    /// The commented starter config; its git source reads the current directory.
    pub text: String,
}

/// The starter config for `explicit` (--config), else $FLOWDECK_CONFIG, else the XDG config
/// path. The binary writes it (creating its folder, never replacing a file) with the one
/// writer every user-named output goes through.
pub fn starter_for(explicit: Option<&Path>) -> Result<Starter, InitError> {
    let (path, _) = locate::config_path(explicit).ok_or(InitError::NoPath)?;
    let repo = std::env::current_dir().map_err(|source| InitError::Write {
        path: path.clone(),
        source,
    })?;
    let text = starter(&repo, &locate::base_dir(Some(&path)));
    Ok(Starter { path, text })
}

/// The starter text for a config in `config_dir` whose git source reads `repo`.
///
/// Relative paths in a config start at its own directory, so the source's path is "." only
/// when the config sits in the repository; otherwise (the XDG location) it is `repo` itself.
/// The service is named after the repository's directory.
pub(crate) fn starter(repo: &Path, config_dir: &Path) -> String {
    let path = if repo == config_dir {
        ".".to_string()
    } else {
        repo.display().to_string()
    };
    let service = repo
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "app".to_string());
    STARTER
        .replace("\"{{path}}\"", &toml_string(&path))
        .replace("\"{{service}}\"", &toml_string(&service))
}

/// `text` as a TOML string literal, quoted and escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}
