//! The JSON report: the snapshot's serde form, pretty-printed, with a trailing newline.

use std::io::Write;

use super::ReportError;
use crate::snapshot::Snapshot;

/// Bytes a pretty-printed deployment row takes, about (the rows are most of a big report).
const BYTES_PER_DEPLOYMENT: usize = 600;

/// The report as a string (tests, the dashboard's export).
pub fn render(snapshot: &Snapshot) -> Result<String, ReportError> {
    // Sized up front: a report listing half a million deployments is hundreds of megabytes, and
    // growing the buffer by doubling would copy it over and over.
    let estimate = 64 * 1024
        + BYTES_PER_DEPLOYMENT * snapshot.deployments.len()
        + 1024 * (snapshot.incidents.len() + snapshot.services.len() + snapshot.teams.len());
    let mut bytes = Vec::with_capacity(estimate);
    write(snapshot, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| ReportError::Encode(e.to_string()))
}

/// The report streamed to `out`, so a big one is never held in memory twice. Generic, not
/// `dyn Write`: serde writes a pretty report in tens of millions of small pieces.
pub(crate) fn write<W: Write>(snapshot: &Snapshot, mut out: W) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut out, snapshot).map_err(|e| {
        if e.is_io() {
            ReportError::Io(e.into())
        } else {
            ReportError::Encode(e.to_string())
        }
    })?;
    out.write_all(b"\n")?;
    Ok(())
}
