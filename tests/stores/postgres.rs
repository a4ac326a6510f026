//! The PostgreSQL history against a real server (tests/support/postgres_server.rs: a private
//! cluster per test on 127.0.0.1, password authentication): the SQLite store's behaviour
//! (round trips in canonical order, idempotent upserts with exact counts, atomic syncs,
//! watermarks, statuses, the ETag cache), the schema's versions, the connection's errors
//! (never with the password), use from inside tokio runtimes, several writers and readers at
//! once, LISTEN/NOTIFY, and a writer killed in the middle of a sync.

use crate::support::{child_test, postgres_server, store_sample};

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use flowdeck::model::*;
use flowdeck::store::postgres::{ConnectOptions, SCHEMA_VERSION};
use flowdeck::store::{
    CachedResponse, PostgresStore, Store, StoreError, StoredStatus, UpsertCount,
};
use postgres_server::{PASSWORD, Postgres};
use store_sample::*;

/// A server for this test, or return (skipping) when PostgreSQL is not installed.
macro_rules! server {
    () => {
        if postgres_server::available() {
            Postgres::start()
        } else {
            return;
        }
    };
}

fn open(pg: &Postgres, database: &str) -> PostgresStore {
    PostgresStore::connect(&pg.url(database), &ConnectOptions::default())
        .unwrap_or_else(|e| panic!("connect: {e}\n{}", pg.log()))
}

/// A store on a new database of its own.
fn fresh(pg: &Postgres) -> PostgresStore {
    open(pg, &pg.create_database("flowdeck"))
}

fn commit(store: &dyn Store, source: &str, events: &EventSet) -> UpsertCount {
    store
        .commit_sync(source, events, &[], &status(source, "ok"))
        .unwrap()
}

/// Long enough for anything that should arrive; waits are for notifications, never for
/// time to pass.
const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn every_kind_round_trips_in_canonical_order() {
    let pg = server!();
    let store = fresh(&pg);
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
    assert_eq!(loaded.pull_requests.len(), 3);
    let names: Vec<&str> = loaded.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "web"]);
    // The rows are in the flowdeck schema, keyed as the codec says.
    assert_eq!(
        pg.psql(
            "flowdeck",
            "SELECT kind || ' ' || count(*) FROM flowdeck.events GROUP BY kind ORDER BY kind"
        ),
        "deployment 5\nincident 2\npipeline_run 2\npull_request 3\nservice 2"
    );
    assert_eq!(
        pg.psql(
            "flowdeck",
            "SELECT id FROM flowdeck.events WHERE kind = 'pull_request' ORDER BY id"
        ),
        "api#12\napi#13\nweb#12"
    );
}

#[test]
fn an_empty_store_loads_an_empty_history_and_is_shared() {
    let pg = server!();
    let store = fresh(&pg);
    assert_eq!(store.load().unwrap(), EventSet::default());
    assert!(store.statuses().unwrap().is_empty());
    assert_eq!(store.watermark("github", "since").unwrap(), None);
    assert_eq!(store.cached_response("https://x/").unwrap(), None);
    assert!(store.is_shared());
    assert_eq!(store.server(), pg.server_name("flowdeck"));
    assert!(store.counts().unwrap().is_empty());
}

/// Every event row's key, row version (xmin) and locker (xmax): an UPDATE, even to the same
/// value, makes a new row version, and locking a row (as ON CONFLICT does for a row it then
/// leaves alone) writes its xmax, so equal lists before and after mean nothing was written.
fn row_versions(pg: &Postgres) -> String {
    pg.psql(
        "flowdeck",
        "SELECT string_agg(kind || '/' || id || '/' || xmin::text || '/' || xmax::text, ',' \
         ORDER BY kind, id) FROM flowdeck.events",
    )
}

#[test]
fn committing_the_same_sync_twice_changes_nothing() {
    let pg = server!();
    let store = fresh(&pg);
    let events = sample();
    commit(&store, "github:acme/api", &events);
    let before = row_versions(&pg);
    let second = commit(&store, "github:acme/api", &events);
    assert_eq!(
        second,
        UpsertCount {
            inserted: 0,
            updated: 0,
            unchanged: total(&events)
        }
    );
    assert_eq!(
        row_versions(&pg),
        before,
        "an unchanged event was rewritten"
    );
    assert_eq!(store.load().unwrap(), canonical(events));
    assert_eq!(
        pg.psql("flowdeck", "SELECT max(revision) FROM flowdeck.events"),
        "1"
    );
}

#[test]
fn a_changed_event_is_updated_and_counted_once() {
    let pg = server!();
    let store = fresh(&pg);
    let mut events = sample();
    commit(&store, "pagerduty", &events);
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
    assert_eq!(
        pg.psql(
            "flowdeck",
            "SELECT kind || ' ' || id || ' ' || revision FROM flowdeck.events \
             WHERE revision > 1 ORDER BY kind, id"
        ),
        "deployment git:api:v1.1.0 2\nincident pagerduty:Q1 2"
    );
}

#[test]
fn a_page_repeating_an_event_counts_each_copy() {
    let pg = server!();
    let store = fresh(&pg);
    let d = deployment("git:api:v1", "api", "a1", "2026-05-01T12:00:00Z", vec![]);
    let mut newer = d.clone();
    newer.url = Some("https://ci.example/other".into());
    let events = EventSet {
        deployments: vec![d.clone(), d, newer.clone()],
        ..EventSet::default()
    };
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
    let pg = server!();
    let store = fresh(&pg);
    let api = |team: Option<&str>| Service {
        name: "api".into(),
        team: team.map(str::to_string),
    };
    let services = |list: Vec<Service>| EventSet {
        services: list,
        ..EventSet::default()
    };
    commit(&store, "config", &services(vec![api(Some("payments"))]));
    let count = commit(&store, "git", &services(vec![api(None)]));
    assert_eq!(count.unchanged, 1);
    assert_eq!(store.load().unwrap().services, vec![api(Some("payments"))]);
    assert_eq!(
        commit(&store, "config", &services(vec![api(Some("core"))])).updated,
        1
    );
    assert_eq!(store.load().unwrap().services, vec![api(Some("core"))]);
    // Within one sync, a later bare copy merges with the earlier one.
    let count = commit(
        &store,
        "config",
        &services(vec![api(Some("growth")), api(None)]),
    );
    assert_eq!((count.updated, count.unchanged), (1, 1));
    assert_eq!(store.load().unwrap().services, vec![api(Some("growth"))]);
}

