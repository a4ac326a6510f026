//! The SQLite history: round trips, idempotent upserts with exact counts, atomic syncs, and
//! the files it must refuse (locked, corrupt, newer, foreign) without touching them.

use crate::support::{child_test, store_sample};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flowdeck::model::*;
use flowdeck::store::sqlite::{BUSY_TIMEOUT, SCHEMA_VERSION, default_path};
use flowdeck::store::{CachedResponse, SqliteStore, Store, StoreError, StoredStatus, UpsertCount};
use rusqlite::Connection;
use store_sample::*;

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    (dir, path)
}

fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn
}

fn commit(store: &dyn Store, source: &str, events: &EventSet) -> UpsertCount {
    store
        .commit_sync(source, events, &[], &status(source, "ok"))
        .unwrap()
}

#[test]
fn every_kind_round_trips_in_canonical_order() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    let events = sample();
    let count = commit(&store, "github:acme/api", &events);
    assert_eq!(
        count,
        UpsertCount {
            inserted: total(&events),
            updated: 0,
            unchanged: 0
        }
    );
    let loaded = store.load().unwrap();
    assert_eq!(loaded, canonical(events));
    // The canonical order, spelled out for deployments: finished_at, then id.
    let ids: Vec<&str> = loaded.deployments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "git:api:v1.0.0",
            "git:api:v1.1.0",
            "git:api:v1.1.1",
            "github:acme/api:77",
            "github:acme/web:78"
        ]
    );
    // Pull requests are keyed by service and number: api#12 and web#12 are both kept.
    assert_eq!(loaded.pull_requests.len(), 3);
    let names: Vec<&str> = loaded.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "web"]);
}

#[test]
fn an_empty_store_loads_an_empty_history() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), EventSet::default());
    assert!(store.statuses().unwrap().is_empty());
    assert_eq!(store.watermark("github", "since").unwrap(), None);
    assert_eq!(store.cached_response("https://x/").unwrap(), None);
    let memory = SqliteStore::in_memory().unwrap();
    assert_eq!(memory.load().unwrap(), EventSet::default());
}

#[test]
fn committing_the_same_sync_twice_changes_nothing() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    let events = sample();
    commit(&store, "github:acme/api", &events);
    let size_before = std::fs::metadata(&path).unwrap().len();
    let second = commit(&store, "github:acme/api", &events);
    assert_eq!(
        second,
        UpsertCount {
            inserted: 0,
            updated: 0,
            unchanged: total(&events)
        }
    );
    let loaded = store.load().unwrap();
    assert_eq!(loaded, canonical(events));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size_before);
    // A revision counts real changes only: still 1 everywhere.
    let conn = raw(&path);
    let max: i64 = conn
        .query_row("SELECT max(revision) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(max, 1);
}

#[test]
fn a_changed_event_is_updated_and_counted_once() {
    let store = SqliteStore::in_memory().unwrap();
    let mut events = sample();
    commit(&store, "pagerduty", &events);
    // The open incident is resolved later; the next page carries it again, changed.
    events.incidents[0].resolved_at = Some(ts("2026-05-01T14:10:00Z"));
    events.deployments[0]
        .changes
        .push(change("c9", "2026-04-30T11:00:00Z", "Late find"));
    let count = commit(&store, "pagerduty", &events);
    assert_eq!(
        count,
        UpsertCount {
            inserted: 0,
            updated: 2,
            unchanged: total(&events) - 2
        }
    );
    let loaded = store.load().unwrap();
    let incident = loaded
        .incidents
        .iter()
        .find(|i| i.id == "pagerduty:Q1")
        .unwrap();
    assert_eq!(incident.resolved_at, Some(ts("2026-05-01T14:10:00Z")));
    assert_eq!(loaded, canonical(events));
}

#[test]
fn a_page_repeating_an_event_counts_each_copy() {
    let store = SqliteStore::in_memory().unwrap();
    let mut events = EventSet::default();
    let d = deployment("git:api:v1", "api", "a1", "2026-05-01T12:00:00Z", vec![]);
    let mut newer = d.clone();
    newer.url = Some("https://ci.example/other".into());
    events.deployments = vec![d.clone(), d, newer.clone()];
    let count = commit(&store, "git", &events);
    assert_eq!(
        count,
        UpsertCount {
            inserted: 1,
            updated: 1,
            unchanged: 1
        }
    );
    assert_eq!(store.load().unwrap().deployments, vec![newer]);
}

