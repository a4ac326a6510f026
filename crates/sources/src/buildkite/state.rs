//! What the Buildkite source remembers between syncs, per pipeline it reads:
//!
//! | key | value |
//! |---|---|
//! | `pipeline.<slug>.finished_from` | the latest `finished_at` seen: the next sync lists the builds finished since (inclusive, so a build finishing in the same second is not lost; the one read again is stored once, by id) |
//! | `backfill.from` | the first sync's horizon (the scaffold's) |

use crate::SourceError;
use crate::polled::{Watermarks, format_time};
use flowdeck_core::model::Timestamp;

fn key(pipeline: &str) -> String {
    format!("pipeline.{pipeline}.finished_from")
}

pub(super) fn finished_from(
    marks: &Watermarks,
    pipeline: &str,
) -> Result<Option<Timestamp>, SourceError> {
    marks.timestamp(&key(pipeline))
}

pub(super) fn remember(marks: &mut Watermarks, pipeline: &str, at: Timestamp) {
    marks.set(key(pipeline), format_time(at));
}
