//! The SQLite history at scale: committing and loading 100k deployments carrying ~500k changes
//! (one sync into a new file; the same sync again, all unchanged; a full load), and opening the
//! file (which runs `PRAGMA quick_check`).
//!
//! The PostgreSQL store the same way (`store_postgres_100k`: commit into a new database, the
//! same sync unchanged, a full load), on a private server started like the tests' (Debian's
//! `postgresql`, through `runuser` when run as root), or on `FLOWDECK_BENCH_POSTGRES_URL`
//! (a database the bench may fill; its `flowdeck` schema is dropped first), and the time from
//! committing one new deployment to a LISTEN feed hearing of it (`store_postgres_notify`).
//! Skipped, with a message, when neither is there.
//!
//! `FLOWDECK_STORE_BENCH_1M=1` also builds (once, cached under `$CARGO_TARGET_DIR/flowdeck-bench/`)
//! a store of 1M deployments and 5M changes (~1.5 GB) and benches opening and loading it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use flowdeck::model::EventSet;
use flowdeck::store::postgres::ConnectOptions;
use flowdeck::store::{PostgresStore, SqliteStore, Store, StoredStatus};

#[allow(dead_code)]
#[path = "support/synthetic.rs"]
mod synthetic;

#[path = "../tests/support/postgres_server.rs"]
mod postgres_server;

/// Bump when the generated store changes, so a stale cached 1M file is not reused.
const LAYOUT_VERSION: u32 = 1;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn deployments(count: usize, services: usize) -> EventSet {
    let shape = synthetic::Shape {
        services,
        teams: 10,
        deployments: count,
        changes: count * 5,
        incidents: 0,
        runs: 0,
        prs: 0,
        days: 180,
    };
    synthetic::generate(&shape, now())
}

fn status() -> StoredStatus {
    StoredStatus {
        name: "bench".into(),
        kind: "git".into(),
        status: "ok".into(),
        last_success_at: Some(now()),
        error: None,
        covers_from: None,
        next_retry_at: None,
    }
}

