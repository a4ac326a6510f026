//! The one validation of a loaded config that needs more than its text: the theme it names
//! exists, the keymap still has a quit key, the log file can be written, and the store's
//! place is usable. Every command runs it before doing anything (`Context::new`), `check`
//! included, so `check` never approves a config another command then refuses. Each problem
//! points at the key's file:line:col.
//!
//! What the store holds (damaged, newer, another program's, read-only) is found when it is
//! opened (`live::open_store`), which `check` does exactly when the other commands do.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::CommandError;
use crate::app::Keymap;
use crate::config::keymap::{Command, KeyChord};
use crate::config::{self, ErrorKind, LoadedConfig};
use crate::report::write::same_file;
use crate::store::StoreLocation;
use crate::ui::theme::{Theme, ThemeError};

/// What the validation built on the way, kept so it is not built twice.
pub struct Validated {
    pub theme: Arc<Theme>,
    pub keymap: Keymap,
    /// The log file, open for appending; None when the default location cannot be used
    /// (logs are then off, as before: the user chose no file).
    pub log_file: Option<(PathBuf, File)>,
    /// The SQLite store's file, when the run uses one.
    pub store_file: Option<PathBuf>,
}

/// Validates `loaded`; `uses_store`: the run has polled sources (so it opens the store).
pub fn validate(loaded: &LoadedConfig, uses_store: bool) -> Result<Validated, CommandError> {
    let theme = Arc::new(theme(loaded)?);
    let keymap = keymap(loaded)?;
    let store_file = if uses_store { store(loaded)? } else { None };
    let log_file = log_file(loaded, store_file.as_deref())?;
    Ok(Validated {
        theme,
        keymap,
        log_file,
        store_file,
    })
}

fn theme(loaded: &LoadedConfig) -> Result<Theme, CommandError> {
    let config = &loaded.config;
    let name = &config.general.theme;
    let user_dir = config::theme::user_theme_dir(loaded.path.as_deref());
    if let Some(dir) = &user_dir
        && config::theme::is_theme_name(name)
    {
        bounded_theme_file(loaded, &dir.join(format!("{name}.toml")))?;
    }
    Theme::from_env(name, &config.theme, user_dir.as_deref()).map_err(|e| match e {
        ThemeError::Unknown { .. } => {
            let text = e.to_string();
            let (message, hint) = text
                .split_once("\n  hint: ")
                .unwrap_or((text.as_str(), "config.example.toml lists the themes"));
            CommandError::Config(loaded.error_at(
                &["general", "theme"],
                ErrorKind::InvalidValue,
                message.to_string(),
                hint.to_string(),
            ))
        }
        ThemeError::File(error) => CommandError::Config(error),
        other => CommandError::Usage(other.to_string()),
    })
}

/// A theme file is read whole: it must be a file, and no larger than a config.
fn bounded_theme_file(loaded: &LoadedConfig, path: &Path) -> Result<(), CommandError> {
    let Ok(meta) = std::fs::metadata(path) else {
        // Missing: the theme may be built in; unreadable: loading it says why.
        return Ok(());
    };
    let problem = if !meta.is_file() {
        Some("is not a regular file")
    } else if meta.len() > config::limits::MAX_CONFIG_BYTES {
        Some("is larger than 1024 KiB, which no theme file is")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(CommandError::Config(loaded.error_at(
            &["general", "theme"],
            ErrorKind::InvalidValue,
            format!("the theme file {} {problem}", path.display()),
            "a theme file is a short TOML file of role = colour entries",
        ))),
        None => Ok(()),
    }
}

