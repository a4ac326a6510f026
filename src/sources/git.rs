//! The local git source.
