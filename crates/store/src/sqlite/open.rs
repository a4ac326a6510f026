//! Opening a history file: create what is missing, refuse what is damaged, locked, newer or
//! foreign, and never write to a file before it has been found sound.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::errors::{Phase, mapper};
use super::migrations::{self, APPLICATION_ID};
use crate::StoreError;

/// How long a statement waits for another connection's lock before the store reports
/// `Locked`. Writes are short (one sync is one transaction of milliseconds), so a longer wait
/// means another process holds the file.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// After a large first sync the write-ahead log is cut back to this size at the next checkpoint
/// instead of keeping its peak size on disk.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Opens (creating if missing) the history at `path`, checked, configured and migrated.
pub(crate) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            detail: format!("its directory {} cannot be created: {e}", dir.display()),
        })?;
    }
    if path.is_dir() {
        return Err(StoreError::Open {
            path: path.to_path_buf(),
            detail: "it is a directory".into(),
        });
    }
    if path.exists() {
        may_write(path)?;
        // Checked before the first connection that could leave a write-ahead log and its
        // index beside the file: a damaged, newer, foreign or misshapen file is refused with
        // the folder exactly as it was. (When a log is already there, SQLite must read it,
        // so the check below runs on the real connection.)
        if !has_side_files(path) {
            inspect_untouched(path)?;
        }
    }
    // No URI flag: a path is a path, even with '?' or '#' in it. NO_MUTEX: the store's own
    // Mutex serializes use of the connection.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(mapper(
        path,
        Phase::Open,
        "opening the file",
    ))?;
    // Until the file is known to be sound, closing must not checkpoint a write-ahead log into
    // it: a damaged file is reported and left exactly as it was.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .map_err(mapper(path, Phase::Open, "configuring the connection"))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(mapper(
        path,
        Phase::Open,
        "configuring the connection",
    ))?;
    check(&conn, path)?;
    configure(&conn, path, true)?;
    migrations::migrate(&mut conn, path)?;
    check_shape(&conn, path)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
        .map_err(mapper(path, Phase::Open, "configuring the connection"))?;
    Ok(conn)
}

/// An empty history in memory, for tests.
pub(crate) fn open_memory(path: &Path) -> Result<Connection, StoreError> {
    let mut conn =
        Connection::open_in_memory().map_err(mapper(path, Phase::Open, "opening memory"))?;
    configure(&conn, path, false)?;
    migrations::migrate(&mut conn, path)?;
    Ok(conn)
}

/// A store this user may only read would fail at every sync, while its status (which cannot
/// be written either) still said "ok": refused at once. Asked with access(2), which writes
/// nothing; SQLite also writes its log beside the file, so the folder must be writable too.
fn may_write(path: &Path) -> Result<(), StoreError> {
    use rustix::fs::{Access, AtFlags, CWD, accessat};
    let denied = |detail: String| StoreError::Open {
        path: path.to_path_buf(),
        detail,
    };
    if accessat(
        CWD,
        path,
        Access::READ_OK | Access::WRITE_OK,
        AtFlags::EACCESS,
    )
    .is_err()
    {
        return Err(denied(
            "it is read-only for this user, and every sync writes to it; it was left untouched"
                .into(),
        ));
    }
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if accessat(
        CWD,
        folder,
        Access::WRITE_OK | Access::EXEC_OK,
        AtFlags::EACCESS,
    )
    .is_err()
    {
        return Err(denied(format!(
            "its folder {} is read-only for this user, and SQLite writes its log beside the \
             file; it was left untouched",
            folder.display()
        )));
    }
    Ok(())
}

/// Whether a write-ahead log or a rollback journal sits beside the file.
fn has_side_files(path: &Path) -> bool {
    ["-wal", "-journal"]
        .iter()
        .any(|suffix| sibling(path, suffix).exists())
}

pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Every check of `open_file`, on a connection that cannot write or create anything: SQLite's
/// `immutable` mode takes no locks and makes no `-wal` or `-shm` file.
fn inspect_untouched(path: &Path) -> Result<(), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(immutable_uri(path)?, flags).map_err(mapper(
        path,
        Phase::Open,
        "opening the file to check it",
    ))?;
    check(&conn, path)?;
    let version = migrations::user_version(&conn, path)?;
    migrations::check_not_newer(version, path)?;
    if version == migrations::LATEST {
        check_shape(&conn, path)?;
    }
    Ok(())
}

/// `file:/abs/path?immutable=1`, the path percent-encoded (a '?' or '#' in it stays part of
/// the name).
fn immutable_uri(path: &Path) -> Result<String, StoreError> {
    use std::os::unix::ffi::OsStrExt as _;
    let absolute = std::path::absolute(path).map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        detail: format!("its absolute path is unknown: {e}"),
    })?;
    let mut uri = String::from("file:");
    for &byte in absolute.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    Ok(uri)
}

/// The tables are those of the latest schema, column for column (`shape.rs`).
fn check_shape(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .map_err(mapper(path, Phase::Open, "reading the tables"))?;
    for (table, expected) in crate::shape::TABLES {
        let found = stmt
            .query_map([table], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(mapper(path, Phase::Open, "reading the tables"))?;
        if let Some(difference) = crate::shape::mismatch(table, expected, &found) {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                detail: crate::shape::refusal(migrations::LATEST, &difference),
            });
        }
    }
    Ok(())
}

/// Reads only: the file is an SQLite database, ours (or empty), and passes `quick_check`.
fn check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(mapper(path, Phase::Open, "reading the file header"))?;
    let version = migrations::user_version(conn, path)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(mapper(path, Phase::Open, "reading the schema"))?;
    let ours =
        application_id == APPLICATION_ID || (application_id == 0 && version == 0 && tables == 0);
    if !ours {
        return Err(StoreError::Open {
            path: path.to_path_buf(),
            detail: format!(
                "it is an SQLite database of another program (application id {application_id:#x}, \
                 version {version}), not a flowdeck history; it was left untouched"
            ),
        });
    }
    let mut stmt = conn.prepare("PRAGMA quick_check(3)").map_err(mapper(
        path,
        Phase::Open,
        "checking the file",
    ))?;
    let findings = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
        .map_err(mapper(path, Phase::Open, "checking the file"))?;
    if findings.len() != 1 || findings[0] != "ok" {
        // One line: quick_check puts a "*** in database main ***" heading and newlines in.
        let detail = findings
            .iter()
            .flat_map(|f| f.lines())
            .filter(|line| !line.starts_with("***") && !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("PRAGMA quick_check found: {detail}"),
        });
    }
    Ok(())
}

/// Per-connection settings. WAL lets the dashboard read while a sync writes (and another
/// flowdeck read while this one writes); NORMAL is durable at every checkpoint and never
/// inconsistent in WAL mode.
fn configure(conn: &Connection, path: &Path, file: bool) -> Result<(), StoreError> {
    let setting = mapper(path, Phase::Open, "configuring the database");
    if file {
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(mapper(
                path,
                Phase::Open,
                "switching to write-ahead logging",
            ))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Some network file systems cannot share the WAL index; SQLite then keeps a
            // rollback journal, which is correct, only slower for readers beside a writer.
            tracing::warn!(path = %path.display(), %mode, "the history database is not in WAL mode");
        }
        conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT)
            .map_err(mapper(path, Phase::Open, "configuring the database"))?;
    }
    conn.pragma_update(None, "synchronous", "NORMAL")
        .and_then(|()| conn.pragma_update(None, "foreign_keys", true))
        .map_err(setting)
}
