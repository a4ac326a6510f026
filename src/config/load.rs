//! Finding and reading the config file. (Stub: the config work replaces this with positioned
//! errors and hints.)

use std::path::{Path, PathBuf};

use super::schema::Config;

/// A config file that could not be used: shown as one sentence with file:line:col and a hint.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

/// The config in effect and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file read, or None when no file exists and defaults apply.
    pub path: Option<PathBuf>,
    /// The directory relative paths in the config resolve against.
    pub base_dir: PathBuf,
}

/// Reads the config from `explicit` (--config), else $FLOWDECK_CONFIG, else the XDG config path;
/// with no file at the XDG path, the defaults apply.
pub fn load(explicit: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    let Some(path) = explicit.map(Path::to_path_buf) else {
        return Ok(LoadedConfig {
            config: Config::default(),
            path: None,
            base_dir: PathBuf::from("."),
        });
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        message: format!("cannot read config file {}: {e}", path.display()),
    })?;
    let config = parse(&text, &path)?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(LoadedConfig {
        config,
        path: Some(path),
        base_dir,
    })
}

/// Parses and validates config text; `origin` names the file in errors.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError {
        message: format!("{}: {e}", origin.display()),
    })
}
