//! The derived-history cache beside a store file: one file holding bytes derived from the
//! store (the binary writes a `History` in the core's compact form), under a key the caller
//! builds from the store's [`Generation`](crate::Generation) and whatever else the bytes
//! depend on (see docs/ARCHITECTURE.md#the-derived-history-cache).
//!
//! The file is only ever a shortcut: reading it gives the bytes back only when its magic,
//! format, key, length and checksum all match; anything else (missing, truncated, damaged,
//! another format, another store's or another state's key) reads as "nothing cached", and the
//! caller derives again and replaces it. It is written whole to a temporary file and renamed
//! over the old one, so a reader sees the old file or the new one, never a mix; and it is
//! bounded: bytes over [`MAX_BYTES`] are not kept.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"FDDERIV\n";

/// The layout of the file (not of the bytes in it: the key says what made those).
const FORMAT: u32 = 1;

/// The largest key read back: a longer one is damage, not a key.
const MAX_KEY: u64 = 1 << 20;

/// The most bytes kept: a larger derived history is derived at every start instead.
pub const MAX_BYTES: u64 = 2 << 30;

/// A temporary file this old is what an interrupted writer left: removed by the next write.
const ABANDONED: Duration = Duration::from_secs(15 * 60);

/// One cache file.
#[derive(Debug, Clone)]
pub struct DerivedCache {
    path: PathBuf,
}

/// Why a cache file could not be written (never a reason to fail a command: the history was
/// derived anyway).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{bytes} bytes are more than the cache keeps ({MAX_BYTES})")]
    TooLarge { bytes: u64 },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DerivedCache {
    pub fn at(path: impl Into<PathBuf>) -> DerivedCache {
        DerivedCache { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes kept under `key`, if the file holds exactly those; None otherwise (the reason
    /// is logged).
    pub fn read(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.try_read(key) {
            Ok(bytes) => Some(bytes),
            Err(why) => {
                tracing::debug!(path = %self.path.display(), %why, "derived history not used");
                None
            }
        }
    }

    fn try_read(&self, key: &[u8]) -> Result<Vec<u8>, String> {
        let mut file = File::open(&self.path).map_err(|e| e.to_string())?;
        let length = file.metadata().map_err(|e| e.to_string())?.len();
        let mut head = [0u8; 8 + 4 + 8];
        file.read_exact(&mut head)
            .map_err(|_| "shorter than its header")?;
        if &head[..8] != MAGIC {
            return Err("not a derived history file".into());
        }
        let format = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
        if format != FORMAT {
            return Err(format!("file format {format}, this build reads {FORMAT}"));
        }
        let key_len = u64::from_le_bytes(head[12..20].try_into().unwrap_or([0xff; 8]));
        if key_len != key.len() as u64 || key_len > MAX_KEY {
            return Err("made for another store, state or build".into());
        }
        let mut stored_key = vec![0u8; key.len()];
        file.read_exact(&mut stored_key)
            .map_err(|_| "shorter than its key")?;
        if stored_key != key {
            return Err("made for another store, state or build".into());
        }
        let mut tail = [0u8; 8 + 4];
        file.read_exact(&mut tail)
            .map_err(|_| "shorter than its header")?;
        let payload_len = u64::from_le_bytes(tail[..8].try_into().unwrap_or([0xff; 8]));
        let crc = u32::from_le_bytes([tail[8], tail[9], tail[10], tail[11]]);
        let header = 20 + key_len + 12;
        if header.checked_add(payload_len) != Some(length) || payload_len > MAX_BYTES {
            return Err("truncated or extended".into());
        }
        let mut payload = vec![0u8; payload_len as usize];
        file.read_exact(&mut payload).map_err(|_| "truncated")?;
        if crc32fast::hash(&payload) != crc {
            return Err("damaged (checksum)".into());
        }
        Ok(payload)
    }

    /// Keeps `payload` under `key`, replacing what the file held. Too large a payload is not
    /// kept, and the old file is removed (it describes an older state anyway).
    pub fn write(&self, key: &[u8], payload: &[u8]) -> Result<(), WriteError> {
        let bytes = payload.len() as u64;
        if bytes > MAX_BYTES || key.len() as u64 > MAX_KEY {
            self.remove();
            return Err(WriteError::TooLarge { bytes });
        }
        self.remove_abandoned();
        let temporary = self.temporary();
        let io = |source| WriteError::Io {
            path: temporary.clone(),
            source,
        };
        let written = (|| -> std::io::Result<()> {
            let mut file = File::create(&temporary)?;
            file.write_all(MAGIC)?;
            file.write_all(&FORMAT.to_le_bytes())?;
            file.write_all(&(key.len() as u64).to_le_bytes())?;
            file.write_all(key)?;
            file.write_all(&bytes.to_le_bytes())?;
            file.write_all(&crc32fast::hash(payload).to_le_bytes())?;
            file.write_all(payload)?;
            file.flush()
        })()
        .and_then(|()| std::fs::rename(&temporary, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(io(e));
        }
        Ok(())
    }

    /// Removes the file (nothing to do if there is none).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    /// This process's temporary file, beside the cache (a rename never crosses file systems).
    fn temporary(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_os_string();
        name.push(format!(".tmp.{}", std::process::id()));
        PathBuf::from(name)
    }

    /// Temporary files of writers that were killed mid-write: removed once old enough that
    /// no writer can still be at work on them.
    fn remove_abandoned(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return;
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let mut prefix = name.to_os_string();
        prefix.push(".tmp.");
        let prefix = prefix.to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            if !file_name.to_string_lossy().starts_with(&prefix) {
                continue;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > ABANDONED);
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests;