#[test]
fn watermarks_are_forgotten_by_prefix_and_age_only() {
    let pg = server!();
    assert_watermarks_are_forgotten_by_prefix_and_age(&fresh(&pg));
}

#[test]
fn watermarks_are_kept_per_source_and_key() {
    let pg = server!();
    let store = fresh(&pg);
    let empty = EventSet::default();
    let marks = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let sync = |source: &str, pairs: &[(&str, &str)]| {
        store
            .commit_sync(source, &empty, &marks(pairs), &status(source, "ok"))
            .unwrap()
    };
    sync(
        "github:acme/api",
        &[("deployments", "2026-05-01T00:00:00Z"), ("runs", "9001")],
    );
    sync(
        "gitlab:group/web",
        &[("deployments", "2026-04-01T00:00:00Z")],
    );
    // A key given twice in one sync keeps the last value, as in SQLite.
    sync("github:acme/api", &[("runs", "9040"), ("runs", "9050")]);
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
fn statuses_round_trip_in_bytewise_order_and_a_failure_keeps_events_and_watermarks() {
    let pg = server!();
    let store = fresh(&pg);
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
    // Upper case sorts before lower case bytewise (as in SQLite), whatever the collation.
    let upper = StoredStatus {
        name: "Zeta".into(),
        ..bare.clone()
    };
    store.put_status(&upper).unwrap();
    assert_eq!(store.statuses().unwrap(), vec![upper, failed, bare]);
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
    let pg = server!();
    let store = fresh(&pg);
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
    assert_eq!(
        store
            .prune_cached_responses(ts("2026-05-01T00:00:00Z"))
            .unwrap(),
        1
    );
    assert_eq!(store.cached_response("https://old/").unwrap(), None);
    assert_eq!(store.cached_response(url).unwrap(), Some(strong));
    // A cut-off beyond the storable range prunes everything.
    let far = ts("3000-01-01T00:00:00Z");
    assert_eq!(store.prune_cached_responses(far).unwrap(), 1);
    assert_eq!(store.cached_response(url).unwrap(), None);
}

#[test]
fn a_sync_failing_midway_stores_nothing_of_it() {
    let pg = server!();
    let store = fresh(&pg);
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
    pg.psql(
        "flowdeck",
        "CREATE FUNCTION public.fail() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
    );
    let marks = vec![("tags".to_string(), "v1.1.1".to_string())];
    let failures = [
        // At the third deployment: two are already written inside the transaction.
        "CREATE TRIGGER fail BEFORE INSERT ON flowdeck.events FOR EACH ROW \
         WHEN (NEW.id = 'git:api:v1.1.1') EXECUTE FUNCTION public.fail()",
        // After every event, at the watermark.
        "CREATE TRIGGER fail BEFORE UPDATE ON flowdeck.watermarks FOR EACH ROW \
         EXECUTE FUNCTION public.fail()",
        // At the very end, at the status.
        "CREATE TRIGGER fail BEFORE UPDATE ON flowdeck.statuses FOR EACH ROW \
         EXECUTE FUNCTION public.fail()",
    ];
    let mut feed = store.subscribe().unwrap().unwrap();
    for trigger in failures {
        pg.psql("flowdeck", trigger);
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
        let table = trigger
            .split(" ON ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        pg.psql("flowdeck", &format!("DROP TRIGGER fail ON {table}"));
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
    // The failed syncs announced nothing (a NOTIFY is sent at commit only): the first
    // notification is the sync that went through.
    let heard = feed.wait(PATIENCE).unwrap().unwrap();
    assert_eq!(heard.source, "git");
}

#[test]
fn a_schema_from_a_newer_flowdeck_is_too_new_and_left_untouched() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    drop(open(&pg, &db));
    pg.psql(
        "flowdeck",
        "INSERT INTO flowdeck.schema_version (version) VALUES (99)",
    );
    let before = pg.psql(
        "flowdeck",
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM flowdeck.schema_version",
    );
    match PostgresStore::connect(&pg.url(&db), &ConnectOptions::default()).unwrap_err() {
        StoreError::TooNew { found, known, path } => {
            assert_eq!((found, known), (99, SCHEMA_VERSION));
            assert_eq!(path.to_str(), Some(pg.server_name(&db).as_str()));
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(
        pg.psql(
            "flowdeck",
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM flowdeck.schema_version"
        ),
        before
    );
    // Every version this flowdeck knows, then the newer one.
    let known: Vec<String> = (1..=SCHEMA_VERSION).map(|v| v.to_string()).collect();
    assert_eq!(before, format!("{},99", known.join(",")));
}

#[test]
fn another_programs_tables_are_left_alone() {
    let pg = server!();
    let db = pg.create_database("shared");
    // Another program's tables in the default schema, some named like ours: not touched.
    pg.psql(
        &db,
        "CREATE TABLE public.events (kind text, id text); INSERT INTO public.events VALUES ('x', 'y');",
    );
    let store = open(&pg, &db);
    commit(&store, "git", &sample());
    assert_eq!(pg.psql(&db, "SELECT kind || id FROM public.events"), "xy");
    drop(store);
    // A "flowdeck" schema that is not ours is refused, and left as it was.
    let other = pg.create_database("other");
    pg.psql(
        &other,
        "CREATE SCHEMA flowdeck; CREATE TABLE flowdeck.notes (text text); \
         INSERT INTO flowdeck.notes VALUES ('mine');",
    );
    let error = PostgresStore::connect(&pg.url(&other), &ConnectOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("another program"), "{error}");
    assert_eq!(
        pg.psql(
            &other,
            "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'flowdeck'"
        ),
        "notes"
    );
    // An empty "flowdeck" schema (made by an administrator for flowdeck) is used.
    let prepared = pg.create_database("prepared");
    pg.psql(
        &prepared,
        &format!(
            "CREATE SCHEMA flowdeck AUTHORIZATION {}",
            postgres_server::ROLE
        ),
    );
    commit(&open(&pg, &prepared), "git", &sample());
}

/// The version 1 schema exactly as first shipped, frozen here: every later build must open a
/// database written by it.
const SHIPPED_V1: &str = r#"
CREATE SCHEMA flowdeck;
CREATE TABLE flowdeck.schema_version (
    version    BIGINT      NOT NULL PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE flowdeck.events (
    kind     TEXT COLLATE "C" NOT NULL,
    id       TEXT COLLATE "C" NOT NULL,
    source   TEXT   NOT NULL,
    service  TEXT,
    at       BIGINT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1,
    body     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX events_kind_at ON flowdeck.events (kind, at);
CREATE INDEX events_kind_service ON flowdeck.events (kind, service);
CREATE TABLE flowdeck.watermarks (
    source TEXT COLLATE "C" NOT NULL,
    key    TEXT COLLATE "C" NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE TABLE flowdeck.etags (
    url        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    etag       TEXT   NOT NULL,
    body       BYTEA  NOT NULL,
    next       TEXT,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX etags_fetched_at ON flowdeck.etags (fetched_at);
CREATE TABLE flowdeck.statuses (
    name            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_success_at BIGINT,
    error           TEXT,
    covers_from     BIGINT,
    next_retry_at   BIGINT
);
INSERT INTO flowdeck.events (kind, id, source, service, at, body) VALUES ('deployment', 'git:api:v1', 'git', 'api', 1777636800000000000,
 '{"id":"git:api:v1","name":"v1","service":"api","environment":"production","production":true,"sha":"a1","ref_name":null,"started_at":null,"finished_at":"2026-05-01T12:00:00Z","status":"success","url":null,"changes":[{"sha":"c1","authored_at":"2026-04-30T10:00:00Z","committed_at":"2026-04-30T10:03:00Z","author":"ana","title":"Add retries","merge":false,"reverts":null,"pr":null}]}');
INSERT INTO flowdeck.watermarks VALUES ('git', 'tags', 'v1');
INSERT INTO flowdeck.statuses VALUES ('git', 'git', 'ok', 1777636800000000000, NULL, NULL, NULL);
INSERT INTO flowdeck.schema_version (version) VALUES (1);
"#;

#[test]
fn a_version_1_database_opens_and_reads() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    pg.psql(
        &db,
        &format!("SET ROLE {}; {SHIPPED_V1}", postgres_server::ROLE),
    );
    let store = open(&pg, &db);
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
    assert_eq!(commit(&store, "git", &loaded).unchanged, 1);
}

#[test]
fn several_processes_opening_a_new_database_at_once_migrate_it_once() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let url = pg.url(&db);
    let starters = 8;
    let barrier = Arc::new(Barrier::new(starters));
    let handles: Vec<_> = (0..starters)
        .map(|_| {
            let (url, barrier) = (url.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                PostgresStore::connect(&url, &ConnectOptions::default()).map(|_| ())
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    assert_eq!(
        pg.psql(
            &db,
            "SELECT count(*) || ' ' || max(version) FROM flowdeck.schema_version"
        ),
        format!("{SCHEMA_VERSION} {SCHEMA_VERSION}")
    );
}

// ---- connecting: errors and passwords ----------------------------------------------------

/// Every way the error can be seen: its message and its debug form.
fn shown(error: &StoreError) -> String {
    format!("{error}\n{error:?}")
}

#[test]
fn a_wrong_password_or_an_unknown_role_is_refused_without_the_password() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let url = pg.url(&db).replace(PASSWORD, "Wr0ng-Passw0rd");
    let error = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap_err();
    assert!(
        matches!(error, StoreError::LoginRefused { .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        format!(
            "the history server {} refused the login: password authentication failed for user \"flowdeck\"",
            pg.server_name(&db)
        )
    );
    assert!(!shown(&error).contains("Wr0ng"), "{error:?}");
    let url = format!(
        "postgres://nobody:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
        pg.port
    );
    let error = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap_err();
    assert!(
        matches!(error, StoreError::LoginRefused { .. }),
        "{error:?}"
    );
    assert!(!shown(&error).contains(PASSWORD), "{error:?}");
}

#[test]
fn a_missing_database_is_named() {
    let pg = server!();
    let error =
        PostgresStore::connect(&pg.url("nosuchdb"), &ConnectOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot open the history database {}: database \"nosuchdb\" does not exist: create it \
             (createdb) or name another database in [general] store",
            pg.server_name("nosuchdb")
        )
    );
    assert!(!shown(&error).contains(PASSWORD));
}

#[test]
fn no_server_is_unreachable_and_retryable() {
    let port = postgres_server::free_port();
    let url = format!("postgres://flowdeck:{PASSWORD}@127.0.0.1:{port}/flowdeck?sslmode=disable");
    let error = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    assert!(error.is_retryable());
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot reach the history server flowdeck@127.0.0.1:{port}/flowdeck: connection refused"
        )),
        "{text}"
    );
    assert!(!shown(&error).contains(PASSWORD));
}

#[test]
fn tls_required_of_a_server_without_it_is_a_clear_error() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let url = pg.url(&db).replace("sslmode=disable", "sslmode=require");
    let error = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(error.to_string().contains("TLS"), "{error}");
    // prefer (the default) falls back to a plain connection when the server has no TLS.
    let url = pg.url(&db).replace("?sslmode=disable", "");
    commit(
        &PostgresStore::connect(&url, &ConnectOptions::default()).unwrap(),
        "git",
        &sample(),
    );
}

const CONNECT_CHILD: &str = "FLOWDECK_PG_CONNECT_CHILD_URL";

/// The child of the tests below that need an environment of their own (this process's cannot
/// be changed safely from a test): connects with the URL and `[general] store_password_env`
/// it is given, prints the outcome, and with FLOWDECK_PG_CONNECT_CHILD_HOLD set keeps the
/// connection until its stdin closes. Does nothing as an ordinary test.
#[test]
fn connect_child() {
    let Ok(url) = std::env::var(CONNECT_CHILD) else {
        return;
    };
    let options = ConnectOptions {
        password_env: std::env::var("FLOWDECK_PG_CONNECT_CHILD_ENV").ok(),
    };
    match PostgresStore::connect(&url, &options) {
        Ok(store) => {
            println!("outcome: ok {}", store.server());
            if std::env::var_os("FLOWDECK_PG_CONNECT_CHILD_HOLD").is_some() {
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                commit(&store, "held", &sample());
            }
        }
        Err(e) => println!("outcome: {e}"),
    }
}

/// A [`connect_child`], its environment cleared of passwords and given `env`.
fn connect_command(url: &str, named: Option<&str>, env: &[(&str, &str)]) -> Command {
    let mut command = child_test::command(module_path!(), "connect_child");
    command
        .env(CONNECT_CHILD, url)
        .env_remove("PGPASSWORD")
        .env_remove("FLOWDECK_PG_CONNECT_CHILD_ENV")
        .env_remove("FLOWDECK_PG_CONNECT_CHILD_HOLD");
    if let Some(name) = named {
        command.env("FLOWDECK_PG_CONNECT_CHILD_ENV", name);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

/// The outcome line a [`connect_child`] printed.
fn outcome(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("outcome: ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no outcome: {stdout}"))
        .to_string();
    assert!(!line.contains(PASSWORD), "{line}");
    line
}

#[test]
fn the_password_comes_from_the_url_then_the_named_variable_then_pgpassword() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let server = pg.server_name(&db);
    let run = |url: &str, named: Option<&str>, env: &[(&str, &str)]| -> String {
        let out = connect_command(url, named, env).output().unwrap();
        outcome(&String::from_utf8_lossy(&out.stdout))
    };
    let ok = format!("ok {server}");
    let bare = pg.url_without_password(&db);
    // PGPASSWORD, as libpq.
    assert_eq!(run(&bare, None, &[("PGPASSWORD", PASSWORD)]), ok);
    // The named variable, which wins over PGPASSWORD.
    assert_eq!(
        run(
            &bare,
            Some("FLOWDECK_DB_PW"),
            &[("FLOWDECK_DB_PW", PASSWORD), ("PGPASSWORD", "wrong")]
        ),
        ok
    );
    // The URL's password wins over both.
    assert_eq!(
        run(
            &pg.url(&db),
            Some("FLOWDECK_DB_PW"),
            &[("FLOWDECK_DB_PW", "wrong"), ("PGPASSWORD", "wrong")]
        ),
        ok
    );
    // A percent-encoded password in the URL, as libpq allows.
    pg.psql(
        "postgres",
        "CREATE ROLE odd LOGIN PASSWORD 'p@ss:w/rd?'; GRANT ALL ON DATABASE flowdeck TO odd",
    );
    pg.psql(
        "flowdeck",
        "GRANT ALL ON SCHEMA flowdeck TO odd; GRANT ALL ON ALL TABLES IN SCHEMA flowdeck TO odd",
    );
    assert_eq!(
        run(
            &format!(
                "postgresql://odd:p%40ss%3Aw%2Frd%3F@127.0.0.1:{}/flowdeck?sslmode=disable",
                pg.port
            ),
            None,
            &[]
        ),
        format!("ok odd@127.0.0.1:{}/flowdeck", pg.port)
    );
    // None at all.
    assert_eq!(
        run(&bare, None, &[]),
        format!(
            "the history server {server} refused the login: the server asks for a password and \
             none was given (in the URL, in PGPASSWORD, or in the variable [general] \
             store_password_env names)"
        )
    );
    // A named variable that is not set.
    assert_eq!(
        run(&bare, Some("FLOWDECK_DB_PW"), &[("PGPASSWORD", PASSWORD)]),
        format!(
            "cannot open the history database {server}: [general] store_password_env names the \
             variable FLOWDECK_DB_PW, which is not set"
        )
    );
}

#[test]
fn tls_is_verified_against_the_platforms_roots() {
    if !postgres_server::available() {
        return;
    }
    let pg = Postgres::start_with_tls();
    let db = pg.create_database("flowdeck");
    let require = pg.url(&db).replace("sslmode=disable", "sslmode=require");
    let prefer = pg.url(&db).replace("sslmode=disable", "sslmode=prefer");
    // The server's CA is not among the system's roots: refused, under prefer too (no quiet
    // fall back to an unverified or plain connection).
    for url in [&require, &prefer] {
        let error = PostgresStore::connect(url, &ConnectOptions::default()).unwrap_err();
        assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
        let text = error.to_string();
        assert!(
            text.starts_with(&format!(
                "cannot open the history database {}: TLS failed: ",
                pg.server_name(&db)
            )) && text.contains("certificate"),
            "{text}"
        );
    }
    // With the CA trusted (SSL_CERT_FILE, as the platform verifier reads it on Linux), the
    // session is encrypted; check it from the server's side while the child holds it.
    let ca = pg.ca_file();
    let ca = ca.to_str().unwrap();
    let mut child = connect_command(&require, None, &[("SSL_CERT_FILE", ca)])
        .env_remove("SSL_CERT_DIR")
        .env("FLOWDECK_PG_CONNECT_CHILD_HOLD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("outcome: ") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the child ended early"
        );
    }
    assert_eq!(outcome(&line), format!("ok {}", pg.server_name(&db)));
    let ssl = pg.psql(
        "postgres",
        "SELECT s.ssl || ' ' || s.version FROM pg_stat_ssl s JOIN pg_stat_activity a \
         USING (pid) WHERE a.application_name = 'flowdeck'",
    );
    assert!(ssl.starts_with("true TLSv1."), "{ssl}");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    // It wrote through that session.
    assert_eq!(
        open(&pg, &db).statuses().unwrap(),
        vec![status("held", "ok")]
    );
    // verify-full, as libpq users write it, means the same here.
    let out = connect_command(
        &pg.url(&db)
            .replace("sslmode=disable", "sslmode=verify-full"),
        None,
        &[("SSL_CERT_FILE", ca)],
    )
    .env_remove("SSL_CERT_DIR")
    .output()
    .unwrap();
    assert_eq!(
        outcome(&String::from_utf8_lossy(&out.stdout)),
        format!("ok {}", pg.server_name(&db))
    );
}

#[test]
fn a_lock_held_too_long_elsewhere_is_locked_and_retryable() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    // The URL's options win over the store's LOCK_TIMEOUT.
    let url = format!("{}&options=-c%20lock_timeout%3D200ms", pg.url(&db));
    let store = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap();
    commit(&store, "git", &sample());
    // An administrator's transaction holds the statuses table.
    let mut holder = Command::new(postgres_server::bin_dir().unwrap().join("psql"))
        .args(["-X", "-q", "-h"])
        .arg(pg.dir())
        .args(["-p", &pg.port.to_string(), "-U", "postgres", "-d", &db])
        .args([
            "-c",
            "BEGIN; LOCK TABLE flowdeck.statuses IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + PATIENCE;
    while pg.psql(
        &db,
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         WHERE c.relname = 'statuses' AND l.mode = 'AccessExclusiveLock' AND l.granted",
    ) != "1"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the lock was never taken"
        );
    }
    let error = store
        .commit_sync("git", &sample(), &[], &status("git", "stale"))
        .unwrap_err();
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains(&pg.server_name(&db)), "{error}");
    // Nothing of that sync was kept, and once the lock is gone it goes through.
    assert!(store.statuses().unwrap_err().is_retryable());
    assert_eq!(pg.terminate("psql"), 1);
    holder.wait().unwrap();
    assert_eq!(store.statuses().unwrap(), vec![status("git", "ok")]);
    store
        .commit_sync("git", &sample(), &[], &status("git", "stale"))
        .unwrap();
    assert_eq!(store.statuses().unwrap(), vec![status("git", "stale")]);
}

// ---- from inside runtimes, and connections that drop --------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn the_store_works_from_inside_a_current_thread_runtime() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    // Connected, used, subscribed and dropped on the runtime's only thread.
    let store = open(&pg, &db);
    let mut feed = store.subscribe().unwrap().unwrap();
    assert_eq!(commit(&store, "git", &sample()).inserted, total(&sample()));
    assert_eq!(feed.wait(PATIENCE).unwrap().unwrap().source, "git");
    assert_eq!(store.load().unwrap(), canonical(sample()));
    // An await point between calls: the runtime keeps working.
    tokio::task::yield_now().await;
    assert_eq!(store.statuses().unwrap(), vec![status("git", "ok")]);
    drop(feed);
    drop(store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_works_from_async_tasks_on_a_multi_thread_runtime() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let store: Arc<dyn Store> = Arc::new(open(&pg, &db));
    // As the poller does: commit_sync from async tasks, several at once.
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..6 {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let events = EventSet {
                deployments: (0..50)
                    .map(|i| {
                        deployment(
                            &format!("git:api:t{task}-{i}"),
                            "api",
                            "s",
                            "2026-05-01T12:00:00Z",
                            vec![],
                        )
                    })
                    .collect(),
                ..EventSet::default()
            };
            tokio::task::yield_now().await;
            commit(store.as_ref(), &format!("source-{task}"), &events)
        });
    }
    let mut inserted = 0;
    while let Some(joined) = tasks.join_next().await {
        inserted += joined.unwrap().inserted;
    }
    assert_eq!(inserted, 300);
    // And from spawn_blocking, as the dashboard loads.
    let reader = Arc::clone(&store);
    let loaded = tokio::task::spawn_blocking(move || reader.load())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.deployments.len(), 300);
    assert_eq!(store.statuses().unwrap().len(), 6);
    drop(store);
}

