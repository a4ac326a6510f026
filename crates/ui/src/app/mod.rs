//! The dashboard's state machine: keys and data become `Action`s, `update` changes the state,
//! `view::build` derives a read-only view model that `ui::draw` renders.

pub(crate) mod action;
pub(crate) mod data;
pub mod health;
pub(crate) mod keymap;
pub(crate) mod line;
pub mod list;
pub(crate) mod picker;
pub(crate) mod picture;
pub(crate) mod progress;
pub(crate) mod scope;
pub mod screens;
pub mod state;
pub(crate) mod table;
pub(crate) mod update;
pub mod view;

pub use action::{Action, Alert, Command};
pub use data::{Data, Loaded};
pub use health::{PanelRequest, PanelsRead};
pub use keymap::Keymap;
pub use line::Edit;
pub use state::{App, AppOptions, Effect, Screen};
pub use update::update;
pub use view::ViewModel;
