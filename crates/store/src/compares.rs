//! The compares a forge answered for deployments that name only a sha
//! (docs/METRICS.md#deployments-that-name-only-a-sha): one row per (scope, base, head), never
//! changed once written, because the commits between two shas never change. The SQL is the
//! same in both stores (`?N` placeholders, which the PostgreSQL store turns into `$N`).

use serde::{Deserialize, Serialize};

use crate::StoreError;
use flowdeck_core::model::{Change, Timestamp};

/// What a forge said about `base...head` of one repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCompare {
    /// The commits reachable from head and not from base, newest first; None when the forge
    /// could not compare the pair (a sha it does not have: force-pushed away or not pushed
    /// yet; an answer too large to read).
    pub commits: Option<Vec<Change>>,
    /// The forge's word for how head relates to base (GitHub: ahead, behind, diverged,
    /// identical), where it gives one.
    #[serde(default)]
    pub status: Option<String>,
    /// How many commits the forge counted; more than `commits` holds when the listing was cut.
    #[serde(default)]
    pub total_commits: Option<u64>,
    pub fetched_at: Timestamp,
}

impl StoredCompare {
    /// The stored form (the `body` column).
    pub(crate) fn encode(&self) -> Result<String, StoreError> {
        serde_json::to_string(self)
            .map_err(|e| StoreError::Io(format!("a compare could not be encoded: {e}")))
    }

    /// A stored body read back.
    pub(crate) fn decode(body: &str) -> Result<StoredCompare, StoreError> {
        serde_json::from_str(body).map_err(|e| StoreError::Decode(format!("a stored compare: {e}")))
    }
}

/// One compare.
pub(crate) const SELECT: &str =
    "SELECT body FROM compares WHERE scope = ?1 AND base = ?2 AND head = ?3";

/// A compare kept (a pair fetched again, after a day, replaces what was not found).
pub(crate) const UPSERT: &str = "INSERT INTO compares (scope, base, head, body, fetched_at)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (scope, base, head) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at";

/// `sql` for PostgreSQL: the table in the `flowdeck` schema, `$N` placeholders.
pub(crate) fn for_postgres(sql: &str) -> String {
    let mut out = sql.replace("compares", "flowdeck.compares");
    for n in 1..=5 {
        out = out.replace(&format!("?{n}"), &format!("${n}"));
    }
    out
}
