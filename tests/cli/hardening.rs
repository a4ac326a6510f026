//! Hostile and careless input through the binary (issue 18, items 1 to 6): output
//! files that never destroy anything, `-o` at flowdeck's own files, `check` refusing what
//! every other command refuses, bounded sizes, dates and counts, "too large" numbers, a
//! `--metrics` host name, and stores left without side files.
//!
//! Where permissions matter the binary runs as `nobody` (via `runuser` when the tests run as
//! root; as the current user otherwise), on files in a folder `nobody` can reach. Every case
//! asserts the message, the exit code, and that each file involved is byte-identical
//! afterwards (sha256) or correctly written.

use crate::support::postgres_server;

use std::fs;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const NOW: &str = "2026-11-20T14:30:00Z";
const BIN: &str = env!("CARGO_BIN_EXE_flowdeck");

/// A folder everyone can enter, with a config, the XDG folders, and a git repository.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("flowdeck-hardening-")
            .tempdir()
            .unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let sandbox = Sandbox { dir };
        for sub in ["xdg/config", "xdg/data", "xdg/state", "xdg/cache"] {
            fs::create_dir_all(sandbox.path().join(sub)).unwrap();
        }
        sandbox
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// Gives the sandbox (or one path in it) to the user the binary runs as.
    fn give(&self, path: &Path) {
        if is_root() {
            chown_recursive(path, nobody());
        }
    }

    /// The binary as the current user, with the sandbox's XDG folders.
    fn flowdeck(&self, args: &[&str]) -> Output {
        let mut command = Command::new(BIN);
        self.env(&mut command);
        command.args(args).output().unwrap()
    }

    /// The binary as a user without privileges (`nobody` under root).
    fn flowdeck_unprivileged(&self, args: &[&str]) -> Output {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--", BIN]);
            c
        } else {
            Command::new(BIN)
        };
        self.env(&mut command);
        command.args(args).output().unwrap()
    }

    fn env(&self, command: &mut Command) {
        let home = self.path();
        command
            .current_dir(home)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg/config"))
            .env("XDG_DATA_HOME", home.join("xdg/data"))
            .env("XDG_STATE_HOME", home.join("xdg/state"))
            .env("XDG_CACHE_HOME", home.join("xdg/cache"));
    }

    /// A config with a polled source that sends nothing (its token variable is unset), and a
    /// SQLite store.
    fn polled_config(&self, name: &str, store: &str) -> PathBuf {
        self.write(
            name,
            &format!(
                "[general]\nstore = {store:?}\nlog_file = \"flowdeck.log\"\n\n[[sources]]\nkind = \"github\"\nservice = \"api\"\nrepo = \"acme/api\"\nbase_url = \"http://127.0.0.1:1\"\ntoken_env = \"FLOWDECK_HARDENING_UNSET\"\n"
            ),
        )
    }

    /// A store made by flowdeck itself (a `report --offline` opens and creates it).
    fn make_store(&self, config: &Path) {
        let out = self.flowdeck(&["report", "--offline", "--config", config.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("every source failed"),
            "{}",
            stderr(&out)
        );
    }
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// nobody's uid and gid.
fn nobody() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, "nobody"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    (id("-u"), id("-g"))
}

fn chown_recursive(path: &Path, (uid, gid): (u32, u32)) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
    if path.is_dir() && !fs::symlink_metadata(path).unwrap().file_type().is_symlink() {
        for entry in fs::read_dir(path).unwrap() {
            chown_recursive(&entry.unwrap().path(), (uid, gid));
        }
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The file's sha256, as `sha256sum` prints it.
fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    assert!(out.status.success(), "sha256sum {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Every name in `dir` (a temporary file left behind would show here).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn no_temporary_files(dir: &Path) {
    let left: Vec<String> = names(dir)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

fn demo_report<'a>(config: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "report", "--demo", "--now", NOW, "--config", config, "--format", "json", "-o", out,
    ]
}

fn assert_usage(out: &Output, expected: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert_eq!(stderr(out).trim_end(), expected);
}

// ----- 1. report -o never destroys anything -----

#[test]
fn a_regular_file_is_replaced_whole_keeping_its_mode_and_owner() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let target = sandbox.write("out/report.json", "old report\n");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let owner = if is_root() {
        // Root writes a file that belongs to someone else: it keeps its owner.
        std::os::unix::fs::chown(&target, Some(nobody().0), Some(nobody().1)).unwrap();
        nobody()
    } else {
        let meta = fs::metadata(&target).unwrap();
        (meta.uid(), meta.gid())
    };
    let out = sandbox.flowdeck(&demo_report(
        config.to_str().unwrap(),
        target.to_str().unwrap(),
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&target).unwrap()).unwrap();
    assert_eq!(report["schema"], "flowdeck.report/v1");
    let meta = fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    assert_eq!((meta.uid(), meta.gid()), owner);
    assert_eq!(names(target.parent().unwrap()), ["report.json"]);
}

