//! Everything that can happen to the app. Keys, mouse, signals, the clock, loaded data, sync
//! results and store changes all become an `Action`; `update` is the only place state changes.
//! The TOML keymap names actions by their snake_case names.

pub use flowdeck_config::keymap::Command;
use flowdeck_core::model::Timestamp;

use super::data::Loaded;
use super::line::Edit;

/// Everything that changes state: user commands, and what the runtime observes.
#[derive(Debug, Clone)]
pub enum Action {
    Command(Command),
    /// A character typed while a prompt (search, custom window, a picker) is open.
    Input(char),
    /// Backspace in a prompt.
    DeleteInput,
    /// An editing key in a prompt: the cursor, Ctrl-U, Ctrl-W, history, ...
    Edit(Edit),
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
    /// How long the wall page has been on screen (its progress line).
    WallElapsed(std::time::Duration),
    /// A data load started (shown until it finishes).
    Loading,
    /// A data load finished: it replaces the data on screen (`Data::after_reload`).
    Loaded(Box<Loaded>),
    /// A data load failed as a whole.
    LoadFailed(String),
    /// A polled source finished a sync (its events are in the store): `changed` when it stored
    /// something new.
    Synced {
        source: String,
        ok: bool,
        changed: bool,
    },
    /// How far the syncs under way are (`flowdeck_sources::progress`), and how many parts
    /// of syncs were committed so far: a new part is new data, read at once, so the numbers
    /// fill in while a backfill runs.
    SyncProgress {
        syncs: Vec<flowdeck_core::progress::SyncProgress>,
        parts: u64,
    },
    /// The store another process writes changed (or may have: the feed is back after a break,
    /// or a fallback read is due).
    StoreChanged,
    /// A signal (SIGTERM, SIGHUP, SIGINT) asks the app to leave.
    Quit,
    /// A one-line message for the status bar (export written, URL opened, ...).
    Notify(String),
    /// Notifications the runtime found for this screen (docs/ARCHITECTURE.md#notifications):
    /// a line for the status bar, and whether to ring the bell and show desktop notifications.
    Alert(Alert),
    /// The health panels were read (`Effect::ReadPanels`).
    PanelsRead(Box<super::health::PanelsRead>),
}

/// What the dashboard's notifier asks of the terminal: quiet hours are already applied (a
/// silenced alert has `bell` false and no `desktop` lines, and only its note is shown).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alert {
    /// For the status bar.
    pub note: String,
    pub bell: bool,
    /// One desktop notification per line.
    pub desktop: Vec<String>,
}
