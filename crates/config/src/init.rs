//! `flowdeck init`: writes a commented starter config where `load` will look for it, and
//! never overwrites an existing file.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
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

/// Writes the starter config to `explicit` (--config), else $FLOWDECK_CONFIG, else the XDG
/// config path, creating parent directories. Its git source reads the current directory.
/// Returns the path written.
pub fn init(explicit: Option<&Path>) -> Result<PathBuf, InitError> {
    let (path, _) = locate::config_path(explicit).ok_or(InitError::NoPath)?;
    let repo = std::env::current_dir().map_err(|source| InitError::Write {
        path: path.clone(),
        source,
    })?;
    write_starter(&path, &repo)?;
    Ok(path)
}

/// Writes the starter for the repository `repo` to `path`, unless something is there.
pub(crate) fn write_starter(path: &Path, repo: &Path) -> Result<(), InitError> {
    let write_error = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|source| InitError::CreateDir {
            path: path.to_path_buf(),
            dir: parent.to_path_buf(),
            source,
        })?;
    }
    let text = starter(repo, &locate::base_dir(Some(path)));
    // create_new checks and creates in one step, so a file appearing meanwhile is not clobbered.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => InitError::Exists {
                path: path.to_path_buf(),
            },
            _ => write_error(e),
        })?;
    file.write_all(text.as_bytes()).map_err(|e| {
        // Do not leave half a starter behind: the next `init` would refuse to replace it.
        let _ = fs::remove_file(path);
        write_error(e)
    })
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
