//! Where the config file is: `--config`, else $FLOWDECK_CONFIG, else the XDG config path.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable naming the config file; empty counts as unset.
pub const CONFIG_ENV: &str = "FLOWDECK_CONFIG";

/// Who named the config path. A file named by the user must exist; a missing file at the
/// default location just means the defaults apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// `--config FILE`.
    Flag,
    /// `$FLOWDECK_CONFIG`.
    Env,
    /// The XDG config path.
    Default,
}

impl fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigOrigin::Flag => "--config",
            ConfigOrigin::Env => "$FLOWDECK_CONFIG",
            ConfigOrigin::Default => "the default location",
        })
    }
}

/// The default config file, `config.toml` in flowdeck's XDG config directory
/// (`$XDG_CONFIG_HOME/flowdeck`, usually `~/.config/flowdeck`); None without a home directory.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "flowdeck")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The config path in effect for `explicit` (--config), read from this process's environment.
pub fn config_path(explicit: Option<&Path>) -> Option<(PathBuf, ConfigOrigin)> {
    choose(
        explicit,
        std::env::var_os(CONFIG_ENV),
        default_config_path(),
    )
}

/// The precedence itself, apart from the process environment so it can be tested.
pub(crate) fn choose(
    explicit: Option<&Path>,
    env: Option<OsString>,
    default: Option<PathBuf>,
) -> Option<(PathBuf, ConfigOrigin)> {
    if let Some(path) = explicit {
        return Some((path.to_path_buf(), ConfigOrigin::Flag));
    }
    if let Some(path) = env.filter(|value| !value.is_empty()) {
        return Some((PathBuf::from(path), ConfigOrigin::Env));
    }
    default.map(|path| (path, ConfigOrigin::Default))
}

/// The directory relative paths in a config resolve against: the file's own directory, made
/// absolute so it does not depend on the current directory staying put; the current
/// directory when no file is read.
pub(crate) fn base_dir(config_file: Option<&Path>) -> PathBuf {
    let dir = config_file
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> Option<PathBuf> {
        Some(PathBuf::from("/home/u/.config/flowdeck/config.toml"))
    }

    #[test]
    fn the_flag_wins() {
        let chosen = choose(Some(Path::new("a.toml")), Some("b.toml".into()), default());
        assert_eq!(chosen, Some((PathBuf::from("a.toml"), ConfigOrigin::Flag)));
    }

    #[test]
    fn then_the_environment() {
        let chosen = choose(None, Some("b.toml".into()), default());
        assert_eq!(chosen, Some((PathBuf::from("b.toml"), ConfigOrigin::Env)));
    }

    #[test]
    fn an_empty_environment_variable_counts_as_unset() {
        let chosen = choose(None, Some(OsString::new()), default());
        assert_eq!(chosen, default().map(|p| (p, ConfigOrigin::Default)));
    }

    #[test]
    fn then_the_default_location_if_there_is_one() {
        assert_eq!(
            choose(None, None, default()).map(|c| c.1),
            Some(ConfigOrigin::Default)
        );
        assert_eq!(choose(None, None, None), None);
    }

    #[test]
    fn the_default_path_is_config_toml_in_a_flowdeck_directory() {
        // Only where a home directory is known, which is true on any developer machine or CI.
        if let Some(path) = default_config_path() {
            assert!(path.ends_with("flowdeck/config.toml"), "{}", path.display());
        }
    }

    #[test]
    fn relative_paths_resolve_against_the_config_files_directory() {
        assert_eq!(
            base_dir(Some(Path::new("/etc/flowdeck/config.toml"))),
            PathBuf::from("/etc/flowdeck")
        );
        let here = std::env::current_dir().unwrap();
        assert_eq!(base_dir(Some(Path::new("config.toml"))), here);
        assert_eq!(base_dir(Some(Path::new("conf/x.toml"))), here.join("conf"));
        assert_eq!(base_dir(None), here);
    }
}
