//! Finding, reading and parsing the config file into a checked [`Config`].

use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::error::{ConfigError, ErrorKind, Problem, line_col};
use super::limits::MAX_CONFIG_BYTES;
use super::locate::{self, ConfigOrigin};
use super::schema::{Config, SourceConfig};
use super::tree::{self, Step};
use super::{bounds, cross, explain, keys, panels, shape, syntax};

/// The config in effect and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file read, or None when no file exists and defaults apply.
    pub path: Option<PathBuf>,
    /// The directory relative paths in the config resolve against.
    pub base_dir: PathBuf,
    /// Zero-config: no file was found, and this config was inferred from the git repository
    /// at this path (`flowdeck init` writes the same text).
    pub inferred_from: Option<PathBuf>,
    /// The file's text, to point later checks (the theme exists, the store opens) at the
    /// line and column of the key they are about.
    text: Arc<str>,
}

impl LoadedConfig {
    /// The config in effect when no file is read.
    pub fn defaults() -> LoadedConfig {
        LoadedConfig {
            config: Config::default(),
            path: None,
            base_dir: locate::base_dir(None),
            inferred_from: None,
            text: Arc::from(""),
        }
    }

    /// The config inferred from the repository at `repo` (its text as `flowdeck init` would
    /// write it), used when no config file is found.
    pub fn inferred(text: &str, repo: &Path) -> Result<LoadedConfig, ConfigError> {
        let shown = PathBuf::from(format!("<inferred from {}>", repo.display()));
        Ok(LoadedConfig {
            config: parse(text, &shown)?,
            path: None,
            base_dir: repo.to_path_buf(),
            inferred_from: Some(repo.to_path_buf()),
            text: Arc::from(text),
        })
    }

    /// An error about the value of the key at `keys` (like `["general", "theme"]`), at its
    /// line and column; for a key the file does not set, at no position. `message` says what
    /// is wrong; " for \"key\" in [table]" is added (before a ": detail").
    pub fn error_at(
        &self,
        keys: &[&str],
        kind: ErrorKind,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        let message = message.into();
        let hint = hint.into();
        let Some(path) = &self.path else {
            return ConfigError::Defaults { message, hint };
        };
        let steps: Vec<Step> = keys.iter().map(|k| Step::Key((*k).to_string())).collect();
        let document = DeTable::parse(&self.text).ok();
        let span = document
            .as_ref()
            .and_then(|root| tree::get(root.get_ref(), &steps))
            .map(|value| value.span());
        let place = match keys.split_last() {
            Some((key, [])) => format!(" for {key:?} at the top level"),
            Some((key, table)) => format!(" for {key:?} in [{}]", table.join(".")),
            None => String::new(),
        };
        ConfigError::Invalid {
            location: super::error::Location {
                path: path.clone(),
                line_col: span.map(|span| line_col(&self.text, span.start)),
            },
            kind,
            // The key goes before any detail: `unknown theme "x" for "theme" in [general]: …`.
            message: match message.split_once(": ") {
                Some((head, detail)) => format!("{head}{place}: {detail}"),
                None => format!("{message}{place}"),
            },
            hint,
        }
    }
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
    let Some((path, origin)) = chosen else {
        return Ok(LoadedConfig::defaults());
    };
    let text = match read_text(&path, MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(ReadError::Io(e))
            if e.kind() == io::ErrorKind::NotFound && origin == ConfigOrigin::Default =>
        {
            return Ok(LoadedConfig::defaults());
        }
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound { path, origin });
        }
        Err(ReadError::Io(source)) => return Err(ConfigError::Unreadable { path, source }),
        Err(ReadError::NotAFile(what)) => return Err(ConfigError::NotAFile { path, what }),
        Err(ReadError::TooLarge) => {
            return Err(ConfigError::TooLarge {
                path,
                limit: MAX_CONFIG_BYTES,
            });
        }
    };
    let config = parse(&text, &path)?;
    Ok(LoadedConfig {
        config,
        base_dir: locate::base_dir(Some(&path)),
        inferred_from: None,
        path: Some(path),
        text: Arc::from(text),
    })
}

/// Why a text file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// A directory, a block device or a socket: what it is.
    NotAFile(&'static str),
    /// More than the limit.
    TooLarge,
}

/// Reads a UTF-8 text file of at most `limit` bytes. A regular file, a pipe (`--config
/// <(…)`) or a character device (`/dev/null`) is read, never more than `limit` + 1 bytes of
/// it; a directory, a block device or a socket is refused without being opened.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = std::fs::metadata(path).map_err(ReadError::Io)?.file_type();
    let refused = if kind.is_dir() {
        Some("a directory")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    };
    if let Some(what) = refused {
        return Err(ReadError::NotAFile(what));
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    if kind.is_file() && file.metadata().map_err(ReadError::Io)?.len() > limit {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes)
        .map_err(|e| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
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
    super::home::expand_paths(&mut config);
    let mut problems = cross::check(&config, &root, text);
    problems.extend(bounds::check(&config, &root));
    problems.extend(panels::check(&config, &root));
    match earliest(problems) {
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
