//! The demo HTML report rendered by headless Chromium (Debian `chromium`) to a PNG, with no
//! errors about the document: no console message (the report has no script, so any message is
//! a blocked load, a CSP violation or a script error), no failed resource.
//!
//! Skipped when Chromium is absent, unless FLOWDECK_REQUIRE_CHROMIUM is set (CI sets it).
//! FLOWDECK_UPDATE_SCREENSHOTS=1 also copies the PNG to screenshots/report-demo.png, the picture
//! the README shows. FLOWDECK_CHROMIUM=/path/to/chromium picks the binary.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-20T14:30:00Z";
const SIZE: (u32, u32) = (1280, 2400);

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FLOWDECK_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "chromium-headless-shell"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium, or None when the test may be skipped; a panic when it is required and missing.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    let required = std::env::var("FLOWDECK_REQUIRE_CHROMIUM").is_ok_and(|v| !v.is_empty());
    match found {
        Some(path) => Some(path),
        None if required => {
            panic!("FLOWDECK_REQUIRE_CHROMIUM is set but no chromium is on PATH")
        }
        None => {
            eprintln!("skipped: no chromium on PATH (set FLOWDECK_REQUIRE_CHROMIUM=1 to fail)");
            None
        }
    }
}

/// Renders `page` to `png`; returns whether Chromium exited successfully, and its stderr.
fn screenshot(chromium: &Path, page: &Path, png: &Path, (w, h): (u32, u32)) -> (bool, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            // Console messages and load failures go to stderr, where the test reads them.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={w},{h}"))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (status.success(), reader.join().unwrap())
}

/// Lines of Chromium's log that concern the document (not dbus, GPU or sandbox noise).
fn document_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| {
            [
                ":CONSOLE",
                "Uncaught",
                "Failed to load resource",
                "Content Security Policy",
                "net::ERR_",
            ]
            .iter()
            .any(|sign| line.contains(sign))
        })
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn chromium_renders_the_demo_report_without_errors() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report-demo.html");
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(["report", "--demo", "--now", NOW, "-o"])
        .arg(&html)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.path().join("report-demo.png");
    let (ok, stderr) = screenshot(&chromium, &html, &png, SIZE);
    assert!(ok, "chromium failed:\n{stderr}");
    let errors = document_errors(&stderr);
    assert!(errors.is_empty(), "errors about the document:\n{errors:#?}");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), SIZE);
    // A blank page compresses to a few kilobytes; the report is text, charts and tables.
    assert!(bytes.len() > 50_000, "{} bytes: blank?", bytes.len());
    if std::env::var("FLOWDECK_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots/report-demo.png");
        std::fs::copy(&png, &target).unwrap();
        eprintln!("wrote {}", target.display());
    }
}

/// The check above is only as good as its reading of Chromium's log: a document with a script
/// error and a load the policy blocks must be caught.
#[test]
fn the_error_check_catches_a_broken_document() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>\
         <img src=\"file:///nonexistent.png\"><script>notDefined()</script></body></html>",
    )
    .unwrap();
    let png = dir.path().join("broken.png");
    let (ok, stderr) = screenshot(&chromium, &page, &png, (400, 300));
    assert!(ok, "{stderr}");
    let errors = document_errors(&stderr);
    assert!(
        errors.iter().any(|e| e.contains("notDefined")),
        "script error not seen:\n{stderr}"
    );
    assert!(
        errors.iter().any(|e| e.contains("nonexistent.png")),
        "blocked load not seen:\n{stderr}"
    );
}
