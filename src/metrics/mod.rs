//! Pure functions from events and a window to measures. No I/O, no UI.

pub mod bands;
pub mod stats;
pub mod window;
