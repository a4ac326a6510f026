//! End-to-end: the RELEASE `flowdeck` binary, driven in tmux like a person would drive it, from a
//! shell that must be usable again afterwards.
//!
//! How the binary is found: the test runs `cargo build --release --bin flowdeck` once (a no-op
//! when CI built it earlier in the same run) into `CARGO_TARGET_DIR`, else the target directory
//! this test was built in, else `target/`, and drives `<target>/release/flowdeck`.
//! `FLOWDECK_E2E_BIN` points it at another binary instead. See tests/support/tmux.rs.
//!
//! Without tmux the tests are skipped (with a message) unless `FLOWDECK_REQUIRE_TMUX` is set, as
//! in CI, where a missing tmux is a failure.
//!
//! Every step polls the screen (capture-pane) until it shows what the step expects; keys are
//! sent one at a time, each after the previous one's screen appeared, so an Esc and the key
//! after it never reach the app together (which a terminal reads as Alt+key).

use crate::support::tmux;

use std::path::Path;

use tmux::Session;

const NOW: &str = "2026-11-20T14:30:00Z";
const EXIT_OK: &str = "flowdeck-exit=0";
/// The overview's tile titles.
const TILES: [&str; 5] = [
    "Frequency",
    "Lead time",
    "Failure rate",
    "Recovery",
    "Rework",
];

/// Starts the dashboard from the shell, with its exit status echoed when it ends.
fn start_dashboard(session: &Session, binary: &Path, now: Option<&str>) {
    let now = now.map(|n| format!(" --now {n}")).unwrap_or_default();
    session.type_line(&format!(
        "{} --demo{now}; echo \"flowdeck-exit=$?\"",
        tmux::shell_quote(binary)
    ));
}

/// The second line: where we are ("Overview", "Overview › Deployment frequency", ...).
fn breadcrumb(screen: &str) -> &str {
    screen.lines().nth(1).unwrap_or("").trim()
}

/// The demo data has arrived: the first frames show the overview of an empty history with
/// "loading…" in the header and "sources none" in the status line.
fn is_loaded(screen: &str) -> bool {
    let header = screen.lines().next().unwrap_or("");
    !header.contains("loading") && screen.contains("demo ok")
}

fn is_overview(screen: &str) -> bool {
    is_loaded(screen)
        && screen.contains("all services")
        && breadcrumb(screen) == "Overview"
        && TILES.iter().all(|title| screen.contains(title))
        && screen.contains("Latest deployments")
}

fn is_measure(screen: &str) -> bool {
    is_loaded(screen)
        && breadcrumb(screen) == "Overview › Deployment frequency"
        && screen.contains("Deployment frequency")
        && screen.contains("Deployments (")
        && !screen.contains("Deployments (0)")
}

fn has_line(screen: &str, line: &str) -> bool {
    screen.lines().any(|l| l.trim() == line)
}

/// The first cell of the list's `n`th row (0-based) under its header row ("Deployment Service
/// ..."), without the panel's border.
fn list_row_key(screen: &str, n: usize) -> Option<String> {
    let mut lines = screen.lines().skip_while(|l| {
        let cells: Vec<&str> = l
            .trim_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .collect();
        cells.first() != Some(&"Deployment") || cells.get(1) != Some(&"Service")
    });
    lines.next()?;
    let row = lines.nth(n)?;
    let key = row
        .trim_matches(|c: char| c.is_whitespace() || "┃│".contains(c))
        .split_whitespace()
        .next()?;
    Some(key.to_string())
}

