//! The same history gives the same answers from SQLite and from PostgreSQL: the same events
//! committed to both load identically (with the same counts on the way), and `flowdeck report
//! --format json --offline` gives byte-identical reports from a config with
//! `store = "<sqlite file>"` and one with `store = "postgres://…"`.
//!
//! The report's history is a GitHub source's (acme/api on a local wiremock GitHub, the fixture
//! of tests/sources/github.rs): synced into SQLite by `flowdeck report`, then into PostgreSQL
//! twice, once through the `Store` trait (a copy of what SQLite holds, with its status, as a
//! polled source leaves it) and once by `flowdeck report` itself (the poller committing from
//! its async tasks). And through the binary, a PostgreSQL store that cannot be opened (wrong
//! password, missing database) is one line naming it, never the password, with exit 1; a
//! malformed URL exit 2.

#[allow(unused_imports)]
use crate::support::leaked::{Leaked, leaked};
use crate::support::{github_fixture, postgres_server, store_sample};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flowdeck::model::EventSet;
use flowdeck::store::postgres::ConnectOptions;
use flowdeck::store::{PostgresStore, SqliteStore, Store, StoredStatus};
use postgres_server::Postgres;
use store_sample::*;
use wiremock::MockServer;

const NOW: &str = "2026-03-31T00:00:00Z";

macro_rules! server {
    () => {
        if postgres_server::available() {
            Postgres::start()
        } else {
            return;
        }
    };
}

fn pg_store(pg: &Postgres, database: &str) -> PostgresStore {
    PostgresStore::connect(&pg.url(database), &ConnectOptions::default()).unwrap()
}

/// One sync: its source, its events, its watermarks.
type Sync = (String, EventSet, Vec<(String, String)>);

/// The syncs of two sources with everything a sync can do: inserts, repeats, changes, a page
/// repeating an event, a source without teams after one with them, watermarks.
fn syncs() -> Vec<Sync> {
    let mut second = sample();
    second.incidents[0].resolved_at = Some(ts("2026-05-01T14:10:00Z"));
    second.deployments[0]
        .changes
        .push(change("c9", "2026-04-30T11:00:00Z", "Late find"));
    let repeated = second.deployments[1].clone();
    let mut repeated_newer = repeated.clone();
    repeated_newer.url = Some("https://ci.example/again".into());
    second.deployments.push(repeated);
    second.deployments.push(repeated_newer);
    let mut bare = sample();
    for service in &mut bare.services {
        service.team = None;
    }
    let mut many = EventSet::default();
    for i in 0..3_000 {
        many.deployments.push(deployment(
            &format!("git:web:v{i}"),
            "web",
            &format!("{i:040x}"),
            if i % 3 == 0 {
                "2026-05-03T12:00:00Z"
            } else {
                "2026-04-03T12:00:00.123456789Z"
            },
            vec![change(
                &format!("{i:040}"),
                "2026-04-01T10:00:00Z",
                "A change «ünï»",
            )],
        ));
    }
    let marks = |v: &str| vec![("since".to_string(), v.to_string())];
    vec![
        ("github:acme/api".into(), sample(), marks("1")),
        ("git:web".into(), many, marks("2")),
        ("github:acme/api".into(), sample(), marks("3")),
        ("github:acme/api".into(), second, marks("4")),
        ("git:web".into(), bare, marks("5")),
    ]
}

#[test]
fn the_same_syncs_give_the_same_counts_and_the_same_history() {
    let pg = server!();
    let db = pg.create_database("parity");
    let postgres = pg_store(&pg, &db);
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("history.sqlite")).unwrap();
    for (source, events, marks) in syncs() {
        let state = status(&source, "ok");
        let a = sqlite
            .commit_sync(&source, &events, &marks, &state)
            .unwrap();
        let b = postgres
            .commit_sync(&source, &events, &marks, &state)
            .unwrap();
        assert_eq!(a, b, "counts of a sync of {source}");
    }
    let (a, b) = (sqlite.load().unwrap(), postgres.load().unwrap());
    assert_eq!(a.deployments.len(), 3_005);
    assert_eq!(a, b);
    // Equal as the report's input, byte for byte.
    assert_eq!(
        serde_json::to_string(&a.deployments).unwrap(),
        serde_json::to_string(&b.deployments).unwrap()
    );
    assert_eq!(sqlite.statuses().unwrap(), postgres.statuses().unwrap());
    for source in ["github:acme/api", "git:web"] {
        assert_eq!(
            sqlite.watermark(source, "since").unwrap(),
            postgres.watermark(source, "since").unwrap()
        );
    }
    let mut counts_a = sqlite.counts().unwrap();
    let mut counts_b = postgres.counts().unwrap();
    counts_a.sort_by_key(|(k, _)| k.as_str());
    counts_b.sort_by_key(|(k, _)| k.as_str());
    assert_eq!(counts_a, counts_b);
}

