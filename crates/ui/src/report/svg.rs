//! The SVG report: exactly what the dashboard shows at a given size, drawn by the dashboard's
//! own code and turned into a self-contained SVG.

use std::sync::Arc;

use crate::app::state::{AppOptions, Data, WindowChoice};
use crate::app::{Action, App, Keymap, update, view};
use crate::ui::svg::{SvgOptions, buffer_to_svg};
use crate::ui::theme::Theme;
use flowdeck_core::metrics::{History, Window};
use flowdeck_core::model::Timestamp;
use flowdeck_core::status::SourceStatus;

/// What to draw and how big.
pub struct Picture {
    pub width: u16,
    pub height: u16,
    pub theme: Arc<Theme>,
    pub title: String,
}

/// The overview of `window` as the dashboard would show it, as SVG.
pub fn dashboard(
    history: Arc<History>,
    sources: Vec<SourceStatus>,
    window: Window,
    now: Timestamp,
    picture: &Picture,
) -> String {
    let data = Data {
        history,
        sources,
        loaded_at: now,
        loaded: true,
    };
    let mut app = App::new(
        data,
        now,
        AppOptions {
            window_days: 30,
            keymap: Keymap::default(),
            mouse: false,
            wall_rotate: None,
        },
    );
    // A window that ends now in whole days reads as "last N days", like the dashboard's own.
    let length = window.length();
    app.window = if window.to == now && length.num_seconds() % 86_400 == 0 {
        WindowChoice::Days(length.num_days())
    } else {
        WindowChoice::Custom(window)
    };
    update(
        &mut app,
        Action::Resize {
            width: picture.width,
            height: picture.height,
        },
    );
    app_to_svg(&app, picture)
}

/// Any app state as SVG (screenshots use this for every screen).
pub fn app_to_svg(app: &App, picture: &Picture) -> String {
    let vm = view::build(app, picture.theme.clone());
    let buffer = crate::ui::render_to_buffer(&vm, picture.width, picture.height);
    let options = SvgOptions {
        foreground: picture.theme.foreground(),
        background: picture.theme.background(),
        title: Some(picture.title.clone()),
        ..SvgOptions::default()
    };
    buffer_to_svg(&buffer, &options)
}
