//! `~` in the config's paths means the home directory, as in a shell: `export.dir =
//! "~/exports"` writes into the home folder, not into a folder named `~` beside the config.
//! Only `~` alone and `~/…` are expanded (`~user` is left as written).

use std::path::{Path, PathBuf};

use super::schema::{Config, SourceConfig};

/// `path` with a leading `~` replaced by `home`; unchanged without one or without a home.
pub fn expand_with(path: &Path, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return path.to_path_buf();
    };
    let Some(text) = path.to_str() else {
        return path.to_path_buf();
    };
    if text == "~" {
        return home.to_path_buf();
    }
    match text.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => path.to_path_buf(),
    }
}

/// [`expand_with`] the user's home directory.
pub fn expand_home(path: &Path) -> PathBuf {
    let home = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf());
    expand_with(path, home.as_deref())
}

/// Expands `~` in every path the config holds: the export folder, the log file, a SQLite
/// store file and git repositories.
pub(crate) fn expand_paths(config: &mut Config) {
    config.export.dir = expand_home(&config.export.dir);
    if let Some(log) = &config.general.log_file {
        config.general.log_file = Some(expand_home(log));
    }
    if config.general.store.starts_with('~') {
        config.general.store = expand_home(Path::new(&config.general.store))
            .to_string_lossy()
            .into_owned();
    }
    for source in &mut config.sources {
        if let SourceConfig::Git(git) = source {
            git.path = expand_home(&git.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_tilde_is_the_home_directory() {
        let home = Path::new("/home/u");
        let expand = |p: &str| expand_with(Path::new(p), Some(home));
        assert_eq!(expand("~/exports"), PathBuf::from("/home/u/exports"));
        assert_eq!(expand("~"), PathBuf::from("/home/u"));
        assert_eq!(expand("exports/~"), PathBuf::from("exports/~"));
        assert_eq!(expand("~bob/x"), PathBuf::from("~bob/x"));
        assert_eq!(expand("/abs"), PathBuf::from("/abs"));
        assert_eq!(
            expand_with(Path::new("~/x"), None),
            PathBuf::from("~/x"),
            "no home: as written"
        );
    }
}
