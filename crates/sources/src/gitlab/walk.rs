//! Lists read newest-updated first, from a first page whose URL never changes, down to a
//! cursor: the newest `updated_at` seen last time, with the items seen at that instant.
//!
//! Why no `updated_after` in the URL: the first page's URL stays the same from poll to poll, so
//! the HTTP layer's If-None-Match gets a 304 whenever nothing in the list changed (any update
//! moves an item to the top of page 1). A URL carrying the watermark would change after every
//! change and cost one full answer more. Items updated while a walk pages on move to page 1 and
//! are caught by the next poll; offset paging can then show an item twice, never skip one.

use chrono::SecondsFormat;
use url::Url;

use super::api::{Api, MAX_PAGES};
use super::payload::Updated;
use crate::SourceError;
use flowdeck_core::model::Timestamp;

/// Where the last walk of a list stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cursor {
    /// The newest `updated_at` processed.
    pub at: Timestamp,
    /// Items processed with exactly that `updated_at` (another may share the millisecond).
    pub keys: Vec<u64>,
}

impl Cursor {
    /// "2026-03-02T10:00:00.000Z 17,18"; None for anything else (a damaged watermark is a
    /// missing one: the list is read again from the backfill horizon).
    pub(super) fn parse(text: &str) -> Option<Cursor> {
        let (at, keys) = text.split_once(' ').unwrap_or((text, ""));
        let at = chrono::DateTime::parse_from_rfc3339(at).ok()?.to_utc();
        let keys = keys
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| k.parse().ok())
            .collect::<Option<Vec<u64>>>()?;
        Some(Cursor { at, keys })
    }

    pub(super) fn encode(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(u64::to_string).collect();
        format!(
            "{} {}",
            self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            keys.join(",")
        )
    }

    /// Not processed by an earlier walk.
    pub(super) fn is_new<T: Updated>(&self, item: &T) -> bool {
        item.updated_at() > self.at
            || (item.updated_at() == self.at && !self.keys.contains(&item.key()))
    }

    /// The cursor after a walk that saw `items` (all of them processed).
    pub(super) fn advance<T: Updated>(previous: Option<&Cursor>, items: &[T]) -> Option<Cursor> {
        let newest = items.iter().map(Updated::updated_at).max();
        let at = match (previous, newest) {
            (Some(p), Some(n)) => p.at.max(n),
            (Some(p), None) => p.at,
            (None, Some(n)) => n,
            (None, None) => return None,
        };
        let mut keys: Vec<u64> = items
            .iter()
            .filter(|i| i.updated_at() == at)
            .map(Updated::key)
            .collect();
        if let Some(p) = previous.filter(|p| p.at == at) {
            keys.extend(&p.keys);
        }
        keys.sort_unstable();
        keys.dedup();
        Some(Cursor { at, keys })
    }
}

/// What a walk read.
#[derive(Debug)]
pub(super) struct Walk<T> {
    /// Every item on the pages read, newest-updated first (callers keep the new ones).
    pub items: Vec<T>,
    /// The first page answered 304 (for logs: its items are still read).
    pub unchanged: bool,
}

/// Reads pages from `first` until `done` says an item is old enough (the rest of that page is
/// still returned) or the list ends.
pub(super) async fn walk<T: Updated + serde::de::DeserializeOwned>(
    api: &Api,
    first: Url,
    mut done: impl FnMut(&T) -> bool,
    what: &str,
) -> Result<Walk<T>, SourceError> {
    let mut items = Vec::new();
    let mut next = Some(first);
    let mut pages = 0;
    let mut unchanged = false;
    while let Some(url) = next {
        let page = api.get::<Vec<T>>(url, what).await?;
        pages += 1;
        // A 304 is not taken as "nothing new": the cached page may come from a sync that failed
        // before committing, whose items the cursor does not cover yet. Its body is read like a
        // fresh one; in the common case its second item is already older than the cursor.
        unchanged = pages == 1 && page.not_modified;
        let mut stop = false;
        for item in page.body {
            stop |= done(&item);
            items.push(item);
        }
        next = page.next.filter(|_| !stop && pages < MAX_PAGES);
    }
    Ok(Walk { items, unchanged })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(Timestamp, u64);
    impl Updated for Item {
        fn updated_at(&self) -> Timestamp {
            self.0
        }
        fn key(&self) -> u64 {
            self.1
        }
    }

    fn at(s: &str) -> Timestamp {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn cursors_round_trip_and_reject_damage() {
        let cursor = Cursor {
            at: at("2026-03-02T10:00:00.123Z"),
            keys: vec![17, 18],
        };
        assert_eq!(cursor.encode(), "2026-03-02T10:00:00.123Z 17,18");
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        assert_eq!(
            Cursor::parse("2026-03-02T10:00:00.000Z ").map(|c| c.keys),
            Some(vec![])
        );
        assert_eq!(Cursor::parse("yesterday"), None);
        assert_eq!(Cursor::parse("2026-03-02T10:00:00.000Z x"), None);
    }

    #[test]
    fn items_at_the_cursor_instant_are_new_unless_seen() {
        let cursor = Cursor {
            at: at("2026-03-02T10:00:00Z"),
            keys: vec![1],
        };
        assert!(!cursor.is_new(&Item(at("2026-03-02T10:00:00Z"), 1)));
        assert!(cursor.is_new(&Item(at("2026-03-02T10:00:00Z"), 2)));
        assert!(cursor.is_new(&Item(at("2026-03-02T10:00:01Z"), 1)));
        assert!(!cursor.is_new(&Item(at("2026-03-02T09:59:59Z"), 3)));
    }

    #[test]
    fn advancing_keeps_every_key_at_the_newest_instant() {
        let cursor = Cursor {
            at: at("2026-03-02T10:00:00Z"),
            keys: vec![1],
        };
        let items = [
            Item(at("2026-03-02T10:00:00Z"), 2),
            Item(at("2026-03-02T09:00:00Z"), 3),
        ];
        assert_eq!(
            Cursor::advance(Some(&cursor), &items).map(|c| c.keys),
            Some(vec![1, 2])
        );
        let newer = [Item(at("2026-03-03T00:00:00Z"), 9)];
        assert_eq!(
            Cursor::advance(Some(&cursor), &newer),
            Some(Cursor {
                at: at("2026-03-03T00:00:00Z"),
                keys: vec![9]
            })
        );
        assert_eq!(Cursor::advance::<Item>(None, &[]), None);
    }
}