#[test]
fn a_source_without_teams_does_not_erase_a_stored_team() {
    let store = SqliteStore::in_memory().unwrap();
    let with_team = EventSet {
        services: vec![Service {
            name: "api".into(),
            team: Some("payments".into()),
        }],
        ..EventSet::default()
    };
    commit(&store, "config", &with_team);
    let bare = EventSet {
        services: vec![Service {
            name: "api".into(),
            team: None,
        }],
        ..EventSet::default()
    };
    let count = commit(&store, "git", &bare);
    assert_eq!(count.unchanged, 1);
    assert_eq!(store.load().unwrap().services, with_team.services);
    let moved = EventSet {
        services: vec![Service {
            name: "api".into(),
            team: Some("core".into()),
        }],
        ..EventSet::default()
    };
    assert_eq!(commit(&store, "config", &moved).updated, 1);
    assert_eq!(store.load().unwrap().services, moved.services);
}

#[test]
fn watermarks_are_kept_per_source_and_key() {
    let store = SqliteStore::in_memory().unwrap();
    let empty = EventSet::default();
    let marks = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    store
        .commit_sync(
            "github:acme/api",
            &empty,
            &marks(&[("deployments", "2026-05-01T00:00:00Z"), ("runs", "9001")]),
            &status("github:acme/api", "ok"),
        )
        .unwrap();
    store
        .commit_sync(
            "gitlab:group/web",
            &empty,
            &marks(&[("deployments", "2026-04-01T00:00:00Z")]),
            &status("gitlab:group/web", "ok"),
        )
        .unwrap();
    store
        .commit_sync(
            "github:acme/api",
            &empty,
            &marks(&[("runs", "9050")]),
            &status("github:acme/api", "ok"),
        )
        .unwrap();
    let get = |s: &str, k: &str| store.watermark(s, k).unwrap();
    assert_eq!(
        get("github:acme/api", "deployments").as_deref(),
        Some("2026-05-01T00:00:00Z")
    );
    assert_eq!(get("github:acme/api", "runs").as_deref(), Some("9050"));
    assert_eq!(
        get("gitlab:group/web", "deployments").as_deref(),
        Some("2026-04-01T00:00:00Z")
    );
    assert_eq!(get("gitlab:group/web", "runs"), None);
    assert_eq!(get("prometheus", "deployments"), None);
}

#[test]
fn statuses_round_trip_and_a_failure_keeps_events_and_watermarks() {
    let store = SqliteStore::in_memory().unwrap();
    let ok = status("github:acme/api", "ok");
    store
        .commit_sync(
            "github:acme/api",
            &sample(),
            &[("runs".into(), "9001".into())],
            &ok,
        )
        .unwrap();
    let failed = StoredStatus {
        status: "error".into(),
        error: Some("GitHub rate limit: retry after 2026-05-02T09:00:00Z".into()),
        next_retry_at: Some(ts("2026-05-02T09:00:00.000000001Z")),
        ..ok.clone()
    };
    store.put_status(&failed).unwrap();
    let bare = StoredStatus {
        name: "prometheus".into(),
        kind: "prometheus".into(),
        status: "never run".into(),
        last_success_at: None,
        error: None,
        covers_from: None,
        next_retry_at: None,
    };
    store.put_status(&bare).unwrap();
    assert_eq!(store.statuses().unwrap(), vec![failed, bare]);
    assert_eq!(store.load().unwrap(), canonical(sample()));
    assert_eq!(
        store
            .watermark("github:acme/api", "runs")
            .unwrap()
            .as_deref(),
        Some("9001")
    );
}

