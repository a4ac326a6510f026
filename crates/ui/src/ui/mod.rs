//! Pure drawing: `draw(&ViewModel, &mut Frame)`, its widgets, themes and the SVG renderer.

mod detail;
pub mod draw;
pub mod layout;
mod measure;
mod overview;
pub mod svg;
pub mod theme;
mod wall;
mod widgets;

pub use draw::{draw, render_to_buffer};
