//! Config: the TOML schema, where the file is found, and errors that point at file:line:col.

mod duration;
mod error;
mod home;
mod init;
pub mod keymap;
pub mod limits;
mod load;
mod locate;
pub mod notify;
pub mod panels;
mod rules;
pub mod schema;
pub mod theme;
pub mod window;

mod bounds;
mod cross;
mod explain;
mod fields;
mod keys;
mod parsed;
mod shape;
mod suggest;
mod syntax;
mod tree;

#[cfg(test)]
mod tests;

pub use duration::HumanDuration;
pub use error::{ConfigError, ErrorKind, Location};
pub use init::{InitError, Starter, starter_for};
pub use keymap::KeyBindings;
pub use load::{LoadedConfig, ReadError, load, parse, read_text};
pub use locate::{CONFIG_ENV, ConfigOrigin, default_config_path};
pub use panels::PanelConfig;
pub use schema::*;
pub use shape::SOURCE_KINDS;
pub use theme::{StyleSpec, ThemeOverrides};