#[test]
fn a_dropped_connection_is_made_again_by_the_next_call() {
    let mut pg = server!();
    let store = fresh(&pg);
    commit(&store, "git", &sample());
    // An administrator ends the store's session. pg_terminate_backend only signals the
    // backend: wait until it is gone, or the next call may still be served by it and the one
    // after meet the drop.
    assert_eq!(pg.terminate("flowdeck"), 1);
    let deadline = std::time::Instant::now() + PATIENCE;
    while pg.psql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'flowdeck'",
    ) != "0"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the backend never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The call that finds it gone may fail (retryable); the next one connects again.
    if let Err(error) = store.load() {
        assert!(error.is_retryable(), "{error:?}");
    }
    assert_eq!(store.load().unwrap(), canonical(sample()));
    // The server itself goes away and comes back.
    pg.stop();
    let error = store.statuses().unwrap_err();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(!shown(&error).contains(PASSWORD));
    let error = store.statuses().unwrap_err();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    pg.start_again();
    assert_eq!(store.statuses().unwrap(), vec![status("git", "ok")]);
    assert_eq!(commit(&store, "git", &sample()).unchanged, total(&sample()));
}

#[test]
fn everything_survives_a_new_connection() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let response = CachedResponse {
        etag: "W/\"1\"".into(),
        body: vec![1, 2, 3],
        next: None,
        fetched_at: ts("2026-05-02T08:00:00Z"),
    };
    {
        let store = open(&pg, &db);
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
    let store = open(&pg, &db);
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
fn a_large_history_round_trips_and_bad_rows_are_skipped_or_refused() {
    let pg = server!();
    let store = fresh(&pg);
    // More rows than one decoding batch (the parallel path) and than one upsert statement.
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
    assert_eq!(commit(&store, "git", &events).unchanged, total(&events));
    pg.psql(
        "flowdeck",
        "INSERT INTO flowdeck.events (kind, id, source, at, body) VALUES ('annotation', 'x', 'future', 0, '{}')",
    );
    assert_eq!(store.load().unwrap(), canonical(events));
    let counts: BTreeMap<&str, u64> = store
        .counts()
        .unwrap()
        .into_iter()
        .map(|(k, n)| (k.as_str(), n))
        .collect();
    assert_eq!(counts.get("deployment"), Some(&5_005));
    assert_eq!(counts.get("annotation"), None);
    pg.psql(
        "flowdeck",
        "INSERT INTO flowdeck.events (kind, id, source, at, body) VALUES ('deployment', 'bad', 'x', 0, '[]')",
    );
    let error = store.load().unwrap_err();
    assert!(matches!(error, StoreError::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("deployment bad"), "{error}");
}

// ---- several writers and readers ------------------------------------------------------------

/// Deployment `i` of the concurrency tests: the same body whichever writer sends it.
fn numbered(i: usize) -> Deployment {
    deployment(
        &format!("github:acme/api:{i:05}"),
        "api",
        &format!("{i:040x}"),
        "2026-05-01T12:00:00Z",
        vec![change(
            &format!("{i:040}"),
            "2026-04-30T10:00:00Z",
            "A change",
        )],
    )
}

const BLOCK: usize = 10;
const BLOCKS: usize = 60;

/// Writer `w`'s syncs: collector A sends blocks 0..40 in order with the service's team,
/// collector B blocks 20..60 from the last, the service without a team; blocks 20..40 are
/// sent by both.
fn syncs_of(w: usize) -> Vec<usize> {
    if w == 0 {
        (0..40).collect()
    } else {
        (20..BLOCKS).rev().collect()
    }
}

fn block_events(block: usize, team: Option<&str>) -> EventSet {
    EventSet {
        services: vec![Service {
            name: "api".into(),
            team: team.map(str::to_string),
        }],
        deployments: (block * BLOCK..(block + 1) * BLOCK).map(numbered).collect(),
        ..EventSet::default()
    }
}

#[test]
fn two_collectors_and_three_readers_at_once() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let url = pg.url(&db);
    // Everyone connects at once, on a database nobody has migrated yet.
    let start = Arc::new(Barrier::new(5));
    let connect = |start: &Barrier| {
        start.wait();
        PostgresStore::connect(&url, &ConnectOptions::default()).unwrap()
    };
    let writing = Arc::new(AtomicBool::new(true));
    // Readers subscribe before the writers begin, then wait for the expected count.
    let (expected_tx, expected_rx) = std::sync::mpsc::channel::<BTreeMap<String, u64>>();
    let expected_rx = Arc::new(std::sync::Mutex::new(expected_rx));
    let subscribed = Arc::new(Barrier::new(5));
    std::thread::scope(|scope| {
        // Dropped if this closure panics, so readers waiting for it stop instead of hanging.
        let expected_tx = expected_tx;
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let (start, subscribed, writing, expected_rx) = (
                    Arc::clone(&start),
                    Arc::clone(&subscribed),
                    Arc::clone(&writing),
                    Arc::clone(&expected_rx),
                );
                let connect = &connect;
                scope.spawn(move || {
                    let store = connect(&start);
                    let mut feed = store.subscribe().unwrap().unwrap();
                    subscribed.wait();
                    let mut heard: Vec<String> = Vec::new();
                    let mut loads = 0;
                    let mut seen = 0;
                    let mut team_seen = false;
                    loop {
                        let done = !writing.load(Ordering::SeqCst);
                        if let Some(change) = feed.wait(Duration::from_millis(20)).unwrap() {
                            heard.push(change.source);
                        }
                        let history = store.load().unwrap();
                        loads += 1;
                        // Never part of a sync: every block is wholly there or wholly not.
                        let mut present = [0usize; BLOCKS];
                        for d in &history.deployments {
                            let i: usize = d.id.rsplit(':').next().unwrap().parse().unwrap();
                            assert_eq!(*d, numbered(i));
                            present[i / BLOCK] += 1;
                        }
                        assert!(
                            present.iter().all(|&n| n == 0 || n == BLOCK),
                            "a partial sync was seen: {present:?}"
                        );
                        // Never fewer than before: nothing is ever taken back.
                        assert!(history.deployments.len() >= seen);
                        seen = history.deployments.len();
                        // A team once stored is never erased by the collector without one.
                        let team = history.services.first().and_then(|s| s.team.clone());
                        if team_seen {
                            assert_eq!(team.as_deref(), Some("payments"));
                        }
                        team_seen |= team.is_some();
                        if done {
                            break;
                        }
                    }
                    // Every announced sync reaches every reader: wait for each one.
                    let expected = expected_rx.lock().unwrap().recv().unwrap();
                    let want: u64 = expected.values().sum();
                    while (heard.len() as u64) < want {
                        match feed.wait(PATIENCE).unwrap() {
                            Some(change) => heard.push(change.source),
                            None => panic!("only {} of {want} notifications", heard.len()),
                        }
                    }
                    let mut by_source: BTreeMap<String, u64> = BTreeMap::new();
                    for source in heard {
                        *by_source.entry(source).or_default() += 1;
                    }
                    assert_eq!(by_source, expected);
                    loads
                })
            })
            .collect();
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (start, subscribed) = (Arc::clone(&start), Arc::clone(&subscribed));
                let connect = &connect;
                scope.spawn(move || {
                    let store = connect(&start);
                    subscribed.wait();
                    let source = ["collector-a", "collector-b"][w];
                    let team = [Some("payments"), None][w];
                    let mut counts = UpsertCount::default();
                    let mut announced = 0u64;
                    for block in syncs_of(w) {
                        let c = store
                            .commit_sync(
                                source,
                                &block_events(block, team),
                                &[("block".into(), block.to_string())],
                                &status(source, "ok"),
                            )
                            .unwrap();
                        counts.inserted += c.inserted;
                        counts.updated += c.updated;
                        counts.unchanged += c.unchanged;
                        if c.inserted + c.updated > 0 {
                            announced += 1;
                        }
                    }
                    (source.to_string(), counts, announced)
                })
            })
            .collect();
        let joined: Vec<_> = writers.into_iter().map(|h| h.join()).collect();
        writing.store(false, Ordering::SeqCst);
        let results: Vec<_> = joined.into_iter().map(|r| r.unwrap()).collect();
        let expected: BTreeMap<String, u64> = results
            .iter()
            .filter(|(_, _, n)| *n > 0)
            .map(|(s, _, n)| (s.clone(), *n))
            .collect();
        for _ in 0..3 {
            expected_tx.send(expected.clone()).unwrap();
        }
        for reader in readers {
            assert!(reader.join().unwrap() > 0);
        }
        let inserted: u64 = results.iter().map(|(_, c, _)| c.inserted).sum();
        let updated: u64 = results.iter().map(|(_, c, _)| c.updated).sum();
        let unchanged: u64 = results.iter().map(|(_, c, _)| c.unchanged).sum();
        // 600 distinct deployments and one service, each inserted exactly once.
        assert_eq!(inserted, (BLOCKS * BLOCK) as u64 + 1);
        // The only possible update: collector A adding the team to the service collector B
        // stored first without one.
        assert!(updated <= 1, "{updated}");
        // Every event sent is counted once: 80 syncs of 10 deployments and the service.
        assert_eq!(inserted + updated + unchanged, 80 * (BLOCK as u64 + 1));
    });
    assert_eq!(
        pg.psql(
            &db,
            "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || max(revision) \
             FROM flowdeck.events WHERE kind = 'deployment'"
        ),
        "600 600 1"
    );
    let store = open(&pg, &db);
    assert_eq!(
        store.load().unwrap().services,
        vec![Service {
            name: "api".into(),
            team: Some("payments".into())
        }]
    );
    assert_eq!(
        store.watermark("collector-a", "block").unwrap().as_deref(),
        Some("39")
    );
    assert_eq!(
        store.watermark("collector-b", "block").unwrap().as_deref(),
        Some("20")
    );
}

