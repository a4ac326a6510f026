//! The derived-history cache through the binary (docs/ARCHITECTURE.md#the-derived-history-cache):
//! a report on a store read again from `history.db.derived` is byte for byte the report
//! derived from the store; after another process changed the store (`flowdeck ingest`), or
//! with the file damaged, the report is the one derived from the store as it is now. (The
//! events source syncs nothing here: its round stores only its status, which leaves the
//! store's generation as it was.)

use std::path::Path;

use super::events::{home, run, scenario};

fn report(home: &Path, config: &Path) -> Vec<u8> {
    let output = run(
        home,
        config,
        &[
            "report",
            "--format",
            "json",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-06",
        ],
        None,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The report with no cache to read (and the one it writes removed again).
fn derived_report(home: &Path, config: &Path, cache: &Path) -> Vec<u8> {
    let _ = std::fs::remove_file(cache);
    let out = report(home, config);
    let _ = std::fs::remove_file(cache);
    out
}

fn ingest(home: &Path, config: &Path, text: &str) {
    let output = run(home, config, &["ingest", "-"], Some(text.as_bytes()));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_cached_report_is_the_derived_report_and_a_change_by_another_process_is_seen() {
    let (dir, config) = home();
    let cache = dir.path().join("history.db.derived");
    ingest(dir.path(), &config, &scenario());
    let derived = derived_report(dir.path(), &config, &cache);

    let first = report(dir.path(), &config);
    assert!(cache.exists(), "no cache beside the store");
    let warm = report(dir.path(), &config);
    assert_eq!(
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&derived)
    );
    assert_eq!(
        String::from_utf8_lossy(&warm),
        String::from_utf8_lossy(&derived)
    );

    // Another process removes a deployment and resolves the incident later.
    ingest(
        dir.path(),
        &config,
        concat!(
            r#"{"type":"incident","id":"i1","services":["api"],"title":"5xx on checkout","started_at":"2026-03-04T11:00:00Z","resolved_at":"2026-03-04T13:00:00Z"}"#,
            "\n",
            r#"{"type":"deployment","id":"d2","deleted":true}"#,
            "\n"
        ),
    );
    let changed = report(dir.path(), &config);
    assert_ne!(changed, derived, "the change is not in the report");
    assert_eq!(
        String::from_utf8_lossy(&changed),
        String::from_utf8_lossy(&derived_report(dir.path(), &config, &cache))
    );

    // A damaged cache is derived around, and a report reads the one written again.
    let expected = changed;
    report(dir.path(), &config);
    let good = std::fs::read(&cache).unwrap();
    for damaged in [Vec::new(), good[..good.len() / 3].to_vec(), vec![b'x'; 100]] {
        std::fs::write(&cache, &damaged).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&report(dir.path(), &config)),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(
            String::from_utf8_lossy(&report(dir.path(), &config)),
            String::from_utf8_lossy(&expected)
        );
    }
}

#[test]
fn a_report_never_writes_its_output_over_the_cache() {
    let (dir, config) = home();
    ingest(dir.path(), &config, &scenario());
    report(dir.path(), &config);
    let cache = dir.path().join("history.db.derived");
    let before = std::fs::read(&cache).unwrap();
    let output = run(
        dir.path(),
        &config,
        &["report", "-o", cache.to_str().unwrap()],
        None,
    );
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("the history store"), "{said}");
    assert_eq!(std::fs::read(&cache).unwrap(), before);
}
