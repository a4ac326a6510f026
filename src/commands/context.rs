//! What every command starts from: the config, the clock, and the history from the sources
//! (or the demo data).

use chrono::Utc;

use super::CommandError;
use crate::cli::Cli;
use crate::config::{self, LoadedConfig};
use crate::metrics::{History, Rules};
use crate::model::Timestamp;
use crate::sources::{self, SourceStatus};

#[derive(Clone)]
pub struct Context {
    pub loaded: LoadedConfig,
    pub now: Timestamp,
    /// The clock was fixed with --now / FLOWDECK_NOW.
    pub fixed_now: bool,
    pub demo: bool,
}

impl Context {
    pub fn new(cli: &Cli) -> Result<Context, CommandError> {
        let loaded = config::load(cli.config.as_deref())?;
        Ok(Context {
            loaded,
            now: cli.now.unwrap_or_else(Utc::now),
            fixed_now: cli.now.is_some(),
            demo: cli.demo,
        })
    }

    /// Reads the sources (or the demo data) and derives the history.
    pub fn history(&self) -> Result<(History, Vec<SourceStatus>), CommandError> {
        let config = &self.loaded.config;
        let (events, statuses) = if self.demo {
            sources::collect_demo(self.now)
        } else {
            if config.sources.is_empty() {
                return Err(CommandError::Usage(match &self.loaded.path {
                    Some(path) => format!(
                        "{} configures no [[sources]]\n  hint: add a git source (see config.example.toml), or try --demo",
                        path.display()
                    ),
                    None => "no config file and no sources to read\n  hint: run `flowdeck init` to write a starter config, or try --demo".to_string(),
                }));
            }
            sources::collect(config, &self.loaded.base_dir, self.now)
        };
        let history = History::derive(events, Rules::from_config(config));
        Ok((history, statuses))
    }
}