/// After the dashboard ended: the shell prompt works, the terminal is back on the normal screen
/// with the cursor shown, and the line discipline is cooked with echo (not raw).
fn assert_shell_usable(session: &Session) {
    session.wait_for_format("#{alternate_on}", "0");
    assert_eq!(
        session.format("#{cursor_flag}"),
        "1",
        "the cursor is still hidden"
    );
    let stty = session.dir().join("stty.txt");
    session.type_line(&format!(
        "stty -a > {}; echo flowdeck-e2e-ok",
        tmux::shell_quote(&stty)
    ));
    session.wait_for("the shell to echo flowdeck-e2e-ok", |s| {
        has_line(s, "flowdeck-e2e-ok")
    });
    let modes = std::fs::read_to_string(&stty).expect("stty -a output");
    let flags: Vec<&str> = modes
        .split(|c: char| c.is_whitespace() || c == ';')
        .collect();
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            flags.contains(&flag) && !flags.contains(&format!("-{flag}").as_str()),
            "the terminal is left without {flag} (raw mode?); stty -a says:\n{modes}"
        );
    }
}

#[test]
fn dashboard_drill_down_standup_help_resize_quit() {
    let Some(binary) = tmux::prepare("dashboard_drill_down_standup_help_resize_quit") else {
        return;
    };
    let session = Session::start(120, 40);
    start_dashboard(&session, &binary, Some(NOW));

    session.wait_for("the overview", is_overview);
    assert_eq!(
        session.format("#{alternate_on}"),
        "1",
        "not on the alternate screen"
    );

    // Tile 1 -> its measure and list.
    session.key("1");
    session.key("Enter");
    let measure = session.wait_for("the Deployment frequency measure", is_measure);
    let second = list_row_key(&measure, 1)
        .unwrap_or_else(|| panic!("no second row in the deployments list:\n{measure}"));

    // Down, Enter -> that deployment.
    session.key("Down");
    session.key("Enter");
    let title = format!("Deployment {second}");
    session.wait_for(&format!("the deployment {second}"), |s| {
        has_line(s, &title) && s.contains("Changes (") && breadcrumb(s).ends_with(&second)
    });
    assert!(second.starts_with('v'), "deployment named {second:?}");

    // Esc back to the measure, Esc back to the overview.
    session.key("Escape");
    session.wait_for("the measure again", is_measure);
    session.key("Escape");
    session.wait_for("the overview again", is_overview);

    // Standup, closed with Esc.
    session.key("s");
    session.wait_for("the standup", |s| {
        s.contains("Standup: since") && breadcrumb(s) == "Overview › Standup"
    });
    session.key("Escape");
    session.wait_for("the overview after the standup", is_overview);

    // Help, closed with Esc.
    session.key("?");
    session.wait_for("help", |s| s.contains("Keys (") && s.contains("quit"));
    session.key("Escape");
    session.wait_for("the overview after help", |s| {
        is_overview(s) && !s.contains("Keys (")
    });

    // Too small, then back.
    session.resize(20, 5);
    session.wait_for("terminal too small", |s| {
        s.contains("terminal too small") && !s.contains("Lead time")
    });
    session.resize(120, 40);
    session.wait_for("the overview after the resize", |s| {
        is_overview(s) && !s.contains("too small")
    });

    session.key("q");
    session.wait_for("flowdeck to quit with status 0", |s| has_line(s, EXIT_OK));
    assert_shell_usable(&session);
}

#[test]
fn sigterm_restores_the_terminal() {
    let Some(binary) = tmux::prepare("sigterm_restores_the_terminal") else {
        return;
    };
    let session = Session::start(120, 40);
    // The real clock: the loop is ticking (the demo has an open incident) when the signal comes.
    start_dashboard(&session, &binary, None);
    session.wait_for("the overview", is_overview);
    session.key("1");
    session.key("Enter");
    session.wait_for("the Deployment frequency measure", is_measure);

    let shell = session.shell_pid();
    let pids = tmux::children_named(shell, "flowdeck");
    assert_eq!(pids.len(), 1, "flowdeck processes under the shell {shell}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pids[0].to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {}", pids[0]);

    // Status 0: flowdeck caught the signal and restored the terminal itself. (143 would mean the
    // signal killed it, and the modes checked below would have been reset by bash, not by it.)
    session.wait_for("flowdeck to end with status 0 after SIGTERM", |s| {
        has_line(s, EXIT_OK)
    });
    assert_shell_usable(&session);
}
