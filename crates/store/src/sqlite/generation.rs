//! The store's generation (schema version 3, see `migrations`): bumped in the transaction of
//! every commit that changed events, read in the same snapshot as the events it describes.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::errors::{Phase, mapper};
use super::migrations;
use crate::{Generation, StoreError};

/// Marks the events changed: a new counter and a new random token. Inside the caller's
/// transaction, so the new generation is committed with the change or not at all.
pub(crate) fn bump(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE generation SET counter = counter + 1, token = randomblob(16) WHERE id = 1",
    )
    .and_then(|mut stmt| stmt.execute([]))
    .map(|_| ())
    .map_err(mapper(path, Phase::Use, "recording a new generation"))
}

/// The generation as `conn` sees it now (inside a read transaction: the snapshot the events
/// are read from). None when the row is missing or the schema is not the one this build writes:
/// then nothing derived from it is trusted.
pub(crate) fn read(conn: &Connection, path: &Path) -> Result<Option<Generation>, StoreError> {
    let schema = migrations::user_version(conn, path)?;
    if schema != migrations::LATEST {
        return Ok(None);
    }
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT counter, token FROM generation WHERE id = 1")
        .and_then(|mut stmt| {
            stmt.query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .map_err(mapper(path, Phase::Use, "reading the generation"))?;
    Ok(row
        .filter(|(_, token)| token.len() == 16)
        .map(|(counter, token)| Generation {
            schema,
            counter,
            token,
        }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::SqliteStore;
    use crate::{Store, StoredStatus};
    use flowdeck_core::events::EventKey;
    use flowdeck_core::model::{EventKind, EventSet, Service};

    fn services(names: &[(&str, Option<&str>)]) -> EventSet {
        EventSet {
            services: names
                .iter()
                .map(|(name, team)| Service {
                    name: name.to_string(),
                    team: team.map(str::to_string),
                })
                .collect(),
            ..EventSet::default()
        }
    }

    fn status() -> StoredStatus {
        StoredStatus {
            name: "s".into(),
            kind: "github".into(),
            status: "ok".into(),
            last_success_at: None,
            error: None,
            covers_from: None,
            next_retry_at: None,
        }
    }

    fn generation(store: &SqliteStore) -> Vec<u8> {
        store.generation().unwrap().unwrap().stamp()
    }

    #[test]
    fn every_commit_that_changes_events_and_only_those_moves_the_generation() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("h.sqlite")).unwrap();
        let mut seen = vec![generation(&store)];
        let mut moved = |store: &SqliteStore, expected: bool, what: &str| {
            let now = generation(store);
            assert_eq!(!seen.contains(&now), expected, "{what}");
            seen.push(now);
        };
        store
            .commit_sync("s", &services(&[("api", None)]), &[], &status())
            .unwrap();
        moved(&store, true, "an insert");
        store
            .commit_sync("s", &services(&[("api", None)]), &[], &status())
            .unwrap();
        moved(&store, false, "the same event again");
        store
            .commit_sync("s", &services(&[("api", Some("core"))]), &[], &status())
            .unwrap();
        moved(&store, true, "an update");
        store.put_status(&status()).unwrap();
        store
            .commit_sync(
                "s",
                &EventSet::default(),
                &[("k".into(), "v".into())],
                &status(),
            )
            .unwrap();
        moved(&store, false, "a status and watermarks");
        let gone = EventKey {
            kind: EventKind::Service,
            id: "nothing".into(),
        };
        store
            .commit_batch("s", &EventSet::default(), &[gone], &[], None)
            .unwrap();
        moved(&store, false, "removing what is not there");
        let api = EventKey {
            kind: EventKind::Service,
            id: "api".into(),
        };
        store
            .commit_batch("s", &EventSet::default(), &[api], &[], None)
            .unwrap();
        moved(&store, true, "a removal");
    }

    #[test]
    fn a_commit_by_another_connection_is_seen_and_the_stamped_load_matches_its_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite");
        let reader = SqliteStore::open(&path).unwrap();
        let writer = SqliteStore::open(&path).unwrap();
        let before = generation(&reader);
        writer
            .commit_sync("s", &services(&[("web", None)]), &[], &status())
            .unwrap();
        let after = generation(&reader);
        assert_ne!(before, after);
        let (events, stamped) = reader.load_stamped().unwrap();
        assert_eq!(stamped.unwrap().stamp(), after);
        assert_eq!(events.services.len(), 1);
    }

    #[test]
    fn a_store_migrated_from_version_two_gets_a_generation_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.sqlite");
        {
            let conn = rusqlite::Connection::open(&old).unwrap();
            conn.pragma_update(None, "application_id", super::migrations::APPLICATION_ID)
                .unwrap();
            for sql in &super::migrations::MIGRATIONS[..2] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(&old, &copy).unwrap();
        let a = SqliteStore::open(&old)
            .unwrap()
            .generation()
            .unwrap()
            .unwrap();
        let b = SqliteStore::open(&copy)
            .unwrap()
            .generation()
            .unwrap()
            .unwrap();
        assert_eq!(a.schema, super::migrations::LATEST);
        // Two copies of one old store migrated apart never share a generation.
        assert_ne!(a.token, b.token);
    }

    #[test]
    fn a_store_without_its_generation_row_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("h.sqlite")).unwrap();
        store.conn().execute("DELETE FROM generation", []).unwrap();
        assert_eq!(store.generation().unwrap(), None);
        // A commit still works, and still has no generation to show.
        store
            .commit_sync("s", &services(&[("api", None)]), &[], &status())
            .unwrap();
        assert_eq!(store.load_stamped().unwrap().1, None);
        assert!(store.derived_cache_path().is_some());
        assert!(
            SqliteStore::in_memory()
                .unwrap()
                .derived_cache_path()
                .is_none()
        );
    }
}
