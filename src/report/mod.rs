//! Snapshot reports.
