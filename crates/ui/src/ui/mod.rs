//! Pure drawing: `draw(&ViewModel, &Theme, &mut Frame)`, its widgets, themes and the SVG renderer.

pub(crate) mod draw;
pub mod health_chart;
pub mod layout;
mod progress;
mod screens;
pub mod svg;
pub mod theme;
mod widgets;

pub use draw::{draw, render_to_buffer};