#[test]
fn the_etag_cache_keeps_weak_etags_binary_bodies_and_next_links() {
    let store = SqliteStore::in_memory().unwrap();
    let url = "https://api.github.com/repos/acme/api/deployments?per_page=100";
    let binary: Vec<u8> = (0..=255u8).chain([0, 0, 0xff, 0xfe]).collect();
    let weak = CachedResponse {
        etag: "W/\"5c1f0e\"".into(),
        body: binary,
        next: Some("https://api.github.com/repositories/1/deployments?per_page=100&page=2".into()),
        fetched_at: ts("2026-05-02T08:00:00.5Z"),
    };
    store.put_cached_response(url, &weak).unwrap();
    assert_eq!(store.cached_response(url).unwrap(), Some(weak));
    let strong = CachedResponse {
        etag: "\"a1b2\"".into(),
        body: b"[]".to_vec(),
        next: None,
        fetched_at: ts("2026-05-02T09:00:00Z"),
    };
    store.put_cached_response(url, &strong).unwrap();
    assert_eq!(store.cached_response(url).unwrap(), Some(strong.clone()));
    let empty = CachedResponse {
        etag: "\"e\"".into(),
        body: Vec::new(),
        next: None,
        fetched_at: ts("2026-04-01T00:00:00Z"),
    };
    store.put_cached_response("https://old/", &empty).unwrap();
    assert_eq!(store.cached_response("https://old/").unwrap(), Some(empty));
    assert_eq!(store.cached_response("https://other/").unwrap(), None);
    // Pruning drops what was fetched before the cut-off only.
    assert_eq!(
        store
            .prune_cached_responses(ts("2026-05-01T00:00:00Z"))
            .unwrap(),
        1
    );
    assert_eq!(store.cached_response("https://old/").unwrap(), None);
    assert_eq!(store.cached_response(url).unwrap(), Some(strong));
}

/// Installs a trigger (from a second connection) that fails the given statement, standing in
/// for a crash or a disk error in the middle of a sync.
fn inject_failure(path: &Path, trigger: &str) {
    raw(path).execute_batch(trigger).unwrap();
}

#[test]
fn a_sync_failing_midway_stores_nothing_of_it() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    let first = EventSet {
        deployments: vec![deployment(
            "git:api:v0",
            "api",
            "a0",
            "2026-04-01T12:00:00Z",
            vec![],
        )],
        ..EventSet::default()
    };
    store
        .commit_sync(
            "git",
            &first,
            &[("tags".into(), "v0".into())],
            &status("git", "ok"),
        )
        .unwrap();
    let before = store.load().unwrap();
    let marks = vec![("tags".to_string(), "v1.1.1".to_string())];
    let failures = [
        // Fails at the third deployment: two are already written inside the transaction.
        "CREATE TRIGGER fail BEFORE INSERT ON events WHEN NEW.id = 'git:api:v1.1.1'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        // Fails after every event, at the watermark.
        "CREATE TRIGGER fail BEFORE UPDATE ON watermarks
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        // Fails at the very end, at the status.
        "CREATE TRIGGER fail BEFORE UPDATE ON statuses
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    ];
    for trigger in failures {
        inject_failure(&path, trigger);
        let error = store
            .commit_sync("git", &sample(), &marks, &status("git", "stale"))
            .unwrap_err();
        assert!(matches!(error, StoreError::Io(_)), "{error:?}");
        assert!(error.to_string().contains("injected failure"), "{error}");
        assert_eq!(store.load().unwrap(), before, "after {trigger}");
        assert_eq!(
            store.watermark("git", "tags").unwrap().as_deref(),
            Some("v0")
        );
        assert_eq!(store.statuses().unwrap(), vec![status("git", "ok")]);
        raw(&path).execute_batch("DROP TRIGGER fail;").unwrap();
    }
    // With nothing in the way the same sync goes through whole.
    let count = store
        .commit_sync("git", &sample(), &marks, &status("git", "stale"))
        .unwrap();
    assert_eq!(count.inserted, total(&sample()));
    assert_eq!(
        store.watermark("git", "tags").unwrap().as_deref(),
        Some("v1.1.1")
    );
}

#[test]
fn the_file_is_in_wal_mode_and_readers_are_not_blocked_by_a_writer() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    commit(&store, "git", &sample());
    let other = raw(&path);
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Another process in the middle of a write: this one still reads the committed history.
    other
        .execute_batch(
            "BEGIN IMMEDIATE; UPDATE events SET body = 'uncommitted' WHERE kind = 'deployment';",
        )
        .unwrap();
    let started = Instant::now();
    assert_eq!(store.load().unwrap(), canonical(sample()));
    assert!(started.elapsed() < BUSY_TIMEOUT);
    other.execute_batch("ROLLBACK;").unwrap();
}