#[test]
fn a_file_the_user_may_not_write_is_refused_even_in_a_writable_folder() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let folder = sandbox.path().join("shared");
    fs::create_dir(&folder).unwrap();
    let target = sandbox.write("shared/report.json", "someone else's report\n");
    sandbox.give(sandbox.path());
    if is_root() {
        // Root's file, read-only, in a folder nobody may write to.
        std::os::unix::fs::chown(&target, Some(0), Some(0)).unwrap();
    }
    fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
    let before = sha256(&target);
    let out = sandbox.flowdeck_unprivileged(&demo_report(
        config.to_str().unwrap(),
        target.to_str().unwrap(),
    ));
    assert_usage(
        &out,
        &format!(
            "error: could not write the report to {}: permission denied: you may not write this file",
            target.display()
        ),
    );
    assert_eq!(sha256(&target), before);
    assert_eq!(fs::metadata(&target).unwrap().mode() & 0o7777, 0o444);
    assert_eq!(names(&folder), ["report.json"]);
}

#[test]
fn a_file_in_a_folder_the_user_may_not_write_is_refused_before_any_work() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let folder = sandbox.path().join("locked");
    fs::create_dir(&folder).unwrap();
    let target = sandbox.write("locked/report.json", "old\n");
    sandbox.give(sandbox.path());
    // The file may be written, its folder not: an atomic replace is impossible.
    fs::set_permissions(&target, fs::Permissions::from_mode(0o666)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&folder, Some(0), Some(0)).unwrap();
    }
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let before = sha256(&target);
    let out = sandbox.flowdeck_unprivileged(&demo_report(
        config.to_str().unwrap(),
        target.to_str().unwrap(),
    ));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "permission denied: its folder {} is not writable",
            folder.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(sha256(&target), before);
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn devices_are_written_in_place_and_never_replaced() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let config = config.to_str().unwrap();
    let full = sandbox.flowdeck(&demo_report(config, "/dev/full"));
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    assert_eq!(
        stderr(&full).trim_end(),
        "error: could not write the report to /dev/full: No space left on device (os error 28)"
    );
    let null = sandbox.flowdeck(&demo_report(config, "/dev/null"));
    assert!(null.status.success(), "{}", stderr(&null));
    for device in ["/dev/full", "/dev/null"] {
        assert!(fs::metadata(device).unwrap().file_type().is_char_device());
    }
    no_temporary_files(Path::new("/dev"));
}

#[test]
fn a_fifo_with_a_reader_gets_the_report_and_stays_a_fifo() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let fifo = sandbox.path().join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    let out = sandbox.flowdeck(&demo_report(
        config.to_str().unwrap(),
        fifo.to_str().unwrap(),
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(report["schema"], "flowdeck.report/v1");
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    no_temporary_files(sandbox.path());
}

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let real = sandbox.write("reports/real.md", "old\n");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    let link = sandbox.path().join("latest.md");
    symlink("reports/real.md", &link).unwrap();
    let out = sandbox.flowdeck(&[
        "report",
        "--demo",
        "--now",
        NOW,
        "--config",
        config.to_str().unwrap(),
        "-o",
        "latest.md",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("reports/real.md"));
    let text = fs::read_to_string(&real).unwrap();
    assert!(text.starts_with("# Delivery report"), "{text}");
    assert_eq!(fs::metadata(&real).unwrap().mode() & 0o7777, 0o600);
    assert_eq!(names(&sandbox.path().join("reports")), ["real.md"]);
}

#[test]
fn dash_is_standard_output() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let out = sandbox.flowdeck(&demo_report(config.to_str().unwrap(), "-"));
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema"], "flowdeck.report/v1");
    assert!(!sandbox.path().join("-").exists());
}

#[test]
fn a_size_limit_fails_the_write_and_leaves_the_old_file_and_no_temporary_file() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let target = sandbox.write("report.json", "the previous report\n");
    let before = sha256(&target);
    // ulimit -f 8: at most 8 KiB per file; the demo report is far larger. Without the
    // SIGXFSZ handling the process would be killed mid-write, the temporary file left.
    let mut command = Command::new("sh");
    sandbox.env(&mut command);
    let out = command
        .arg("-c")
        .arg(format!(
            "ulimit -f 8 && exec {BIN} report --demo --now {NOW} --config {} -o {}",
            config.display(),
            target.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "error: could not write the report to {}: File too large (os error 27)",
            target.display()
        )
    );
    assert_eq!(sha256(&target), before);
    assert_eq!(names(sandbox.path()), ["c.toml", "report.json", "xdg"]);
}

