//! Built-in, deterministic demo data. (Stub until the demo data lands.)

use crate::model::{EventSet, Timestamp};

pub fn generate(now: Timestamp) -> EventSet {
    let _ = now;
    EventSet::default()
}

/// How many days back the demo history reaches (complete from then on).
pub const HISTORY_DAYS: i64 = 90;
