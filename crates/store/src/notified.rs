//! The SQL of the `notifications` table, the same in both stores (`?N` placeholders, which
//! the PostgreSQL store turns into `$N`).

/// Every row.
pub(crate) const SELECT: &str = "SELECT kind, item, state FROM notifications";

/// A first notification of an item: nothing when another process recorded one first.
pub(crate) const INSERT: &str = "INSERT INTO notifications (kind, item, state, sent_at)
     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, item) DO NOTHING";

/// A change of state, only from the state the caller saw.
pub(crate) const UPDATE: &str = "UPDATE notifications SET state = ?3, sent_at = ?4
     WHERE kind = ?1 AND item = ?2 AND state = ?5";

/// `sql` for PostgreSQL: the table in the `flowdeck` schema, `$N` placeholders.
pub(crate) fn for_postgres(sql: &str) -> String {
    let mut out = sql.replace("notifications", "flowdeck.notifications");
    for n in 1..=5 {
        out = out.replace(&format!("?{n}"), &format!("${n}"));
    }
    out
}
