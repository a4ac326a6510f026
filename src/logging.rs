//! Logs go to a file through `tracing`, never to the terminal (the dashboard owns it).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::config::Config;

/// Where logs go: `general.log_file` (relative to the config file's folder), else flowdeck.log
/// in the XDG state (or cache) directory.
pub fn log_path(config: &Config, base_dir: &Path) -> Option<PathBuf> {
    if let Some(path) = &config.general.log_file {
        return Some(base_dir.join(path));
    }
    let dirs = directories::ProjectDirs::from("", "", "flowdeck")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("flowdeck.log"))
}

/// Starts logging to the log file at the level from FLOWDECK_LOG (default "info"). A log file
/// that cannot be opened means no logs, never a failed command.
pub fn init(config: &Config, base_dir: &Path) {
    let Some(path) = log_path(config, base_dir) else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = OpenOptions::new().create(true).append(true).open(&path) else {
        return;
    };
    let filter = EnvFilter::try_from_env("FLOWDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
