//! The real binary on config files in a temporary directory: exact error text (file:line:col,
//! message, hint) on stderr with exit code 2, the file lookup order, and `init`.
//!
//! Every run sets $FLOWDECK_CONFIG, $HOME and the XDG directories itself, so the developer's
//! own config never leaks in.

// clippy.toml allows unwrap in #[test] functions; the setup helpers below are test code too,
// and a failed setup should fail the test just the same.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where `load` looks when neither --config nor $FLOWDECK_CONFIG is given.
    fn xdg_config(&self) -> PathBuf {
        self.path().join("xdg/config/flowdeck/config.toml")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The binary, run in the sandbox with an empty $FLOWDECK_CONFIG.
    fn flowdeck(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
        command
            .current_dir(self.path())
            .env("FLOWDECK_CONFIG", "")
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("xdg/config"))
            .env("XDG_DATA_HOME", self.path().join("xdg/data"))
            .env("XDG_STATE_HOME", self.path().join("xdg/state"))
            .env("XDG_CACHE_HOME", self.path().join("xdg/cache"));
        command
    }

    fn check(&self, config: &Path) -> Output {
        self.flowdeck()
            .arg("check")
            .arg("--config")
            .arg(config)
            .output()
            .unwrap()
    }

    /// Writes `text` as flowdeck.toml and runs `check --config` on it.
    fn check_text(&self, text: &str) -> (PathBuf, Output) {
        let path = self.write("flowdeck.toml", text);
        let output = self.check(&path);
        (path, output)
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit code 2, and stderr is exactly `error: <expected>` and a newline.
fn assert_config_error(output: &Output, expected: &str) {
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit code; stderr: {}",
        stderr(output)
    );
    assert_eq!(stderr(output), format!("error: {expected}\n"));
}

#[test]
fn a_syntax_error() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\nwindow = 30d\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:10: invalid TOML: string values must be quoted\n  hint: write \"30d\" in quotes",
            path.display()
        ),
    );
}

#[test]
fn an_unclosed_string() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\nwindow = \"30d\nrefresh = \"1m\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:14: invalid TOML: the string is not closed\n  hint: end it with the same quote it starts with, on the same line (only \"\"\"triple-quoted\"\"\" strings span lines)",
            path.display()
        ),
    );
}

#[test]
fn an_unknown_key_in_general() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\ntimezone = \"UTC\"\nwindw = \"30d\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:3:1: unknown key \"windw\" in [general]\n  hint: did you mean \"window\"? config.example.toml documents every key",
            path.display()
        ),
    );
}

#[test]
fn an_unknown_key_in_a_git_source() {
    let sandbox = Sandbox::new();
    let text = "[general]\nwindow = \"30d\"\n\n[[sources]]\nkind = \"git\"\nservice = \"api\"\n    deploy_tag = \"v*\"\n";
    let (path, output) = sandbox.check_text(text);
    assert_config_error(
        &output,
        &format!(
            "{}:7:5: unknown key \"deploy_tag\" in [[sources]] (kind \"git\")\n  hint: did you mean \"deploy_tags\"? config.example.toml documents every key",
            path.display()
        ),
    );
}

#[test]
fn a_bad_duration() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\nwindow = \"30 days\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:10: invalid duration \"30 days\" for \"window\" in [general]\n  hint: write a number and a unit, like \"90s\", \"15m\", \"24h\", \"30d\" or \"2w\"",
            path.display()
        ),
    );
}

#[test]
fn a_duration_of_the_wrong_type() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[incidents]\nattribution_window = 24\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:22: wrong type for \"attribution_window\" in [incidents]: expected a string like \"30d\", found an integer\n  hint: write it like attribution_window = \"30d\"",
            path.display()
        ),
    );
}

#[test]
fn a_bad_timezone() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\ntimezone = \"Europe/Berln\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:12: unknown timezone \"Europe/Berln\" for \"timezone\" in [general]\n  hint: did you mean \"Europe/Berlin\"? Timezones are IANA names",
            path.display()
        ),
    );
}

