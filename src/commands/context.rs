//! What every command starts from: the config, the clock, and the history from the sources
//! (or the demo data).

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

use super::CommandError;
use super::collected_git;
use super::derived;
use super::live::{Live, NotYetSynced};
use super::validate::{self, Validated};
use crate::app::Keymap;
use crate::cli::Cli;
use crate::config::{self, LoadedConfig};
use crate::metrics::History;
use crate::model::{EventSet, Timestamp};
use crate::report::write::Protected;
use crate::sources;
use crate::sources::registry;
use crate::status::SourceStatus;
use crate::store::StoreError;
use crate::ui::theme::Theme;

#[derive(Clone)]
pub struct Context {
    pub loaded: LoadedConfig,
    pub now: Timestamp,
    /// The clock was fixed with --now / FLOWDECK_NOW.
    pub fixed_now: bool,
    pub demo: bool,
    /// The theme the config names, loaded (and so known to exist).
    pub theme: Arc<Theme>,
    /// The default keys with the config's `[keys]`.
    pub keymap: Keymap,
    /// The log file, open for appending (None: logs are off).
    pub log_file: Option<Arc<(PathBuf, File)>>,
    /// The SQLite store's file, when the run uses one.
    pub store_file: Option<PathBuf>,
    /// Zero-config: what was inferred from the repository, one line each (None: a config
    /// file, or the defaults, configure the run).
    pub inferred: Option<Vec<String>>,
}

impl Context {
    /// Loads the config and validates it (`validate.rs`): every command starts here, so none
    /// of them accepts a config another refuses.
    pub fn new(cli: &Cli) -> Result<Context, CommandError> {
        let loaded = config::load(cli.config.as_deref())?;
        // No config file: inside a git repository, the repository configures the run.
        let (loaded, inferred) = match cli.demo {
            true => (loaded, None),
            false => match super::zero::infer(&loaded)? {
                Some((inferred, notes)) => (inferred, Some(notes)),
                None => (loaded, None),
            },
        };
        let uses_store = !cli.demo
            && (loaded.config.sources.iter().any(registry::is_polled)
                || super::live::may_hold_collected_git(&loaded.config, &loaded.base_dir));
        let Validated {
            theme,
            keymap,
            log_file,
            store_file,
        } = validate::validate(&loaded, uses_store)?;
        Ok(Context {
            loaded,
            now: cli.now.unwrap_or_else(crate::clock::now),
            fixed_now: cli.now.is_some(),
            demo: cli.demo,
            theme,
            keymap,
            log_file: log_file.map(Arc::new),
            store_file,
            inferred,
        })
    }

    /// The files flowdeck itself uses, which no output (`report -o`, an export) may replace:
    /// the config, the store with its side files, the log.
    pub fn protected_files(&self) -> Vec<Protected> {
        let mut files = Vec::new();
        if let Some(path) = &self.loaded.path {
            files.push(Protected {
                path: path.clone(),
                what: "the config file",
            });
        }
        let store = self.store_file.clone().or_else(|| {
            // Not opened by this run, but still the history a later run reads.
            match crate::store::StoreLocation::parse(
                &self.loaded.config.general.store,
                &self.loaded.base_dir,
            ) {
                Ok(crate::store::StoreLocation::Sqlite(path)) => Some(path),
                _ => None,
            }
        });
        if let Some(store) = store {
            // ".derived": the derived-history cache beside it (`derived.rs`).
            for suffix in ["", "-wal", "-shm", "-journal", ".derived"] {
                let mut name = store.as_os_str().to_os_string();
                name.push(suffix);
                files.push(Protected {
                    path: PathBuf::from(name),
                    what: "the history store",
                });
            }
        }
        if let Some(log) = &self.log_file {
            files.push(Protected {
                path: log.0.clone(),
                what: "the log file",
            });
        }
        files
    }

    /// Reads the sources (or the demo data) and derives the history. What polled sources
    /// stored comes in as `stored` (`live::read_stored`: the store the caller synced or keeps
    /// syncing).
    pub fn history(
        &self,
        stored: Option<(EventSet, Vec<SourceStatus>)>,
    ) -> Result<(History, Vec<SourceStatus>), CommandError> {
        self.history_explained(stored)
            .map(|(history, statuses, _)| (history, statuses))
    }

    /// [`Context::history_explained`] for a run that reads `live`'s store (if any) as
    /// `not_yet` says: from the derived-history cache beside the store when the history
    /// depends on the store and the config alone and the cache matches the store's generation
    /// (`derived.rs`), else loaded and derived.
    pub fn history_of(
        &self,
        live: Option<&Live>,
        not_yet: NotYetSynced,
    ) -> Result<(History, Vec<SourceStatus>, Option<String>), CommandError> {
        let Some(live) = live.filter(|_| derived::applies(self)) else {
            return self.history_explained(Live::read_stored(live, not_yet)?);
        };
        let config = &self.loaded.config;
        let runtime = |e: StoreError| CommandError::Runtime(anyhow::Error::msg(e.to_string()));
        // Only the config's [[services]]: every source of this config is polled.
        let (direct, mut statuses) = sources::collect(config, &self.loaded.base_dir, self.now);
        let (history, notes) = derived::history(
            live.store.as_ref(),
            config,
            &self.loaded.base_dir,
            direct,
            derived::Write::Throttled,
        )
        .map_err(runtime)?;
        statuses.extend(live.statuses(not_yet).map_err(runtime)?);
        sources::shipped::annotate(config, &notes, &mut statuses);
        Ok((history, in_config_order(config, statuses), None))
    }

    /// [`Context::history`], and for an inferred config which system's deployments were
    /// counted and why (`zero::choose_deployments`).
    pub fn history_explained(
        &self,
        stored: Option<(EventSet, Vec<SourceStatus>)>,
    ) -> Result<(History, Vec<SourceStatus>, Option<String>), CommandError> {
        let config = &self.loaded.config;
        let mut chosen = None;
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
            if let Some((mut stored, mut polled)) = stored {
                collected_git::prefer_clones(config, &mut statuses, &mut stored, &mut polled);
                events.extend(stored);
                statuses.extend(polled);
            }
            // Deployments that name only a sha get their commits from the service's git source
            // (docs/METRICS.md#deployments-that-name-only-a-sha).
            let notes = sources::shipped::resolve(config, &self.loaded.base_dir, &mut events);
            sources::shipped::annotate(config, &notes, &mut statuses);
            if self.inferred.is_some() {
                let since = self.now - config.general.backfill.as_chrono();
                let forge_read = config.sources.iter().any(registry::is_polled);
                chosen = super::zero::choose_deployments(&mut events, since, forge_read);
            }
            (events, in_config_order(config, statuses))
        };
        let history = History::derive(events, config.rules());
        Ok((history, statuses, chosen))
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