#[test]
fn directories_block_devices_and_missing_folders_are_refused() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("c.toml", "");
    let config = config.to_str().unwrap();
    let folder = sandbox.path().join("reports");
    fs::create_dir(&folder).unwrap();
    assert_usage(
        &sandbox.flowdeck(&demo_report(config, folder.to_str().unwrap())),
        &format!(
            "error: could not write the report to {}: it is a directory, not a file",
            folder.display()
        ),
    );
    // A missing folder is a failure (exit 1), as it was before this writer.
    let missing = sandbox.path().join("no/such/report.json");
    let out = sandbox.flowdeck(&demo_report(config, missing.to_str().unwrap()));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "error: could not write the report to {}: its folder {} does not exist",
            missing.display(),
            sandbox.path().join("no/such").display()
        )
    );
    assert!(!sandbox.path().join("no").exists());
    if let Some(disk) = ["/dev/loop0", "/dev/vda", "/dev/sda"]
        .into_iter()
        .find(|d| fs::metadata(d).is_ok_and(|m| m.file_type().is_block_device()))
    {
        let before = fs::metadata(disk).unwrap().modified().ok();
        assert_usage(
            &sandbox.flowdeck(&demo_report(config, disk)),
            &format!(
                "error: could not write the report to {disk}: it is a block device, not a file"
            ),
        );
        assert_eq!(fs::metadata(disk).unwrap().modified().ok(), before);
    }
}

// ----- 2. -o at flowdeck's own files -----

