//! The tables and columns of the latest schema, the same in SQLite and PostgreSQL (the
//! PostgreSQL tables mirror SQLite's column for column). A store at the latest version whose
//! tables differ (dropped, altered, made by hand) is refused when opened, instead of failing
//! at the first read or sync.

/// Every table of the latest schema with its columns in order.
pub(crate) const TABLES: &[(&str, &[&str])] = &[
    (
        "events",
        &["kind", "id", "source", "service", "at", "revision", "body"],
    ),
    ("watermarks", &["source", "key", "value"]),
    ("etags", &["url", "etag", "body", "next", "fetched_at"]),
    (
        "statuses",
        &[
            "name",
            "kind",
            "status",
            "last_success_at",
            "error",
            "covers_from",
            "next_retry_at",
        ],
    ),
    ("notifications", &["kind", "item", "state", "sent_at"]),
    ("compares", &["scope", "base", "head", "body", "fetched_at"]),
    (
        "leases",
        &["source", "holder", "collector", "generation", "expires_at"],
    ),
    (
        "collectors",
        &["token", "name", "backend_pid", "expires_at"],
    ),
];

/// What differs between `found` (a table's columns in order, empty when it does not exist)
/// and the latest schema's `table`; None when they match.
pub(crate) fn mismatch(table: &str, expected: &[&str], found: &[String]) -> Option<String> {
    if found.is_empty() {
        return Some(format!("table {table} is missing"));
    }
    if let Some(column) = expected.iter().find(|c| !found.iter().any(|f| f == *c)) {
        return Some(format!("table {table} has no column {column}"));
    }
    if let Some(extra) = found.iter().find(|f| !expected.contains(&f.as_str())) {
        return Some(format!(
            "table {table} has a column {extra} flowdeck does not know"
        ));
    }
    None
}

/// The detail of a refused store: which difference, and that nothing was changed.
pub(crate) fn refusal(version: i64, difference: &str) -> String {
    format!(
        "its tables do not match schema version {version} ({difference}); it was left untouched"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_difference() {
        let found = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(mismatch("w", &["a", "b"], &found(&["a", "b"])), None);
        assert_eq!(
            mismatch("w", &["a", "b"], &[]).as_deref(),
            Some("table w is missing")
        );
        assert_eq!(
            mismatch("w", &["a", "b"], &found(&["a"])).as_deref(),
            Some("table w has no column b")
        );
        assert_eq!(
            mismatch("w", &["a"], &found(&["a", "z"])).as_deref(),
            Some("table w has a column z flowdeck does not know")
        );
    }
}
