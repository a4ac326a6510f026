//! Finding, reading and parsing the config file into a checked [`Config`].

use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::error::{ConfigError, ErrorKind, Problem};
use super::locate::{self, ConfigOrigin};
use super::schema::{Config, SourceConfig};
use super::{cross, explain, keys, shape, syntax};

/// The config in effect and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file read, or None when no file exists and defaults apply.
    pub path: Option<PathBuf>,
    /// The directory relative paths in the config resolve against.
    pub base_dir: PathBuf,
}

/// Reads the config from `explicit` (--config), else $FLOWDECK_CONFIG, else the XDG config path;
/// with no file at the XDG path, the defaults apply. A file named by --config or
/// $FLOWDECK_CONFIG must exist.
pub fn load(explicit: Option<&Path>) -> Result<LoadedConfig, ConfigError> {
    load_from(locate::config_path(explicit))
}

/// Loads the file `chosen` names; apart from [`load`] so tests need not touch the environment.
pub(crate) fn load_from(
    chosen: Option<(PathBuf, ConfigOrigin)>,
) -> Result<LoadedConfig, ConfigError> {
    let defaults = || LoadedConfig {
        config: Config::default(),
        path: None,
        base_dir: locate::base_dir(None),
    };
    let Some((path, origin)) = chosen else {
        return Ok(defaults());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound && origin == ConfigOrigin::Default => {
            return Ok(defaults());
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound { path, origin });
        }
        Err(source) => return Err(ConfigError::Unreadable { path, source }),
    };
    let config = parse(&text, &path)?;
    Ok(LoadedConfig {
        config,
        base_dir: locate::base_dir(Some(&path)),
        path: Some(path),
    })
}

/// Parses and validates config text; `origin` names the file in errors.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    parse_text(text).map_err(|problem| problem.into_error(text, origin))
}

/// Parses `text`, reporting the problem that comes first in the file.
fn parse_text(text: &str) -> Result<Config, Problem> {
    let document = DeTable::parse(text).map_err(|e| syntax::explain(&e, text))?;
    let span = document.span();
    let root = document.into_inner();

    // Unknown keys and source kinds first: serde would report them without naming the
    // table or guessing what was meant. The values are still deserialized, so the earliest
    // problem in the file is the one shown whichever pass found it.
    let mut problems = keys::check(&root, &shape::config());
    let mut rest = root.clone();
    let sources = rest.remove("sources");
    let config = Config::deserialize(toml::de::Deserializer::from(Spanned::new(span, rest)))
        .map_err(|e| problems.push(explain::explain(&e, &root)))
        .ok();
    let sources = match sources.map(Spanned::into_inner) {
        Some(DeValue::Array(items)) => deserialize_sources(items, &root, &mut problems),
        // Anything else was reported by the key check.
        _ => Vec::new(),
    };
    if let Some(first) = earliest(problems) {
        return Err(first);
    }
    let Some(mut config) = config else {
        // Unreachable: a failed deserialization pushed a problem above.
        return Err(Problem::new(
            None,
            ErrorKind::Syntax,
            "unreadable config",
            "",
        ));
    };
    config.sources = sources;
    match earliest(cross::check(&config, &root, text)) {
        Some(problem) => Err(problem),
        None => Ok(config),
    }
}

/// Deserializes each `[[sources]]` table as the struct its `kind` names, one at a time so
/// every error keeps its position (see `shape::deserialize_source`). Tables without a usable
/// kind are skipped: the key check reported them.
fn deserialize_sources<'i>(
    items: toml::de::DeArray<'i>,
    root: &DeTable<'i>,
    problems: &mut Vec<Problem>,
) -> Vec<SourceConfig> {
    let mut sources = Vec::new();
    for item in items {
        let span = item.span();
        let DeValue::Table(mut table) = item.into_inner() else {
            continue;
        };
        let Some(kind) = table
            .remove("kind")
            .and_then(|kind| kind.get_ref().as_str().map(str::to_string))
        else {
            continue;
        };
        let deserializer = ValueDeserializer::from(Spanned::new(span, DeValue::Table(table)));
        match shape::deserialize_source(&kind, deserializer) {
            Some(Ok(source)) => sources.push(source),
            Some(Err(e)) => problems.push(explain::explain(&e, root)),
            None => {}
        }
    }
    sources
}

/// The problem that comes first in the file; on a tie the one found first (the key check's).
fn earliest(problems: Vec<Problem>) -> Option<Problem> {
    problems
        .into_iter()
        .enumerate()
        .min_by_key(|(i, problem)| {
            let start = problem.span.as_ref().map_or(usize::MAX, |span| span.start);
            (start, *i)
        })
        .map(|(_, problem)| problem)
}
