//! A dashboard and a report on a warm SQLite store of 100k deployments (issue 16): a store
//! holding one synced source of 100k deployments, 500k changes, 2k incidents and 200k runs over
//! 100 services (`benches/support/synthetic.rs`, a tenth of the company shape), already written.
//!
//! - `first_frame_with_numbers`: what the dashboard does between start and the first frame with
//!   numbers on a store it does not poll: open the store, read the derived history from the
//!   cache beside it (docs/ARCHITECTURE.md#the-derived-history-cache), build the app and draw
//!   the overview at 200×60; `_cold`: the cache just invalidated, so the store is loaded and
//!   derived (and the cache written again). In process (no terminal): the process start and
//!   the config are the same few milliseconds in every run.
//! - `report_offline_json`: the release binary run as a user runs it,
//!   `flowdeck report --offline --format json` on a config naming that store (one GitHub source
//!   that is never asked anything), the report written to /dev/null; `_cold` as above.
//!
//! The store is written once and kept under `$CARGO_TARGET_DIR/flowdeck-bench/warm-100k-vN/`
//! (N: `LAYOUT_VERSION`), so reruns (and a person timing the binary by hand) start at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::app::{Action, App, AppOptions, Data, Keymap, update, view};
use flowdeck::commands::derived;
use flowdeck::config::Config;
use flowdeck::model::EventSet;
use flowdeck::store::{SqliteStore, Store, StoredStatus};
use flowdeck::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[allow(dead_code)]
#[path = "support/synthetic.rs"]
mod synthetic;

/// Bump when the generated store changes, so a stale cached one is not reused.
const LAYOUT_VERSION: u32 = 2;

/// The fixed clock of the report and of the generated data.
const NOW: &str = "2026-06-01T00:00:00Z";
/// The source the store holds; the config names it so the store is read.
const SOURCE: &str = "github:acme/bench";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

fn status() -> StoredStatus {
    StoredStatus {
        name: SOURCE.into(),
        kind: "github".into(),
        status: "ok".into(),
        last_success_at: Some(now()),
        error: None,
        covers_from: None,
        next_retry_at: None,
    }
}

/// Where the store and its config are kept between runs.
fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    target
        .join("flowdeck-bench")
        .join(format!("warm-100k-v{LAYOUT_VERSION}"))
}

/// Writes the store and a config reading it, unless a finished one is there; returns the
/// config's path.
fn warm_store(dir: &Path) -> PathBuf {
    let config = dir.join("config.toml");
    if config.exists() {
        return config;
    }
    // A half-written store from an interrupted run is started over.
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let shape = synthetic::Shape {
        services: 100,
        teams: 10,
        deployments: 100_000,
        changes: 500_000,
        incidents: 2_000,
        runs: 200_000,
        prs: 20_000,
        days: 180,
    };
    let events = synthetic::generate(&shape, now());
    let store_path = dir.join("history.sqlite");
    let store = SqliteStore::open(&store_path).unwrap();
    store.commit_sync(SOURCE, &events, &[], &status()).unwrap();
    drop(store);
    std::fs::write(
        dir.join("config.toml.part"),
        format!(
            "[general]\nstore = {:?}\nwindow = \"90d\"\n\n[[sources]]\nkind = \"github\"\nname = {SOURCE:?}\nservice = \"bench\"\nrepo = \"acme/bench\"\nbase_url = \"http://127.0.0.1:9\"\n",
            store_path.display().to_string()
        ),
    )
    .unwrap();
    std::fs::rename(dir.join("config.toml.part"), &config).unwrap();
    config
}

/// Open, read the history (from the derived-history cache beside the store when it matches,
/// else load and derive), draw: the dashboard's path to its first frame with numbers. The app
/// is returned so that freeing it stays out of the figure (the dashboard keeps it).
fn first_frame(store_path: &Path, theme: &Arc<Theme>) -> (App, String) {
    let store = SqliteStore::open(store_path).unwrap();
    let (history, _) = derived::history(
        &store,
        &Config::default(),
        Path::new("."),
        EventSet::default(),
        derived::Write::Always,
    )
    .unwrap();
    let data = Data {
        history: Arc::new(history),
        sources: Vec::new(),
        loaded_at: now(),
        loaded: true,
    };
    let mut app = App::new(
        data,
        now(),
        AppOptions {
            window_days: 90,
            keymap: Keymap::default(),
            mouse: false,
            wall_rotate: None,
            ..AppOptions::default()
        },
    );
    update(
        &mut app,
        Action::Resize {
            width: 200,
            height: 60,
        },
    );
    let vm = view::build(&app);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    terminal
        .draw(|frame| flowdeck::ui::draw(&vm, theme, frame))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let screen = buffer.content.iter().map(|cell| cell.symbol()).collect();
    (app, screen)
}

/// The derived-history cache beside the store.
fn derived_cache(store_path: &Path) -> PathBuf {
    SqliteStore::open(store_path)
        .unwrap()
        .derived_cache_path()
        .unwrap()
}

fn report(config: &Path, home: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(["--config"])
        .arg(config)
        .args(["report", "--offline", "--format", "json", "--now", NOW])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "report --offline failed: {status}");
}

fn bench(c: &mut Criterion) {
    let dir = bench_dir();
    let config = warm_store(&dir);
    let store_path = dir.join("history.sqlite");
    let home = tempfile::tempdir().unwrap();
    let theme = Arc::new(Theme::builtin("default").unwrap());
    // The first frame shows numbers: a deployment count of the window, not a placeholder.
    let (_, screen) = first_frame(&store_path, &theme);
    assert!(
        screen.chars().any(|c| c.is_ascii_digit()),
        "no numbers on the first frame"
    );
    report(&config, home.path());

    let mut group = c.benchmark_group("warm_sqlite_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    // Warm: the cache matches the store (written by the run before).
    group.bench_function("first_frame_with_numbers", |b| {
        b.iter_with_large_drop(|| first_frame(&store_path, &theme))
    });
    group.bench_function("report_offline_json", |b| {
        b.iter(|| report(&config, home.path()))
    });
    // Cold: the cache was just invalidated (a commit moved the store on, here the file is
    // removed), so the store is loaded and derived, and the cache written again.
    let cache = derived_cache(&store_path);
    group.bench_function("first_frame_with_numbers_cold", |b| {
        b.iter_with_large_drop(|| {
            let _ = std::fs::remove_file(&cache);
            first_frame(&store_path, &theme)
        })
    });
    group.bench_function("report_offline_json_cold", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&cache);
            report(&config, home.path())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