#[test]
fn a_write_lock_held_elsewhere_is_locked_naming_the_file() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    let other = raw(&path);
    other.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = Instant::now();
    let error = store
        .commit_sync("git", &sample(), &[], &status("git", "ok"))
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    assert!(
        waited >= BUSY_TIMEOUT - Duration::from_millis(200) && waited < BUSY_TIMEOUT * 3,
        "waited {waited:?}"
    );
    let error = store.put_status(&status("git", "error")).unwrap_err();
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    // Opening and reading beside the writer needs no write lock: no wait, no error.
    let started = Instant::now();
    let reader = SqliteStore::open(&path).unwrap();
    assert_eq!(reader.load().unwrap(), EventSet::default());
    assert!(started.elapsed() < BUSY_TIMEOUT, "{:?}", started.elapsed());
    other.execute_batch("COMMIT;").unwrap();
    // Once the lock is gone the same sync goes through.
    assert_eq!(commit(&store, "git", &sample()).inserted, total(&sample()));
}

#[test]
fn opening_a_new_file_while_another_process_writes_to_it_is_locked() {
    let (_dir, path) = temp();
    let other = raw(&path);
    let _: String = other
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    other.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    other.execute_batch("COMMIT;").unwrap();
    SqliteStore::open(&path).unwrap();
}

fn assert_corrupt_and_untouched(path: &Path) {
    let before = std::fs::read(path).unwrap();
    let error = SqliteStore::open(path).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("left untouched"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file was modified"
    );
    // Twice: a failed open leaves nothing behind that changes the next attempt.
    assert!(matches!(
        SqliteStore::open(path).unwrap_err(),
        StoreError::Corrupt { .. }
    ));
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file was modified"
    );
}

/// A real history of a few hundred pages, closed cleanly (WAL checkpointed into the file).
fn real_database(path: &Path) {
    let store = SqliteStore::open(path).unwrap();
    let mut events = EventSet::default();
    for i in 0..2_000 {
        events.deployments.push(deployment(
            &format!("git:api:v{i}"),
            "api",
            &format!("{i:040x}"),
            "2026-05-01T12:00:00Z",
            vec![change(
                &format!("{i:040}"),
                "2026-04-30T10:00:00Z",
                "A change",
            )],
        ));
    }
    commit(&store, "git", &events);
}

#[test]
fn garbage_is_corrupt_and_left_untouched() {
    let (_dir, path) = temp();
    let mut state = 7u64;
    let garbage: Vec<u8> = (0..20_000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u8
        })
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    assert_corrupt_and_untouched(&path);
    std::fs::write(&path, b"flowdeck history, honest").unwrap();
    assert_corrupt_and_untouched(&path);
}

#[test]
fn a_truncated_database_is_corrupt_and_left_untouched() {
    let (_dir, path) = temp();
    real_database(&path);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 100_000, "{}", bytes.len());
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert_corrupt_and_untouched(&path);
}

