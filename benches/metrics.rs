//! The metric engine at company scale: 1M deployments, 5M changes, 20k incidents, 2M CI runs,
//! 1,000 services (benches/support/synthetic.rs).
//!
//! `derive_history` is the once-per-data-change step (deploy order, lead times, failures,
//! attribution, rework); `metric_set` is what every window or scope change costs (the total,
//! every service and every team, for the window and the previous window: `MetricBoard::new`);
//! `derive_and_measure` is the two together, the figure the 1.0 s target is held against.
//!
//! `apply_*`: one new deployment, incident or pipeline run folded into the derived history
//! (`History::apply`) and the metric set brought up to date (`MetricBoard::refresh`), the figure
//! the 50 ms target is held against. Each iteration adds another new event, so the history
//! grows by one event per iteration.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::metrics::{EventChange, History, MetricBoard, Rules, Window};
use flowdeck::model::{Incident, PipelineRun};

#[path = "support/synthetic.rs"]
mod synthetic;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn bench(c: &mut Criterion) {
    let events = Arc::new(synthetic::generate(&synthetic::Shape::COMPANY, now()));
    // The window and the previous one together cover all 180 days of data.
    let window = Window::ending(now(), Duration::days(90));

    let mut group = c.benchmark_group("metrics_1M_deployments");
    group.sample_size(10);
    // Freeing the history is left out of the figures (`iter_with_large_drop`): no user waits
    // for it.
    group.bench_function("derive_history", |b| {
        b.iter_with_large_drop(|| History::derive(events.clone(), Rules::default()))
    });
    let history = History::derive(events.clone(), Rules::default());
    group.bench_function("metric_set", |b| {
        b.iter(|| MetricBoard::new(&history, window, now()))
    });
    group.bench_function("derive_and_measure", |b| {
        b.iter_with_large_drop(|| {
            let history = History::derive(events.clone(), Rules::default());
            let board = MetricBoard::new(&history, window, now());
            (history, board)
        })
    });
    group.finish();

    // The history is the events' only owner from here on, so applying changes edits them in
    // place.
    drop(events);
    let mut history = history;
    let mut board = MetricBoard::new(&history, window, now());
    let template = history.events.deployments[history.events.deployments.len() / 2].clone();
    let incident = history.events.incidents[0].clone();
    let run = history.events.pipeline_runs[0].clone();
    let mut n = 0u64;
    let mut group = c.benchmark_group("metrics_1M_apply_one");
    group.sample_size(20);
    group.bench_function("new_deployment", |b| {
        b.iter(|| {
            n += 1;
            let d = synthetic::new_deployment(&template, n, now() - Duration::minutes(n as i64));
            let applied = history.apply([EventChange::Deployment(d)]);
            board.refresh(&history, &applied);
        })
    });
    group.bench_function("new_incident", |b| {
        b.iter(|| {
            n += 1;
            let applied = history.apply([EventChange::Incident(Incident {
                id: format!("bench:new:{n}"),
                started_at: now() - Duration::minutes(n as i64),
                ..incident.clone()
            })]);
            board.refresh(&history, &applied);
        })
    });
    group.bench_function("new_run", |b| {
        b.iter(|| {
            n += 1;
            let applied = history.apply([EventChange::PipelineRun(PipelineRun {
                id: format!("bench:new:{n}"),
                created_at: now() - Duration::minutes(n as i64),
                ..run.clone()
            })]);
            board.refresh(&history, &applied);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
