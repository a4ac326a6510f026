//! `o` with a browser that fails, driven in tmux: the dashboard says the browser failed (never
//! "opened"), names what it said, and leaves no defunct process behind.

use crate::support::tmux;

use std::os::unix::fs::PermissionsExt as _;

use tmux::Session;

const NOW: &str = "2026-11-20T14:30:00Z";

#[test]
fn o_reports_a_failing_browser_and_reaps_it() {
    let Some(binary) = tmux::prepare("o_reports_a_failing_browser_and_reaps_it") else {
        return;
    };
    let session = Session::start(160, 45);
    let browser = session.dir().join("failing-browser");
    let called = session.dir().join("browser-called");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\necho \"$1\" > {}\necho 'no display to open a window on' >&2\nexit 3\n",
            tmux::shell_quote(&called)
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    session.type_line(&format!(
        "BROWSER={} {} --demo --now {NOW}; echo \"flowdeck-exit=$?\"",
        tmux::shell_quote(&browser),
        tmux::shell_quote(&binary)
    ));
    session.wait_for("the overview", |s| {
        s.contains("demo ok") && s.contains("Latest deployments")
    });
    // The second latest deployment (web v4.9.0) has a release page.
    session.key("7");
    session.key("Down");
    session.key("o");
    let screen = session.wait_for("the browser's failure", |s| s.contains("could not open"));
    assert!(
        screen.contains("exited with status 3: no display to open a window on"),
        "{screen}"
    );
    assert!(!screen.contains("opened https://"), "{screen}");
    let url = std::fs::read_to_string(&called).unwrap();
    assert_eq!(
        url.trim(),
        "https://git.example.com/acme/web/releases/tag/v4.9.0"
    );
    // Reaped: no child of flowdeck is left, defunct or not.
    let flowdeck = tmux::children_named(session.shell_pid(), "flowdeck");
    assert_eq!(flowdeck.len(), 1, "{flowdeck:?}");
    assert!(
        tmux::children_named(flowdeck[0], "failing-browser").is_empty(),
        "the browser is left behind"
    );
    session.key("q");
    session.wait_for("flowdeck to quit", |s| {
        s.lines().any(|l| l.trim() == "flowdeck-exit=0")
    });
}
