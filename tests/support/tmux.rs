//! Drives the real `flowdeck` binary in a private tmux server: send keys, capture the screen,
//! poll until it shows what a step expects.
//!
//! ```ignore
//! #[path = "support/tmux.rs"]
//! mod tmux;
//!
//! let Some(binary) = tmux::prepare("my_test") else { return };   // skipped: no tmux
//! let session = tmux::Session::start(120, 40);                    // bash in a 120x40 pane
//! session.type_line(&format!("{} --demo", tmux::shell_quote(&binary)));
//! session.wait_for("the overview", |s| s.contains("Lead time"));
//! session.key("q");
//! ```
//!
//! Every session has its own tmux server, its own HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and
//! XDG_CACHE_HOME in a temporary directory, and TERM=xterm-256color. The server's socket is in
//! that directory too (`tmux -S <tmp>/flowdeck-e2e-<pid>-<n>`): tmux does not delete its socket
//! when the server exits, and `-L` would leave one in /tmp/tmux-<uid>/ per run. Dropping the
//! session kills its server (and with it every process in its panes), also when the test fails
//! half-way, then deletes the directory.
//!
//! The binary is the RELEASE build. [`prepare`] runs `cargo build --release --bin flowdeck`
//! once per test process (quick when CI has built it earlier in the same run) into the target
//! directory of the running test (`CARGO_TARGET_DIR` if set, else the one this test executable
//! was built in, else `target/`), so the test never drives a stale binary.
//! `FLOWDECK_E2E_BIN=/path/to/flowdeck` uses that binary and builds nothing.

use std::ffi::OsStr;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long one step may take before the test fails (polled, so a fast machine never waits it).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(40);

/// The release binary to drive, or `None` when the test must be skipped: tmux is not installed
/// and `FLOWDECK_REQUIRE_TMUX` is unset. With `FLOWDECK_REQUIRE_TMUX` set (CI), a missing tmux
/// fails the test.
pub fn prepare(test: &str) -> Option<PathBuf> {
    if !tmux_installed() {
        if std::env::var_os("FLOWDECK_REQUIRE_TMUX").is_some() {
            panic!("{test}: tmux is not installed, and FLOWDECK_REQUIRE_TMUX is set");
        }
        // Straight to stderr, not eprintln!, which the test harness captures for passing tests:
        // a skip must show in a plain `cargo test`.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: tmux is not installed (install tmux to run the end-to-end tests; \
             FLOWDECK_REQUIRE_TMUX=1 makes this a failure)"
        );
        return None;
    }
    Some(release_binary().clone())
}

fn tmux_installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The release binary, built once per test process (see the module docs).
pub fn release_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("FLOWDECK_E2E_BIN") {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "FLOWDECK_E2E_BIN={} is not a file",
                path.display()
            );
            return path;
        }
        let target = target_dir();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let started = Instant::now();
        let output = Command::new(&cargo)
            .args(["build", "--release", "--bin", "flowdeck", "--target-dir"])
            .arg(&target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cargo:?} build --release: {e}"));
        assert!(
            output.status.success(),
            "cargo build --release --bin flowdeck --target-dir {} failed:\n{}",
            target.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!(
            "e2e: release binary ready in {:.1}s (cargo build --release --bin flowdeck --target-dir {})",
            started.elapsed().as_secs_f64(),
            target.display()
        );
        let binary = target
            .join("release")
            .join(format!("flowdeck{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.is_file(), "no binary at {}", binary.display());
        binary
    })
}

/// `CARGO_TARGET_DIR` if set; else the target directory this test executable was built in
/// (`<target>/debug/deps/e2e_tmux-<hash>`), which also covers a `build.target-dir` in a cargo
/// config; else `target/` in the package.
fn target_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        // A relative CARGO_TARGET_DIR is relative to where cargo ran, which is the package here.
        return manifest.join(dir);
    }
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        (deps.file_name() == Some(OsStr::new("deps"))).then_some(())?;
        Some(deps.parent()?.parent()?.to_path_buf())
    });
    from_exe.unwrap_or_else(|| manifest.join("target"))
}

/// Quotes a path for the shell in the pane.
pub fn shell_quote(path: &Path) -> String {
    let text = path.to_str().expect("a UTF-8 path");
    assert!(!text.contains('\''), "path with a quote: {text}");
    format!("'{text}'")
}

/// A private tmux server with one session running an interactive `bash` with no rc files.
pub struct Session {
    socket: String,
    dir: TempDir,
}

const TARGET: &str = "e2e";

