//! What the Jenkins source remembers between syncs, per job it reads:
//!
//! | key | value |
//! |---|---|
//! | `job.<path>.settled` | the build number at and below which every build was final at the last sync: the next sync reads down to it |
//! | `backfill.from` | the first sync's horizon (the scaffold's) |

use crate::SourceError;
use crate::polled::Watermarks;

fn key(job: &str) -> String {
    format!("job.{job}.settled")
}

/// The settled build number of `job`; None before its first sync.
pub(super) fn settled(marks: &Watermarks, job: &str) -> Result<Option<u64>, SourceError> {
    marks.read(&key(job), |v| v.parse().ok())
}

pub(super) fn remember(marks: &mut Watermarks, job: &str, settled: u64) {
    marks.set(key(job), settled.to_string());
}
