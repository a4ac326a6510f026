//! Config errors: one sentence with file:line:col, then a hint line.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::locate::ConfigOrigin;

/// The tail of hints about keys: where to read what each key does.
pub(crate) const DOCUMENTED: &str = "config.example.toml documents every key";

/// A config file that cannot be used. Shown as one sentence, with file:line:col where the
/// problem has a place in the file, and a hint line saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// --config or $FLOWDECK_CONFIG names a file that does not exist.
    #[error("{}: config file not found (named by {origin})\n  hint: {}", path.display(), not_found_hint(path, *origin))]
    NotFound { path: PathBuf, origin: ConfigOrigin },
    /// The file exists but cannot be read as text.
    #[error("{}: cannot read the config file: {source}\n  hint: the config must be a readable UTF-8 text file", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path names something that is not a file (a directory, a block device, a socket).
    #[error("{}: the config is {what}, not a file\n  hint: name a TOML file with --config or $FLOWDECK_CONFIG", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    /// The file is larger than any config (see `limits::MAX_CONFIG_BYTES`).
    #[error("{}: the config file is larger than {} KiB, which no config is\n  hint: is this the right file? A config is a short TOML file", path.display(), limit / 1024)]
    TooLarge { path: PathBuf, limit: u64 },
    /// No file was read (the defaults apply), and a default cannot be used here.
    #[error("{message} (no config file was read, so the defaults apply)\n  hint: {hint}")]
    Defaults { message: String, hint: String },
    /// The file was read, and something in it is wrong.
    #[error("{location}: {message}\n  hint: {hint}")]
    Invalid {
        location: Location,
        kind: ErrorKind,
        message: String,
        hint: String,
    },
}

fn not_found_hint(path: &Path, origin: ConfigOrigin) -> String {
    match origin {
        ConfigOrigin::Flag => format!(
            "check the path, or create a starter config there with: flowdeck init --config {}",
            path.display()
        ),
        ConfigOrigin::Env => "check $FLOWDECK_CONFIG (unset it to use the default location), or \
                              create a starter config there with: flowdeck init"
            .to_string(),
        // A missing file at the default location means defaults; this is never shown.
        ConfigOrigin::Default => "create a starter config with: flowdeck init".to_string(),
    }
}

impl ConfigError {
    /// What kind of mistake an `Invalid` error is; None for files not found or unreadable.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            ConfigError::Invalid { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The 1-based line and column an `Invalid` error points at, when it has one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            ConfigError::Invalid { location, .. } => location.line_col,
            _ => None,
        }
    }
}

/// What kind of mistake the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML.
    Syntax,
    /// A key the table does not accept (points at the key).
    UnknownKey,
    /// A value of the wrong TOML type (points at the value).
    WrongType,
    /// A value of the right type that does not make sense: a bad duration, timezone, regex,
    /// glob, choice or fraction (points at the value).
    InvalidValue,
    /// A required key is absent (points at the table's header).
    MissingKey,
    /// A `[[sources]]` table whose `kind` names no known source (points at the value).
    UnknownSourceKind,
    /// Values that are fine alone but not together (bands = "custom" without [bands], a
    /// service declared twice).
    Conflict,
}

/// Where in which file: `path:line:col`, or just `path` for problems without a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based line and column; the column counts characters, not bytes.
    pub line_col: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, column)) => write!(f, "{}:{line}:{column}", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// A problem found in config text, positioned by byte span until the file's name and text
/// turn it into a [`ConfigError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub span: Option<Range<usize>>,
    pub kind: ErrorKind,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub(crate) fn new(
        span: Option<Range<usize>>,
        kind: ErrorKind,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Problem {
            span,
            kind,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn into_error(self, text: &str, origin: &Path) -> ConfigError {
        ConfigError::Invalid {
            location: Location {
                path: origin.to_path_buf(),
                line_col: self.span.map(|span| line_col(text, span.start)),
            },
            kind: self.kind,
            message: self.message,
            hint: self.hint,
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let mut column = before[line_start..].chars().count() + 1;
    // An editor does not show a byte-order mark as a column.
    if line_start == 0 && text.starts_with('\u{feff}') {
        column = column.saturating_sub(1).max(1);
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a = 1\nname = \"héllo\" x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // "x" comes after the two-byte "é": byte 22, character column 16.
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(line_col(text, x), (2, 16));
        assert_eq!(line_col(text, text.len()), (3, 1));
        assert_eq!(line_col(text, 10_000), (3, 1));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}a = @";
        assert_eq!(line_col(text, text.find('@').unwrap()), (1, 5));
    }

    #[test]
    fn displays_one_sentence_then_a_hint() {
        let error = Problem::new(
            Some(6..11),
            ErrorKind::UnknownKey,
            "unknown key \"windw\" in [general]",
            "did you mean \"window\"?",
        )
        .into_error("[general]\nwindw = 1", Path::new("/tmp/x/flowdeck.toml"));
        assert_eq!(
            error.to_string(),
            "/tmp/x/flowdeck.toml:1:7: unknown key \"windw\" in [general]\n  hint: did you mean \"window\"?"
        );
        assert_eq!(error.kind(), Some(ErrorKind::UnknownKey));
        assert_eq!(error.line_col(), Some((1, 7)));
    }
}
