//! The leases collectors sharing a PostgreSQL store split the sources with
//! (docs/ARCHITECTURE.md#collectors-that-fail-over), against a real server: one holder at a
//! time, taken over only once expired, the generation growing at every change of holder, and
//! every write fenced by it in the same transaction — a holder that lost its lease (paused
//! past it) stores nothing, events, watermarks and status alike. A SQLite store takes none.

use crate::support::{postgres_server, store_sample};

use std::time::Duration;

use flowdeck::store::postgres::ConnectOptions;
use flowdeck::store::{Lease, Leases, Member, PostgresStore, SqliteStore, Store, StoreError};
use postgres_server::Postgres;
use store_sample::*;

macro_rules! server {
    () => {
        if postgres_server::available() {
            Postgres::start()
        } else {
            return;
        }
    };
}

const SOURCE: &str = "github:acme/api";

fn member(name: &str) -> Member {
    Member {
        name: name.into(),
        token: format!("{name}/token"),
    }
}

fn open(pg: &Postgres, db: &str) -> PostgresStore {
    PostgresStore::connect(&pg.url(db), &ConnectOptions::default()).unwrap()
}

fn leases(store: &PostgresStore) -> &dyn Leases {
    store.leases().expect("a PostgreSQL store takes leases")
}

#[test]
fn one_holder_at_a_time_and_a_takeover_only_after_expiry() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let (a, b) = (open(&pg, &db), open(&pg, &db));
    let (me_a, me_b) = (member("a"), member("b"));
    let ttl = Duration::from_millis(600);
    let first = leases(&a).acquire(&me_a, SOURCE, ttl).unwrap().unwrap();
    assert_eq!(first.generation, 1);
    // Held: b cannot take it; a taking it again keeps the generation.
    assert_eq!(leases(&b).acquire(&me_b, SOURCE, ttl).unwrap(), None);
    assert_eq!(
        leases(&a).acquire(&me_a, SOURCE, ttl).unwrap(),
        Some(first.clone())
    );
    assert!(leases(&a).renew(&me_a, &first, ttl).unwrap());
    // Not renewed past its time to live: b takes it, with the next generation.
    std::thread::sleep(ttl + Duration::from_millis(200));
    let second = leases(&b).acquire(&me_b, SOURCE, ttl).unwrap().unwrap();
    assert_eq!(second.generation, 2);
    assert!(!leases(&a).renew(&me_a, &first, ttl).unwrap());
    let holders = leases(&a).holders().unwrap();
    assert_eq!(holders.len(), 1);
    assert_eq!(holders[0].collector, "b");
    assert!(holders[0].expires_in.is_some());
    // Given back: free at once, and the holder list says it ran out.
    leases(&b).release(&me_b, &second).unwrap();
    assert_eq!(leases(&a).holders().unwrap()[0].expires_in, None);
    let third = leases(&a).acquire(&me_a, SOURCE, ttl).unwrap().unwrap();
    assert_eq!(third.generation, 3);
}

