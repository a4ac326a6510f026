//! The JSON report: the snapshot's serde form, pretty-printed, with a trailing newline.

use super::ReportError;
use crate::snapshot::Snapshot;

pub fn render(snapshot: &Snapshot) -> Result<String, ReportError> {
    let mut text =
        serde_json::to_string_pretty(snapshot).map_err(|e| ReportError::Encode(e.to_string()))?;
    text.push('\n');
    Ok(text)
}
