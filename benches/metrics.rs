//! The metric engine at company scale: 1M deployments, 5M changes, 20k incidents, 2M CI runs.
//!
//! `derive_history` is the once-per-data-change step (deploy order, lead times, failures,
//! attribution, rework); `metric_set` is what every window or scope change costs (the total,
//! every service and every team, for the window and the previous window); `derive_and_measure`
//! is the two together, the figure the 300 ms target is held against.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::metrics::{History, MetricSet, Rules, Scope, Window, compute};

#[path = "support/synthetic.rs"]
mod synthetic;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Every measure the report shows: total, each service, each team; window and previous.
fn metric_set(history: &History, window: &Window) -> Vec<MetricSet> {
    let now = now();
    let previous = window.previous();
    let mut out = Vec::new();
    for w in [window, &previous] {
        out.push(compute(history, &Scope::all(history), w, now));
        for s in 0..history.services.len() as u32 {
            out.push(compute(history, &Scope::services(history, &[s]), w, now));
        }
        for (_, members) in history.teams() {
            out.push(compute(
                history,
                &Scope::services(history, &members),
                w,
                now,
            ));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let events = Arc::new(synthetic::generate(&synthetic::Shape::COMPANY, now()));
    // The window and the previous one together cover all 180 days of data.
    let window = Window::ending(now(), Duration::days(90));
    let history = History::derive(events.clone(), Rules::default());

    let mut group = c.benchmark_group("metrics_1M_deployments");
    group.sample_size(10);
    group.bench_function("derive_history", |b| {
        b.iter(|| History::derive(events.clone(), Rules::default()))
    });
    group.bench_function("metric_set", |b| b.iter(|| metric_set(&history, &window)));
    group.bench_function("derive_and_measure", |b| {
        b.iter(|| {
            let history = History::derive(events.clone(), Rules::default());
            metric_set(&history, &window)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