#[test]
fn a_bad_hotfix_pattern() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[incidents]\nhotfix_pattern = '^(hotfix|revert'\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:18: invalid regular expression \"^(hotfix|revert\" for \"hotfix_pattern\" in [incidents]\n  hint: unclosed group; the syntax is Rust's regex crate (https://docs.rs/regex), e.g. '(?i)^(hotfix|revert)\\b'",
            path.display()
        ),
    );
}

#[test]
fn an_unknown_source_kind() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[[sources]]\nkind = \"gitlub\"\nservice = \"web\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:8: unknown source kind \"gitlub\"\n  hint: did you mean \"gitlab\"? The kinds are \"git\", \"github\", \"gitlab\", \"prometheus\", \"pagerduty\", \"opsgenie\", \"jenkins\", \"buildkite\", \"circleci\", \"argocd\", \"events\"",
            path.display()
        ),
    );
}

#[test]
fn a_missing_required_key() {
    let sandbox = Sandbox::new();
    let text = "[general]\nwindow = \"30d\"\n\n[[sources]]\nkind = \"git\"\npath = \".\"\n";
    let (path, output) = sandbox.check_text(text);
    assert_config_error(
        &output,
        &format!(
            "{}:4:1: missing required key \"service\" in [[sources]] (kind \"git\")\n  hint: add service = … to this source; config.example.toml shows every key of each kind",
            path.display()
        ),
    );
}

#[test]
fn custom_bands_without_a_bands_table() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[general]\nbands = \"custom\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:2:9: bands = \"custom\" needs a [bands] table, and there is none\n  hint: add a [bands] table with frequency, lead_time, change_failure_rate and recovery_time thresholds (config.example.toml has one), or use \"dora-2023\"",
            path.display()
        ),
    );
}

#[test]
fn a_config_path_that_does_not_exist() {
    let sandbox = Sandbox::new();
    let path = sandbox.path().join("missing.toml");
    let output = sandbox.check(&path);
    assert_config_error(
        &output,
        &format!(
            "{0}: config file not found (named by --config)\n  hint: check the path, or create a starter config there with: flowdeck init --config {0}",
            path.display()
        ),
    );
}

