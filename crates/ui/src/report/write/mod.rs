//! The one writer of every file a user names (`report -o`, the dashboard's export, `init`),
//! built so that writing never destroys anything:
//!
//! - a regular file is replaced atomically, through a temporary file beside it renamed into
//!   place, keeping its mode (and its owner where the user may set it); a failure at any
//!   point (a full disk, a size limit, a failed render) removes the temporary file and leaves
//!   the old file as it was;
//! - a symlink is written through: its target is replaced, the link stays a link;
//! - a character device or a FIFO (`/dev/null`, `/dev/full`, a named pipe with a reader) and
//!   `/dev/stdout`-like paths are written in place, never replaced by a regular file;
//! - `-` is standard output;
//! - a directory, a block device, a socket, a file the user may not write, and the files
//!   flowdeck itself uses ([`Protected`]: the config, the store, the log) are refused before
//!   anything is written.

mod target;

use std::fs::{File, Permissions};
use std::io::{self, BufWriter, StdoutLock, Write};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use target::{Destination, Owner, io_error};
pub use target::{Protected, folder_of, same_file};

/// Why nothing (or nothing more) was written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// One of the files flowdeck itself uses.
    #[error("it is {what} ({}); writing there would destroy it", file.display())]
    Protected {
        path: PathBuf,
        what: &'static str,
        file: PathBuf,
    },
    /// A directory, a block device, a socket, an empty path.
    #[error("it is {what}, not a file")]
    NotAFile { path: PathBuf, what: &'static str },
    /// The user may not write the file (or its folder).
    #[error("permission denied: {detail}")]
    NotWritable { path: PathBuf, detail: String },
    /// Creating only (`init`), and something is there.
    #[error("a file already exists there, so it was left untouched")]
    Exists { path: PathBuf },
    #[error("its folder {} does not exist", folder.display())]
    NoFolder { path: PathBuf, folder: PathBuf },
    /// Writing failed (a full disk, a size limit, a closed FIFO): nothing was replaced.
    #[error("{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl OutputError {
    /// Whether the path asked for cannot be written at all (exit 2), rather than writing it
    /// failed (exit 1).
    /// A missing folder is a failure like a full disk (exit 1), as before this writer.
    pub fn is_usage(&self) -> bool {
        !matches!(self, OutputError::Io { .. } | OutputError::NoFolder { .. })
    }
}

/// What to do when the file exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it atomically (reports, exports).
    Replace,
    /// Leave it and fail with [`OutputError::Exists`] (`init`).
    Keep,
}

/// A checked destination: every refusal happened in [`Output::prepare`], before the caller
/// spent time on the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    given: PathBuf,
    destination: Destination,
    existing: Existing,
}

/// Where the content is written: a file (temporary or in place) or standard output.
pub enum Sink<'a> {
    File(BufWriter<File>),
    Stdout(BufWriter<StdoutLock<'a>>),
}

impl Write for Sink<'_> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(out) => out.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::File(out) => out.write_all(buf),
            Sink::Stdout(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(out) => out.flush(),
            Sink::Stdout(out) => out.flush(),
        }
    }
}

const BUFFER: usize = 1 << 16;

impl Output {
    /// Checks `path` (`-` for standard output) and decides how it will be written; refuses
    /// what must not be written, naming why.
    pub fn prepare(
        path: &Path,
        protected: &[Protected],
        existing: Existing,
    ) -> Result<Output, OutputError> {
        let destination = target::resolve(path, protected, existing == Existing::Keep)?;
        Ok(Output {
            given: path.to_path_buf(),
            destination,
            existing,
        })
    }

    /// The path as the user gave it.
    pub fn path(&self) -> &Path {
        &self.given
    }

    pub fn is_stdout(&self) -> bool {
        self.destination == Destination::Stdout
    }

