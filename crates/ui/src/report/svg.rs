//! The SVG report: exactly what the dashboard shows at a given size — the app's view model
//! (`app::picture`) drawn by the dashboard's own code into cells, and the cells turned into a
//! self-contained SVG.

use std::sync::Arc;

use crate::app::picture;
use crate::app::view::ViewModel;
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
    let vm = picture::overview(
        history,
        sources,
        window,
        now,
        (picture.width, picture.height),
    );
    view_to_svg(&vm, picture)
}

/// A view model as SVG: the dashboard's `e` export and the screenshots draw the screen on show.
pub fn view_to_svg(vm: &ViewModel, picture: &Picture) -> String {
    let buffer = crate::ui::render_to_buffer(vm, &picture.theme, picture.width, picture.height);
    let options = SvgOptions {
        foreground: picture.theme.foreground(),
        background: picture.theme.background(),
        title: Some(picture.title.clone()),
        ..SvgOptions::default()
    };
    buffer_to_svg(&buffer, &options)
}
