//! Config: the TOML schema, where the file is found, and errors that point at file:line:col.

pub mod duration;
pub mod schema;

pub use duration::HumanDuration;
pub use schema::*;
pub mod load;

pub use load::{ConfigError, LoadedConfig, load, parse};
