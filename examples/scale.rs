//! Company-scale figures criterion does not give (issue 16), on the benchmarks' data set
//! (`benches/support/synthetic.rs`, 1M deployments, 5M changes, 20k incidents, 2M runs,
//! 1,000 services):
//!
//! - `scale rss`: derive the history and the full metric set, then print the peak resident
//!   memory of the process (`VmHWM`), as one JSON line.
//! - `scale export DIR`: write the data set as CSV files for `scripts/peer-duckdb`
//!   (`services.csv`, `deployments.csv`, `changes.csv`, `incidents.csv`), then time derive +
//!   metric set on the events in memory (load excluded; the best of three runs) and write
//!   flowdeck's numbers, per service and in total, for the window and the previous window, to
//!   `DIR/flowdeck.json`.
//!
//! - `scale apply`: fold 20 new deployments, one at a time, into the derived history and bring
//!   the metric set up to date after each, printing the two steps' times apart (the bench
//!   `metrics_1M_apply_one` times them together).
//!
//! `FLOWDECK_SCALE=N` divides every count of the shape by N (a quick run: `FLOWDECK_SCALE=10`).
//! Run it in release: `cargo run --release --example scale -- rss`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use flowdeck::metrics::{EventChange, History, MetricBoard, MetricSet, Rules, Window};
use flowdeck::model::EventSet;
use serde_json::{Value, json};

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The window of the benches: the last 90 days (the previous window covers the 90 before).
fn window() -> Window {
    Window::ending(now(), chrono::Duration::days(90))
}

fn shape() -> synthetic::Shape {
    let company = synthetic::Shape::COMPANY;
    let n: usize = std::env::var("FLOWDECK_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    synthetic::Shape {
        services: company.services / n,
        teams: company.teams,
        deployments: company.deployments / n,
        changes: company.changes / n,
        incidents: company.incidents / n,
        runs: company.runs / n,
        prs: company.prs / n,
        days: company.days,
    }
}

/// The process's peak resident set so far, in MB (`VmHWM` in /proc/self/status).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn rss() {
    let shape = shape();
    let started = Instant::now();
    let events = Arc::new(synthetic::generate(&shape, now()));
    let generated = started.elapsed();
    let events_only = peak_rss_mb();
    let started = Instant::now();
    let history = History::derive(events, Rules::default());
    let derived = started.elapsed();
    let started = Instant::now();
    let board = MetricBoard::new(&history, window(), now());
    let measured = started.elapsed();
    println!(
        "{}",
        json!({
            "deployments": shape.deployments,
            "changes": shape.changes,
            "incidents": shape.incidents,
            "runs": shape.runs,
            "generate_seconds": generated.as_secs_f64(),
            "derive_seconds": derived.as_secs_f64(),
            "metric_set_seconds": measured.as_secs_f64(),
            "peak_rss_mb_events_only": events_only,
            "peak_rss_mb_derived": peak_rss_mb(),
            "scopes": board.services.len() + board.teams.len() + 1,
        })
    );
}

