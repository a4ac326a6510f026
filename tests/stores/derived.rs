//! The derived-history cache beside a SQLite store (src/commands/derived.rs): what it gives is
//! always the history a fresh load and derivation gives, whatever changed since it was written
//! (a commit, a removal, another connection's commit, a migrated copy, another store's file,
//! the config's rules or services) and whatever happened to the file.

use std::path::{Path, PathBuf};

use chrono::Duration;

use crate::support::store_sample::{deployment, status, ts};
use flowdeck::bytes::Writer;
use flowdeck::commands::derived::{self, Write};
use flowdeck::config::Config;
use flowdeck::config::schema::ServiceConfig;
use flowdeck::events::EventKey;
use flowdeck::metrics::History;
use flowdeck::model::{EventKind, EventSet};
use flowdeck::store::{SqliteStore, Store};

const SOURCE: &str = "github:acme/api";

fn demo() -> EventSet {
    flowdeck::sources::collect_demo(ts("2026-03-01T00:00:00Z")).0
}

/// A store file holding the demo events.
fn store(dir: &Path, name: &str) -> (PathBuf, SqliteStore) {
    let path = dir.join(name);
    let store = SqliteStore::open(&path).unwrap();
    store
        .commit_sync(SOURCE, &demo(), &[], &status(SOURCE, "ok"))
        .unwrap();
    (path, store)
}

fn bytes(history: &History) -> Vec<u8> {
    let mut w = Writer::default();
    history.write_to(&mut w);
    w.buf
}

/// What the cache must stand for: the store loaded and derived now.
fn fresh(store: &dyn Store, config: &Config, direct: &EventSet) -> Vec<u8> {
    let mut events = direct.clone();
    events.extend(store.load().unwrap());
    flowdeck::sources::shipped::resolve(config, Path::new("."), &mut events);
    bytes(&History::derive(events, config.rules()))
}

fn cached(store: &dyn Store, config: &Config, direct: &EventSet) -> Vec<u8> {
    let (history, _) =
        derived::history(store, config, Path::new("."), direct.clone(), Write::Always).unwrap();
    bytes(&history)
}

/// The cached history is the fresh one, and reading it again gives it again.
fn assert_current(store: &dyn Store, config: &Config, direct: &EventSet, what: &str) {
    let expected = fresh(store, config, direct);
    assert!(cached(store, config, direct) == expected, "{what}");
    assert!(
        cached(store, config, direct) == expected,
        "{what}, read again"
    );
}

/// Deletes every deployment behind the store's back (no commit, so no new generation): a
/// history that still has them came from the cache.
fn empty_behind_the_stores_back(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute("DELETE FROM events WHERE kind = 'deployment'", [])
        .unwrap();
}

#[test]
fn a_warm_start_reads_the_cache_and_it_is_the_derived_history() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store(dir.path(), "h.sqlite");
    let config = Config::default();
    let direct = EventSet::default();
    let expected = fresh(&store, &config, &direct);
    assert!(cached(&store, &config, &direct) == expected);
    assert!(store.derived_cache_path().unwrap().exists());
    empty_behind_the_stores_back(&path);
    // Still the history of before: it was read from the cache, not derived again.
    assert!(cached(&store, &config, &direct) == expected);
}

#[test]
fn the_cache_is_never_used_once_the_store_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store(dir.path(), "h.sqlite");
    let config = Config::default();
    let direct = EventSet::default();
    assert_current(&store, &config, &direct, "first");

    // A commit of this process.
    let new = EventSet {
        deployments: vec![deployment(
            "github:acme/api:new",
            "api",
            "f00df00df00df00df00df00df00df00df00df00d",
            "2026-02-27T12:00:00Z",
            Vec::new(),
        )],
        ..EventSet::default()
    };
    store
        .commit_sync(SOURCE, &new, &[], &status(SOURCE, "ok"))
        .unwrap();
    assert_current(&store, &config, &direct, "after a commit");

    // An update of an event already stored.
    let mut moved = new.clone();
    moved.deployments[0].finished_at = ts("2026-02-28T12:00:00Z");
    store
        .commit_sync(SOURCE, &moved, &[], &status(SOURCE, "ok"))
        .unwrap();
    assert_current(&store, &config, &direct, "after an update");

    // A removal.
    let key = EventKey {
        kind: EventKind::Deployment,
        id: "github:acme/api:new".into(),
    };
    store
        .commit_batch("ingest", &EventSet::default(), &[key], &[], None)
        .unwrap();
    assert_current(&store, &config, &direct, "after a removal");

    // A commit through another connection (another process sees the same file).
    let other = SqliteStore::open(&path).unwrap();
    let first = demo().incidents.remove(0);
    let mut later = first.clone();
    later.id = "another-process".into();
    later.started_at = first.started_at + Duration::hours(1);
    other
        .commit_sync(
            "pagerduty",
            &EventSet {
                incidents: vec![later],
                ..EventSet::default()
            },
            &[],
            &status("pagerduty", "ok"),
        )
        .unwrap();
    drop(other);
    assert_current(
        &store,
        &config,
        &direct,
        "after another connection's commit",
    );

    // A store opened again (a new process) reads the same file.
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    assert_current(&reopened, &config, &direct, "reopened");
}

