//! The `notifications` table, the same in SQLite and PostgreSQL: a first notification and each
//! change of state are won by exactly one caller (compare-and-set), survive reopening, and a
//! store at version 1 is migrated to hold it.

use crate::support::{postgres_server, store_sample::ts};

use flowdeck::store::postgres::ConnectOptions;
use flowdeck::store::{Notified, PostgresStore, SqliteStore, Store};

fn exactly_once(store: &dyn Store) {
    let at = ts("2026-05-01T12:00:00Z");
    assert!(store.notified().unwrap().is_empty());
    assert!(
        store
            .mark_notified("incident", "pd:P1", None, "open", at)
            .unwrap()
    );
    // A second process seeing the same transition loses.
    assert!(
        !store
            .mark_notified("incident", "pd:P1", None, "open", at)
            .unwrap()
    );
    assert!(
        store
            .mark_notified("incident", "pd:P1", Some("open"), "resolved", at)
            .unwrap()
    );
    assert!(
        !store
            .mark_notified("incident", "pd:P1", Some("open"), "resolved", at)
            .unwrap()
    );
    // Hostile text is only data.
    let hostile = "x'); DROP TABLE notifications; --\u{1b}]0;pwn\u{7}";
    assert!(
        store
            .mark_notified("band", hostile, None, "elite", at)
            .unwrap()
    );
    let mut all = store.notified().unwrap();
    all.sort_by(|a, b| a.kind.cmp(&b.kind));
    assert_eq!(
        all,
        [
            Notified {
                kind: "band".into(),
                item: hostile.into(),
                state: "elite".into()
            },
            Notified {
                kind: "incident".into(),
                item: "pd:P1".into(),
                state: "resolved".into()
            },
        ]
    );
}

#[test]
fn sqlite_records_each_transition_once_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    exactly_once(&SqliteStore::open(&path).unwrap());
    let again = SqliteStore::open(&path).unwrap();
    assert_eq!(again.notified().unwrap().len(), 2);
}

#[test]
fn a_version_1_sqlite_store_is_migrated_to_hold_notifications() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
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
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    exactly_once(&SqliteStore::open(&path).unwrap());
}

#[test]
fn postgres_records_each_transition_once_and_keeps_it() {
    if !postgres_server::available() {
        return;
    }
    let pg = postgres_server::Postgres::start();
    let url = pg.url(&pg.create_database("notified"));
    exactly_once(&PostgresStore::connect(&url, &ConnectOptions::default()).unwrap());
    let again = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap();
    assert_eq!(again.notified().unwrap().len(), 2);
}
