//! Where `[general] store` says the history lives, and opening it.
//!
//! - `"sqlite"` (the default): `history.sqlite` in the XDG data dir;
//! - a path ending in `.sqlite` or `.db`: that file, relative to the config file's folder;
//! - `postgres://…` / `postgresql://…`: a database on a shared PostgreSQL server (see
//!   `postgres::connect` for the URL forms, the password and TLS).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::postgres::ConnectOptions;
use super::{PostgresStore, SqliteStore, Store, StoreError};

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
    /// The detail never repeats the URL (it may hold a password).
    #[error("store = \"postgres://…\" is not a usable PostgreSQL URL: {0}")]
    BadPostgresUrl(String),
}

/// What opening needs besides the location, from `[general]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// `[general] store_password_env`: the variable holding a PostgreSQL store's password
    /// when the URL has none (unset: `PGPASSWORD`).
    pub password_env: Option<String>,
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
            super::postgres::check_url(trimmed).map_err(LocateError::BadPostgresUrl)?;
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

    /// Opens the history (creating an empty one when the file or the schema does not exist
    /// yet), a PostgreSQL store's password from the URL or `PGPASSWORD`.
    pub fn open(&self) -> Result<Arc<dyn Store>, OpenError> {
        self.open_with(&OpenOptions::default())
    }

    /// [`StoreLocation::open`] with the `[general]` settings besides `store`.
    pub fn open_with(&self, options: &OpenOptions) -> Result<Arc<dyn Store>, OpenError> {
        match self {
            StoreLocation::Sqlite(path) => Ok(Arc::new(SqliteStore::open(path)?)),
            StoreLocation::Postgres(url) => {
                let options = ConnectOptions {
                    password_env: options.password_env.clone(),
                };
                Ok(Arc::new(PostgresStore::connect(url, &options)?))
            }
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
    fn postgres_urls_are_recognised_as_written() {
        for url in [
            "postgres://u:pw@db/flowdeck",
            "postgresql://u@db:6432/flowdeck?sslmode=require",
            "  POSTGRES://db/flowdeck ",
        ] {
            assert_eq!(
                StoreLocation::parse(url, Path::new(".")),
                Ok(StoreLocation::Postgres(url.trim().into()))
            );
        }
    }

    #[test]
    fn a_malformed_postgres_url_is_a_setting_error_without_the_password() {
        let error = StoreLocation::parse(
            "postgres://u:hunter2@db/flowdeck?sslmode=sometimes",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "store = \"postgres://…\" is not a usable PostgreSQL URL: invalid connection \
             string: invalid value for option `sslmode`"
        );
        let error = StoreLocation::parse("postgres://u:hunter2@db:port/x", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn an_unreachable_server_is_a_store_error_naming_it_without_the_password() {
        // Port 1 on loopback: nothing listens there.
        let location = StoreLocation::parse(
            "postgres://u:hunter2@127.0.0.1:1/flowdeck?sslmode=disable",
            Path::new("."),
        )
        .unwrap();
        let error = location.open().err().unwrap();
        assert!(
            matches!(error, OpenError::Store(StoreError::Unreachable { .. })),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.starts_with("cannot reach the history server u@127.0.0.1:1/flowdeck: "),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn anything_else_is_an_error_naming_the_choices() {
        let error = StoreLocation::parse("mysql", Path::new(".")).unwrap_err();
        assert!(error.to_string().contains("postgres://"));
    }
}
