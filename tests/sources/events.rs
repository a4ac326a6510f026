//! `[[sources]] kind = "events"` following files through the poller, in process: a file that
//! grows (a line still being written waits), one truncated, one replaced by a rename, a `.gz`
//! read whole, a directory and a glob, a removal, and a bad line that fails the poll naming
//! `FILE:LINE` and stores nothing (the offset stays).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use flowdeck::config;
use flowdeck::sources::poller::{self, SyncReport};
use flowdeck::sources::registry;
use flowdeck::store::{SqliteStore, Store};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn line(id: &str) -> String {
    format!(
        r#"{{"type":"deployment","id":"{id}","service":"api","environment":"production","sha":"{SHA}","finished_at":"2026-03-02T10:00:00Z","status":"success","changes":[]}}"#
    ) + "\n"
}

struct Follower {
    store: Arc<dyn Store>,
    sources: Vec<Arc<dyn flowdeck::sources::live::Source>>,
}

impl Follower {
    fn new(dir: &Path, path: &str) -> Follower {
        let text = format!("[[sources]]\nkind = \"events\"\nname = \"file\"\npath = \"{path}\"\n");
        let config = config::parse(&text, &dir.join("flowdeck.toml")).unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
        let http = registry::http_client(store.clone()).unwrap();
        let built = registry::build(&config, dir, &http);
        assert!(built.broken.is_empty(), "{:?}", built.broken);
        Follower {
            store,
            sources: built.sources,
        }
    }

    /// One poll; the error when it failed.
    fn poll(&self) -> Result<(), String> {
        let now = chrono::Utc::now();
        let reports = poller::sync_all_blocking(
            &self.sources,
            &self.store,
            chrono::Duration::days(90),
            now,
            None,
        )
        .unwrap();
        match &reports[0] {
            SyncReport::Synced { .. } => Ok(()),
            SyncReport::Failed { error, .. } => Err(error.clone()),
        }
    }

    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .store
            .load()
            .unwrap()
            .deployments
            .into_iter()
            .map(|d| d.id)
            .collect();
        ids.sort();
        ids
    }
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[test]
fn a_growing_file_is_read_from_where_the_last_poll_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deploys.ndjson");
    let follower = Follower::new(dir.path(), "deploys.ndjson");
    follower.poll().unwrap();
    assert!(follower.ids().is_empty(), "a missing file is no error");
    append(&file, &line("a"));
    // A line still being written (no newline yet) waits for the next poll.
    let half = line("b");
    append(&file, &half[..40]);
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["a"]);
    append(&file, &half[40..]);
    append(&file, &line("c"));
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["a", "b", "c"]);
    // A removal appended.
    append(
        &file,
        "{\"type\":\"deployment\",\"id\":\"a\",\"deleted\":true}\n",
    );
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["b", "c"]);
}

#[test]
fn a_truncated_or_replaced_file_is_read_again_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deploys.ndjson");
    let follower = Follower::new(dir.path(), "deploys.ndjson");
    append(&file, &(line("a") + &line("b")));
    follower.poll().unwrap();
    // Truncated and written again, shorter: read from the start.
    std::fs::write(&file, line("c")).unwrap();
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["a", "b", "c"]);
    // Replaced by a rename, longer than the old offset: read from the start as well.
    let next = dir.path().join("next.tmp");
    std::fs::write(&next, line("d") + &line("e") + &line("f")).unwrap();
    std::fs::rename(&next, &file).unwrap();
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["a", "b", "c", "d", "e", "f"]);
}

#[test]
fn a_bad_line_fails_the_poll_and_stores_nothing_until_it_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deploys.ndjson");
    let follower = Follower::new(dir.path(), "deploys.ndjson");
    append(&file, &line("a"));
    follower.poll().unwrap();
    append(
        &file,
        &(line("b") + "{\"type\":\"deployment\",\"id\":\"x\"}\n"),
    );
    let error = follower.poll().unwrap_err();
    assert!(
        error.contains("deploys.ndjson:3: missing field `service`"),
        "{error}"
    );
    assert!(error.contains("nothing of this poll was stored"), "{error}");
    assert_eq!(follower.ids(), ["a"]);
    // Fixed by rewriting the file: read whole again.
    std::fs::write(&file, line("a") + &line("b")).unwrap();
    follower.poll().unwrap();
    assert_eq!(follower.ids(), ["a", "b"]);
}

#[test]
fn directories_globs_and_gzip_files() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("old")).unwrap();
    std::fs::write(logs.join("one.ndjson"), line("a")).unwrap();
    std::fs::write(logs.join("notes.txt"), "not events").unwrap();
    std::fs::write(logs.join("old/two.jsonl"), line("b")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(logs.join("three.ndjson.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(line("c").as_bytes()).unwrap();
    gz.finish().unwrap();
    let folder = Follower::new(dir.path(), "logs");
    folder.poll().unwrap();
    assert_eq!(
        folder.ids(),
        ["a", "c"],
        "a folder's event files, not its subfolders"
    );
    folder.poll().unwrap();
    let glob = Follower::new(dir.path(), "logs/**/*.jsonl");
    glob.poll().unwrap();
    assert_eq!(glob.ids(), ["b"]);
    // A truncated gzip fails the poll.
    let bytes = std::fs::read(logs.join("three.ndjson.gz")).unwrap();
    std::fs::write(logs.join("four.ndjson.gz"), &bytes[..bytes.len() / 2]).unwrap();
    let error = folder.poll().unwrap_err();
    assert!(error.contains("four.ndjson.gz"), "{error}");
}
