//! Everything that can happen to the app. Keys, mouse, signals, the clock and new data all
//! become an `Action`; `update` is the only place state changes. The TOML keymap names actions
//! by their snake_case names.

pub use flowdeck_config::keymap::Command;
use flowdeck_core::model::Timestamp;

/// Everything that changes state: user commands, and what the runtime observes.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Command(Command),
    /// A character typed while a prompt (search, custom window) is open.
    Input(char),
    /// Backspace in a prompt.
    DeleteInput,
    /// Enter in a prompt.
    SubmitInput,
    /// Esc in a prompt.
    CancelInput,
    /// A mouse click on an overview panel, by its index in `Panel::ALL` (mouse is opt-in; the
    /// runtime finds the panel under the pointer from the layout).
    ClickPanel(usize),
    ScrollUp,
    ScrollDown,
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (a minute boundary, or a second while an open incident ticks).
    Tick(Timestamp),
    /// Time to show the next wall page.
    RotateWall,
    /// A data load started (shown until it finishes).
    Loading,
    /// A data load finished; the history is handed over separately (it is large).
    Loaded,
    /// A data load failed as a whole.
    LoadFailed(String),
    /// A one-line message for the status bar (export written, URL opened, ...).
    Notify(String),
}