    /// Writes what `fill` produces. A file is complete or untouched: on any error (from
    /// `fill` or the system) the temporary file is removed and the old file stays. A closed
    /// standard output (`| head`) is not an error.
    pub fn write(
        &self,
        fill: impl FnOnce(&mut Sink<'_>) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let result = match &self.destination {
            Destination::Stdout => {
                let mut sink = Sink::Stdout(BufWriter::with_capacity(BUFFER, io::stdout().lock()));
                match fill(&mut sink).and_then(|()| sink.flush()) {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                    other => other,
                }
            }
            Destination::Stream(path) => stream(path, fill),
            Destination::File { path, existing } => {
                return replace(path, *existing, self.existing, fill).map_err(|e| self.located(e));
            }
        };
        result.map_err(|e| io_error(&self.given, e))
    }

    fn located(&self, error: OutputError) -> OutputError {
        match error {
            OutputError::Io { source, .. } => io_error(&self.given, source),
            OutputError::Exists { .. } => OutputError::Exists {
                path: self.given.clone(),
            },
            other => other,
        }
    }
}

/// A device, a FIFO or an inherited descriptor, opened as it is (never created, never
/// truncated: `/dev/null` stays a device) and appended to (a device or a pipe ignores it; a
/// file behind `/dev/fd/N` keeps what the shell's `>>` kept).
fn stream(path: &Path, fill: impl FnOnce(&mut Sink<'_>) -> io::Result<()>) -> io::Result<()> {
    let file = File::options().append(true).open(path)?;
    // A regular file swapped in since `prepare` would be overwritten in place, not replaced.
    if file.metadata()?.is_file() && !path.starts_with("/dev") && !path.starts_with("/proc") {
        return Err(io::Error::other(
            "it became a regular file since it was checked; nothing was written",
        ));
    }
    let mut sink = Sink::File(BufWriter::with_capacity(BUFFER, file));
    fill(&mut sink)?;
    sink.flush()
}

/// Writes a temporary file beside `path` and renames it over `path` (or, for `Keep`, links
/// it into place only if nothing is there). The temporary file is removed on every failure:
/// `TempPath` deletes it when dropped.
fn replace(
    path: &Path,
    owner: Option<Owner>,
    existing: Existing,
    fill: impl FnOnce(&mut Sink<'_>) -> io::Result<()>,
) -> Result<(), OutputError> {
    let folder = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        // A new file gets what any new file gets (0666 less the umask); tempfile's 0600
        // would hide a report from the people it is for.
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(&folder)
        .map_err(|e| io_error(path, e))?;
    let (file, temp_path) = temp.into_parts();
    if let Some(owner) = owner {
        keep_owner(&file, owner);
    }
    let mut sink = Sink::File(BufWriter::with_capacity(BUFFER, file));
    let written = fill(&mut sink).and_then(|()| sink.flush());
    written.map_err(|e| io_error(path, e))?;
    let Sink::File(out) = sink else {
        return Err(io_error(path, io::Error::other("unreachable: not a file")));
    };
    let file = out
        .into_inner()
        .map_err(|e| io_error(path, e.into_error()))?;
    // On disk before the rename: after a crash the name holds the old file or the new one,
    // never an empty one.
    file.sync_all().map_err(|e| io_error(path, e))?;
    drop(file);
    match existing {
        Existing::Replace => temp_path.persist(path).map_err(|e| io_error(path, e.error)),
        Existing::Keep => temp_path.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                OutputError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                io_error(path, e.error)
            }
        }),
    }
}

/// The replaced file's owner (where this user may set it: root, or a group they are in) and
/// then its mode (after the owner: a change of owner clears set-id bits).
fn keep_owner(file: &File, owner: Owner) {
    if std::os::unix::fs::fchown(file, Some(owner.uid), Some(owner.gid)).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(owner.gid));
    }
    let _ = file.set_permissions(Permissions::from_mode(owner.mode));
}

#[cfg(test)]
mod tests;