#[test]
fn the_config_is_refused_by_any_name() {
    let sandbox = Sandbox::new();
    let config = sandbox.write("flowdeck.toml", "[general]\ntimezone = \"UTC\"\n");
    fs::create_dir(sandbox.path().join("sub")).unwrap();
    symlink(&config, sandbox.path().join("alias.toml")).unwrap();
    let before = sha256(&config);
    for given in [
        config.to_str().unwrap(),
        "flowdeck.toml",
        "./sub/../flowdeck.toml",
        "alias.toml",
    ] {
        let out = sandbox.flowdeck(&demo_report("flowdeck.toml", given));
        assert_usage(
            &out,
            &format!(
                "error: could not write the report to {given}: it is the config file (flowdeck.toml); writing there would destroy it"
            ),
        );
        assert_eq!(sha256(&config), before, "{given}");
    }
    assert!(
        fs::symlink_metadata(sandbox.path().join("alias.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn the_store_its_side_files_and_the_log_are_refused() {
    let sandbox = Sandbox::new();
    let config = sandbox.polled_config("c.toml", "history.sqlite");
    sandbox.make_store(&config);
    let store = sandbox.path().join("history.sqlite");
    let log = sandbox.path().join("flowdeck.log");
    assert!(store.is_file() && log.is_file());
    symlink("history.sqlite", sandbox.path().join("link.sqlite")).unwrap();
    let (store_sum, log_sum) = (sha256(&store), sha256(&log));
    for (given, what, file) in [
        ("history.sqlite", "the history store", store.clone()),
        ("link.sqlite", "the history store", store.clone()),
        (
            "./history.sqlite-wal",
            "the history store",
            sandbox.path().join("history.sqlite-wal"),
        ),
        ("flowdeck.log", "the log file", log.clone()),
    ] {
        let out = sandbox.flowdeck(&["report", "--offline", "--config", "c.toml", "-o", given]);
        assert_usage(
            &out,
            &format!(
                "error: could not write the report to {given}: it is {what} ({}); writing there would destroy it",
                file.display()
            ),
        );
    }
    assert_eq!(sha256(&store), store_sum);
    assert_eq!(sha256(&log), log_sum);
    assert!(!sandbox.path().join("history.sqlite-wal").exists());
}

#[test]
fn an_export_never_replaces_flowdeck_s_own_files() {
    use flowdeck::config::ReportFormat;
    use flowdeck::report::write::Protected;
    use flowdeck::tui::{ExportSettings, export};

    let sandbox = Sandbox::new();
    // The export folder holds the config under the name the export would choose.
    let (events, sources) = flowdeck::sources::collect_demo(NOW.parse().unwrap());
    let history = std::sync::Arc::new(flowdeck::metrics::History::derive(
        events,
        flowdeck::metrics::Rules::default(),
    ));
    let mut app = flowdeck::app::App::new(
        flowdeck::app::Data {
            history,
            sources,
            loaded_at: NOW.parse().unwrap(),
            loaded: true,
        },
        NOW.parse().unwrap(),
        flowdeck::app::state::AppOptions {
            window_days: 30,
            ..Default::default()
        },
    );
    flowdeck::app::update(
        &mut app,
        flowdeck::app::Action::Resize {
            width: 120,
            height: 40,
        },
    );
    let theme = std::sync::Arc::new(flowdeck::ui::theme::Theme::builtin("default").unwrap());
    let settings = |protected: Vec<Protected>| ExportSettings {
        dir: sandbox.path().join("exports"),
        format: ReportFormat::Json,
        max_items: 10,
        theme: theme.clone(),
        protected,
    };
    let note = export(&app, &settings(Vec::new()));
    let written = PathBuf::from(note.strip_prefix("exported ").expect(&note));
    // Make the next export's file the "config", mode 600: refused, untouched.
    fs::set_permissions(&written, fs::Permissions::from_mode(0o600)).unwrap();
    let before = sha256(&written);
    let note = export(
        &app,
        &settings(vec![Protected {
            path: written.clone(),
            what: "the config file",
        }]),
    );
    assert_eq!(
        note,
        format!(
            "export to {0} failed: it is the config file ({0}); writing there would destroy it",
            written.display()
        )
    );
    assert_eq!(sha256(&written), before);
    // Unprotected, it is replaced whole and keeps its mode.
    let note = export(&app, &settings(Vec::new()));
    assert!(note.starts_with("exported "), "{note}");
    assert_eq!(fs::metadata(&written).unwrap().mode() & 0o7777, 0o600);
    no_temporary_files(&sandbox.path().join("exports"));
}

#[test]
fn init_never_replaces_anything_and_writes_through_a_dangling_link() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path().join("fifo.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for existing in [fifo.to_str().unwrap(), "/dev/null"] {
        let out = sandbox.flowdeck(&["init", "--config", existing]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "error: {existing}: a file already exists there, so it was left untouched"
            )),
            "{}",
            stderr(&out)
        );
    }
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let link = sandbox.path().join("config.toml");
    symlink("real/flowdeck.toml", &link).unwrap();
    fs::create_dir(sandbox.path().join("real")).unwrap();
    let out = sandbox.flowdeck(&["init", "--config", "config.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(sandbox.path().join("real/flowdeck.toml")).unwrap();
    assert!(text.contains("[[sources]]"), "{text}");
    no_temporary_files(&sandbox.path().join("real"));
}

// ----- 4. check refuses what every other command refuses -----

/// Runs `check`, `report` and `serve` on `config` and asserts the same error and exit code
/// from each (serve exits before binding when the config is refused).
fn every_command_refuses(sandbox: &Sandbox, config: &str, code: i32, expected: &str) {
    for args in [
        vec!["check", "--config", config],
        vec!["report", "--offline", "--now", NOW, "--config", config],
        vec![
            "serve",
            "--now",
            NOW,
            "--metrics",
            "127.0.0.1:0",
            "--config",
            config,
        ],
    ] {
        let out = sandbox.flowdeck_unprivileged(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(
            text.contains(expected),
            "{args:?}:\n{text}\nexpected: {expected}"
        );
    }
}

fn git_config(extra: &str) -> String {
    format!("{extra}\n[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = \".\"\n")
}

#[test]
fn windows_of_zero_days_or_minutes_are_config_errors_everywhere() {
    let sandbox = Sandbox::new();
    for (window, problem) in [
        ("0d", "\"0d\" is too short"),
        ("3m", "\"3m\" is too short"),
        ("36h", "\"36h\" is not a whole number of days"),
        ("9999d", "\"9999d\" is too long"),
    ] {
        let config = sandbox.write(
            "w.toml",
            &git_config(&format!("[general]\nwindow = \"{window}\"")),
        );
        let before = sha256(&config);
        every_command_refuses(
            &sandbox,
            "w.toml",
            2,
            &format!(
                "error: w.toml:2:10: {problem} for \"window\" in [general]\n  hint: A window is at least \"1d\" and at most \"3660d\""
            ),
        );
        assert_eq!(sha256(&config), before);
    }
}

#[test]
fn an_unknown_theme_and_a_keymap_without_quit_are_config_errors_everywhere() {
    let sandbox = Sandbox::new();
    sandbox.write("t.toml", &git_config("[general]\ntheme = \"solarised\""));
    every_command_refuses(
        &sandbox,
        "t.toml",
        2,
        &format!(
            "error: t.toml:2:9: unknown theme \"solarised\" for \"theme\" in [general]: it is not built in, and there is no {}",
            sandbox.path().join("themes/solarised.toml").display()
        ),
    );
    sandbox.write(
        "k.toml",
        &git_config("[keys]\n\"q\" = \"refresh\"\n\"ctrl-c\" = \"none\""),
    );
    every_command_refuses(
        &sandbox,
        "k.toml",
        2,
        "error: k.toml:3:12: no key is left to quit the dashboard for \"ctrl-c\" in [keys]\n  hint: keep a key bound to \"quit\"",
    );
    // A theme file that is not a file (a FIFO) is refused without being read.
    fs::create_dir(sandbox.path().join("themes")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(sandbox.path().join("themes/piped.toml"))
            .status()
            .unwrap()
            .success()
    );
    sandbox.write("p.toml", &git_config("[general]\ntheme = \"piped\""));
    every_command_refuses(
        &sandbox,
        "p.toml",
        2,
        &format!(
            "error: p.toml:2:9: the theme file {} is not a regular file for \"theme\" in [general]",
            sandbox.path().join("themes/piped.toml").display()
        ),
    );
}

#[test]
fn a_log_file_that_cannot_be_written_is_a_config_error_everywhere() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "l.toml",
        &git_config("[general]\nlog_file = \"no/such/flowdeck.log\""),
    );
    every_command_refuses(
        &sandbox,
        "l.toml",
        2,
        &format!(
            "error: l.toml:2:12: the log file {} cannot be written for \"log_file\" in [general]: No such file or directory (os error 2)",
            sandbox.path().join("no/such/flowdeck.log").display()
        ),
    );
    assert!(!sandbox.path().join("no").exists());
    // Owned by root, read-only: nobody may not append to it.
    let log = sandbox.write("root.log", "root's lines\n");
    sandbox.give(sandbox.path());
    if is_root() {
        std::os::unix::fs::chown(&log, Some(0), Some(0)).unwrap();
    }
    fs::set_permissions(&log, fs::Permissions::from_mode(0o444)).unwrap();
    let before = sha256(&log);
    sandbox.write("r.toml", &git_config("[general]\nlog_file = \"root.log\""));
    sandbox.give(&sandbox.path().join("r.toml"));
    every_command_refuses(
        &sandbox,
        "r.toml",
        2,
        &format!(
            "error: r.toml:2:12: the log file {} cannot be written for \"log_file\" in [general]: Permission denied (os error 13)",
            log.display()
        ),
    );
    assert_eq!(sha256(&log), before);
    // Logs appended to the config would damage it.
    let config = sandbox.write(
        "self.toml",
        &git_config("[general]\nlog_file = \"self.toml\""),
    );
    sandbox.give(&config);
    let before = sha256(&config);
    every_command_refuses(
        &sandbox,
        "self.toml",
        2,
        "error: self.toml:2:12: the log file",
    );
    assert_eq!(sha256(&config), before);
}

#[test]
fn a_store_in_a_folder_that_does_not_exist_is_a_config_error_and_nothing_is_created() {
    let sandbox = Sandbox::new();
    sandbox.polled_config("s.toml", "data/history.sqlite");
    sandbox.give(sandbox.path());
    every_command_refuses(
        &sandbox,
        "s.toml",
        2,
        &format!(
            "error: s.toml:2:9: the store's folder {} does not exist for \"store\" in [general]\n  hint: create the folder",
            sandbox.path().join("data").display()
        ),
    );
    assert!(!sandbox.path().join("data").exists());
}

/// Asserts that every command refuses the store with `expected`, exit 1, and leaves it
/// byte-identical with no `-wal`, `-shm` or `-journal` beside it.
fn store_refused_untouched(sandbox: &Sandbox, config: &str, store: &Path, expected: &str) {
    let before = sha256(store);
    every_command_refuses(sandbox, config, 1, expected);
    let out = sandbox.flowdeck_unprivileged(&["collect", "--now", NOW, "--config", config]);
    assert_eq!(out.status.code(), Some(1), "collect: {}", stderr(&out));
    assert!(stderr(&out).contains(expected), "collect: {}", stderr(&out));
    assert_eq!(sha256(store), before, "{} changed", store.display());
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = store.as_os_str().to_os_string();
        side.push(suffix);
        assert!(!Path::new(&side).exists(), "{side:?} was left behind");
    }
}

