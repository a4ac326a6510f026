//! A `flowdeck collect` run for the tests of what it reads and sends: a temporary home with a
//! config, the binary started with that config, its JSON log lines on standard error followed
//! as they come, stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Long enough for anything that should not take long on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// A temporary home for one test.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `name` in the home; returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `flowdeck --config <config> <args>` with a clean environment inside this home.
    pub fn command(&self, config: &Path, args: &[&str]) -> Command {
        let home = self.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_flowdeck"));
        command
            .arg("--config")
            .arg(config)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_STATE_HOME", home.join("state"));
        command
    }

    pub fn run(&self, config: &Path, args: &[&str]) -> Output {
        self.command(config, args).output().unwrap()
    }

    /// Starts `flowdeck collect` with `config`.
    pub fn collect(&self, config: &Path) -> Collector {
        self.spawn(self.command(config, &["collect"]))
    }

    /// `collect` with its clock fixed at `now`.
    pub fn collect_at(&self, config: &Path, now: &str) -> Collector {
        let mut command = self.command(config, &["collect"]);
        command.env("FLOWDECK_NOW", now);
        self.spawn(command)
    }

    fn spawn(&self, mut command: Command) -> Collector {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Collector {
            child,
            lines,
            seen: Vec::new(),
        }
    }
}

/// A running `flowdeck collect` and what it has written to standard error so far.
pub struct Collector {
    child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Collector {
    /// Waits for a log line matching `wanted`; returns it.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let json: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                    self.seen.push(line);
                    if wanted(&json) {
                        return json;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no {what} line; stderr so far:\n{}", self.seen.join("\n"));
                }
            }
        }
    }

    /// Waits for a successful sync of `source`.
    pub fn wait_for_sync(&mut self, source: &str) -> Value {
        self.wait_for("synced", |line| {
            line["message"] == "synced" && line["source"] == source
        })
    }

    /// Sends SIGTERM and waits for the exit; the exit code and every stderr line.
    pub fn terminate(mut self) -> (Option<i32>, Vec<String>) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "collect did not exit after SIGTERM:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.seen.push(line);
        }
        (code, std::mem::take(&mut self.seen))
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