#[test]
fn a_holder_that_lost_its_lease_stores_nothing() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let (paused, taker) = (open(&pg, &db), open(&pg, &db));
    let (me_paused, me_taker) = (member("paused"), member("taker"));
    let ttl = Duration::from_millis(300);
    let old = leases(&paused)
        .acquire(&me_paused, SOURCE, ttl)
        .unwrap()
        .unwrap();
    let marks = vec![("cursor".to_string(), "1".to_string())];
    leases(&paused)
        .commit_held(&old, &sample(), &[], &marks, Some(&status(SOURCE, "ok")))
        .unwrap();
    // Paused past its lease: the other takes the source and moves the watermark on.
    std::thread::sleep(ttl + Duration::from_millis(200));
    let new = leases(&taker)
        .acquire(&me_taker, SOURCE, ttl)
        .unwrap()
        .unwrap();
    let newer = vec![("cursor".to_string(), "2".to_string())];
    leases(&taker)
        .commit_held(
            &new,
            &Default::default(),
            &[],
            &newer,
            Some(&status(SOURCE, "ok")),
        )
        .unwrap();
    let before = pg.psql(
        &db,
        "SELECT count(*), max(revision) FROM flowdeck.events; SELECT status FROM flowdeck.statuses",
    );
    // Awake again: neither its sync nor its failure is stored, and it is told who holds it.
    let mut changed = sample();
    changed.deployments[0].environment = "staging".into();
    let stale_marks = vec![("cursor".to_string(), "1".to_string())];
    for status in [status(SOURCE, "ok"), status(SOURCE, "stale")] {
        match leases(&paused).commit_held(&old, &changed, &[], &stale_marks, Some(&status)) {
            Err(StoreError::LeaseLost { name, holder }) => {
                assert_eq!((name.as_str(), holder.as_str()), (SOURCE, "taker"));
            }
            other => panic!("expected LeaseLost, got {other:?}"),
        }
    }
    assert_eq!(
        paused.watermark(SOURCE, "cursor").unwrap().as_deref(),
        Some("2")
    );
    assert_eq!(
        pg.psql(
            &db,
            "SELECT count(*), max(revision) FROM flowdeck.events; SELECT status FROM flowdeck.statuses"
        ),
        before
    );
    let error = StoreError::LeaseLost {
        name: SOURCE.into(),
        holder: "taker".into(),
    };
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("was not stored"), "{error}");
}

#[test]
fn a_takeover_waits_for_a_write_in_progress() {
    // The fence locks the lease row until the write commits: a collector taking the source
    // meanwhile waits, then reads the watermarks the write left.
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let (holder, taker) = (open(&pg, &db), open(&pg, &db));
    let ttl = Duration::from_millis(200);
    let lease = leases(&holder)
        .acquire(&member("holder"), SOURCE, ttl)
        .unwrap()
        .unwrap();
    std::thread::sleep(ttl + Duration::from_millis(100));
    // Expired but not yet taken: the old holder's write is still its own and is stored.
    let marks = vec![("cursor".to_string(), "9".to_string())];
    leases(&holder)
        .commit_held(&lease, &sample(), &[], &marks, Some(&status(SOURCE, "ok")))
        .unwrap();
    let taken: Lease = leases(&taker)
        .acquire(&member("taker"), SOURCE, ttl)
        .unwrap()
        .unwrap();
    assert_eq!(taken.generation, lease.generation + 1);
    assert_eq!(
        taker.watermark(SOURCE, "cursor").unwrap().as_deref(),
        Some("9")
    );
}

#[test]
fn members_alive_are_listed_and_a_member_leaving_gives_its_leases_back() {
    let pg = server!();
    let db = pg.create_database("flowdeck");
    let store = open(&pg, &db);
    let (a, b) = (member("a"), member("b"));
    let ttl = Duration::from_secs(30);
    leases(&store).heartbeat(&a, ttl).unwrap();
    let alive = leases(&store).heartbeat(&b, ttl).unwrap();
    assert_eq!(alive, vec!["a/token".to_string(), "b/token".to_string()]);
    // The server process of each member's connection is recorded (pg_terminate_backend).
    assert_eq!(
        pg.psql(&db, "SELECT count(backend_pid) FROM flowdeck.collectors"),
        "2"
    );
    leases(&store).acquire(&a, SOURCE, ttl).unwrap().unwrap();
    leases(&store).leave(&a).unwrap();
    assert_eq!(
        leases(&store).heartbeat(&b, ttl).unwrap(),
        vec!["b/token".to_string()]
    );
    assert!(leases(&store).acquire(&b, SOURCE, ttl).unwrap().is_some());
}

#[test]
fn a_sqlite_store_has_one_collector_and_takes_no_leases() {
    let store = SqliteStore::in_memory().unwrap();
    assert!(store.leases().is_none());
}
