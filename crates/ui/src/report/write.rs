//! Writing a report file: through a temporary file in the same folder, renamed into place, so a
//! failure never leaves a half-written report where the old one was.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// Like `write_atomically`, with the content streamed by `fill` (buffered; flushed here). The
/// writer's type is concrete: JSON is written in millions of small pieces, each a call.
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    File::create(&temp)
        .and_then(|file| {
            let mut out = BufWriter::with_capacity(1 << 16, file);
            fill(&mut out)?;
            out.flush()
        })
        .and_then(|()| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
}
