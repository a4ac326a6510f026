//! What a user-named output path is, before anything is written: standard output, a stream
//! (a character device, a FIFO, an inherited descriptor), a regular file (new or existing,
//! through any symlinks), or something never written (a directory, a block device, a socket,
//! a file flowdeck itself uses).

use std::fs::{self, Metadata};
use std::io;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
use std::path::{Component, Path, PathBuf};

use rustix::fs::{Access, AtFlags, CWD};

use super::OutputError;

/// A file flowdeck itself uses (the config, the history store and its side files, the log),
/// which no output may replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub path: PathBuf,
    /// What it is, for the message: "the config file", "the history store".
    pub what: &'static str,
}

/// Where the bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    Stdout,
    /// Written in place: nothing to replace, and a reader may be waiting on it.
    Stream(PathBuf),
    /// A regular file at `path` (symlinks followed), replaced or created through a temporary
    /// file beside it. `existing` holds the file's mode and owner when it exists.
    File {
        path: PathBuf,
        existing: Option<Owner>,
    },
}

/// The mode and owner a replaced file keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Owner {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// The most symlinks followed, as the kernel allows (ELOOP).
const MAX_LINKS: usize = 40;

/// Decides where `given` writes, refusing what must never be written.
pub(crate) fn resolve(
    given: &Path,
    protected: &[Protected],
    keep_existing: bool,
) -> Result<Destination, OutputError> {
    if given.as_os_str() == "-" {
        return Ok(Destination::Stdout);
    }
    if given.as_os_str().is_empty() {
        return Err(OutputError::NotAFile {
            path: given.to_path_buf(),
            what: "an empty path",
        });
    }
    // These name a descriptor this process already holds (a pipe, a terminal, a file the
    // shell opened): standard output is used as it is; another is opened again and appended
    // to, so a shell's `>>` keeps what was there.
    if is_stdout(given) {
        return Ok(Destination::Stdout);
    }
    if is_descriptor(given) {
        return Ok(Destination::Stream(given.to_path_buf()));
    }
    let path = follow_links(given).map_err(|e| unreachable(given, e))?;
    match fs::metadata(&path) {
        Ok(meta) => existing(given, path, &meta, protected, keep_existing),
        Err(e) if e.kind() == io::ErrorKind::NotFound => new_file(given, path, protected),
        Err(e) => Err(unreachable(given, e)),
    }
}

/// A path whose folders this user may not enter is one they may not write.
fn unreachable(given: &Path, e: io::Error) -> OutputError {
    if e.kind() == io::ErrorKind::PermissionDenied {
        OutputError::NotWritable {
            path: given.to_path_buf(),
            detail: "you may not reach it".into(),
        }
    } else {
        io_error(given, e)
    }
}

fn existing(
    given: &Path,
    path: PathBuf,
    meta: &Metadata,
    protected: &[Protected],
    keep_existing: bool,
) -> Result<Destination, OutputError> {
    let kind = meta.file_type();
    let refused = if kind.is_dir() {
        Some("a directory")
    } else if kind.is_block_device() {
        // A disk: a report written there would destroy what is on it.
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        None
    };
    if let Some(what) = refused {
        return Err(OutputError::NotAFile {
            path: given.to_path_buf(),
            what,
        });
    }
    if keep_existing {
        // Creating only: whatever is there (a file, a device, a FIFO) stays.
        return Err(OutputError::Exists {
            path: given.to_path_buf(),
        });
    }
    if kind.is_char_device() || kind.is_fifo() {
        return Ok(Destination::Stream(path));
    }
    refuse_protected(given, &path, protected)?;
    // The user must be allowed to write the file itself, not only its folder: a rename
    // would replace a file they may only read.
    may_write(given, &path)?;
    may_write_folder(given, &path)?;
    Ok(Destination::File {
        path,
        existing: Some(Owner {
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
        }),
    })
}

