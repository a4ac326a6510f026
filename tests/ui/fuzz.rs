//! 100,000 random actions and resizes, headless, on the demo data: no sequence of keys, clicks,
//! typed text, ticks, reloads and terminal sizes (down to 0×0) may panic, in normal and wall
//! mode. Deterministic (a fixed seed), so a failure reproduces.

use crate::support::headless;

use flowdeck::app::{Action, App, Command, Loaded, update, view};
use headless::{demo_app, now, theme};

/// SplitMix64: a fixed, portable sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_action(rng: &mut Rng, reload: &Loaded) -> Action {
    match rng.below(100) {
        0..55 => Action::Command(Command::ALL[rng.below(Command::ALL.len() as u64) as usize]),
        55..65 => {
            let pool = [
                'a', 'v', '4', '.', '9', ' ', '\u{1b}', '\u{7}', 'é', '界', '\u{202e}', '\n',
            ];
            Action::Input(pool[rng.below(pool.len() as u64) as usize])
        }
        65..68 => Action::DeleteInput,
        68..71 => Action::SubmitInput,
        71..74 => Action::CancelInput,
        74..78 => Action::ClickPanel(rng.below(12) as usize),
        78..81 => Action::ScrollDown,
        81..84 => Action::ScrollUp,
        84..94 => {
            // Mostly ordinary sizes, sometimes degenerate or huge ones.
            let (w, h) = match rng.below(100) {
                0..10 => (rng.below(4) as u16, rng.below(4) as u16),
                10 => (400 + rng.below(200) as u16, 150 + rng.below(100) as u16),
                _ => (rng.below(220) as u16, rng.below(70) as u16),
            };
            Action::Resize {
                width: w,
                height: h,
            }
        }
        94..96 => Action::Tick(now() + chrono::Duration::seconds(rng.below(7 * 86_400) as i64)),
        96 => Action::RotateWall,
        97 => Action::Loading,
        98 => Action::Loaded(Box::new(reload.clone())),
        _ => Action::Notify("exported /tmp/\u{1b}[31mreport.html".into()),
    }
}

fn drive(app: &mut App, rng: &mut Rng, steps: usize) {
    let theme = theme("default");
    // A reload of the same data (the history is shared, not derived again).
    let reload = Loaded {
        history: app.data.history.clone(),
        sources: app.data.sources.clone(),
        read_at: now(),
    };
    for step in 0..steps {
        let action = random_action(rng, &reload);
        let resized = matches!(action, Action::Resize { .. });
        update(app, action);
        // Drawing every frame of 100k would take minutes; every 10th frame and every resize
        // still draws each screen at many sizes.
        if resized || step % 10 == 0 {
            let vm = view::build(app);
            let buffer = flowdeck::ui::render_to_buffer(&vm, &theme, app.width, app.height);
            assert_eq!(buffer.area.width, app.width);
        }
        // The runtime drains effects after each update; so does the test.
        app.effects.clear();
        // Quitting ends a real session; the fuzz keeps going from a fresh start.
        if app.quit {
            app.quit = false;
        }
    }
}

#[test]
fn a_hundred_thousand_random_actions_never_panic() {
    let mut rng = Rng(0x05ee_df10_dec4);
    let mut app = demo_app(120, 40, false);
    drive(&mut app, &mut rng, 90_000);
    let mut wall = demo_app(200, 60, true);
    drive(&mut wall, &mut rng, 10_000);
}
