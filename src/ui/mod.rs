//! Pure drawing: the screen as a function of the view model.

pub mod theme;
