//! Built-in, deterministic demo data.
