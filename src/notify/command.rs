//! `command = [...]`: the program run without a shell, the event as JSON on its stdin, its
//! output discarded, killed when it outlives [`TIMEOUT`]. A failure is returned for the log
//! and the status line; nothing waits on it but the notifier's own thread.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a command may run.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `argv` with `json` on stdin; Err says why it failed (could not start, killed after
/// `timeout`, exit status).
pub fn run(argv: &[String], json: &str, timeout: Duration) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("the command is empty".into());
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that does not read its stdin is not a failure.
        let _ = stdin.write_all(json.as_bytes());
        let _ = stdin.write_all(b"\n");
    }
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{program} exited with {status}")),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} was killed after {} s",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {program} failed: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn the_event_arrives_on_stdin_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        let script = format!("cat > '{}'", out.display());
        run(
            &argv(&["sh", "-c", &script]),
            "{\"text\":\"$(id)\"}",
            TIMEOUT,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"text\":\"$(id)\"}\n"
        );
    }

    #[test]
    fn a_hanging_command_is_killed_and_a_missing_one_reported() {
        let started = Instant::now();
        let error = run(&argv(&["sleep", "30"]), "{}", Duration::from_millis(300)).unwrap_err();
        assert!(error.contains("killed after"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
        let error = run(&argv(&["/nonexistent/page-me"]), "{}", TIMEOUT).unwrap_err();
        assert!(error.contains("could not start"), "{error}");
        let error = run(&argv(&["false"]), "{}", TIMEOUT).unwrap_err();
        assert!(error.contains("exited with"), "{error}");
    }
}