#[test]
fn flowdeck_config_names_the_file_when_there_is_no_flag() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("env.toml", "[ui]\nmouse = \"yes\"\n");
    let output = sandbox
        .flowdeck()
        .arg("check")
        .env("FLOWDECK_CONFIG", &path)
        .output()
        .unwrap();
    assert_config_error(
        &output,
        &format!(
            "{}:2:9: wrong type for \"mouse\" in [ui]: expected true or false, found a string\n  hint: write mouse = true or mouse = false, without quotes",
            path.display()
        ),
    );

    let missing = sandbox.path().join("gone.toml");
    let output = sandbox
        .flowdeck()
        .arg("check")
        .env("FLOWDECK_CONFIG", &missing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(&format!(
            "error: {}: config file not found (named by $FLOWDECK_CONFIG)\n",
            missing.display()
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_xdg_config_is_read_when_nothing_else_names_one() {
    let sandbox = Sandbox::new();
    let path = sandbox.xdg_config();
    sandbox.write(
        "xdg/config/flowdeck/config.toml",
        "[[services]]\nteam = \"x\"\n",
    );
    let output = sandbox.flowdeck().arg("check").output().unwrap();
    assert_config_error(
        &output,
        &format!(
            "{}:1:1: missing required key \"name\" in [[services]]\n  hint: add name = … to [[services]]; config.example.toml documents every key",
            path.display()
        ),
    );
}

#[test]
fn a_missing_xdg_config_means_defaults() {
    let sandbox = Sandbox::new();
    let output = sandbox.flowdeck().arg("check").output().unwrap();
    let stderr = stderr(&output);
    assert!(!stderr.contains("config.toml"), "{stderr}");
    assert!(!stderr.contains("hint:"), "{stderr}");
}

/// A valid config with a git source on a real (empty) repository: `check` passes.
#[test]
fn a_valid_config_passes_validation() {
    let sandbox = Sandbox::new();
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(sandbox.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(init.success());
    let text = r#"
[general]
window = "14d"
timezone = "Europe/Berlin"
bands = "custom"
exclude_authors = ["*[bot]", "renovate"]

[incidents]
hotfix_pattern = '(?i)^hotfix\b'

[bands.frequency]
elite = "5/week"
high = "1/week"
medium = "1/30d"

[bands.lead_time]
elite = "1d"
high = "7d"
medium = "30d"

[bands.change_failure_rate]
elite = 0.05
high = 0.1
medium = 0.15

[bands.recovery_time]
elite = "1h"
high = "1d"
medium = "7d"

[keys]
"ctrl-r" = "refresh"
"q" = "none"
"Q" = "quit"

[[services]]
name = "api"
team = "payments"

[[sources]]
kind = "git"
service = "api"
path = "."
deploy_tags = "api-v*"
paths = ["services/api/**"]
"#;
    let (_, output) = sandbox.check_text(text);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", stderr(&output));
    assert!(stdout.contains("ok    config "), "{stdout}");
    assert!(stdout.contains("ok    git:api: repository "), "{stdout}");
    assert!(
        stdout.contains("opens, 0 tags match \"api-v*\""),
        "{stdout}"
    );
}

#[test]
fn an_unknown_action_in_keys() {
    let sandbox = Sandbox::new();
    let (path, output) =
        sandbox.check_text("[keys]\n\"ctrl-r\" = \"refresh\"\n\"q\" = \"quitt\"\n");
    assert_config_error(
        &output,
        &format!(
            "{}:3:7: unknown action \"quitt\" in [keys]\n  hint: did you mean \"quit\"? \"none\" unbinds the key",
            path.display()
        ),
    );
}

#[test]
fn an_unknown_key_name_in_keys() {
    let sandbox = Sandbox::new();
    let (path, output) = sandbox.check_text("[keys]\n\"hyper-q\" = \"quit\"\n");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.starts_with(&format!(
            "error: {}:2:1: unknown key \"hyper-q\" in [keys]\n  hint: write a character",
            path.display()
        )),
        "{text}"
    );
}

#[test]
fn init_writes_a_starter_then_refuses_to_overwrite_it() {
    let sandbox = Sandbox::new();
    let path = sandbox.path().join("new/dir/flowdeck.toml");
    let output = sandbox
        .flowdeck()
        .arg("init")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("wrote {}\n", path.display())
    );
    let written = std::fs::read(&path).unwrap();

    // What init wrote passes the config check.
    let check = sandbox.check(&path);
    assert!(
        !stderr(&check).contains(&format!("{}:", path.display())),
        "{}",
        stderr(&check)
    );

    let again = sandbox
        .flowdeck()
        .arg("init")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_config_error(
        &again,
        &format!(
            "{}: a file already exists there, so it was left untouched\n  hint: edit it (`flowdeck check` validates it), or pass --config with a new path for a fresh starter config",
            path.display()
        ),
    );
    assert_eq!(std::fs::read(&path).unwrap(), written);
    assert!(again.stdout.is_empty());
}

#[test]
fn init_writes_to_the_xdg_path_by_default() {
    let sandbox = Sandbox::new();
    let output = sandbox.flowdeck().arg("init").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let path = sandbox.xdg_config();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("wrote {}\n", path.display())
    );
    let text = std::fs::read_to_string(&path).unwrap();
    // The config is not in the repository, so the git source names the repository itself.
    let repo = toml::Value::String(sandbox.path().display().to_string()).to_string();
    assert!(text.contains(&format!("path = {repo}\n")), "{text}");
}

#[test]
fn init_honours_flowdeck_config() {
    let sandbox = Sandbox::new();
    let path = sandbox.path().join("from-env.toml");
    let output = sandbox
        .flowdeck()
        .arg("init")
        .env("FLOWDECK_CONFIG", &path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(path.is_file());
    assert!(!sandbox.xdg_config().exists());
}

#[test]
fn init_that_cannot_write_is_a_runtime_failure() {
    let sandbox = Sandbox::new();
    let blocker = sandbox.write("plain-file", "");
    let path = blocker.join("flowdeck.toml");
    let output = sandbox
        .flowdeck()
        .arg("init")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let stderr = stderr(&output);
    let expected = format!(
        "error: {}: cannot create the directory {} for the starter config: ",
        path.display(),
        blocker.display()
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    // One line: the cause is not repeated.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
