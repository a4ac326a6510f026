//! Drawing cost: the overview at 200×60 (target under 2 ms a frame) and at 250×80, on the demo
//! data, headless. `view_model` derives what the screen shows; `draw` renders it into a buffer
//! the size of the screen, as a frame does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/demo_panels.rs"]
mod demo_panels;
#[path = "../tests/support/headless.rs"]
mod headless;

use criterion::{Criterion, criterion_group, criterion_main};
use flowdeck::app::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn bench(c: &mut Criterion) {
    let theme = headless::theme("default");
    for (width, height) in [(200u16, 60u16), (250, 80)] {
        let app = headless::demo_app(width, height, false);
        let vm = view::build(&app);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut group = c.benchmark_group(format!("overview_{width}x{height}"));
        group.bench_function("view_model", |b| b.iter(|| view::build(&app)));
        group.bench_function("draw", |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| flowdeck::ui::draw(&vm, &theme, frame))
                    .unwrap();
            })
        });
        group.bench_function("frame", |b| {
            b.iter(|| {
                let vm = view::build(&app);
                terminal
                    .draw(|frame| flowdeck::ui::draw(&vm, &theme, frame))
                    .unwrap();
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