impl Session {
    pub fn start(width: u16, height: u16) -> Session {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "flowdeck-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = tempfile::tempdir().expect("temporary directory");
        for sub in ["home", "config", "state", "cache"] {
            fs::create_dir(dir.path().join(sub)).expect("create a directory");
        }
        // Our own config (never ~/.tmux.conf): no status line, so the pane is the whole window.
        fs::write(
            dir.path().join("tmux.conf"),
            "set -g default-terminal xterm-256color\nset -g status off\nset -g remain-on-exit off\n",
        )
        .expect("write tmux.conf");
        let session = Session { socket, dir };
        let size = (width.to_string(), height.to_string());
        let mut args: Vec<String> = ["new-session", "-d", "-s", TARGET, "-x", &size.0, "-y"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(size.1.clone());
        for (key, value) in session.environment() {
            args.push("-e".into());
            args.push(format!("{key}={value}"));
        }
        args.extend(["bash", "--norc", "--noprofile"].map(String::from));
        let output = session.tmux(&args);
        assert!(
            output.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        session.wait_for("the shell prompt", |screen| {
            screen.lines().any(|l| l.starts_with("e2e$"))
        });
        session
    }

    /// The pane's environment (also the tmux server's, so nothing from the user's leaks in).
    fn environment(&self) -> Vec<(&'static str, String)> {
        let path = |sub: &str| self.dir.path().join(sub).display().to_string();
        vec![
            ("HOME", path("home")),
            ("XDG_CONFIG_HOME", path("config")),
            ("XDG_STATE_HOME", path("state")),
            ("XDG_CACHE_HOME", path("cache")),
            ("TERM", "xterm-256color".into()),
            ("PS1", "e2e$ ".into()),
            ("LC_ALL", "C.UTF-8".into()),
        ]
    }

    /// The temporary directory (HOME is `home/` in it); files a step writes can go here.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn tmux<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        let mut command = Command::new("tmux");
        command
            .arg("-S")
            .arg(self.dir.path().join(&self.socket))
            .arg("-f")
            .arg(self.dir.path().join("tmux.conf"))
            .args(args)
            .env_remove("TMUX")
            .env_remove("FLOWDECK_CONFIG")
            .env_remove("FLOWDECK_NOW")
            .env_remove("FLOWDECK_LOG")
            .env_remove("PROMPT_COMMAND")
            .stdin(Stdio::null());
        for (key, value) in self.environment() {
            command.env(key, value);
        }
        command.output().expect("run tmux")
    }

    fn tmux_ok(&self, args: &[&str]) -> String {
        let output = self.tmux(args);
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Sends one key by its tmux name ("Enter", "Escape", "Down", "q", "?").
    pub fn key(&self, key: &str) {
        if key.chars().count() == 1 {
            self.tmux_ok(&["send-keys", "-t", TARGET, "-l", key]);
        } else {
            self.tmux_ok(&["send-keys", "-t", TARGET, key]);
        }
    }

    /// Types a line into the shell and presses Enter.
    pub fn type_line(&self, line: &str) {
        self.tmux_ok(&["send-keys", "-t", TARGET, "-l", line]);
        self.tmux_ok(&["send-keys", "-t", TARGET, "Enter"]);
    }

    /// The screen as text (the alternate screen while a full-screen program runs), wrapped
    /// lines joined, trailing spaces trimmed.
    pub fn screen(&self) -> String {
        self.tmux_ok(&["capture-pane", "-p", "-J", "-t", TARGET])
    }

    /// A tmux format for the pane, e.g. `#{alternate_on}`.
    pub fn format(&self, format: &str) -> String {
        self.tmux_ok(&["display-message", "-p", "-t", TARGET, format])
            .trim()
            .to_string()
    }

    pub fn resize(&self, width: u16, height: u16) {
        self.tmux_ok(&[
            "resize-window",
            "-t",
            TARGET,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// Polls the screen until `ready` holds, and returns that screen; fails the test with the
    /// last screen after [`STEP_TIMEOUT`].
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if started.elapsed() > STEP_TIMEOUT {
                panic!(
                    "waited {:?} for {what}; the screen ({}) is:\n{screen}",
                    STEP_TIMEOUT,
                    self.format("#{pane_width}x#{pane_height}, alternate screen #{alternate_on}")
                );
            }
            sleep(POLL);
        }
    }

    /// Polls a tmux format until it has the expected value.
    pub fn wait_for_format(&self, format: &str, expected: &str) {
        let started = Instant::now();
        loop {
            let value = self.format(format);
            if value == expected {
                return;
            }
            if started.elapsed() > STEP_TIMEOUT {
                panic!(
                    "waited {STEP_TIMEOUT:?} for {format} to be {expected:?}, it is {value:?}; the screen is:\n{}",
                    self.screen()
                );
            }
            sleep(POLL);
        }
    }

    /// Appends every byte the pane's programs write from now on (escape sequences, the bell,
    /// OSC strings: what the terminal is sent, before tmux reads it) to `file`.
    pub fn record_output(&self, file: &Path) {
        let command = format!("cat >> {}", shell_quote(file));
        self.tmux_ok(&["pipe-pane", "-O", "-t", TARGET, &command]);
    }

    /// The pid of the pane's shell.
    pub fn shell_pid(&self) -> u32 {
        self.format("#{pane_pid}")
            .parse()
            .expect("#{pane_pid} is a number")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Kills every pane's processes too (they get SIGHUP); the temporary directory goes after.
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The children of `parent` whose command name is `name` (from /proc, Linux).
pub fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                return false;
            };
            let comm = &stat[open + 1..close];
            let ppid = stat[close + 1..].split_whitespace().nth(1);
            comm == name && ppid == Some(parent.to_string().as_str())
        })
        .collect()
}
