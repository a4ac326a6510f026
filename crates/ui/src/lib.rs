//! flowdeck's presentation: `snapshot`, the view model the screen and every report are built
//! from; `app`, the state machine (an `Action` in, `update` the only place state changes, `view`
//! a read-only view model out); `ui`, pure drawing of that view model (widgets, themes, SVG);
//! `report`, the json/md/html/svg exports. It reads the core and the config, never a source or
//! the store (docs/ARCHITECTURE.md).

pub mod app;
mod markup;
pub mod report;
pub mod snapshot;
pub mod ui;
