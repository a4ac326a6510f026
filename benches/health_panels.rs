//! Health panels: drawing a service page of 4 panels at 200×60 (each a 30-day series at the
//! step a 200-column chart asks for, deployments and incidents marked), the dashboard's real
//! service page (`H` on the demo with its panels: the view model built and drawn, as a frame
//! is), and the verdicts of 100 deployments on one 37-day series at a 5-minute step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::health::{Baseline, Better, Sample, Unit};
use flowdeck::ui::health_chart::{HealthChart, MarkerKind, draw};
use flowdeck::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

#[path = "../tests/support/demo_panels.rs"]
mod demo_panels;
#[path = "../tests/support/headless.rs"]
mod headless;

const DAY: i64 = 86_400_000;

/// The demo dashboard at 200×60 with its panels read, on `web`'s page of panels.
fn service_page() -> flowdeck::app::App {
    use flowdeck::app::{Action, Command, update};
    let mut app = headless::demo_app_with_panels(200, 60, false);
    headless::press(&mut app, &[Command::Service]);
    for c in "web".chars() {
        update(&mut app, Action::Input(c));
    }
    update(&mut app, Action::SubmitInput);
    headless::press(&mut app, &[Command::Health]);
    app
}

fn series(days: i64, step: i64) -> Vec<Sample> {
    (0..days * DAY / step)
        .map(|i| Sample {
            at_ms: i * step,
            value: 0.01 + ((i * 7919) % 101) as f64 / 10_000.0,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let theme = Theme::builtin("default").unwrap();
    let points = series(30, 30 * DAY / 200);
    let markers: Vec<(i64, MarkerKind)> = (0..60)
        .map(|i| {
            let kind = match i % 10 {
                0 => MarkerKind::Failed,
                5 => MarkerKind::Rework,
                _ => MarkerKind::Ok,
            };
            (i * DAY / 2, kind)
        })
        .collect();
    let charts: Vec<HealthChart<'_>> = ["error rate", "latency p99", "saturation", "requests"]
        .iter()
        .map(|name| HealthChart {
            title: format!("{name} · api"),
            unit: Unit::Ratio,
            better: Better::Lower,
            points: &points,
            from_ms: 0,
            to_ms: 30 * DAY,
            markers: markers.clone(),
            incidents: vec![
                (3 * DAY, 3 * DAY + DAY / 8),
                (20 * DAY, 20 * DAY + DAY / 24),
            ],
            error: None,
        })
        .collect();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    c.bench_function("service_page_4_panels_200x60", |b| {
        b.iter(|| {
            for (i, chart) in charts.iter().enumerate() {
                let part = Rect::new(0, 15 * i as u16, 200, 15);
                draw(chart, &theme, part, &mut buf);
            }
        })
    });

    let app = service_page();
    let page_theme = Theme::builtin("default").unwrap();
    c.bench_function(
        "dashboard_service_page_4_panels_200x60_view_and_draw",
        |b| {
            b.iter(|| {
                let vm = flowdeck::app::view::build(&app);
                flowdeck::ui::render_to_buffer(&vm, &page_theme, 200, 60)
            })
        },
    );

    let long = series(37, 300_000);
    c.bench_function("verdicts_100_deployments_37d_5m", |b| {
        b.iter(|| {
            let mut baseline = Baseline::new(&long, 30 * 60_000).unwrap();
            for d in 0..100 {
                let at = 8 * DAY + d * 7 * DAY / 24;
                baseline.verdict(at, at + 300_000, Better::Lower);
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
