//! Every tokio-postgres error becomes a [`StoreError`] with one clear sentence naming the
//! server as `user@host:port/database` (never the password) and what was being done:
//!
//! - connecting: a refused or timed-out connection, a server starting or shutting down, too
//!   many connections → `Unreachable` (retryable); a wrong password, an unknown role, no
//!   pg_hba entry, no password given → `LoginRefused`; a missing database, a TLS failure →
//!   `Open`;
//! - later: a dropped connection or a server shutting down → `Unreachable`; a serialization
//!   failure or deadlock → `Locked` (retryable); a value that cannot be read → `Decode`;
//!   anything else → `Io`.

use tokio_postgres::error::{DbError, SqlState};

use crate::StoreError;

/// The top-level sentences tokio-postgres 0.7 gives its error kinds (its `Kind` is private).
const TLS: &str = "error performing TLS handshake";
const CONFIG: &str = "invalid configuration";
const AUTHENTICATION: &str = "authentication error";
const FROM_SQL: &str = "error deserializing column";

/// An error while connecting to `server`.
pub(crate) fn connect_error(server: &str, error: &tokio_postgres::Error) -> StoreError {
    let server = server.to_string();
    if let Some(db) = error.as_db_error() {
        return connect_db_error(server, db);
    }
    let top = error.to_string();
    let why = cause(error);
    let why = why.trim_start_matches(": ");
    if top == CONFIG && why.contains("password missing") {
        return StoreError::LoginRefused {
            server,
            detail: "the server asks for a password and none was given (in the URL, in \
                     PGPASSWORD, or in the variable [general] store_password_env names)"
                .into(),
        };
    }
    if top == AUTHENTICATION {
        return StoreError::LoginRefused {
            server,
            detail: format!("authentication failed ({why})"),
        };
    }
    if top == TLS {
        return StoreError::Open {
            path: server.into(),
            detail: format!("TLS failed: {why}"),
        };
    }
    if top == CONFIG {
        return StoreError::Open {
            path: server.into(),
            detail: format!("the connection settings are not usable: {why}"),
        };
    }
    // Refused, unresolvable, timed out, reset: the server is not there (yet).
    StoreError::Unreachable {
        server,
        detail: if why.is_empty() {
            top
        } else {
            lower_first(why)
        },
    }
}

fn connect_db_error(server: String, db: &DbError) -> StoreError {
    let code = db.code();
    let message = db.message().to_string();
    if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
    {
        return StoreError::LoginRefused {
            server,
            detail: message,
        };
    }
    if *code == SqlState::INVALID_CATALOG_NAME {
        return StoreError::Open {
            path: server.into(),
            detail: format!(
                "{message}: create it (createdb) or name another database in [general] store"
            ),
        };
    }
    if code.code().starts_with("53")
        || *code == SqlState::CANNOT_CONNECT_NOW
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
    {
        return StoreError::Unreachable {
            server,
            detail: message,
        };
    }
    StoreError::Open {
        path: server.into(),
        detail: message,
    }
}

/// An error while using a connection to `server`; `doing` completes "while {doing}".
pub(crate) fn map(server: &str, doing: &str, error: tokio_postgres::Error) -> StoreError {
    if let Some(db) = error.as_db_error() {
        let code = db.code();
        let message = db.message();
        if code.code().starts_with("40") || *code == SqlState::LOCK_NOT_AVAILABLE {
            return StoreError::Locked {
                path: server.into(),
            };
        }
        if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
        {
            return StoreError::Unreachable {
                server: server.to_string(),
                detail: format!("{message} (while {doing})"),
            };
        }
        return StoreError::Io(format!("{server} while {doing}: {message}"));
    }
    let top = error.to_string();
    if top.starts_with(FROM_SQL) {
        return StoreError::Decode(format!(
            "an unexpected value in {server} while {doing}: {top}{}",
            cause(&error)
        ));
    }
    if error.is_closed() || error.source_is_io() {
        return StoreError::Unreachable {
            server: server.to_string(),
            detail: format!("the connection dropped while {doing}"),
        };
    }
    StoreError::Io(format!("{server} while {doing}: {top}{}", cause(&error)))
}

/// `map` as a closure for `map_err`.
pub(crate) fn mapper<'a>(
    server: &'a str,
    doing: &'a str,
) -> impl FnOnce(tokio_postgres::Error) -> StoreError + 'a {
    move |error| map(server, doing, error)
}

trait SourceIsIo {
    fn source_is_io(&self) -> bool;
}

impl SourceIsIo for tokio_postgres::Error {
    /// Whether the cause is an I/O error (the socket failed: the connection is gone).
    fn source_is_io(&self) -> bool {
        std::error::Error::source(self).is_some_and(|s| s.is::<std::io::Error>())
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// ": cause" of an error, when it has one.
pub(crate) fn cause(error: &dyn std::error::Error) -> String {
    error
        .source()
        .map(|source| format!(": {source}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_letters_are_lowered_for_the_sentence() {
        assert_eq!(
            lower_first("Connection refused (os error 111)"),
            "connection refused (os error 111)"
        );
        assert_eq!(lower_first(""), "");
    }
}