#[test]
fn a_damaged_page_is_found_by_quick_check_and_left_untouched() {
    let (_dir, path) = temp();
    real_database(&path);
    let mut bytes = std::fs::read(&path).unwrap();
    // Scribble over the b-tree page headers of a run of pages in the middle; the file header
    // (page 1) stays valid, so only quick_check can tell.
    let page = 4096;
    let pages = bytes.len() / page;
    for p in pages / 3..pages / 3 + 8 {
        for b in &mut bytes[p * page..p * page + 64] {
            *b = 0xa5;
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_corrupt_and_untouched(&path);
    let error = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(error.contains("quick_check found: Tree"), "{error}");
}

#[test]
fn a_database_from_a_newer_flowdeck_is_too_new_and_left_untouched() {
    let (_dir, path) = temp();
    real_database(&path);
    raw(&path)
        .execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open(&path).unwrap_err() {
        StoreError::TooNew { found, known, .. } => {
            assert_eq!((found, known), (99, SCHEMA_VERSION));
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let (_dir, path) = temp();
    raw(&path)
        .execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('mine');")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("another program"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// The version 1 schema exactly as first shipped, frozen here: every later build must open a
/// database written by it.
const SHIPPED_V1: &str = "
PRAGMA application_id = 1179406167;
CREATE TABLE events (
    kind     TEXT   NOT NULL,
    id       TEXT   NOT NULL,
    source   TEXT   NOT NULL,
    service  TEXT,
    at       BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    body     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX events_kind_at ON events (kind, at);
CREATE INDEX events_kind_service ON events (kind, service);
CREATE TABLE watermarks (
    source TEXT NOT NULL,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE TABLE etags (
    url        TEXT   NOT NULL PRIMARY KEY,
    etag       TEXT   NOT NULL,
    body       BLOB   NOT NULL,
    next       TEXT,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX etags_fetched_at ON etags (fetched_at);
CREATE TABLE statuses (
    name            TEXT NOT NULL PRIMARY KEY,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_success_at BIGINT,
    error           TEXT,
    covers_from     BIGINT,
    next_retry_at   BIGINT
);
INSERT INTO events (kind, id, source, service, at, body) VALUES ('deployment', 'git:api:v1', 'git', 'api', 1777636800000000000,
 '{\"id\":\"git:api:v1\",\"name\":\"v1\",\"service\":\"api\",\"environment\":\"production\",\"production\":true,\"sha\":\"a1\",\"ref_name\":null,\"started_at\":null,\"finished_at\":\"2026-05-01T12:00:00Z\",\"status\":\"success\",\"url\":null,\"changes\":[{\"sha\":\"c1\",\"authored_at\":\"2026-04-30T10:00:00Z\",\"committed_at\":\"2026-04-30T10:03:00Z\",\"author\":\"ana\",\"title\":\"Add retries\",\"merge\":false,\"reverts\":null,\"pr\":null}]}');
INSERT INTO watermarks VALUES ('git', 'tags', 'v1');
INSERT INTO statuses VALUES ('git', 'git', 'ok', 1777636800000000000, NULL, NULL, NULL);
PRAGMA user_version = 1;
";

#[test]
fn a_version_1_database_opens_and_reads() {
    let (_dir, path) = temp();
    raw(&path).execute_batch(SHIPPED_V1).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.deployments.len(), 1);
    assert_eq!(loaded.deployments[0].changes[0].title, "Add retries");
    assert_eq!(
        loaded.deployments[0].finished_at,
        ts("2026-05-01T12:00:00Z")
    );
    assert_eq!(
        store.watermark("git", "tags").unwrap().as_deref(),
        Some("v1")
    );
    assert_eq!(
        store.statuses().unwrap()[0].last_success_at,
        Some(ts("2026-05-01T12:00:00Z"))
    );
    // What a v1 database holds is what this build writes: the same event sent again is unchanged.
    let count = commit(&store, "git", &loaded);
    assert_eq!(count.unchanged, 1);
}

#[test]
fn a_new_store_is_at_the_latest_version_and_marked_as_flowdeck() {
    let (_dir, path) = temp();
    drop(SqliteStore::open(&path).unwrap());
    let conn = raw(&path);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(app, 0x464c_4f57);
}

#[test]
fn everything_survives_a_restart() {
    let (_dir, path) = temp();
    let response = CachedResponse {
        etag: "W/\"1\"".into(),
        body: vec![1, 2, 3],
        next: None,
        fetched_at: ts("2026-05-02T08:00:00Z"),
    };
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .commit_sync(
                "github:acme/api",
                &sample(),
                &[("runs".into(), "9002".into())],
                &status("github:acme/api", "ok"),
            )
            .unwrap();
        store.put_cached_response("https://u/", &response).unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), canonical(sample()));
    assert_eq!(
        store.statuses().unwrap(),
        vec![status("github:acme/api", "ok")]
    );
    assert_eq!(
        store
            .watermark("github:acme/api", "runs")
            .unwrap()
            .as_deref(),
        Some("9002")
    );
    assert_eq!(store.cached_response("https://u/").unwrap(), Some(response));
    assert_eq!(
        commit(&store, "github:acme/api", &sample()).unchanged,
        total(&sample())
    );
}

#[test]
fn a_store_in_a_directory_that_does_not_exist_yet_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/c/history.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    commit(&store, "git", &sample());
    assert!(path.is_file());
    assert_eq!(store.path(), path);
}

#[test]
fn a_directory_or_an_unwritable_parent_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let error = SqliteStore::open(&blocker.join("history.sqlite")).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("cannot be created"), "{error}");
}

#[test]
fn several_writers_on_one_file_store_every_event_once() {
    let (_dir, path) = temp();
    let stores: Vec<Arc<SqliteStore>> = (0..2)
        .map(|_| Arc::new(SqliteStore::open(&path).unwrap()))
        .collect();
    // Four writers over two connections, overlapping pages: each event is sent by two.
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let store = Arc::clone(&stores[w % 2]);
            std::thread::spawn(move || {
                let mut counts = UpsertCount::default();
                for page in 0..20 {
                    let first = (w / 2) * 10 + page * 20;
                    let events = EventSet {
                        deployments: (first..first + 20)
                            .map(|i| {
                                deployment(
                                    &format!("d{i}"),
                                    "api",
                                    "s",
                                    "2026-05-01T12:00:00Z",
                                    vec![],
                                )
                            })
                            .collect(),
                        ..EventSet::default()
                    };
                    let c = commit(store.as_ref(), &format!("w{w}"), &events);
                    counts.inserted += c.inserted;
                    counts.updated += c.updated;
                    counts.unchanged += c.unchanged;
                }
                counts
            })
        })
        .collect();
    let counts: Vec<UpsertCount> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let inserted: u64 = counts.iter().map(|c| c.inserted).sum();
    let unchanged: u64 = counts.iter().map(|c| c.unchanged).sum();
    let loaded = stores[0].load().unwrap();
    let mut ids: Vec<&str> = loaded.deployments.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), loaded.deployments.len(), "an event stored twice");
    assert_eq!(inserted, loaded.deployments.len() as u64);
    assert_eq!(inserted + unchanged, 4 * 20 * 20);
    assert_eq!(counts.iter().map(|c| c.updated).sum::<u64>(), 0);
}