fn commit(store: &dyn Store, events: &EventSet) {
    store.commit_sync("bench", events, &[], &status()).unwrap();
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = target.join("flowdeck-bench");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn size_of(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn store_100k(c: &mut Criterion) {
    let events = deployments(100_000, 100);
    let changes: usize = events.deployments.iter().map(|d| d.changes.len()).sum();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let store = SqliteStore::open(&path).unwrap();
        let started = Instant::now();
        commit(&store, &events);
        eprintln!(
            "one-shot: commit of {} deployments / {changes} changes into a new file: {:?}",
            events.deployments.len(),
            started.elapsed()
        );
    }
    eprintln!("store file: {}", size_of(&path));

    let mut group = c.benchmark_group("store_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("commit_new_file", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = SqliteStore::open(&dir.path().join("history.sqlite")).unwrap();
                (dir, store)
            },
            |(dir, store)| {
                commit(&store, &events);
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    let store = SqliteStore::open(&path).unwrap();
    group.bench_function("commit_unchanged", |b| b.iter(|| commit(&store, &events)));
    group.bench_function("load", |b| b.iter(|| store.load().unwrap()));
    drop(store);
    group.bench_function("open_with_quick_check", |b| {
        b.iter(|| SqliteStore::open(&path).unwrap())
    });
    group.finish();
}

fn store_1m(c: &mut Criterion) {
    if std::env::var_os("FLOWDECK_STORE_BENCH_1M").is_none() {
        return;
    }
    let path = bench_dir().join(format!("store-1m-v{LAYOUT_VERSION}.sqlite"));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let events = deployments(1_000_000, 1_000);
        let store = SqliteStore::open(&partial).unwrap();
        let started = Instant::now();
        commit(&store, &events);
        eprintln!(
            "one-shot: commit of 1M deployments: {:?}",
            started.elapsed()
        );
        drop(store);
        std::fs::rename(&partial, &path).unwrap();
    }
    eprintln!("1M store file: {}", size_of(&path));
    let started = Instant::now();
    let store = SqliteStore::open(&path).unwrap();
    eprintln!(
        "one-shot: cold-ish open (quick_check) of the 1M store: {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let loaded = store.load().unwrap();
    eprintln!(
        "one-shot: load of {} deployments: {:?}",
        loaded.deployments.len(),
        started.elapsed()
    );
    drop((store, loaded));

    let mut group = c.benchmark_group("store_1m");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("open_with_quick_check", |b| {
        b.iter(|| SqliteStore::open(&path).unwrap())
    });
    group.finish();
}

/// Where the PostgreSQL bench runs: a URL to a fresh database each time it is asked.
enum Server {
    Private(postgres_server::Postgres, std::cell::Cell<u32>),
    External(String),
}

impl Server {
    fn find() -> Option<Server> {
        if let Ok(url) = std::env::var("FLOWDECK_BENCH_POSTGRES_URL") {
            return Some(Server::External(url));
        }
        postgres_server::bin_dir()?;
        postgres_server::available()
            .then(|| Server::Private(postgres_server::Postgres::start(), std::cell::Cell::new(0)))
    }

    /// A store on an empty database.
    fn fresh(&self) -> PostgresStore {
        let url = match self {
            Server::Private(pg, n) => {
                n.set(n.get() + 1);
                pg.url(&pg.create_database(&format!("bench{}", n.get())))
            }
            Server::External(url) => {
                let store = PostgresStore::connect(url, &ConnectOptions::default()).unwrap();
                drop(store);
                drop_schema(url);
                url.clone()
            }
        };
        PostgresStore::connect(&url, &ConnectOptions::default()).unwrap()
    }

    /// Drops a database made by `fresh` (a private server only; an external one is emptied
    /// by the next `fresh`).
    fn done(&self, store: PostgresStore) {
        let name = store
            .server()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        drop(store);
        if let Server::Private(pg, _) = self {
            pg.psql("postgres", &format!("DROP DATABASE {name}"));
        }
    }
}

/// Empties an external bench database (psql must be on PATH).
fn drop_schema(url: &str) {
    let status = std::process::Command::new("psql")
        .args([
            url,
            "-X",
            "-q",
            "-c",
            "DROP SCHEMA IF EXISTS flowdeck CASCADE",
        ])
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "cannot empty the bench database (is psql installed?)"
    );
}

fn store_postgres_100k(c: &mut Criterion) {
    let Some(server) = Server::find() else {
        eprintln!(
            "store_postgres_100k skipped: no PostgreSQL (install postgresql or set FLOWDECK_BENCH_POSTGRES_URL)"
        );
        return;
    };
    let events = deployments(100_000, 100);
    let changes: usize = events.deployments.iter().map(|d| d.changes.len()).sum();
    let store = server.fresh();
    let started = Instant::now();
    commit(&store, &events);
    eprintln!(
        "one-shot: commit of {} deployments / {changes} changes into a new PostgreSQL database: {:?}",
        events.deployments.len(),
        started.elapsed()
    );
    let started = Instant::now();
    let loaded = store.load().unwrap();
    eprintln!(
        "one-shot: load of {} deployments from PostgreSQL: {:?}",
        loaded.deployments.len(),
        started.elapsed()
    );
    drop(loaded);

    let mut group = c.benchmark_group("store_postgres_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("commit_new_database", |b| {
        b.iter_batched(
            || server.fresh(),
            |fresh| {
                commit(&fresh, &events);
                fresh
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("commit_unchanged", |b| b.iter(|| commit(&store, &events)));
    group.bench_function("load", |b| b.iter(|| store.load().unwrap()));
    group.finish();
    server.done(store);

    // From a collector's commit of one new deployment to a reader's feed hearing of it (the
    // store's part of "write to screen").
    // (The feed listens on a connection of its own, as a reader's would.)
    let writer = server.fresh();
    let mut feed = writer.subscribe().unwrap().unwrap();
    let one = deployments(1, 1);
    let mut n = 0u64;
    let mut group = c.benchmark_group("store_postgres_notify");
    group.bench_function("commit_one_until_heard", |b| {
        b.iter(|| {
            n += 1;
            let mut events = one.clone();
            events.deployments[0].id = format!("bench:notify:{n}");
            commit(&writer, &events);
            feed.wait(Duration::from_secs(60)).unwrap().unwrap()
        })
    });
    group.finish();
    drop(feed);
    server.done(writer);
}

criterion_group!(benches, store_100k, store_postgres_100k, store_1m);
criterion_main!(benches);
