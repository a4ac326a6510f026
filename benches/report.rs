//! Reports at company scale: 1M deployments, 5M changes, 20k incidents, 2M CI runs over 180
//! days (benches/support/synthetic.rs). The target: a report written in under 2 s.
//!
//! Timed: `Snapshot::build` (every measure of the total, each of 1,000 services and 50 teams,
//! for the window and the previous one; the window's deployments ordered and its incidents
//! found); rendering the snapshot as JSON, Markdown and HTML into memory (`render_*`, where the
//! JSON reads every deployment's row from the history); and `written_*`, the snapshot built and
//! the report written to a file as `flowdeck report -o` writes it (streamed, renamed into
//! place): the figure the target is held against. Each `written_json` iteration writes hundreds
//! of megabytes, so on a busy disk the figure includes some write-back. Not timed: deriving the
//! history (deploy order, lead times, failures, attribution), the once-per-ingest step
//! `cargo bench --bench metrics` times; it is printed once here for reference.
//!
//! Windows: the default 30 days, and 90 days (which with its previous window covers all the
//! data: about 500k deployments listed in the JSON).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::config::ReportFormat;
use flowdeck::metrics::{History, Rules, Window};
use flowdeck::report::write::{Existing, Output};
use flowdeck::report::{self, RenderOptions};
use flowdeck::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};
use flowdeck::status::{SourceState, SourceStatus};

#[path = "support/synthetic.rs"]
mod synthetic;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn build(history: &History, window: Window) -> Snapshot<'_> {
    Snapshot::build(
        history,
        SnapshotRequest {
            window,
            now: now(),
            sources: vec![SourceStatus {
                name: "synthetic".into(),
                kind: "git".into(),
                status: SourceState::Ok,
                last_success_at: Some(now()),
                error: None,
                covers_from: None,
                collector: None,
            }],
            scope: ScopeFilter::All,
            environment: None,
        },
    )
}

const OPTIONS: RenderOptions = RenderOptions { max_items: 200 };

fn bench(c: &mut Criterion) {
    let events = synthetic::generate(&synthetic::Shape::COMPANY, now());
    let started = Instant::now();
    let history = History::derive(events, Rules::default());
    eprintln!(
        "derive_history (once per ingest, not timed below): {:.2?}",
        started.elapsed()
    );

    let dir = tempfile::tempdir().unwrap();
    for days in [30, 90] {
        let window = Window::ending(now(), Duration::days(days));
        let snapshot = build(&history, window);
        for format in [ReportFormat::Json, ReportFormat::Md, ReportFormat::Html] {
            let bytes = report::render(&snapshot, format, OPTIONS).unwrap().len();
            eprintln!(
                "{days}d window, {} deployments listed: {} report of {:.1} MB",
                snapshot.deployments.len(),
                report::extension(format),
                bytes as f64 / 1e6
            );
        }
        let mut group = c.benchmark_group(format!("report_1M_deployments_{days}d"));
        group.sample_size(10);
        group.bench_function("snapshot", |b| b.iter(|| build(&history, window)));
        for format in [ReportFormat::Json, ReportFormat::Md, ReportFormat::Html] {
            let name = report::extension(format);
            group.bench_function(format!("render_{name}"), |b| {
                b.iter(|| report::render(&snapshot, format, OPTIONS).unwrap())
            });
            let path = dir.path().join(format!("report.{name}"));
            group.bench_function(format!("written_{name}"), |b| {
                b.iter(|| {
                    let snapshot = build(&history, window);
                    Output::prepare(&path, &[], Existing::Replace)
                        .unwrap()
                        .write(|out| {
                            report::write(&snapshot, format, OPTIONS, out)
                                .map_err(std::io::Error::other)
                        })
                        .unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