fn sqlite(store: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.execute_batch(sql).unwrap();
    // Checkpointed and closed: the file is whole, nothing beside it.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .unwrap();
}

#[test]
fn stores_of_the_wrong_shape_newer_damaged_or_read_only_are_refused_untouched() {
    let sandbox = Sandbox::new();
    let config = sandbox.polled_config("c.toml", "history.sqlite");
    sandbox.make_store(&config);
    let store = sandbox.path().join("history.sqlite");
    let pristine = fs::read(&store).unwrap();
    sandbox.give(sandbox.path());

    // Version 1, with a table dropped by hand.
    sqlite(&store, "DROP TABLE watermarks;");
    store_refused_untouched(
        &sandbox,
        "c.toml",
        &store,
        &format!(
            "cannot open the history database {}: its tables do not match schema version {} (table watermarks is missing); it was left untouched",
            store.display(),
            flowdeck::store::sqlite::SCHEMA_VERSION
        ),
    );

    // Written by a newer flowdeck, in WAL mode (the case that left -wal and -shm behind).
    fs::write(&store, &pristine).unwrap();
    sqlite(
        &store,
        "PRAGMA user_version = 7; PRAGMA journal_mode = WAL;",
    );
    let conn = rusqlite::Connection::open(&store).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    drop(conn);
    sandbox.give(&store);
    store_refused_untouched(
        &sandbox,
        "c.toml",
        &store,
        &format!(
            "the history database {} was written by a newer flowdeck (schema version 7, this one knows up to {})",
            store.display(),
            flowdeck::store::sqlite::SCHEMA_VERSION
        ),
    );

    // Damaged: half of it.
    fs::write(&store, &pristine[..pristine.len() / 2]).unwrap();
    store_refused_untouched(
        &sandbox,
        "c.toml",
        &store,
        &format!("the history database {} is damaged", store.display()),
    );

    // Sound, but root's and read-only for nobody (or read-only for this user).
    fs::write(&store, &pristine).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&store, Some(0), Some(0)).unwrap();
    }
    fs::set_permissions(&store, fs::Permissions::from_mode(0o444)).unwrap();
    store_refused_untouched(
        &sandbox,
        "c.toml",
        &store,
        &format!(
            "cannot open the history database {}: it is read-only for this user, and every sync writes to it; it was left untouched",
            store.display()
        ),
    );
}