#[test]
fn events_of_unknown_kinds_are_skipped_and_bad_bodies_are_decode_errors() {
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    commit(&store, "git", &sample());
    raw(&path)
        .execute_batch(
            "INSERT INTO events (kind, id, source, at, body) VALUES ('annotation', 'x', 'future', 0, '{}');",
        )
        .unwrap();
    assert_eq!(store.load().unwrap(), canonical(sample()));
    raw(&path)
        .execute_batch(
            "INSERT INTO events (kind, id, source, at, body) VALUES ('incident', 'bad', 'x', 0, '{\"id\":');",
        )
        .unwrap();
    let error = store.load().unwrap_err();
    assert!(matches!(error, StoreError::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("incident bad"), "{error}");
}

#[test]
fn the_default_path_is_history_sqlite_in_the_data_dir() {
    if let Some(path) = default_path() {
        assert!(path.ends_with("history.sqlite"), "{}", path.display());
        assert!(
            path.parent()
                .and_then(|p| p.to_str())
                .is_some_and(|p| p.contains("flowdeck")),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_large_history_round_trips_and_a_bad_row_in_it_is_a_decode_error() {
    // More rows than one decoding batch: the parallel path.
    let (_dir, path) = temp();
    let store = SqliteStore::open(&path).unwrap();
    let mut events = sample();
    for i in 0..5_000 {
        events.deployments.push(deployment(
            &format!("git:web:v{i}"),
            "web",
            &format!("{i:040x}"),
            if i % 2 == 0 {
                "2026-05-03T12:00:00Z"
            } else {
                "2026-04-03T12:00:00Z"
            },
            vec![change(
                &format!("{i:040}"),
                "2026-04-01T10:00:00Z",
                "A change",
            )],
        ));
    }
    assert_eq!(commit(&store, "git", &events).inserted, total(&events));
    raw(&path)
        .execute_batch(
            "INSERT INTO events (kind, id, source, at, body) VALUES ('annotation', 'x', 'future', 0, '{}');",
        )
        .unwrap();
    assert_eq!(store.load().unwrap(), canonical(events));
    raw(&path)
        .execute_batch(
            "INSERT INTO events (kind, id, source, at, body) VALUES ('deployment', 'bad', 'x', 0, '[]');",
        )
        .unwrap();
    let error = store.load().unwrap_err();
    assert!(matches!(error, StoreError::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("deployment bad"), "{error}");
}

const CRASH_CHILD: &str = "FLOWDECK_STORE_CRASH_CHILD";

/// The child of `a_process_killed_mid_sync_leaves_the_previous_history`: one small sync that
/// completes, a marker file, then a large sync that the parent kills. Does nothing when run
/// as an ordinary test.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_CHILD).map(PathBuf::from) else {
        return;
    };
    let store = SqliteStore::open(&path).unwrap();
    store
        .commit_sync(
            "git",
            &sample(),
            &[("tags".into(), "before".into())],
            &status("git", "ok"),
        )
        .unwrap();
    std::fs::write(path.with_extension("ready"), b"").unwrap();
    let mut big = EventSet::default();
    for i in 0..200_000 {
        big.deployments.push(deployment(
            &format!("git:big:v{i}"),
            "big",
            &format!("{i:040x}"),
            "2026-05-03T12:00:00Z",
            (0..5)
                .map(|c| {
                    change(
                        &format!("{i:034}{c:06}"),
                        "2026-04-01T10:00:00Z",
                        "A change that is long enough to fill pages",
                    )
                })
                .collect(),
        ));
    }
    store
        .commit_sync(
            "git",
            &big,
            &[("tags".into(), "after".into())],
            &status("git", "stale"),
        )
        .unwrap();
    std::fs::write(path.with_extension("finished"), b"").unwrap();
}

#[test]
fn a_process_killed_mid_sync_leaves_the_previous_history() {
    let (_dir, path) = temp();
    let mut child = child_test::command(module_path!(), "crash_child")
        .env(CRASH_CHILD, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let ready = path.with_extension("ready");
    let deadline = Instant::now() + Duration::from_secs(120);
    // Kill once the large sync has spilled well into the write-ahead log.
    loop {
        let wal_size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if ready.exists() && wal_size > 8 << 20 {
            break;
        }
        assert!(Instant::now() < deadline, "the child never got going");
        assert!(child.try_wait().unwrap().is_none(), "the child ended early");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!path.with_extension("finished").exists(), "killed too late");
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), canonical(sample()));
    assert_eq!(
        store.watermark("git", "tags").unwrap().as_deref(),
        Some("before")
    );
    assert_eq!(store.statuses().unwrap(), vec![status("git", "ok")]);
}

#[test]
fn the_etag_cache_is_bounded_per_body_and_in_total_and_the_file_stops_growing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    assert_the_etag_cache_is_bounded(&store);
    drop(store);
    // Freed pages are reused: the file holds about the bound, not everything ever fetched
    // (80 MiB were written).
    let size = std::fs::metadata(&path).unwrap().len();
    let bound = u64::try_from(flowdeck::store::ETAG_CACHE_MAX_TOTAL).unwrap();
    assert!(size < bound + bound / 8, "{size} bytes");
}

/// Another process's commit (a push through `flowdeck ingest`) is announced by the file's
/// data version within a poll; this store's own commits are not (its poller reports them).
#[test]
fn commits_by_other_connections_are_announced_and_own_ones_are_not() {
    let (_dir, path) = temp();
    let reader = SqliteStore::open(&path).unwrap();
    let mut feed = reader
        .subscribe()
        .unwrap()
        .expect("a file announces commits");
    assert_eq!(feed.wait(Duration::from_millis(300)).unwrap(), None);

    commit(&reader, "poller", &sample());
    assert_eq!(
        feed.wait(Duration::from_millis(600)).unwrap(),
        None,
        "its own commit"
    );

    let writer = SqliteStore::open(&path).unwrap();
    let mut pushed = EventSet::default();
    pushed.deployments.push(deployment(
        "push-1",
        "api",
        "0123456789abcdef0123456789abcdef01234567",
        "2026-03-02T10:00:00Z",
        Vec::new(),
    ));
    let started = Instant::now();
    writer
        .commit_batch("push", &pushed, &[], &[], None)
        .unwrap();
    let change = feed.wait(Duration::from_secs(2)).unwrap();
    assert!(change.is_some(), "another connection's commit");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        feed.wait(Duration::from_millis(300)).unwrap(),
        None,
        "announced once"
    );

    // The keys asked for, and only those.
    let keys = [
        flowdeck::events::EventKey {
            kind: EventKind::Deployment,
            id: "push-1".into(),
        },
        flowdeck::events::EventKey {
            kind: EventKind::Deployment,
            id: "not-stored".into(),
        },
    ];
    let found = reader.events_with_keys(&keys).unwrap();
    assert_eq!(found.deployments.len(), 1);
    assert_eq!(found.deployments[0].id, "push-1");
    assert!(
        SqliteStore::in_memory()
            .unwrap()
            .subscribe()
            .unwrap()
            .is_none()
    );
}

/// Webhook delivery ids are watermarks forgotten by key prefix and age; other keys and
/// sources stay.
#[test]
fn watermarks_are_forgotten_by_prefix_and_age_only() {
    let (_dir, path) = temp();
    assert_watermarks_are_forgotten_by_prefix_and_age(&SqliteStore::open(&path).unwrap());
}
