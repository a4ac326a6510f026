//! The dashboard as a still picture: the view model a terminal of a given size would show for a
//! window, built without a terminal. The SVG report asks for it, so the report never drives the
//! app itself.

use std::sync::Arc;

use super::action::Action;
use super::data::Data;
use super::state::{App, AppOptions, WindowChoice};
use super::update::update;
use super::view::{self, ViewModel};
use flowdeck_core::metrics::{History, Window};
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::SourceStatus;

/// The overview of `window` at `width`×`height` cells, as the dashboard would show it at `now`.
pub(crate) fn overview(
    history: Arc<History>,
    sources: Vec<SourceStatus>,
    window: Window,
    now: Timestamp,
    (width, height): (u16, u16),
) -> ViewModel {
    let data = Data {
        history,
        sources,
        loaded_at: now,
        loaded: true,
    };
    let mut app = App::new(data, now, AppOptions::default());
    // A window that ends now in whole days reads as "last N days", like the dashboard's own.
    let length = window.length();
    app.window = if window.to == now && length.num_seconds() % 86_400 == 0 {
        WindowChoice::Days(length.num_days())
    } else {
        WindowChoice::Custom(window)
    };
    update(&mut app, Action::Resize { width, height });
    view::build(&app)
}
