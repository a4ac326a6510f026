#![allow(clippy::unwrap_used)]

use super::*;

fn cache() -> (tempfile::TempDir, DerivedCache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = DerivedCache::at(dir.path().join("history.sqlite.derived"));
    (dir, cache)
}

#[test]
fn bytes_kept_under_a_key_read_back_only_under_that_key() {
    let (_dir, cache) = cache();
    assert_eq!(cache.read(b"k1"), None);
    cache.write(b"k1", b"derived bytes").unwrap();
    assert_eq!(cache.read(b"k1").as_deref(), Some(&b"derived bytes"[..]));
    assert_eq!(cache.read(b"k2"), None);
    assert_eq!(cache.read(b"k"), None);
    assert_eq!(cache.read(b""), None);
    cache.write(b"k2", b"").unwrap();
    assert_eq!(cache.read(b"k1"), None);
    assert_eq!(cache.read(b"k2").as_deref(), Some(&b""[..]));
}

#[test]
fn a_damaged_truncated_or_foreign_file_reads_as_nothing() {
    let (_dir, cache) = cache();
    cache.write(b"key", &[7u8; 1000]).unwrap();
    let good = std::fs::read(cache.path()).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated", good[..good.len() - 1].to_vec()),
        ("header only", good[..10].to_vec()),
        ("extended", [good.clone(), vec![0]].concat()),
        ("flipped payload byte", {
            let mut b = good.clone();
            let at = b.len() - 3;
            b[at] ^= 1;
            b
        }),
        ("other format", {
            let mut b = good.clone();
            b[8] = 2;
            b
        }),
        ("huge key length", {
            let mut b = good.clone();
            b[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
        ("huge payload length", {
            let mut b = good.clone();
            let at = 20 + 3;
            b[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
        ("not a cache", b"SQLite format 3\0".to_vec()),
        ("escape sequences", b"\x1b[2J\x1b]0;title\x07".to_vec()),
    ];
    for (what, bytes) in cases {
        std::fs::write(cache.path(), &bytes).unwrap();
        assert_eq!(cache.read(b"key"), None, "{what}");
    }
    std::fs::write(cache.path(), &good).unwrap();
    assert!(cache.read(b"key").is_some());
}

#[test]
fn writing_replaces_whole_and_leaves_no_temporary_file() {
    let (dir, cache) = cache();
    cache.write(b"a", &[1u8; 100]).unwrap();
    cache.write(b"b", &[2u8; 10]).unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["history.sqlite.derived".to_string()]);
    assert_eq!(cache.read(b"b").as_deref(), Some(&[2u8; 10][..]));
}

#[test]
fn an_abandoned_temporary_file_is_removed_and_a_fresh_one_kept() {
    let (dir, cache) = cache();
    let abandoned = dir.path().join("history.sqlite.derived.tmp.1");
    let fresh = dir.path().join("history.sqlite.derived.tmp.2");
    std::fs::write(&abandoned, b"x").unwrap();
    std::fs::write(&fresh, b"x").unwrap();
    let long_ago = SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&abandoned)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    cache.write(b"k", b"v").unwrap();
    assert!(!abandoned.exists());
    assert!(fresh.exists());
}

#[test]
fn a_cache_in_a_folder_that_cannot_be_written_is_an_error_not_a_panic() {
    let cache = DerivedCache::at("/nonexistent-folder/history.sqlite.derived");
    assert!(matches!(
        cache.write(b"k", b"v"),
        Err(WriteError::Io { .. })
    ));
    assert_eq!(cache.read(b"k"), None);
}
