//! What every command starts from: the config, the clock, and the history from the sources
//! (or the demo data).

use chrono::Utc;

use super::CommandError;
use crate::cli::Cli;
use crate::config::{self, LoadedConfig};
use crate::metrics::History;
use crate::model::{EventSet, Timestamp};
use crate::sources;
use crate::status::SourceStatus;

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

    /// Reads the sources (or the demo data) and derives the history. What polled sources
    /// stored comes in as `stored` (`live::read_stored`: the store the caller synced or keeps
    /// syncing).
    pub fn history(
        &self,
        stored: Option<(EventSet, Vec<SourceStatus>)>,
    ) -> Result<(History, Vec<SourceStatus>), CommandError> {
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
            let (mut events, direct) = sources::collect(config, &self.loaded.base_dir, self.now);
            let mut statuses = direct;
            if let Some((stored, polled)) = stored {
                events.extend(stored);
                statuses.extend(polled);
            }
            (events, in_config_order(config, statuses))
        };
        let history = History::derive(events, config.rules());
        Ok((history, statuses))
    }
}

/// The status lines in the order the config lists the sources (each name taken once, so two
/// sources with the same name keep theirs); anything unmatched last.
fn in_config_order(config: &config::Config, mut statuses: Vec<SourceStatus>) -> Vec<SourceStatus> {
    let mut ordered = Vec::with_capacity(statuses.len());
    for source in &config.sources {
        let name = source.display_name();
        if let Some(at) = statuses.iter().position(|s| s.name == name) {
            ordered.push(statuses.remove(at));
        }
    }
    ordered.append(&mut statuses);
    ordered
}