// ---- LISTEN/NOTIFY ------------------------------------------------------------------------

#[test]
fn a_reader_learns_of_a_new_deployment_through_a_notification() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let collector = open(&pg, &db);
    commit(&collector, "github:acme/api", &sample());
    let reader = open(&pg, &db);
    let mut feed = reader.subscribe().unwrap().unwrap();
    // A sync that changes nothing announces nothing; the next one that does is heard first.
    commit(&collector, "github:acme/api", &sample());
    let new = EventSet {
        deployments: vec![deployment(
            "github:acme/api:99",
            "api",
            "f9",
            "2026-05-03T09:00:00Z",
            vec![change("c99", "2026-05-03T08:00:00Z", "Ship it")],
        )],
        ..EventSet::default()
    };
    let writer = std::thread::spawn(move || {
        commit(&collector, "github:acme/web", &new);
        collector
    });
    let change = feed.wait(PATIENCE).unwrap().unwrap();
    assert_eq!(change.source, "github:acme/web");
    // Heard only after the commit: the deployment is there to load.
    let loaded = reader.load().unwrap();
    assert!(
        loaded
            .deployments
            .iter()
            .any(|d| d.id == "github:acme/api:99"),
        "the announced deployment is not stored"
    );
    let collector = writer.join().unwrap();
    // Nothing else was announced.
    assert_eq!(feed.wait(Duration::from_millis(1)).unwrap(), None);

    // An administrator ends the listening session: the feed says so, and a new one works.
    assert_eq!(pg.terminate("flowdeck listen"), 1);
    let error = feed.wait(PATIENCE).unwrap_err();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    assert!(error.to_string().contains("dropped"), "{error}");
    // Still broken, at once.
    assert!(feed.wait(PATIENCE).is_err());
    let mut feed = reader.subscribe().unwrap().unwrap();
    let later = EventSet {
        incidents: vec![Incident {
            id: "pagerduty:Q9".into(),
            source: "pagerduty".into(),
            services: vec!["api".into()],
            title: "Late".into(),
            severity: None,
            labels: vec![],
            body: None,
            started_at: ts("2026-05-03T10:00:00Z"),
            resolved_at: None,
            url: None,
        }],
        ..EventSet::default()
    };
    commit(&collector, "pagerduty", &later);
    assert_eq!(feed.wait(PATIENCE).unwrap().unwrap().source, "pagerduty");
    // The store's own connection was not the one ended.
    assert_eq!(reader.load().unwrap().incidents.len(), 3);
    // A feed outlives its store.
    drop(reader);
    commit(&collector, "pagerduty", &sample_later());
    assert_eq!(feed.wait(PATIENCE).unwrap().unwrap().source, "pagerduty");
}

