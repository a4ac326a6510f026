//! `serve --metrics` at company scale: 1M deployments, 5M changes, 20k incidents, 2M CI runs
//! over 180 days (benches/support/synthetic.rs), 1,000 services in 50 teams.
//!
//! Timed: one recomputation of the exposition as `serve` does it when the data changes or the
//! window moves: `Snapshot::build` for the 30-day window, the metric families of the total,
//! every team and every service (with their lead-time and recovery histograms), and both text
//! formats rendered. A scrape only copies the result out, so it is not timed. Not timed: deriving
//! the history (once per data change; `cargo bench --bench metrics`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::metrics::{History, Rules, Window};
use flowdeck::serve::{Exposition, measure_families, source_families};
use flowdeck::snapshot::{ScopeFilter, Snapshot, SnapshotRequest};

#[path = "support/synthetic.rs"]
mod synthetic;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn exposition(history: &History) -> Exposition {
    let snapshot = Snapshot::build(
        history,
        SnapshotRequest {
            window: Window::ending(now(), Duration::days(30)),
            now: now(),
            sources: Vec::new(),
            scope: ScopeFilter::All,
            environment: None,
        },
    );
    let measures = measure_families(history, &snapshot, "30d");
    Exposition::render(&measures, &source_families(&[]))
}

fn bench(c: &mut Criterion) {
    let events = synthetic::generate(&synthetic::Shape::COMPANY, now());
    let history = History::derive(events, Rules::default());
    let once = exposition(&history);
    eprintln!(
        "30d exposition: OpenMetrics {:.2} MB, {} lines; Prometheus text {:.2} MB",
        once.openmetrics.len() as f64 / 1e6,
        once.openmetrics.iter().filter(|b| **b == b'\n').count(),
        once.prometheus.len() as f64 / 1e6
    );
    let mut group = c.benchmark_group("serve");
    group.sample_size(10);
    group.bench_function("recompute_30d", |b| b.iter(|| exposition(&history)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