/// Runs `args` on `config` and returns (exit code, stdout and stderr).
fn run(sandbox: &Sandbox, args: &[&str], config: &str) -> (Option<i32>, String) {
    let mut all = args.to_vec();
    all.extend(["--now", NOW, "--config", config]);
    let out = sandbox.flowdeck(&all);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    (out.status.code(), text)
}

#[test]
fn postgres_stores_of_the_wrong_shape_or_read_only_are_refused_by_the_runs_that_write() {
    if !postgres_server::available() {
        return;
    }
    let pg = postgres_server::Postgres::start();
    let sandbox = Sandbox::new();
    let shape = |db: &str| {
        pg.psql(
            db,
            "SELECT table_name || '.' || column_name FROM information_schema.columns \
             WHERE table_schema = 'flowdeck' ORDER BY table_name, ordinal_position",
        )
    };

    // Made by flowdeck (check opens and migrates it), then a column dropped by hand.
    let db = pg.create_database("misshapen");
    sandbox.polled_config("m.toml", &pg.url(&db));
    let (code, _) = run(&sandbox, &["check"], "m.toml");
    assert_eq!(code, Some(1));
    pg.psql(&db, "ALTER TABLE flowdeck.events DROP COLUMN revision");
    let before = shape(&db);
    let expected = format!(
        "cannot open the history database {}: its tables do not match schema version 4 (table events has no column revision); it was left untouched",
        pg.server_name(&db)
    );
    for args in [&["check"][..], &["report", "--offline"], &["collect"]] {
        let (code, text) = run(&sandbox, args, "m.toml");
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert!(text.contains(&expected), "{args:?}: {text}");
    }
    assert_eq!(shape(&db), before);

    // A session that may only read: a collector is refused; a reader is not.
    let db = pg.create_database("standby");
    sandbox.polled_config("r.toml", &pg.url(&db));
    assert_eq!(run(&sandbox, &["check"], "r.toml").0, Some(1));
    pg.psql(
        "postgres",
        &format!("ALTER DATABASE {db} SET default_transaction_read_only = on"),
    );
    let (code, text) = run(&sandbox, &["collect"], "r.toml");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "cannot open the history database {}: the session is read-only (a standby, or default_transaction_read_only), and every sync writes to the store",
            pg.server_name(&db)
        )),
        "{text}"
    );
    let (_, text) = run(&sandbox, &["check"], "r.toml");
    assert!(
        text.contains("(read only here: `flowdeck collect` on this config would fail: "),
        "{text}"
    );
    // The same config, told to poll: refused by report and check alike.
    let text = fs::read_to_string(sandbox.path().join("r.toml")).unwrap();
    sandbox.write(
        "rp.toml",
        &text.replace("[general]\n", "[general]\npoll = true\n"),
    );
    for args in [&["check"][..], &["report"]] {
        let (code, text) = run(&sandbox, args, "rp.toml");
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert!(
            text.contains("the session is read-only"),
            "{args:?}: {text}"
        );
    }

    // A role without the write privileges.
    let db = pg.create_database("revoked");
    sandbox.polled_config("p.toml", &pg.url(&db));
    assert_eq!(run(&sandbox, &["check"], "p.toml").0, Some(1));
    pg.psql(
        &db,
        "REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA flowdeck FROM flowdeck",
    );
    let (code, text) = run(&sandbox, &["collect"], "p.toml");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(
            "the role may not INSERT on flowdeck.events, and every sync writes to the store"
        ),
        "{text}"
    );
}

