//! Folding new events into a derived history (see `History::apply`).
