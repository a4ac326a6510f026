//! The effects of a notification on the terminal: the bell, and a desktop notification
//! written through the terminal (OSC 777 / OSC 9) or, on a local desktop whose terminal shows
//! neither, by `notify-send` on a thread of its own. Which one is decided once, at start
//! (`notify::terminal`).

use std::time::Duration;

use super::terminal::Guard;
use crate::notify::command;
use crate::notify::terminal::{self, BEL, Desktop, Surroundings};

pub struct Alerts {
    route: Desktop,
    in_tmux: bool,
}

impl Alerts {
    pub fn new() -> Alerts {
        let around = Surroundings::current();
        Alerts {
            route: around.desktop(),
            in_tmux: around.in_tmux(),
        }
    }

    pub fn bell(&self, guard: &mut Guard) {
        if let Err(error) = guard.write_raw(BEL) {
            tracing::warn!(error = %error, "could not ring the bell");
        }
    }

    /// `text` is sanitized by `update`; `terminal::osc` makes it inert once more.
    pub fn desktop(&self, guard: &mut Guard, text: &str) {
        if self.route == Desktop::NotifySend {
            let argv: Vec<String> = ["notify-send", "--app-name=flowdeck", "flowdeck"]
                .iter()
                .map(|a| a.to_string())
                .chain([terminal::inert(text)])
                .collect();
            std::thread::spawn(move || {
                if let Err(error) = command::run(&argv, "", Duration::from_secs(10)) {
                    tracing::warn!(error = error.as_str(), "desktop notification failed");
                }
            });
            return;
        }
        if let Err(error) = guard.write_raw(&terminal::osc(self.route, text, self.in_tmux)) {
            tracing::warn!(error = %error, "could not write the desktop notification");
        }
    }
}
