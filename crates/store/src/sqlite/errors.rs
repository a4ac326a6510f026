//! Every rusqlite error becomes a [`StoreError`] with one clear sentence: busy or locked →
//! `Locked`, not-a-database or malformed → `Corrupt`, anything else → `Io` (or `Open` while
//! opening) with what was being done and where.

use std::path::Path;

use rusqlite::ErrorCode;

use crate::StoreError;

/// What the store was doing when SQLite failed, for the error sentence.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Phase {
    /// Opening, checking or migrating the file: failures that are not lock or damage are `Open`.
    Open,
    /// Any later read or write: failures that are not lock or damage are `Io`.
    Use,
}

/// Maps a rusqlite error to a [`StoreError`]; `doing` completes "while {doing}".
pub(crate) fn map(path: &Path, phase: Phase, doing: &str, error: rusqlite::Error) -> StoreError {
    let code = error.sqlite_error_code();
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked {
            path: path.to_path_buf(),
        },
        Some(ErrorCode::NotADatabase) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "it is not an SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("SQLite found it malformed while {doing}: {error}"),
        },
        _ => {
            let why = match code {
                Some(ErrorCode::DiskFull) => "the disk is full".to_string(),
                Some(ErrorCode::ReadOnly) => "the file or its directory is read-only".to_string(),
                Some(ErrorCode::PermissionDenied) => "permission denied".to_string(),
                Some(ErrorCode::CannotOpen) => {
                    "the file cannot be opened (is the path a directory, or its directory missing?)"
                        .to_string()
                }
                _ => error.to_string(),
            };
            match (phase, &error) {
                (_, rusqlite::Error::FromSqlConversionFailure(..))
                | (_, rusqlite::Error::InvalidColumnType(..)) => StoreError::Decode(format!(
                    "an unexpected value in {} while {doing}: {error}",
                    path.display()
                )),
                (Phase::Open, _) => StoreError::Open {
                    path: path.to_path_buf(),
                    detail: format!("{why} (while {doing})"),
                },
                (Phase::Use, _) => {
                    StoreError::Io(format!("{} while {doing}: {why}", path.display()))
                }
            }
        }
    }
}

/// `map` as a closure for `map_err`.
pub(crate) fn mapper<'a>(
    path: &'a Path,
    phase: Phase,
    doing: &'a str,
) -> impl FnOnce(rusqlite::Error) -> StoreError + 'a {
    move |error| map(path, phase, doing, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn busy_and_locked_are_locked_naming_the_file() {
        let path = Path::new("/data/history.sqlite");
        for code in [rusqlite::ffi::SQLITE_BUSY, rusqlite::ffi::SQLITE_LOCKED] {
            let e = map(path, Phase::Use, "writing", failure(code));
            assert!(matches!(e, StoreError::Locked { .. }), "{e:?}");
            assert!(e.to_string().contains("/data/history.sqlite"));
            assert!(e.is_retryable());
        }
    }

    #[test]
    fn damage_is_corrupt_and_not_retryable() {
        let path = Path::new("h.sqlite");
        for code in [rusqlite::ffi::SQLITE_NOTADB, rusqlite::ffi::SQLITE_CORRUPT] {
            let e = map(path, Phase::Open, "checking", failure(code));
            assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
            assert!(!e.is_retryable());
        }
    }

    #[test]
    fn other_failures_say_what_was_being_done() {
        let path = Path::new("h.sqlite");
        let e = map(
            path,
            Phase::Use,
            "writing a status",
            failure(rusqlite::ffi::SQLITE_FULL),
        );
        assert_eq!(
            e.to_string(),
            "the history database failed: h.sqlite while writing a status: the disk is full"
        );
        let e = map(
            path,
            Phase::Open,
            "creating the schema",
            failure(rusqlite::ffi::SQLITE_CANTOPEN),
        );
        assert!(matches!(e, StoreError::Open { .. }), "{e:?}");
    }
}
