//! Where `[general] store` says the history lives, and opening it.
//!
//! - `"sqlite"` (the default): `history.sqlite` in the XDG data dir;
//! - a path ending in `.sqlite` or `.db`: that file, relative to the config file's folder;
//! - `postgres://…` / `postgresql://…`: a shared server (not in this build yet).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{SqliteStore, Store, StoreError};

/// A parsed `store` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Sqlite(PathBuf),
    /// The URL as written (never printed whole: it may hold a password).
    Postgres(String),
}

/// Why the setting cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocateError {
    #[error("store = {0:?} is neither \"sqlite\", a path to a .sqlite file, nor a postgres:// URL")]
    Unknown(String),
    #[error("store = \"sqlite\" needs a home directory for its data folder, and none is known")]
    NoDataDir,
    #[error(
        "store = \"postgres://…\": a PostgreSQL store is not supported by this build yet; use store = \"sqlite\""
    )]
    PostgresUnsupported,
}

impl StoreLocation {
    /// Reads the setting; relative paths are taken from `base_dir` (the config file's folder).
    pub fn parse(setting: &str, base_dir: &Path) -> Result<StoreLocation, LocateError> {
        let trimmed = setting.trim();
        if trimmed.eq_ignore_ascii_case("sqlite") {
            return super::sqlite::default_path()
                .map(StoreLocation::Sqlite)
                .ok_or(LocateError::NoDataDir);
        }
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(StoreLocation::Postgres(trimmed.to_string()));
        }
        let path = Path::new(trimmed);
        let is_sqlite_file = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(e.to_ascii_lowercase().as_str(), "sqlite" | "sqlite3" | "db")
        });
        if !is_sqlite_file {
            return Err(LocateError::Unknown(trimmed.to_string()));
        }
        Ok(StoreLocation::Sqlite(if path.is_absolute() {
            path.to_path_buf()
        } else {
            base_dir.join(path)
        }))
    }

    /// Opens the history (creating an empty one when the file does not exist yet).
    pub fn open(&self) -> Result<Arc<dyn Store>, OpenError> {
        match self {
            StoreLocation::Sqlite(path) => Ok(Arc::new(SqliteStore::open(path)?)),
            StoreLocation::Postgres(_) => Err(OpenError::Locate(LocateError::PostgresUnsupported)),
        }
    }
}

/// Opening failed: the setting, or the store itself.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Locate(#[from] LocateError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_file_is_taken_from_the_config_folder() {
        let base = Path::new("/etc/flowdeck");
        assert_eq!(
            StoreLocation::parse("history.sqlite", base),
            Ok(StoreLocation::Sqlite(PathBuf::from(
                "/etc/flowdeck/history.sqlite"
            )))
        );
        assert_eq!(
            StoreLocation::parse("/var/lib/fd.db", base),
            Ok(StoreLocation::Sqlite(PathBuf::from("/var/lib/fd.db")))
        );
    }

    #[test]
    fn sqlite_means_the_data_dir() {
        match StoreLocation::parse("sqlite", Path::new(".")) {
            Ok(StoreLocation::Sqlite(path)) => assert!(path.ends_with("flowdeck/history.sqlite")),
            Err(LocateError::NoDataDir) => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn postgres_is_recognised_and_refused_clearly() {
        let location = StoreLocation::parse("postgres://u:pw@db/flowdeck", Path::new("."));
        assert_eq!(
            location,
            Ok(StoreLocation::Postgres(
                "postgres://u:pw@db/flowdeck".into()
            ))
        );
        let error = location
            .map_err(OpenError::from)
            .and_then(|l| l.open().map(|_| ()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("not supported"), "{error}");
        assert!(!error.contains("pw"), "{error}");
    }

    #[test]
    fn anything_else_is_an_error_naming_the_choices() {
        let error = StoreLocation::parse("mysql", Path::new(".")).unwrap_err();
        assert!(error.to_string().contains("postgres://"));
    }
}