/// The defaults with `[keys]` applied; a keymap that leaves no key bound to `quit` would trap
/// the user in the dashboard.
fn keymap(loaded: &LoadedConfig) -> Result<Keymap, CommandError> {
    let entries = &loaded.config.keys.0;
    let keymap = Keymap::with_overrides(entries.iter().map(|(k, a)| (k.as_str(), a.as_str())))
        .map_err(|e| CommandError::Usage(format!("[keys] {e}")))?;
    if !keymap.keys_for(Command::Quit).is_empty() {
        return Ok(keymap);
    }
    // Point at the entry that took a quit key away, the last in the file when several did
    // (`[keys]` entries need not come in file order).
    let defaults: Vec<KeyChord> = Keymap::default()
        .keys_for(Command::Quit)
        .iter()
        .filter_map(|k| KeyChord::parse(k).ok())
        .collect();
    let error = |keys: &[&str]| {
        loaded.error_at(
            keys,
            ErrorKind::Conflict,
            "no key is left to quit the dashboard",
            "keep a key bound to \"quit\", like \"Q\" = \"quit\" (the defaults are q and ctrl-c)",
        )
    };
    let latest = entries
        .iter()
        .filter(|(key, _)| KeyChord::parse(key).is_ok_and(|chord| defaults.contains(&chord)))
        .map(|(key, _)| error(&["keys", key.as_str()]))
        .max_by_key(|e| e.line_col());
    Err(CommandError::Config(
        latest.unwrap_or_else(|| error(&["keys"])),
    ))
}

/// The store's setting parses, and a SQLite file's folder exists: flowdeck creates its own
/// data folder for `store = "sqlite"`, never folders a path names (a typo would otherwise
/// start an empty history somewhere unexpected).
fn store(loaded: &LoadedConfig) -> Result<Option<PathBuf>, CommandError> {
    let setting = &loaded.config.general.store;
    let location = StoreLocation::parse(setting, &loaded.base_dir).map_err(|e| {
        CommandError::Config(loaded.error_at(
            &["general", "store"],
            ErrorKind::InvalidValue,
            e.to_string(),
            "store is \"sqlite\", a path ending in .sqlite or .db, or a postgres:// URL",
        ))
    })?;
    let StoreLocation::Sqlite(path) = location else {
        return Ok(None);
    };
    if setting.trim().eq_ignore_ascii_case("sqlite") {
        return Ok(Some(path));
    }
    let folder = crate::report::write::folder_of(&path);
    if !folder.is_dir() {
        return Err(CommandError::Config(loaded.error_at(
            &["general", "store"],
            ErrorKind::InvalidValue,
            format!(
                "the store's folder {} does not exist",
                folder.display()
            ),
            "create the folder, or fix the path (a relative path starts at the config file's folder)",
        )));
    }
    if loaded
        .path
        .as_deref()
        .is_some_and(|config| same_file(config, &path))
    {
        return Err(CommandError::Config(loaded.error_at(
            &["general", "store"],
            ErrorKind::Conflict,
            "the store is the config file itself",
            "name another file for the store",
        )));
    }
    Ok(Some(path))
}

/// Opens the log file for appending. A `log_file` the config names must be writable (and
/// its folder exist); flowdeck's default location is created, and when even that fails the
/// run goes on without logs.
fn log_file(
    loaded: &LoadedConfig,
    store: Option<&Path>,
) -> Result<Option<(PathBuf, File)>, CommandError> {
    let Some(path) = crate::logging::log_path(&loaded.config, &loaded.base_dir) else {
        return Ok(None);
    };
    let open = |path: &Path| OpenOptions::new().create(true).append(true).open(path);
    if loaded.config.general.log_file.is_none() {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        return Ok(open(&path).ok().map(|file| (path, file)));
    }
    let refuse = |message: String, hint: &str| {
        CommandError::Config(loaded.error_at(
            &["general", "log_file"],
            ErrorKind::InvalidValue,
            message,
            hint,
        ))
    };
    // Lines appended to the config or the store would damage them.
    for (other, what) in [
        (loaded.path.as_deref(), "the config file"),
        (store, "the history store"),
    ] {
        if other.is_some_and(|other| same_file(other, &path)) {
            return Err(refuse(
                format!("the log file {} is {what}", path.display()),
                "name a file of its own for the log",
            ));
        }
    }
    match open(&path) {
        Ok(file) => Ok(Some((path, file))),
        Err(e) => Err(refuse(
            format!("the log file {} cannot be written: {e}", path.display()),
            "name a file this user may write, in a folder that exists, or leave log_file out \
             for the default location",
        )),
    }
}