fn sample_later() -> EventSet {
    EventSet {
        deployments: vec![deployment(
            "github:acme/api:100",
            "api",
            "fa",
            "2026-05-04T09:00:00Z",
            vec![],
        )],
        ..EventSet::default()
    }
}

// ---- a writer killed in the middle of a sync -----------------------------------------------

const KILL_CHILD: &str = "FLOWDECK_PG_KILL_CHILD_URL";
const KILL_FROM: &str = "FLOWDECK_PG_KILL_CHILD_FROM";
const COMMITS: usize = 20;
/// More than one upsert statement's worth: a sync is several statements in one transaction.
const PER_COMMIT: usize = 2100;

fn commit_events(k: usize) -> EventSet {
    EventSet {
        deployments: (0..PER_COMMIT)
            .map(|i| {
                deployment(
                    &format!("kill:{k:03}:{i:04}"),
                    "api",
                    &format!("{k:020}{i:020}"),
                    "2026-05-01T12:00:00Z",
                    (0..3)
                        .map(|c| {
                            change(
                                &format!("{k:014}{i:020}{c:06}"),
                                "2026-04-30T10:00:00Z",
                                "A change long enough to make the sync take a while",
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        ..EventSet::default()
    }
}

/// The child of `a_writer_killed_mid_sync_loses_nothing_acknowledged_and_duplicates_nothing`:
/// commits syncs in a loop from commit `FROM`, printing `begin K` before each and
/// `acked K inserted unchanged` once it returned. Does nothing as an ordinary test.
#[test]
fn kill_child() {
    let Ok(url) = std::env::var(KILL_CHILD) else {
        return;
    };
    let from: usize = std::env::var(KILL_FROM).unwrap().parse().unwrap();
    let store = PostgresStore::connect(&url, &ConnectOptions::default()).unwrap();
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for k in from..COMMITS {
        let events = commit_events(k);
        writeln!(out, "begin {k}").unwrap();
        out.flush().unwrap();
        let c = store
            .commit_sync(
                "collector",
                &events,
                &[("commit".into(), k.to_string())],
                &status("collector", "ok"),
            )
            .unwrap();
        writeln!(out, "acked {k} {} {}", c.inserted, c.unchanged).unwrap();
        out.flush().unwrap();
    }
    writeln!(out, "done").unwrap();
}

fn spawn_writer(url: &str, from: usize) -> std::process::Child {
    child_test::command(module_path!(), "kill_child")
        .env(KILL_CHILD, url)
        .env(KILL_FROM, from.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// `acked K inserted unchanged` lines.
fn acks(lines: &[String]) -> Vec<(usize, u64, u64)> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("acked "))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_writer_killed_mid_sync_loses_nothing_acknowledged_and_duplicates_nothing() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let url = pg.url(&db);
    let mut child = spawn_writer(&url, 0);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    // Once it has acknowledged some syncs, kill it in the middle of one: when its session is
    // in a transaction that has written rows (PostgreSQL gives a transaction its id, the
    // backend_xid, at its first write).
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the writer ended early"
        );
        let line = line.trim_end().to_string();
        let begun = line == "begin 8";
        lines.push(line);
        if begun {
            break;
        }
    }
    let deadline = std::time::Instant::now() + PATIENCE;
    while pg.psql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity \
         WHERE application_name = 'flowdeck' AND backend_xid IS NOT NULL",
    ) != "1"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "never caught mid-write"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer ended early"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // What it printed before it died (an ack may have made it out).
    for line in reader.lines() {
        lines.push(line.unwrap());
    }
    assert!(!lines.iter().any(|l| l == "done"), "killed too late");
    let acked = acks(&lines);
    let last_acked = acked.last().unwrap().0;
    assert!(last_acked >= 7, "{lines:?}");
    // The server ends the killed writer's session (rolling back what it had begun) once it
    // notices the socket closed; wait for that, so what is seen below is final.
    let deadline = std::time::Instant::now() + PATIENCE;
    while pg.psql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'flowdeck'",
    ) != "0"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the session never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let per_commit = pg.psql(
        &db,
        "SELECT k || ' ' || n FROM (SELECT split_part(id, ':', 2)::int AS k, count(*) AS n \
         FROM flowdeck.events GROUP BY 1) t ORDER BY k",
    );
    let stored: Vec<(usize, usize)> = per_commit
        .lines()
        .map(|l| {
            let (k, n) = l.split_once(' ').unwrap();
            (k.parse().unwrap(), n.parse().unwrap())
        })
        .collect();
    // Every acknowledged sync is stored, whole; nothing partial of the one killed.
    assert!(stored.iter().all(|&(_, n)| n == PER_COMMIT), "{stored:?}");
    let highest = stored.last().unwrap().0;
    assert_eq!(
        stored.iter().map(|&(k, _)| k).collect::<Vec<_>>(),
        (0..=highest).collect::<Vec<_>>()
    );
    // At most the sync being killed was committed without its ack getting out.
    assert!(
        highest == last_acked || highest == last_acked + 1,
        "{highest} {last_acked}"
    );
    let store = open(&pg, &db);
    assert_eq!(
        store.watermark("collector", "commit").unwrap(),
        Some(highest.to_string())
    );

    // Restarted from two syncs before its watermark (as a collector re-reads pages it may
    // have missed), it stores the rest, and everything it sends again is unchanged.
    let from = highest - 2;
    let child = spawn_writer(&url, from);
    let out = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(lines.iter().any(|l| l == "done"), "{lines:?}");
    for (k, inserted, unchanged) in acks(&lines) {
        if k <= highest {
            assert_eq!((inserted, unchanged), (0, PER_COMMIT as u64), "sync {k}");
        } else {
            assert_eq!((inserted, unchanged), (PER_COMMIT as u64, 0), "sync {k}");
        }
    }
    assert_eq!(
        pg.psql(
            &db,
            "SELECT count(*) || ' ' || count(DISTINCT id) || ' ' || max(revision) FROM flowdeck.events"
        ),
        format!("{n} {n} 1", n = COMMITS * PER_COMMIT)
    );
    assert_eq!(
        store.load().unwrap().deployments.len(),
        COMMITS * PER_COMMIT
    );
}

#[test]
fn the_etag_cache_is_bounded_per_body_and_in_total() {
    let pg = server!();
    let store = fresh(&pg);
    assert_the_etag_cache_is_bounded(&store);
}