// ----- 5. bounded input -----

#[test]
fn dates_windows_and_the_clock_are_bounded() {
    let sandbox = Sandbox::new();
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "--demo", "--now", NOW];
        args.extend_from_slice(extra);
        sandbox.flowdeck(&args)
    };
    assert_usage(
        &report(&["--from", "2026-01-01", "--to", "9999-12-31"]),
        "error: \"9999-12-31\" is outside the years 1970 to 2100; dates run from 1970-01-01 to 2100-12-31",
    );
    assert_usage(
        &report(&["--from", "0000-01-01T00:00:00Z", "--to", "2026-01-01"]),
        "error: \"0000-01-01T00:00:00Z\" is outside the years 1970 to 2100; dates and times run from 1970-01-01 to 2100-12-31",
    );
    assert_usage(
        &report(&["--from", "1970-01-01", "--to", "2026-11-20"]),
        "error: the window from 1970-01-01 to 2026-11-20 is 20778 days long; a window is at most 3660 days (about 10 years); narrow --from and --to",
    );
    for (window, problem) in [
        ("0d", "is too short"),
        ("4000d", "is too long"),
        ("36h", "is not a whole number of days"),
    ] {
        let out = report(&["--window", window]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "\"{window}\" {problem}; a window is at least \"1d\""
            )),
            "{}",
            stderr(&out)
        );
    }
    let out = sandbox.flowdeck(&["report", "--demo", "--now", "9999-12-31T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("\"9999-12-31T00:00:00Z\" is outside the years 1970 to 2100"),
        "{}",
        stderr(&out)
    );
    // The longest window accepted still writes a report its own schema accepts.
    let out = report(&["--from", "2016-11-21", "--to", "2026-11-20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/flowdeck.report.v1.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_config_is_read_only_when_it_is_a_file_of_sane_size() {
    let sandbox = Sandbox::new();
    let big = sandbox.write("big.toml", &"# padding\n".repeat(200_000));
    let check = |config: &str| sandbox.flowdeck(&["check", "--config", config]);
    assert_usage(
        &check("big.toml"),
        "error: big.toml: the config file is larger than 1024 KiB, which no config is\n  hint: is this the right file? A config is a short TOML file",
    );
    assert_usage(
        &check(sandbox.path().to_str().unwrap()),
        &format!(
            "error: {}: the config is a directory, not a file\n  hint: name a TOML file with --config or $FLOWDECK_CONFIG",
            sandbox.path().display()
        ),
    );
    // An endless device is read no further than the limit.
    let out = check("/dev/zero");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: /dev/zero: the config file is larger than 1024 KiB"),
        "{}",
        stderr(&out)
    );
    // A pipe (`--config <(…)`) is read, bounded like a file.
    let fifo = sandbox.path().join("piped.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = fs::OpenOptions::new().write(true).open(fifo).unwrap();
            let _ = pipe.write_all(git_config("").as_bytes());
        })
    };
    let out = check("piped.toml");
    writer.join().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ok    config piped.toml"),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert_eq!(sha256(&big).len(), 64);
}

