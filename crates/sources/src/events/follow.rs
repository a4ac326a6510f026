//! Following one file of events from where the last poll stopped.
//!
//! What is remembered per file (watermark `file:<path>`, JSON): the file's identity (device and
//! inode), the byte offset after the last whole line read, and that line's number. A poll
//! reads from the offset to the last complete line (a line still being written waits for the
//! next poll). A file that is now shorter than the offset, or another file under the same
//! name (renamed over it), is read again from the start: upserts by key make reading a line
//! twice harmless. A `.gz` file cannot be read from the middle: it is read whole whenever its
//! size or modification time changes.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::input;

/// Most bytes one poll reads from one file; the rest waits for the next poll.
pub const MAX_BYTES_PER_POLL: u64 = 256 << 20;

/// Where a file was left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub device: u64,
    pub inode: u64,
    /// Bytes read (of a `.gz` file: its compressed size when it was read).
    pub offset: u64,
    /// Lines read before `offset`.
    pub line: u64,
    /// A `.gz` file's modification time (Unix nanoseconds) when it was read.
    #[serde(default)]
    pub modified: i128,
}

/// What was read from one file this poll.
pub struct Chunk {
    /// The new lines, whole (ending in `\n`); empty when nothing is new.
    pub bytes: Vec<u8>,
    /// The number of the first line in `bytes`.
    pub first_line: u64,
    /// Where the file is left once `bytes` is stored.
    pub next: Position,
}

/// Reads what is new in `path` since `last`.
pub fn read_new(path: &Path, last: Option<&Position>) -> Result<Chunk, String> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    let (device, inode) = identity(&meta);
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    let same = last.filter(|p| p.device == device && p.inode == inode);
    if input::is_gzip(path) {
        if same.is_some_and(|p| p.offset == meta.len() && p.modified == modified) {
            return Ok(unchanged(last));
        }
        let mut bytes = Vec::new();
        input::reader(file, true)
            .take(MAX_BYTES_PER_POLL * 4)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{shown}: cannot decompress it: {e}"))?;
        return Ok(Chunk {
            bytes,
            first_line: 1,
            next: Position {
                device,
                inode,
                offset: meta.len(),
                line: 0,
                modified,
            },
        });
    }
    // Same file, not shorter: go on from the offset; else from the start.
    let start = match same {
        Some(p) if p.offset <= meta.len() => p.clone(),
        _ => Position {
            device,
            inode,
            ..Position::default()
        },
    };
    if start.offset == meta.len() {
        return Ok(Chunk {
            bytes: Vec::new(),
            first_line: start.line + 1,
            next: start,
        });
    }
    file.seek(SeekFrom::Start(start.offset))
        .map_err(|e| format!("{shown}: {e}"))?;
    let mut bytes = Vec::new();
    std::io::BufReader::new(file)
        .take(MAX_BYTES_PER_POLL)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: {e}"))?;
    // Only whole lines: a line still being appended waits for the next poll.
    let whole = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    bytes.truncate(whole);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    Ok(Chunk {
        first_line: start.line + 1,
        next: Position {
            offset: start.offset + whole as u64,
            line: start.line + lines,
            ..start
        },
        bytes,
    })
}

fn unchanged(last: Option<&Position>) -> Chunk {
    let next = last.cloned().unwrap_or_default();
    Chunk {
        bytes: Vec::new(),
        first_line: next.line + 1,
        next,
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}
