//! Untrusted text from sources.
