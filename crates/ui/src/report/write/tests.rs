#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _, symlink};
use std::path::Path;

use super::*;

fn write(path: &Path, protected: &[Protected], text: &str) -> Result<(), OutputError> {
    Output::prepare(path, protected, Existing::Replace)?.write(|out| out.write_all(text.as_bytes()))
}

/// Names in `dir` other than `keep`: a temporary file left behind shows up here.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn a_new_file_is_created_and_an_old_one_replaced_keeping_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    write(&path, &[], "one").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "one");
    fs::set_permissions(&path, Permissions::from_mode(0o600)).unwrap();
    let inode = fs::metadata(&path).unwrap().ino();
    write(&path, &[], "two").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "two");
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o600);
    assert_ne!(
        meta.ino(),
        inode,
        "replaced by a rename, not rewritten in place"
    );
    assert!(leftovers(dir.path(), &["r.json"]).is_empty());
}

#[test]
fn a_failure_while_filling_leaves_the_old_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.md");
    fs::write(&path, "old").unwrap();
    let error = Output::prepare(&path, &[], Existing::Replace)
        .unwrap()
        .write(|out| {
            out.write_all(b"half")?;
            Err(io::Error::other("the render failed"))
        })
        .unwrap_err();
    assert!(!error.is_usage());
    assert_eq!(error.to_string(), "the render failed");
    assert_eq!(fs::read_to_string(&path).unwrap(), "old");
    assert!(leftovers(dir.path(), &["r.md"]).is_empty());
}

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.html");
    fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.html");
    symlink("real.html", &link).unwrap();
    let chain = dir.path().join("chain.html");
    symlink(&link, &chain).unwrap();
    write(&chain, &[], "new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::symlink_metadata(&chain)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    // A dangling link creates its target.
    let dangling = dir.path().join("dangling.json");
    symlink("target.json", &dangling).unwrap();
    write(&dangling, &[], "made").unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("target.json")).unwrap(),
        "made"
    );
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn devices_are_written_in_place() {
    write(Path::new("/dev/null"), &[], "gone").unwrap();
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let error = write(Path::new("/dev/full"), &[], "x".repeat(1 << 17).as_str()).unwrap_err();
    assert_eq!(
        error.to_string(),
        io::Error::from_raw_os_error(28).to_string()
    );
    assert!(
        fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn directories_and_empty_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let error = write(dir.path(), &[], "x").unwrap_err();
    assert!(error.is_usage());
    assert_eq!(error.to_string(), "it is a directory, not a file");
    assert_eq!(
        write(Path::new(""), &[], "x").unwrap_err().to_string(),
        "it is an empty path, not a file"
    );
    let error = write(&dir.path().join("no/such/r.json"), &[], "x").unwrap_err();
    assert!(error.to_string().starts_with("its folder "), "{error}");
}

#[test]
fn protected_files_are_refused_by_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("flowdeck.toml");
    fs::write(&config, "[general]\n").unwrap();
    let store = dir.path().join("history.sqlite");
    let protected = [
        Protected {
            path: config.clone(),
            what: "the config file",
        },
        Protected {
            path: store.clone(),
            what: "the history store",
        },
    ];
    let link = dir.path().join("alias.toml");
    symlink(&config, &link).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    let dotted = dir.path().join("sub/../flowdeck.toml");
    for given in [&config, &link, &dotted] {
        let error = write(given, &protected, "x").unwrap_err();
        assert!(error.is_usage());
        assert_eq!(
            error.to_string(),
            format!(
                "it is the config file ({}); writing there would destroy it",
                config.display()
            )
        );
    }
    // The store does not exist yet: its place is protected all the same.
    let error = write(&store, &protected, "x").unwrap_err();
    assert!(
        error.to_string().starts_with("it is the history store"),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&config).unwrap(), "[general]\n");
    assert!(!store.exists());
}

#[test]
fn keep_creates_once_and_then_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let create = |text: &str| {
        Output::prepare(&path, &[], Existing::Keep)
            .and_then(|out| out.write(|w| w.write_all(text.as_bytes())))
    };
    create("first").unwrap();
    let error = create("second").unwrap_err();
    assert!(matches!(error, OutputError::Exists { .. }), "{error}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "first");
    assert!(leftovers(dir.path(), &["config.toml"]).is_empty());
}

#[test]
fn a_fifo_with_a_reader_gets_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    write(&fifo, &[], "through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), "through the pipe");
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn standard_output_by_any_name_is_standard_output() {
    for name in ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
        assert!(
            Output::prepare(Path::new(name), &[], Existing::Replace)
                .unwrap()
                .is_stdout(),
            "{name}"
        );
    }
    assert!(
        !Output::prepare(Path::new("/dev/stderr"), &[], Existing::Replace)
            .unwrap()
            .is_stdout()
    );
}
