//! The SQLite history at scale: committing and loading 100k deployments carrying ~500k changes
//! (one sync into a new file; the same sync again, all unchanged; a full load), and opening the
//! file (which runs `PRAGMA quick_check`).
//!
//! `FLOWDECK_STORE_BENCH_1M=1` also builds (once, cached under `$CARGO_TARGET_DIR/flowdeck-bench/`)
//! a store of 1M deployments and 5M changes (~1.5 GB) and benches opening and loading it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use flowdeck::model::EventSet;
use flowdeck::store::{SqliteStore, Store, StoredStatus};

#[allow(dead_code)]
#[path = "support/synthetic.rs"]
mod synthetic;

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

fn commit(store: &SqliteStore, events: &EventSet) {
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

criterion_group!(benches, store_100k, store_1m);
criterion_main!(benches);
