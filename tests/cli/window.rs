//! One window parser for the config, the command line and the dashboard's prompt: every case
//! of `config::window::EXAMPLES` gives the same window, or the same refusal, through
//! `report --window/--from/--to`, the dashboard's flags and `general.window` (the prompt's
//! turn is in the ui binary, `screens::window_prompt`).

use std::process::{Command, Output};

use flowdeck::config::window::{EXAMPLES, EXAMPLES_NOW, example_flags};
use serde_json::Value;

fn flowdeck(args: &[String], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("FLOWDECK_CONFIG")
        .env_remove("FLOWDECK_NOW")
        .output()
        .unwrap()
}

fn args(words: &[&str], extra: Vec<String>) -> Vec<String> {
    words.iter().map(|w| w.to_string()).chain(extra).collect()
}

/// The report's window in days, or standard error.
fn report(extra: Vec<String>, home: &std::path::Path) -> Result<f64, String> {
    let out = flowdeck(
        &args(
            &[
                "report",
                "--demo",
                "--format",
                "json",
                "--now",
                EXAMPLES_NOW,
            ],
            extra,
        ),
        home,
    );
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    Ok(report["window"]["days"].as_f64().unwrap())
}

/// A length typed as `--window` goes through clap, which names the flag before the reason;
/// the reason is the parser's own sentence.
fn refused_with(stderr: &str, words: &str, text: &str) {
    // "banana" as a flag is a length that does not read: the duration's words, not the
    // prompt's "not a window" (a prompt also takes dates).
    if words == "not a window" {
        assert!(stderr.contains(text), "{text}: {stderr}");
        return;
    }
    assert!(stderr.contains(words), "{text}: {stderr}");
}

/// The config says where ("for \"window\" in [general]") and gives the reason as a hint: the
/// same sentences, each part found in what it says.
fn config_refused_with(said: &str, words: &str, text: &str) {
    if words == "not a window" {
        // A length that does not read: as `--window` says it.
        assert!(
            said.contains(&format!("invalid duration {text:?}")),
            "{text}: {said}"
        );
        return;
    }
    let said = said.to_lowercase();
    for part in words.split("; ") {
        assert!(
            said.contains(&part.to_lowercase()),
            "{text}: {part:?} in {said}"
        );
    }
}

#[test]
fn report_flags_read_every_example_as_the_prompt_does() {
    let home = tempfile::tempdir().unwrap();
    for (text, expected) in EXAMPLES {
        match (report(example_flags(text), home.path()), expected) {
            (Ok(days), Ok(want)) => assert_eq!(days, *want, "{text}"),
            (Err(stderr), Err(words)) => refused_with(&stderr, words, text),
            (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
        }
    }
}

#[test]
fn the_dashboards_flags_refuse_what_the_report_refuses_before_any_terminal() {
    let home = tempfile::tempdir().unwrap();
    for (text, expected) in EXAMPLES {
        let Err(words) = expected else { continue };
        let out = flowdeck(
            &args(&["--demo", "--now", EXAMPLES_NOW], example_flags(text)),
            home.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{text}");
        refused_with(&String::from_utf8_lossy(&out.stderr), words, text);
    }
}

#[test]
fn general_window_reads_every_length_as_the_flags_do() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("flowdeck.toml");
    for (text, expected) in EXAMPLES.iter().filter(|(t, _)| !t.contains("..")) {
        std::fs::write(&config, format!("[general]\nwindow = {text:?}\n")).unwrap();
        let got = report(
            vec!["--config".into(), config.display().to_string()],
            home.path(),
        );
        match (got, expected) {
            (Ok(days), Ok(want)) => assert_eq!(days, *want, "{text}"),
            (Err(stderr), Err(words)) => config_refused_with(&stderr, words, text),
            (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
        }
        // check refuses what the report refuses: "3m" no longer passes check.
        let check = flowdeck(
            &[
                "check".into(),
                "--config".into(),
                config.display().to_string(),
            ],
            home.path(),
        );
        let said = String::from_utf8_lossy(&check.stdout).into_owned()
            + &String::from_utf8_lossy(&check.stderr);
        match expected {
            Ok(_) => assert!(said.contains("ok    config "), "{text}: {said}"),
            Err(words) => {
                assert!(!check.status.success(), "{text}");
                config_refused_with(&said, words, text);
            }
        }
    }
}