#[test]
fn the_cache_follows_the_rules_and_the_configured_services() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = store(dir.path(), "h.sqlite");
    let config = Config::default();
    let direct = EventSet::default();
    assert_current(&store, &config, &direct, "default rules");

    let mut narrow = Config::default();
    narrow.incidents.attribution_window.0 = Duration::minutes(5);
    assert_current(&store, &narrow, &direct, "another attribution window");

    let mut paris = Config::default();
    paris.general.timezone.0 = chrono_tz::Tz::Europe__Paris;
    assert_current(&store, &paris, &direct, "another timezone");

    // The config's [[services]] give teams: what `sources::collect` adds for them.
    let teams = Config {
        services: vec![ServiceConfig {
            name: "api".into(),
            team: Some("payments".into()),
        }],
        ..Config::default()
    };
    let with_teams =
        flowdeck::sources::collect(&teams, Path::new("."), ts("2026-03-01T00:00:00Z")).0;
    assert_current(&store, &teams, &with_teams, "a team for a service");
    assert_current(&store, &config, &direct, "back to the first config");
}

#[test]
fn another_stores_cache_or_a_copy_that_went_apart_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let direct = EventSet::default();
    let (a_path, a) = store(dir.path(), "a.sqlite");
    assert_current(&a, &config, &direct, "a");
    drop(a);
    // A copy of a's file, then changed: its generation moved on, a's cache is not its own.
    let b_path = dir.path().join("b.sqlite");
    std::fs::copy(&a_path, &b_path).unwrap();
    std::fs::copy(derived_path(&a_path), derived_path(&b_path)).unwrap();
    let a = SqliteStore::open(&a_path).unwrap();
    let b = SqliteStore::open(&b_path).unwrap();
    let key = EventKey {
        kind: EventKind::Deployment,
        id: demo().deployments[0].id.clone(),
    };
    b.commit_batch("ingest", &EventSet::default(), &[key], &[], None)
        .unwrap();
    assert_current(&b, &config, &direct, "b after its own change");
    // a's cache laid beside b: refused, b is derived.
    std::fs::copy(derived_path(&a_path), derived_path(&b_path)).unwrap();
    assert_current(&b, &config, &direct, "b with a's cache beside it");
    // And the other way round.
    std::fs::copy(derived_path(&b_path), derived_path(&a_path)).unwrap();
    assert_current(&a, &config, &direct, "a with b's cache beside it");
}

fn derived_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_os_string();
    name.push(".derived");
    PathBuf::from(name)
}

#[test]
fn a_damaged_cache_file_is_ignored_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store(dir.path(), "h.sqlite");
    let config = Config::default();
    let direct = EventSet::default();
    assert_current(&store, &config, &direct, "first");
    let file = derived_path(&path);
    let good = std::fs::read(&file).unwrap();
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("a byte flipped", {
            let mut b = good.clone();
            let at = b.len() - 100;
            b[at] ^= 0x40;
            b
        }),
        ("garbage", vec![0xAB; 4096]),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).unwrap();
        assert_current(&store, &config, &direct, what);
        // Written again whole.
        assert!(
            std::fs::read(&file).unwrap() == good,
            "{what}: not replaced"
        );
    }
    // A folder in its place: derived every time, nothing fails.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    assert_current(&store, &config, &direct, "a folder where the file goes");
}

#[test]
fn a_store_whose_generation_is_gone_is_always_derived() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store(dir.path(), "h.sqlite");
    let config = Config::default();
    let direct = EventSet::default();
    assert_current(&store, &config, &direct, "first");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM generation", []).unwrap();
    conn.execute("DELETE FROM events WHERE kind = 'incident'", [])
        .unwrap();
    drop(conn);
    assert_current(&store, &config, &direct, "no generation");
}
