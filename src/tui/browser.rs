//! Opening a link in the user's browser: `$BROWSER` (its first entry; `%s` stands for the
//! link, else the link is added at the end), else the desktop's opener (`xdg-open`, `open` on
//! macOS). The command is waited for on a thread of its own, so it never stays behind as a
//! defunct process, and how it ended comes back as a notice: a browser that fails says so
//! instead of "opened".

use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for the opener before taking it for a browser that stays open.
const SETTLE: Duration = Duration::from_secs(3);

/// The program and arguments that open `url`, from `browser` (the `$BROWSER` value).
pub(crate) fn command_for(url: &str, browser: Option<&str>) -> Option<(String, Vec<String>)> {
    let entry = browser
        .unwrap_or("")
        .split(':')
        .map(str::trim)
        .find(|e| !e.is_empty());
    let Some(entry) = entry else {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        return Some((opener.to_string(), vec![url.to_string()]));
    };
    let mut words = entry.split_whitespace().map(str::to_string);
    let program = words.next()?;
    let mut args: Vec<String> = words.collect();
    if args.iter().any(|a| a.contains("%s")) {
        for arg in &mut args {
            *arg = arg.replace("%s", url);
        }
    } else {
        args.push(url.to_string());
    }
    Some((program, args))
}

/// Starts the browser for `url` (`browser`: the `$BROWSER` value); returns what to say now,
/// and later calls `report` with how it went (a failure, or that it opened).
pub fn open(
    url: &str,
    browser: Option<&str>,
    report: impl FnOnce(String) + Send + 'static,
) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return format!("not opening {url}: only http(s) links are opened");
    }
    let Some((program, args)) = command_for(url, browser) else {
        return "could not open the link: $BROWSER names no command".into();
    };
    let child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            return format!(
                "could not open {url}: {program} did not start ({e}); set $BROWSER to your browser"
            );
        }
    };
    let stderr = child.stderr.take();
    let opening = format!("opening {url}…");
    let url = url.to_string();
    std::thread::spawn(move || {
        // The opener's complaint, read on the side so a chatty browser never blocks on it.
        let complaint = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stderr) = stderr {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    if text.len() < 4096 {
                        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    }
                }
            }
            text
        });
        let outcome = settle(&mut child);
        let message = match outcome {
            Some(Ok(status)) if status.success() => format!("opened {url}"),
            Some(Ok(status)) => {
                let said = complaint.join().unwrap_or_default();
                let first = flowdeck_core::text::sanitize(said.lines().next().unwrap_or("").trim());
                let how = match status.code() {
                    Some(code) => format!("exited with status {code}"),
                    None => "was killed".to_string(),
                };
                let said = if first.is_empty() {
                    String::new()
                } else {
                    format!(": {first}")
                };
                format!("could not open {url}: {program} {how}{said}")
            }
            Some(Err(e)) => format!("could not open {url}: waiting for {program} failed ({e})"),
            // Still running: a browser that stays in the foreground. Reaped when it ends.
            None => {
                report(format!("opened {url} in {program}"));
                let _ = child.wait();
                return;
            }
        };
        report(message);
    });
    opening
}

/// The opener's exit, if it ends within [`SETTLE`].
fn settle(child: &mut Child) -> Option<std::io::Result<std::process::ExitStatus>> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(Ok(status)),
            Ok(None) if start.elapsed() < SETTLE => std::thread::sleep(Duration::from_millis(25)),
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_entries_are_read_like_other_programs_read_them() {
        let url = "https://example.com/x";
        assert_eq!(
            command_for(url, Some("firefox")),
            Some(("firefox".into(), vec![url.into()]))
        );
        assert_eq!(
            command_for(url, Some("chromium --new-window %s:firefox")),
            Some(("chromium".into(), vec!["--new-window".into(), url.into()]))
        );
        assert_eq!(
            command_for(url, Some(" : lynx")),
            Some(("lynx".into(), vec![url.into()]))
        );
        assert!(command_for(url, None).is_some_and(|(program, _)| !program.is_empty()));
    }

    #[test]
    fn a_failing_browser_is_reported_and_waited_for() {
        let (tx, rx) = std::sync::mpsc::channel();
        let note = open(
            "https://example.com/",
            Some("ls /nonexistent-flowdeck-browser"),
            move |m| {
                let _ = tx.send(m);
            },
        );
        assert!(note.starts_with("opening"), "{note}");
        let outcome = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
        assert!(
            outcome.starts_with("could not open https://example.com/: ls exited with status"),
            "{outcome}"
        );
        assert!(
            outcome.contains("nonexistent-flowdeck-browser"),
            "{outcome}"
        );
    }

    #[test]
    fn a_browser_that_does_not_exist_is_said_at_once() {
        let note = open(
            "https://example.com/",
            Some("/nonexistent/flowdeck-browser"),
            |_| {},
        );
        assert!(note.contains("did not start"), "{note}");
        assert!(open("file:///etc/passwd", None, |_| {}).starts_with("not opening"));
    }
}
