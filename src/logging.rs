//! Logs go through `tracing`. The dashboard and the one-shot commands log to a file only (the
//! dashboard owns the terminal); the headless commands (`collect`, `serve`) log to standard
//! error and to the same file, as JSON lines by default (one object per event, its fields at
//! the top level: `timestamp`, `level`, `message`, `target`, then the event's own), so a log
//! shipper or `jq` can read them.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::Config;

/// How the headless commands write their log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line.
    #[default]
    Json,
    /// Plain text, one event per line.
    Text,
}

/// Where logs go: `general.log_file` (relative to the config file's folder), else flowdeck.log
/// in the XDG state (or cache) directory.
pub fn log_path(config: &Config, base_dir: &Path) -> Option<PathBuf> {
    if let Some(path) = &config.general.log_file {
        return Some(base_dir.join(path));
    }
    let dirs = directories::ProjectDirs::from("", "", "flowdeck")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("flowdeck.log"))
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_env("FLOWDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Starts logging to the log file (opened by the config's validation; None: no logs) at the
/// level from FLOWDECK_LOG (default "info").
pub fn init(file: Option<File>) {
    let Some(file) = file else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Starts logging for a command that runs without a terminal: every event to standard error
/// and to the log file (when there is one), in `format`, at the level from FLOWDECK_LOG.
pub fn init_headless(file: Option<File>, format: LogFormat) {
    let mut layers = vec![layer(format, std::io::stderr)];
    if let Some(file) = file {
        layers.push(layer(format, Mutex::new(file)));
    }
    let _ = tracing_subscriber::registry()
        .with(layers)
        .with(filter())
        .try_init();
}

type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync>;

fn layer<W>(format: LogFormat, writer: W) -> BoxedLayer
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let base = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer);
    match format {
        LogFormat::Json => base
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .boxed(),
        LogFormat::Text => base.boxed(),
    }
}