fn apply() {
    let events = Arc::new(synthetic::generate(&shape(), now()));
    let mut history = History::derive(events, Rules::default());
    let mut board = MetricBoard::new(&history, window(), now());
    let template = history.events.deployments[history.events.deployments.len() / 2].clone();
    for n in 0..20u64 {
        let deployment =
            synthetic::new_deployment(&template, n, now() - chrono::Duration::minutes(n as i64));
        let started = Instant::now();
        let applied = history.apply([EventChange::Deployment(deployment)]);
        let applied_in = started.elapsed();
        let started = Instant::now();
        board.refresh(&history, &applied);
        println!(
            "apply {:.1} ms, refresh {:.1} ms",
            applied_in.as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}

fn export(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let events = Arc::new(synthetic::generate(&shape(), now()));
    eprintln!("generated in {:?}", started.elapsed());
    let started = Instant::now();
    write_csv(dir, &events)?;
    eprintln!("CSV written in {:?}", started.elapsed());

    let mut best = Duration::MAX;
    let mut board = None;
    for _ in 0..3 {
        let started = Instant::now();
        let history = History::derive(events.clone(), Rules::default());
        let measured = MetricBoard::new(&history, window(), now());
        best = best.min(started.elapsed());
        board = Some((history, measured));
    }
    let (history, board) = board.expect("three runs");
    let services: Vec<Value> = board
        .services
        .iter()
        .enumerate()
        .map(|(s, pair)| {
            json!({
                "service": history.services[s].name,
                "window": five(&pair[0]),
                "previous": five(&pair[1]),
            })
        })
        .collect();
    let out = json!({
        "derive_and_metric_set_seconds": best.as_secs_f64(),
        "window": {"from": board.window.from.timestamp(), "to": board.window.to.timestamp()},
        "previous": {
            "from": board.window.previous().from.timestamp(),
            "to": board.window.previous().to.timestamp(),
        },
        "total": {"window": five(&board.total[0]), "previous": five(&board.total[1])},
        "services": services,
    });
    std::fs::write(dir.join("flowdeck.json"), serde_json::to_vec(&out)?)?;
    eprintln!("derive + metric set: {best:?} (best of 3)");
    Ok(())
}

/// The five measures (and time to restore) the peer compares, under its column names.
fn five(set: &MetricSet) -> Value {
    json!({
        "deployments": set.deployment_frequency.deployments,
        "changes": set.lead_time_for_changes.changes,
        "lead_median": set.lead_time_for_changes.median_seconds,
        "lead_p90": set.lead_time_for_changes.p90_seconds,
        "failed": set.change_failure_rate.failed,
        "recovered": set.failed_deployment_recovery_time.recovered,
        "recovery_median": set.failed_deployment_recovery_time.median_seconds,
        "recovery_p90": set.failed_deployment_recovery_time.p90_seconds,
        "rework": set.deployment_rework_rate.rework,
        "incidents": set.time_to_restore.incidents,
        "restore_median": set.time_to_restore.median_seconds,
        "restore_p90": set.time_to_restore.p90_seconds,
    })
}

/// A CSV field: quoted, quotes doubled.
fn field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn write_csv(dir: &Path, events: &EventSet) -> std::io::Result<()> {
    let file = |name: &str| -> std::io::Result<BufWriter<std::fs::File>> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(dir.join(name))?,
        ))
    };
    let mut out = file("services.csv")?;
    writeln!(out, "name,team")?;
    for s in &events.services {
        writeln!(
            out,
            "{},{}",
            field(&s.name),
            field(s.team.as_deref().unwrap_or(""))
        )?;
    }
    out.flush()?;

    let mut deployments = file("deployments.csv")?;
    let mut changes = file("changes.csv")?;
    writeln!(deployments, "id,service,finished_at,sha,name,ref_name")?;
    writeln!(
        changes,
        "deployment_id,sha,authored_at,committed_at,merge,title,reverts"
    )?;
    // Every generated deployment is a successful production one: all are counted.
    for d in &events.deployments {
        writeln!(
            deployments,
            "{},{},{},{},{},{}",
            field(&d.id),
            field(&d.service),
            d.finished_at.timestamp(),
            d.sha,
            field(d.name.as_deref().unwrap_or("")),
            field(d.ref_name.as_deref().unwrap_or("")),
        )?;
        for c in &d.changes {
            writeln!(
                changes,
                "{},{},{},{},{},{},{}",
                field(&d.id),
                c.sha,
                c.authored_at.timestamp(),
                c.committed_at.timestamp(),
                c.merge,
                field(&c.title),
                c.reverts.as_deref().unwrap_or(""),
            )?;
        }
    }
    deployments.flush()?;
    changes.flush()?;

    let mut out = file("incidents.csv")?;
    writeln!(out, "id,service,started_at,resolved_at,title")?;
    for i in &events.incidents {
        for service in &i.services {
            writeln!(
                out,
                "{},{},{},{},{}",
                field(&i.id),
                field(service),
                i.started_at.timestamp(),
                i.resolved_at
                    .map(|t| t.timestamp().to_string())
                    .unwrap_or_default(),
                field(&i.title),
            )?;
        }
    }
    out.flush()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["rss"] => rss(),
        ["apply"] => apply(),
        ["export", dir] => {
            if let Err(e) = export(Path::new(dir)) {
                eprintln!("scale export: {e}");
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: scale rss | scale apply | scale export DIR");
            std::process::exit(2);
        }
    }
}
