//! Collectors that fail over (docs/ARCHITECTURE.md#collectors-that-fail-over), through the
//! binary: three `flowdeck collect` on one real PostgreSQL store, six Argo CD look-alikes (one
//! request per sync, each counted), every source polling every 2 s.
//!
//! 1. The sources spread 2/2/2 and each is polled once per cycle, not three times.
//! 2. SIGKILL a holder: another takes its sources within two intervals and goes on from the
//!    stored watermarks (a deployment made meanwhile is stored, once).
//! 3. SIGSTOP a holder past its lease: its sources are taken over; after SIGCONT it writes
//!    nothing for them unless it takes a lease again (and then under a new generation).
//! 4. pg_terminate_backend a holder's connection: it reconnects, nothing is polled twice.
//!
//! The figures (failover times, requests per source per cycle) are printed; run with
//! `--no-capture` to see them.

use crate::support::argocd_server::{self, Argocd};
use crate::support::postgres_server::{self, Postgres};

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const SOURCES: usize = 6;
const INTERVAL: Duration = Duration::from_secs(2);
/// Long enough for anything that should happen on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(90);
/// What a machine shared with builds may add to a deadline the design keeps.
const SLACK: Duration = Duration::from_secs(2);

fn source(i: usize) -> String {
    format!("argo-{i}")
}

/// A log line of a collector, with when it was read.
#[derive(Debug, Clone)]
struct Line {
    at: Instant,
    json: Value,
}

struct Collector {
    name: String,
    child: Child,
    lines: Arc<Mutex<Vec<Line>>>,
}

