//! The snapshot: everything one screen or report shows.
