//! The JSON report: the snapshot's serde form, pretty-printed, with a trailing newline.

use super::ReportError;
use crate::snapshot::Snapshot;

/// Bytes a pretty-printed deployment row takes, about (the rows are most of a big report).
const BYTES_PER_DEPLOYMENT: usize = 600;

pub fn render(snapshot: &Snapshot) -> Result<String, ReportError> {
    // Sized up front: a report listing half a million deployments is hundreds of megabytes, and
    // growing the buffer by doubling would copy it over and over.
    let estimate = 64 * 1024
        + BYTES_PER_DEPLOYMENT * snapshot.deployments.len()
        + 1024 * (snapshot.incidents.len() + snapshot.services.len() + snapshot.teams.len());
    let mut bytes = Vec::with_capacity(estimate);
    serde_json::to_writer_pretty(&mut bytes, snapshot)
        .map_err(|e| ReportError::Encode(e.to_string()))?;
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(|e| ReportError::Encode(e.to_string()))
}