fn new_file(
    given: &Path,
    path: PathBuf,
    protected: &[Protected],
) -> Result<Destination, OutputError> {
    let folder = folder_of(&path);
    match fs::metadata(&folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(OutputError::NoFolder {
                path: given.to_path_buf(),
                folder,
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(OutputError::NoFolder {
                path: given.to_path_buf(),
                folder,
            });
        }
        Err(e) => return Err(unreachable(given, e)),
    }
    refuse_protected(given, &path, protected)?;
    may_write_folder(given, &path)?;
    Ok(Destination::File {
        path,
        existing: None,
    })
}

fn is_stdout(path: &Path) -> bool {
    matches!(
        path.to_string_lossy().as_ref(),
        "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1"
    )
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
fn is_descriptor(path: &Path) -> bool {
    let text = path.to_string_lossy();
    matches!(text.as_ref(), "/dev/stdout" | "/dev/stderr")
        || ["/dev/fd/", "/proc/self/fd/"].iter().any(|prefix| {
            text.strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// The path with every symlink on its last component followed (a link to a link to a file
/// gives the file), so a link stays a link and its target is what gets written. A dangling
/// link gives where its target would be.
pub(crate) fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = if target.is_absolute() {
                    target
                } else {
                    folder_of(&path).join(target)
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(
        "too many levels of symbolic links (a loop?)",
    ))
}

/// The folder a file is in; "." for a bare file name.
pub fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn refuse_protected(given: &Path, path: &Path, protected: &[Protected]) -> Result<(), OutputError> {
    match protected.iter().find(|p| same_file(path, &p.path)) {
        Some(hit) => Err(OutputError::Protected {
            path: given.to_path_buf(),
            what: hit.what,
            file: hit.path.clone(),
        }),
        None => Ok(()),
    }
}

/// Whether two paths name one file: the same inode when both exist, else the same place once
/// symlinks and the folders' `..` and links are resolved.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(a), Ok(b)) = (follow_links(a), follow_links(b)) else {
        return false;
    };
    if let (Ok(ma), Ok(mb)) = (fs::metadata(&a), fs::metadata(&b)) {
        return ma.dev() == mb.dev() && ma.ino() == mb.ino();
    }
    matches!((place(&a), place(&b)), (Some(a), Some(b)) if a == b)
}

/// The canonical folder joined with the file name; None when the folder does not exist.
fn place(path: &Path) -> Option<PathBuf> {
    let name = match path.components().next_back()? {
        Component::Normal(name) => name.to_os_string(),
        _ => return None,
    };
    fs::canonicalize(folder_of(path))
        .ok()
        .map(|folder| folder.join(name))
}

/// access(2) with the effective ids: asks without writing anything.
fn may_write(given: &Path, path: &Path) -> Result<(), OutputError> {
    rustix::fs::accessat(CWD, path, Access::WRITE_OK, AtFlags::EACCESS).map_err(|e| {
        let e = io::Error::from(e);
        match e.kind() {
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                OutputError::NotWritable {
                    path: given.to_path_buf(),
                    detail: "you may not write this file".into(),
                }
            }
            _ => io_error(given, e),
        }
    })
}

/// The temporary file is made beside the target, so its folder must be writable too.
fn may_write_folder(given: &Path, path: &Path) -> Result<(), OutputError> {
    let folder = folder_of(path);
    rustix::fs::accessat(
        CWD,
        &folder,
        Access::WRITE_OK | Access::EXEC_OK,
        AtFlags::EACCESS,
    )
    .map_err(|e| {
        let e = io::Error::from(e);
        match e.kind() {
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                OutputError::NotWritable {
                    path: given.to_path_buf(),
                    detail: format!(
                        "its folder {} is not writable, and the file is replaced through a new \
                         file beside it",
                        folder.display()
                    ),
                }
            }
            _ => io_error(given, e),
        }
    })
}

pub(crate) fn io_error(path: &Path, source: io::Error) -> OutputError {
    OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}