#[test]
fn counts_and_durations_in_the_config_are_bounded() {
    let sandbox = Sandbox::new();
    for (setting, expected) in [
        (
            "[general]\nreport_items = 100001",
            "error: b.toml:2:16: 100001 is too large for \"report_items\" in [general]\n  hint: the longest item list is 100000; 0 lists none",
        ),
        (
            "[general]\nrefresh = \"0s\"",
            "error: b.toml:2:11: \"0s\" is too short for \"refresh\" in [general]\n  hint: A poll interval is at least \"1s\" and at most \"1d\"",
        ),
        (
            "[ui]\nwall_rotate = \"0s\"",
            "error: b.toml:2:15: \"0s\" is too short for \"wall_rotate\" in [ui]",
        ),
        (
            "[general]\nbackfill = \"200000w\"",
            "error: b.toml:2:12: duration \"200000w\" is too large for \"backfill\" in [general]\n  hint: the longest duration is 36500d (100 years)",
        ),
    ] {
        sandbox.write("b.toml", &git_config(setting));
        let out = sandbox.flowdeck(&["check", "--config", "b.toml"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with(expected),
            "{}\nexpected: {expected}",
            stderr(&out)
        );
    }
}

// ----- 6. smaller, same spirit -----

#[test]
fn numbers_too_large_say_so() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "n.toml",
        &git_config("[general]\nreport_items = 99999999999999999999"),
    );
    assert_usage(
        &sandbox.flowdeck(&["check", "--config", "n.toml"]),
        "error: n.toml:2:16: 99999999999999999999 is too large for \"report_items\" in [general]\n  hint: expected a whole number (0 or more)",
    );
    let out = sandbox.flowdeck(&["report", "--demo", "--size", "99999x60"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("99999 in \"99999x60\" is too large"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_takes_localhost_and_refuses_other_host_names() {
    let sandbox = Sandbox::new();
    let out = sandbox.flowdeck(&["serve", "--demo", "--metrics", "metrics.example:9464"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "host names are not accepted (\"metrics.example\"): write an IP address, like 127.0.0.1:9464 or 0.0.0.0:9464 (localhost means 127.0.0.1)"
        ),
        "{}",
        stderr(&out)
    );
    let out = sandbox.flowdeck(&["serve", "--demo", "--metrics", "localhost:70000"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("port 70000 is too large"),
        "{}",
        stderr(&out)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(BIN);
    sandbox.env(&mut command);
    let mut child = command
        .args([
            "serve",
            "--demo",
            "--now",
            NOW,
            "--metrics",
            &format!("localhost:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut body = String::new();
    for _ in 0..600 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            stream
                .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            body.clear();
            stream.read_to_string(&mut body).unwrap();
            // 503 until the first snapshot is built: ask again.
            if !body.starts_with("HTTP/1.1 503") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains("flowdeck_"), "{body}");
}

/// Builds a repository with two release tags, a tag at a tree and one at a blob (neither can
/// be a deployment), in `dir`.
fn repository_with_odd_tags(dir: &Path) {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.email=dev@example.com", "-c", "user.name=Dev"])
            .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2026-11-10T10:00:00Z")
            .env("GIT_AUTHOR_DATE", "2026-11-10T10:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    fs::create_dir_all(dir).unwrap();
    git(&["init", "-q", "-b", "main", "."]);
    fs::write(dir.join("a.txt"), "one\n").unwrap();
    git(&["add", "a.txt"]);
    git(&["commit", "-q", "-m", "one"]);
    git(&["tag", "v1"]);
    git(&["commit", "-q", "--allow-empty", "-m", "two"]);
    git(&["tag", "v2"]);
    let tree = git(&["rev-parse", "HEAD^{tree}"]);
    git(&["tag", "v0-tree", &tree]);
    let blob = git(&["rev-parse", "HEAD:a.txt"]);
    git(&["tag", "v0-blob", &blob]);
}

fn odd_tags_config(sandbox: &Sandbox) -> PathBuf {
    sandbox.write(
        "git.toml",
        "[general]\nlog_file = \"flowdeck.log\"\n\n[[sources]]\nkind = \"git\"\nservice = \"api\"\npath = \"repo\"\ndeploy_tags = \"v*\"\n",
    )
}

/// Every file under `dir` with its sha256.
fn tree_digest(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), sha256(&path)));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn check_counts_and_names_the_matching_tags_that_are_no_deployment() {
    let sandbox = Sandbox::new();
    repository_with_odd_tags(&sandbox.path().join("repo"));
    let config = odd_tags_config(&sandbox);
    let out = sandbox.flowdeck(&["check", "--config", config.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", stderr(&out));
    assert!(said.contains("4 tags match \"v*\""), "{said}");
    assert!(said.contains("2 of them skipped"), "{said}");
    assert!(
        said.contains("v0-tree") && said.contains("v0-blob"),
        "{said}"
    );
}

#[test]
fn a_repository_this_user_cannot_read_is_permission_denied_never_ok() {
    let sandbox = Sandbox::new();
    let repo = sandbox.path().join("repo");
    repository_with_odd_tags(&repo);
    let config = odd_tags_config(&sandbox);
    let objects = repo.join(".git/objects");
    let before = tree_digest(&repo);
    // As root: the sandbox and the repository are nobody's, who runs the binary, but the
    // objects folder is root's alone. Otherwise the user takes its own read permission away.
    sandbox.give(sandbox.path());
    let mode = if is_root() {
        std::os::unix::fs::chown(&objects, Some(0), Some(0)).unwrap();
        0o700
    } else {
        0o000
    };
    fs::set_permissions(&objects, fs::Permissions::from_mode(mode)).unwrap();
    let config_arg = config.to_str().unwrap();
    let check = sandbox.flowdeck_unprivileged(&["check", "--config", config_arg]);
    let report = sandbox.flowdeck_unprivileged(&["report", "--config", config_arg, "--now", NOW]);
    fs::set_permissions(&objects, fs::Permissions::from_mode(0o755)).unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{said}{}", stderr(&check));
    assert!(said.contains("FAIL  git:api"), "{said}");
    assert!(said.contains("permission denied"), "{said}");
    assert_eq!(report.status.code(), Some(1), "{}", stderr(&report));
    assert!(
        stderr(&report).contains("permission denied"),
        "{}",
        stderr(&report)
    );
    assert!(report.stdout.is_empty());
    assert_eq!(tree_digest(&repo), before);
}
