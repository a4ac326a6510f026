//! Opening a file of `flowdeck.events/v1` lines for reading: a regular file (or a pipe, for
//! `flowdeck ingest`), a `.gz` file decompressed as it is read. A directory, a device or a
//! socket is refused before anything is read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

/// Whether `path` names a gzip file (by its name: `.gz`).
pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Opens `path` for reading its lines (decompressed when it is a `.gz` file). Errors name the
/// file and say why.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, String> {
    let file = File::open(path).map_err(|e| format!("{}: cannot open it: {e}", path.display()))?;
    let kind = file
        .metadata()
        .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?
        .file_type();
    if kind.is_dir() {
        return Err(format!(
            "{}: is a directory; name a file of events",
            path.display()
        ));
    }
    if !(kind.is_file() || is_pipe(&kind)) {
        return Err(format!(
            "{}: is not a regular file or a pipe; name a file of events",
            path.display()
        ));
    }
    Ok(reader(file, is_gzip(path)))
}

/// `input` as lines, decompressed when `gzip`.
pub fn reader<R: Read + Send + 'static>(input: R, gzip: bool) -> Box<dyn BufRead + Send> {
    const BUFFER: usize = 256 * 1024;
    if gzip {
        Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(input)))
    } else {
        Box::new(BufReader::with_capacity(BUFFER, input))
    }
}

#[cfg(unix)]
fn is_pipe(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_kind: &std::fs::FileType) -> bool {
    false
}
