//! The embedded SQLite store. (Written on branch helper/store.)