impl Collector {
    fn start(config: &Path, home: &Path, name: &str) -> Collector {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
            .arg("--config")
            .arg(config)
            .args(["collect", "--name", name])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("ARGOCD_TOKEN", argocd_server::TOKEN)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let json = serde_json::from_str(&line).unwrap_or(Value::String(line));
                sink.lock().unwrap().push(Line {
                    at: Instant::now(),
                    json,
                });
            }
        });
        Collector {
            name: name.into(),
            child,
            lines,
        }
    }

    fn lines(&self) -> Vec<Line> {
        self.lines.lock().unwrap().clone()
    }

    /// When this collector stored a sync of `source`, in order.
    fn synced(&self, source: &str) -> Vec<Instant> {
        self.lines()
            .iter()
            .filter(|l| l.json["message"] == "synced" && l.json["source"] == source)
            .map(|l| l.at)
            .collect()
    }

    fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {signal} {}", self.name);
    }

    fn log(&self) -> String {
        self.lines()
            .iter()
            .map(|l| l.json.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// SIGTERM, then the exit code.
    fn stop(mut self) -> Option<i32> {
        self.signal("-TERM");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{} did not stop:\n{}", self.name, self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_config(home: &Path, store: &str, argos: &[Argocd]) -> PathBuf {
    let mut text = format!(
        "[general]\ntimezone = \"UTC\"\nbackfill = \"30d\"\nrefresh = \"2s\"\nstore = {store:?}\nlog_file = {:?}\n",
        home.join("collect.log")
    );
    for (i, argo) in argos.iter().enumerate() {
        text.push_str(&format!(
            "\n[[services]]\nname = \"svc{i}\"\n\n[[sources]]\nkind = \"argocd\"\nname = {:?}\nservice = \"svc{i}\"\nbase_url = {:?}\napplication = {:?}\ntoken_env = \"ARGOCD_TOKEN\"\n",
            source(i),
            argo.uri(),
            argocd_server::APP,
        ));
    }
    let path = home.join("flowdeck.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A deployment `n` minutes ago on `argo`.
fn deploy(argo: &Argocd, n: i64, revision: u64) {
    let at = |minutes: i64| {
        (chrono::Utc::now() - chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    argo.sync(&format!("{revision:040x}"), &at(n + 1), &at(n));
}

/// Who holds each source now (unexpired leases), by collector name; none before the first
/// collector has made the schema.
fn holders(pg: &Postgres, db: &str) -> BTreeMap<String, String> {
    let out = pg.try_psql(
        db,
        "SELECT source, collector FROM flowdeck.leases \
         WHERE expires_at > (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint",
    );
    if !out.status.success() {
        return BTreeMap::new();
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('|'))
        .map(|(s, c)| (s.to_string(), c.to_string()))
        .collect()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool, logs: impl Fn() -> String) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what} never happened\n{}",
            logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn stored_deployments(pg: &Postgres, db: &str, source: &str) -> usize {
    pg.psql(
        db,
        &format!(
            "SELECT count(*) FROM flowdeck.events WHERE kind = 'deployment' AND source = '{source}'"
        ),
    )
    .parse()
    .unwrap()
}

/// Requests per source over `cycles` intervals, from a clean log.
fn count_requests(argos: &[Argocd], cycles: u32) -> Vec<usize> {
    for argo in argos {
        argo.clear_log();
    }
    std::thread::sleep(INTERVAL * cycles);
    argos.iter().map(|a| a.served().len()).collect()
}

fn all_logs(collectors: &[&Collector]) -> String {
    collectors
        .iter()
        .map(|c| format!("--- {}\n{}", c.name, c.log()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// When someone other than `old` first stored a sync of `source` after `since`.
fn first_takeover(
    collectors: &[&Collector],
    old: &str,
    source: &str,
    since: Instant,
) -> Option<Instant> {
    collectors
        .iter()
        .filter(|c| c.name != old)
        .flat_map(|c| c.synced(source))
        .filter(|at| *at > since)
        .min()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_collectors_share_the_sources_and_fail_over() {
    if !postgres_server::available() {
        return;
    }
    let pg = Postgres::start();
    let db = pg.create_database("flowdeck");
    let mut argos = Vec::new();
    for i in 0..SOURCES {
        let argo = Argocd::start().await;
        // Times apart per source: a deployment's id is its application and start time.
        let apart = i as i64 * 5;
        deploy(&argo, 120 + apart, i as u64 * 100 + 1);
        deploy(&argo, 60 + apart, i as u64 * 100 + 2);
        argos.push(argo);
    }
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &pg.url(&db), &argos);
    let figures = tokio::task::spawn_blocking(move || run(&pg, &db, home.path(), &config, &argos))
        .await
        .unwrap();
    println!("{figures}");
}

fn run(pg: &Postgres, db: &str, home: &Path, config: &Path, argos: &[Argocd]) -> String {
    let mut figures = String::new();
    let c1 = Collector::start(config, home, "c1");
    let c2 = Collector::start(config, home, "c2");
    let c3 = Collector::start(config, home, "c3");
    let everyone = [&c1, &c2, &c3];
    let logs = || all_logs(&everyone);

    // 1. Spread 2/2/2, then one request per source per cycle.
    wait_until(
        "six sources held, two by each collector",
        || {
            let held = holders(pg, db);
            let per: BTreeMap<&String, usize> = held.values().fold(BTreeMap::new(), |mut m, c| {
                *m.entry(c).or_default() += 1;
                m
            });
            held.len() == SOURCES && per.len() == 3 && per.values().all(|n| *n == 2)
        },
        logs,
    );
    for i in 0..SOURCES {
        wait_until(
            "every source stored",
            || stored_deployments(pg, db, &source(i)) == 2,
            logs,
        );
    }
    // Settled: a handover may still be finishing its wait for the schedule.
    std::thread::sleep(INTERVAL);
    let cycles = 5;
    let before: Vec<usize> = everyone.iter().map(|c| c.lines().len()).collect();
    let counts = count_requests(argos, cycles);
    for (i, n) in counts.iter().enumerate() {
        assert!(
            (cycles as usize - 2..=cycles as usize + 1).contains(n),
            "{} was asked {n} times in {cycles} cycles: {counts:?}\n{}",
            source(i),
            logs()
        );
    }
    // Each source was synced by one collector only in that time.
    for i in 0..SOURCES {
        let syncing: BTreeSet<&str> = everyone
            .iter()
            .zip(&before)
            .filter(|(c, from)| {
                c.lines()[**from..]
                    .iter()
                    .any(|l| l.json["message"] == "synced" && l.json["source"] == source(i))
            })
            .map(|(c, _)| c.name.as_str())
            .collect();
        assert_eq!(syncing.len(), 1, "{} synced by {syncing:?}", source(i));
    }
    // `check` says which collector polls each source.
    let check = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .arg("--config")
        .arg(config)
        .arg("check")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    let held = holders(pg, db);
    for i in 0..SOURCES {
        let line = said
            .lines()
            .find(|l| l.contains(&format!("{}:", source(i))))
            .unwrap_or_else(|| panic!("no line for {} in\n{said}", source(i)));
        assert!(
            line.contains(&format!("; polled by collector {}", held[&source(i)])),
            "{line}"
        );
    }
    let total: usize = counts.iter().sum();
    figures.push_str(&format!(
        "3 collectors, {SOURCES} sources, interval {}s: requests per source per cycle {:.2} (per source over {cycles} cycles: {counts:?})\n",
        INTERVAL.as_secs(),
        total as f64 / (SOURCES as f64 * f64::from(cycles)),
    ));

    // 2. SIGKILL the holder of argo-0.
    let victim_name = holders(pg, db)[&source(0)].clone();
    let victim = everyone.iter().find(|c| c.name == victim_name).unwrap();
    let lost: Vec<String> = holders(pg, db)
        .into_iter()
        .filter(|(_, c)| *c == victim_name)
        .map(|(s, _)| s)
        .collect();
    let last_poll = victim.synced(&source(0)).last().copied().unwrap();
    victim.signal("-KILL");
    let killed = Instant::now();
    // A deployment while nobody polls argo-0: the next holder must store it, once.
    deploy(&argos[0], 1, 3);
    let mut worst = Duration::ZERO;
    for s in &lost {
        wait_until(
            "a takeover after SIGKILL",
            || first_takeover(&everyone, &victim_name, s, killed).is_some(),
            logs,
        );
        let at = first_takeover(&everyone, &victim_name, s, killed).unwrap();
        worst = worst.max(at - killed);
    }
    assert!(
        worst < INTERVAL * 2 + SLACK,
        "taken over {worst:?} after SIGKILL\n{}",
        logs()
    );
    wait_until(
        "the new deployment stored",
        || stored_deployments(pg, db, &source(0)) == 3,
        logs,
    );
    let gap = first_takeover(&everyone, &victim_name, &source(0), killed).unwrap() - last_poll;
    figures.push_str(&format!(
        "SIGKILL: sources taken over {:.2}s after the kill (worst of {}); argo-0 unpolled for {:.2}s\n",
        worst.as_secs_f64(),
        lost.len(),
        gap.as_secs_f64()
    ));
    let alive: Vec<&Collector> = everyone
        .iter()
        .copied()
        .filter(|c| c.name != victim_name)
        .collect();
    wait_until(
        "every source held by the two left",
        || {
            let held = holders(pg, db);
            held.len() == SOURCES && held.values().all(|c| *c != victim_name)
        },
        logs,
    );

    // 3. SIGSTOP a holder past its lease, then SIGCONT.
    std::thread::sleep(INTERVAL);
    let paused_name = holders(pg, db)[&source(1)].clone();
    let paused = alive.iter().find(|c| c.name == paused_name).unwrap();
    let lost: Vec<String> = holders(pg, db)
        .into_iter()
        .filter(|(_, c)| *c == paused_name)
        .map(|(s, _)| s)
        .collect();
    paused.signal("-STOP");
    let stopped = Instant::now();
    let mut worst = Duration::ZERO;
    for s in &lost {
        wait_until(
            "a takeover after SIGSTOP",
            || first_takeover(&alive, &paused_name, s, stopped).is_some(),
            logs,
        );
        worst = worst.max(first_takeover(&alive, &paused_name, s, stopped).unwrap() - stopped);
    }
    assert!(
        worst < INTERVAL * 2 + SLACK,
        "taken over {worst:?} after SIGSTOP\n{}",
        logs()
    );
    figures.push_str(&format!(
        "SIGSTOP: sources taken over {:.2}s after the stop (worst of {})\n",
        worst.as_secs_f64(),
        lost.len()
    ));
    // Paused well past its lease, while the other one polls its sources.
    std::thread::sleep(INTERVAL * 2);
    let seen = paused.lines().len();
    paused.signal("-CONT");
    std::thread::sleep(INTERVAL * 3);
    // Awake: for each source it lost, it stores nothing until it takes a lease again.
    let after: Vec<Line> = paused.lines()[seen..].to_vec();
    for s in &lost {
        let mut retaken = false;
        for line in after.iter().filter(|l| l.json["source"] == s.as_str()) {
            if line.json["message"] == "took the source's lease" {
                retaken = true;
            }
            assert!(
                retaken || line.json["message"] != "synced",
                "{paused_name} stored a sync of {s} without its lease after SIGCONT\n{}",
                logs()
            );
        }
    }
    wait_until(
        "the sources spread again over the two",
        || {
            let held = holders(pg, db);
            held.len() == SOURCES && held.values().filter(|c| **c == paused_name).count() == 3
        },
        logs,
    );

    // 4. Cut the connection of a holder.
    std::thread::sleep(INTERVAL);
    let cut_name = holders(pg, db)[&source(2)].clone();
    let cut = pg.psql(
        db,
        &format!(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(backend_pid::int) FROM flowdeck.collectors WHERE name = '{cut_name}') t"
        ),
    );
    assert_eq!(cut, "1");
    let cycles = 4;
    let counts = count_requests(argos, cycles);
    for (i, n) in counts.iter().enumerate() {
        assert!(
            (1..=cycles as usize + 1).contains(n),
            "{} asked {n} times in {cycles} cycles after the cut: {counts:?}\n{}",
            source(i),
            logs()
        );
    }
    figures.push_str(&format!(
        "pg_terminate_backend: requests per source over the next {cycles} cycles {counts:?}\n"
    ));
    wait_until(
        "every source held after the cut",
        || holders(pg, db).len() == SOURCES,
        logs,
    );

    // Nothing lost, nothing twice: every deployment of every look-alike stored once.
    for i in 0..SOURCES {
        let expected = if i == 0 { 3 } else { 2 };
        assert_eq!(
            stored_deployments(pg, db, &source(i)),
            expected,
            "{}",
            source(i)
        );
    }
    // A clean stop gives the leases back at once.
    let names: Vec<String> = alive.iter().map(|c| c.name.clone()).collect();
    drop(alive);
    for c in [c1, c2, c3] {
        if names.contains(&c.name) {
            assert_eq!(c.stop(), Some(0));
        }
    }
    assert!(holders(pg, db).is_empty(), "{:?}", holders(pg, db));
    figures
}
