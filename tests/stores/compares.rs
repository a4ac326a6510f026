//! The `compares` table (schema 3), the same in SQLite and PostgreSQL: a forge's compare of a
//! pair kept and read back whole (commits, status, counts, time), a pair not found kept as
//! such and replaced when asked again, pairs told apart by scope, hostile text only data, and
//! a store at version 2 migrated to hold it.

use crate::support::{postgres_server, store_sample::ts};

use flowdeck::model::Change;
use flowdeck::store::postgres::ConnectOptions;
use flowdeck::store::{PostgresStore, SqliteStore, Store, StoredCompare};

fn change(sha: &str, title: &str) -> Change {
    Change {
        sha: sha.to_string(),
        authored_at: ts("2026-03-01T12:00:00Z"),
        committed_at: ts("2026-03-01T12:30:00Z"),
        author: "Ann".into(),
        title: title.to_string(),
        merge: false,
        reverts: None,
        pr: Some(7),
    }
}

fn keeps_and_replaces(store: &dyn Store) {
    let scope = "github:acme/api";
    assert_eq!(store.compare(scope, "a1", "b2").unwrap(), None);
    let found = StoredCompare {
        commits: Some(vec![
            change("b2", "second"),
            change("a2", "x'); DROP TABLE compares; --\u{1b}]0;pwn\u{7}"),
        ]),
        status: Some("ahead".into()),
        total_commits: Some(2),
        fetched_at: ts("2026-03-31T00:00:00Z"),
    };
    store.put_compare(scope, "a1", "b2", &found).unwrap();
    assert_eq!(
        store.compare(scope, "a1", "b2").unwrap(),
        Some(found.clone())
    );
    // Another scope, or the pair the other way round, is another compare.
    assert_eq!(store.compare("gitlab:group/web", "a1", "b2").unwrap(), None);
    assert_eq!(store.compare(scope, "b2", "a1").unwrap(), None);

    // Not found, then asked again a day on and found.
    let missing = StoredCompare {
        commits: None,
        status: None,
        total_commits: None,
        fetched_at: ts("2026-03-31T00:00:00Z"),
    };
    store.put_compare(scope, "gone", "b2", &missing).unwrap();
    assert_eq!(store.compare(scope, "gone", "b2").unwrap(), Some(missing));
    let later = StoredCompare {
        fetched_at: ts("2026-04-01T00:00:00Z"),
        ..found
    };
    store.put_compare(scope, "gone", "b2", &later).unwrap();
    assert_eq!(store.compare(scope, "gone", "b2").unwrap(), Some(later));
}

#[test]
fn sqlite_keeps_compares_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    keeps_and_replaces(&SqliteStore::open(&path).unwrap());
    let again = SqliteStore::open(&path).unwrap();
    assert!(
        again
            .compare("github:acme/api", "a1", "b2")
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_version_2_sqlite_store_is_migrated_to_hold_compares() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA application_id = 1179406167;
         CREATE TABLE events (kind TEXT NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL,
           service TEXT, at BIGINT NOT NULL, revision BIGINT NOT NULL DEFAULT 1,
           body TEXT NOT NULL, PRIMARY KEY (kind, id));
         CREATE TABLE watermarks (source TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
           PRIMARY KEY (source, key));
         CREATE TABLE etags (url TEXT NOT NULL PRIMARY KEY, etag TEXT NOT NULL, body BLOB NOT NULL,
           next TEXT, fetched_at BIGINT NOT NULL);
         CREATE TABLE statuses (name TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL,
           status TEXT NOT NULL, last_success_at BIGINT, error TEXT, covers_from BIGINT,
           next_retry_at BIGINT);
         CREATE TABLE notifications (kind TEXT NOT NULL, item TEXT NOT NULL,
           state TEXT NOT NULL, sent_at BIGINT NOT NULL, PRIMARY KEY (kind, item));
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    keeps_and_replaces(&SqliteStore::open(&path).unwrap());
}

#[test]
fn postgres_keeps_compares_across_a_reconnect() {
    if !postgres_server::available() {
        return;
    }
    let pg = postgres_server::Postgres::start();
    let url = pg.url(&pg.create_database("compares"));
    keeps_and_replaces(&PostgresStore::connect(&url, &ConnectOptions::default()).unwrap());
    let again = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap();
    assert!(
        again
            .compare("github:acme/api", "a1", "b2")
            .unwrap()
            .is_some()
    );
}
