//! Shell integration through the binary: `flowdeck completions SHELL` for every shell clap
//! knows, the bash script parsed by bash itself; `flowdeck man` a roff page that names every
//! subcommand; an unknown shell a usage error. None of them needs a config.

use std::process::{Command, Output};

fn flowdeck(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_flowdeck"))
        .args(args)
        // No config anywhere: these commands must not need one.
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env_remove("FLOWDECK_CONFIG")
        .current_dir(home.path())
        .output()
        .unwrap()
}

#[test]
fn completions_for_every_shell_and_bash_parses_its_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = flowdeck(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("flowdeck"), "{shell}");
        for sub in ["report", "check", "collect", "serve", "completions"] {
            assert!(script.contains(sub), "{shell} lacks {sub}");
        }
        if shell == "bash" {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("flowdeck.bash");
            std::fs::write(&path, &script).unwrap();
            let parsed = Command::new("bash").arg("-n").arg(&path).output().unwrap();
            assert!(parsed.status.success(), "bash -n: {parsed:?}");
            // Sourcing it registers the completion function.
            let sourced = Command::new("bash")
                .arg("-c")
                .arg(format!("source {} && complete -p flowdeck", path.display()))
                .output()
                .unwrap();
            assert!(sourced.status.success(), "{sourced:?}");
            assert!(String::from_utf8_lossy(&sourced.stdout).contains("flowdeck"));
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = flowdeck(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values"));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_man_page_is_roff_naming_every_subcommand_and_option() {
    let out = flowdeck(&["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH flowdeck 1"), "{page}");
    assert!(
        page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"),
        "{page}"
    );
    for word in [
        "report",
        "check",
        "init",
        "collect",
        "serve",
        "\\-\\-config",
        "\\-\\-demo",
    ] {
        assert!(page.contains(word), "the page lacks {word}");
    }
    // groff reads it without a warning (.ci/run installs groff-base).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowdeck.1");
    std::fs::write(&path, &page).unwrap();
    let rendered = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(rendered.status.success(), "{rendered:?}");
    assert!(
        rendered.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
}
