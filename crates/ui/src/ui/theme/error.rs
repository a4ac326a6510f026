//! Why a theme could not be loaded. Shown like config errors: one sentence, then a hint line.

use std::path::PathBuf;

use flowdeck_config::ConfigError;

/// A theme that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// `general.theme` names neither a built-in theme nor a file in the user theme directory.
    #[error("{}\n  hint: {}", unknown_sentence(name, looked_for.as_ref()), unknown_hint(name, available))]
    Unknown {
        name: String,
        /// Every theme that could be named: the built-ins, then the user's.
        available: Vec<String>,
        /// The user file looked for, when there is a user theme directory.
        looked_for: Option<PathBuf>,
    },
    /// A user theme file exists but cannot be read as text.
    #[error("{}: cannot read the theme file: {source}\n  hint: a theme file must be a readable UTF-8 text file", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A theme file holds something wrong: file:line:col, the bad key or value, and a hint.
    #[error(transparent)]
    File(ConfigError),
}

fn unknown_sentence(name: &str, looked_for: Option<&PathBuf>) -> String {
    match looked_for {
        Some(path) => format!(
            "unknown theme {name:?}: it is not built in, and there is no {}",
            path.display()
        ),
        None => format!("unknown theme {name:?}: it is not built in"),
    }
}

fn unknown_hint(name: &str, available: &[String]) -> String {
    let list = available
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let near = flowdeck_config::theme::closest_name(name, available);
    match near {
        Some(near) => format!("did you mean {near:?}? The themes are {list}"),
        None => {
            format!("the themes are {list}; set general.theme to one of them, or add a theme file")
        }
    }
}