/// A home folder with a config per store, both naming the same GitHub source.
struct Setup {
    home: tempfile::TempDir,
    github: Leaked<MockServer>,
}

impl Setup {
    async fn start() -> Setup {
        let github = leaked(MockServer::start().await);
        github_fixture::mount(&github).await;
        Setup {
            home: tempfile::tempdir().unwrap(),
            github,
        }
    }

    /// Writes `<name>.toml` with `store` as `[general] store`.
    fn config(&self, name: &str, store: &str) -> PathBuf {
        let path = self.home.path().join(format!("{name}.toml"));
        let text = format!(
            r#"[general]
timezone = "UTC"
backfill = "30d"
store = {store:?}
log_file = "{name}.log"
# The PostgreSQL store is otherwise read-only for `report` (a collector keeps it).
poll = true

[[services]]
name = "api"
team = "core"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_cmd = "printf %s {token}"
deploy_environments = ["production", "prod"]
ci_workflows = ["ci.yml"]
incident_labels = ["incident"]
commit_time = "authored"
"#,
            github = self.github.uri(),
            token = github_fixture::TOKEN,
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `flowdeck report` for March, JSON, the clock fixed, in a clean environment.
    fn report(&self, config: &Path, extra: &[&str]) -> Vec<u8> {
        let home = self.home.path();
        let out: Output = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
            .arg("--config")
            .arg(config)
            .args(["report", "--from", "2026-03-01", "--to", "2026-03-30"])
            .args(["--format", "json", "--now", NOW])
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "report {extra:?} with {} failed: {}",
            config.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_byte_identical_from_sqlite_and_from_postgres() {
    let pg = server!();
    let setup = Setup::start().await;
    let sqlite_path = setup.home.path().join("history.sqlite");
    let sqlite_config = setup.config("sqlite", "history.sqlite");

    // SQLite, synced by `report` from the GitHub source.
    let online = setup.report(&sqlite_config, &[]);
    let from_sqlite = setup.report(&sqlite_config, &["--offline"]);
    assert_eq!(online, from_sqlite);
    let json: serde_json::Value = serde_json::from_slice(&from_sqlite).unwrap();
    assert_eq!(json["sources"][0]["name"], "github:acme/api");
    assert_eq!(json["sources"][0]["status"], "ok");
    assert!(
        json["deployments"].as_array().unwrap().len() >= 4,
        "{json:#}"
    );

    // PostgreSQL, seeded through the Store trait with what the source left in SQLite: its
    // events and its status, as one sync of that source.
    let seeded_db = pg.create_database("seeded");
    {
        let sqlite = SqliteStore::open(&sqlite_path).unwrap();
        let statuses: Vec<StoredStatus> = sqlite.statuses().unwrap();
        assert_eq!(statuses.len(), 1);
        let seeded = pg_store(&pg, &seeded_db);
        let count = seeded
            .commit_sync(
                &statuses[0].name,
                &sqlite.load().unwrap(),
                &[],
                &statuses[0],
            )
            .unwrap();
        assert!(count.inserted > 0);
        assert_eq!(count.updated + count.unchanged, 0);
    }
    let seeded_config = setup.config("seeded", &pg.url(&seeded_db));
    let from_seeded = setup.report(&seeded_config, &["--offline"]);
    assert_eq!(
        String::from_utf8_lossy(&from_seeded),
        String::from_utf8_lossy(&from_sqlite)
    );

    // PostgreSQL, synced by `report` itself from the same source: the same again.
    let synced_db = pg.create_database("synced");
    let synced_config = setup.config("synced", &pg.url(&synced_db));
    let online = setup.report(&synced_config, &[]);
    assert_eq!(
        String::from_utf8_lossy(&online),
        String::from_utf8_lossy(&from_sqlite)
    );
    let from_synced = setup.report(&synced_config, &["--offline"]);
    assert_eq!(from_synced, from_sqlite);
    // And the history it stored is the one SQLite holds.
    let sqlite = SqliteStore::open(&sqlite_path).unwrap();
    assert_eq!(
        pg_store(&pg, &synced_db).load().unwrap(),
        sqlite.load().unwrap()
    );
}

/// A teammate reading the shared store: the same config without the GitHub token (its
/// variable unset) and without `poll`, so nothing is polled.
fn reader_config(setup: &Setup, store: &str) -> PathBuf {
    let path = setup.home.path().join("reader.toml");
    let text = format!(
        r#"[general]
timezone = "UTC"
backfill = "30d"
store = {store:?}
log_file = "reader.log"

[[services]]
name = "api"
team = "core"

[[sources]]
kind = "github"
service = "api"
repo = "acme/api"
base_url = {github:?}
token_env = "FLOWDECK_TEST_TOKEN_NOBODY_SET"
deploy_environments = ["production", "prod"]
ci_workflows = ["ci.yml"]
incident_labels = ["incident"]
commit_time = "authored"
"#,
        github = setup.github.uri(),
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_of_a_shared_store_needs_no_token_and_sends_no_request() {
    let pg = server!();
    let setup = Setup::start().await;
    let db = pg.create_database("shared");
    let url = pg.url(&db);
    // The collector's side: a config with the token fills the store.
    let collector = setup.config("collector", &url);
    let online = setup.report(&collector, &[]);
    let requests_before = setup
        .github
        .received_requests()
        .await
        .unwrap_or_default()
        .len();
    assert!(requests_before > 0);

    // The reader's side: no token anywhere, and the same report.
    let reader = reader_config(&setup, &url);
    let read = setup.report(&reader, &[]);
    assert_eq!(
        String::from_utf8_lossy(&read),
        String::from_utf8_lossy(&online)
    );
    let home = setup.home.path();
    let check = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .arg("--config")
        .arg(&reader)
        .args(["check", "--now", NOW])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        said.contains("github:acme/api: read from the store"),
        "{said}"
    );
    assert!(!said.contains("token_env"), "{said}");
    // Neither the report nor check sent a request to GitHub.
    let requests_after = setup
        .github
        .received_requests()
        .await
        .unwrap_or_default()
        .len();
    assert_eq!(requests_after, requests_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_opened_is_one_line_naming_it_never_the_password() {
    let pg = server!();
    let setup = Setup::start().await;
    let db = pg.create_database("flowdeck");
    let run = |name: &str, url: &str| {
        let config = setup.config(name, url);
        let home = setup.home.path();
        let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
            .arg("--config")
            .arg(&config)
            .args(["report", "--offline", "--format", "json", "--now", NOW])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stderr.contains(postgres_server::PASSWORD), "{stderr}");
        assert!(!stderr.contains("Wr0ng"), "{stderr}");
        // One sentence (a config error adds its hint line).
        let sentences = stderr
            .trim_end()
            .lines()
            .filter(|l| !l.starts_with("  hint: "));
        assert_eq!(sentences.count(), 1, "{stderr}");
        (out.status.code(), stderr.trim_end().to_string())
    };
    let server = pg.server_name(&db);
    assert_eq!(
        run(
            "wrong",
            &pg.url(&db).replace(postgres_server::PASSWORD, "Wr0ng")
        ),
        (
            Some(1),
            format!(
                "error: the history server {server} refused the login: password authentication \
                 failed for user \"flowdeck\""
            )
        )
    );
    let missing = pg.server_name("missing");
    assert_eq!(
        run("missing", &pg.url("missing")),
        (
            Some(1),
            format!(
                "error: cannot open the history database {missing}: database \"missing\" does \
                 not exist: create it (createdb) or name another database in [general] store"
            )
        )
    );
    // A URL that is not one is a configuration error.
    let (code, stderr) = run(
        "malformed",
        &format!(
            "postgres://flowdeck:{}@127.0.0.1:{}/flowdeck?sslmode=always",
            postgres_server::PASSWORD,
            pg.port
        ),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("store = \"postgres://…\" is not a usable PostgreSQL URL"),
        "{stderr}"
    );
}
