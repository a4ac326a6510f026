//! The dashboard's own channels: the terminal bell and desktop notifications, and the quiet
//! hours that silence both (commands and webhooks still run).
//!
//! A desktop notification goes through the terminal, so it works over SSH: OSC 777
//! (`ESC ] 777 ; notify ; title ; body BEL`: foot, urxvt, VTE terminals, Ghostty) or OSC 9
//! (`ESC ] 9 ; body BEL`: iTerm2, WezTerm, kitty, Windows Terminal, and the default for a
//! terminal not known). Only on a local session whose terminal is not known to show either
//! (no SSH_CONNECTION or SSH_TTY, a DISPLAY or WAYLAND_DISPLAY, `notify-send` on the PATH) is
//! `notify-send` run instead. Inside tmux the sequence is wrapped for tmux's passthrough (shown
//! when `allow-passthrough` is on). The text is sanitized before it is written: no escape
//! sequence, control character or `;` separator from a source reaches the terminal.

use chrono_tz::Tz;

use crate::config::notify::QuietHours;
use crate::model::Timestamp;
use crate::text::sanitize;

/// The bell.
pub const BEL: &str = "\u{7}";
/// The longest body a desktop notification carries.
const MAX_BODY: usize = 200;

/// How desktop notifications are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desktop {
    Osc777,
    Osc9,
    NotifySend,
}

/// Where this process runs: what decides the route.
#[derive(Debug, Clone, Default)]
pub struct Surroundings {
    pub vars: Vec<(String, String)>,
    pub notify_send: bool,
}

impl Surroundings {
    /// This process's environment, and whether `notify-send` is on its PATH.
    pub fn current() -> Surroundings {
        let names = [
            "SSH_CONNECTION",
            "SSH_TTY",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "TERM",
            "TERM_PROGRAM",
            "VTE_VERSION",
            "KITTY_WINDOW_ID",
            "WT_SESSION",
            "TMUX",
        ];
        let vars = names
            .iter()
            .filter_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|value| !value.is_empty())
                    .map(|value| (name.to_string(), value))
            })
            .collect();
        let notify_send = std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join("notify-send").is_file())
        });
        Surroundings { vars, notify_send }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn in_tmux(&self) -> bool {
        self.var("TMUX").is_some()
    }

    /// The route for desktop notifications (see the module documentation).
    pub fn desktop(&self) -> Desktop {
        let term = self.var("TERM").unwrap_or_default();
        let program = self.var("TERM_PROGRAM").unwrap_or_default();
        if term.starts_with("foot")
            || term.starts_with("rxvt")
            || program.eq_ignore_ascii_case("ghostty")
            || self.var("VTE_VERSION").is_some()
        {
            return Desktop::Osc777;
        }
        let known_osc9 = matches!(program, "iTerm.app" | "WezTerm")
            || self.var("KITTY_WINDOW_ID").is_some()
            || self.var("WT_SESSION").is_some();
        let remote = self.var("SSH_CONNECTION").is_some() || self.var("SSH_TTY").is_some();
        let display = self.var("DISPLAY").is_some() || self.var("WAYLAND_DISPLAY").is_some();
        if !known_osc9 && !remote && display && self.notify_send {
            Desktop::NotifySend
        } else {
            Desktop::Osc9
        }
    }
}

/// Text made safe for an OSC string: sanitized, without the field separator, capped.
pub fn inert(text: &str) -> String {
    sanitize(text)
        .chars()
        .map(|c| if c == ';' { ',' } else { c })
        .take(MAX_BODY)
        .collect()
}

/// The bytes of a desktop notification through the terminal (`route` OSC 777 or OSC 9).
pub fn osc(route: Desktop, body: &str, in_tmux: bool) -> String {
    let body = inert(body);
    let sequence = match route {
        Desktop::Osc777 => format!("\u{1b}]777;notify;flowdeck;{body}\u{7}"),
        // OSC 9's text must not begin with digits and ';' (ConEmu reads those as commands):
        // it always begins with "flowdeck".
        Desktop::Osc9 | Desktop::NotifySend => {
            let body = if body.starts_with("flowdeck") {
                body
            } else {
                format!("flowdeck: {body}")
            };
            format!("\u{1b}]9;{body}\u{7}")
        }
    };
    if in_tmux {
        // tmux passes a DCS `tmux;` string through, every ESC inside doubled.
        format!(
            "\u{1b}Ptmux;{}\u{1b}\\",
            sequence.replace('\u{1b}', "\u{1b}\u{1b}")
        )
    } else {
        sequence
    }
}

/// Whether `now` is inside `quiet` (in `tz`).
pub fn is_quiet(quiet: Option<&QuietHours>, tz: Tz, now: Timestamp) -> bool {
    quiet.is_some_and(|quiet| quiet.contains(now.with_timezone(&tz).time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(vars: &[(&str, &str)], notify_send: bool) -> Surroundings {
        Surroundings {
            vars: vars
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            notify_send,
        }
    }

    #[test]
    fn the_route_follows_the_terminal_and_the_session() {
        assert_eq!(around(&[("TERM", "foot")], true).desktop(), Desktop::Osc777);
        assert_eq!(
            around(&[("VTE_VERSION", "7600"), ("DISPLAY", ":0")], true).desktop(),
            Desktop::Osc777
        );
        assert_eq!(
            around(&[("TERM_PROGRAM", "iTerm.app")], false).desktop(),
            Desktop::Osc9
        );
        // A local X session with an unknown terminal: notify-send.
        assert_eq!(
            around(&[("TERM", "xterm-256color"), ("DISPLAY", ":0")], true).desktop(),
            Desktop::NotifySend
        );
        // Over SSH never: the notification belongs on the user's screen, not the server's.
        assert_eq!(
            around(
                &[
                    ("DISPLAY", ":0"),
                    ("SSH_CONNECTION", "10.0.0.1 1 10.0.0.2 22")
                ],
                true
            )
            .desktop(),
            Desktop::Osc9
        );
        assert_eq!(around(&[("DISPLAY", ":0")], false).desktop(), Desktop::Osc9);
    }

    #[test]
    fn no_escape_from_a_source_reaches_the_terminal() {
        let hostile = "incident \u{1b}]777;notify;pwn;x\u{7}\u{1b}[2J; rm\u{9c}\u{90}DB\ndown";
        for route in [Desktop::Osc777, Desktop::Osc9] {
            let bytes = osc(route, hostile, false);
            // Exactly one ESC (the introducer) and one BEL (the terminator).
            assert_eq!(bytes.matches('\u{1b}').count(), 1, "{bytes:?}");
            assert_eq!(bytes.matches('\u{7}').count(), 1, "{bytes:?}");
            assert!(!bytes.contains('\u{9c}') && !bytes.contains('\u{90}'));
            assert!(bytes.ends_with("DB down\u{7}"), "{bytes:?}");
        }
        let osc777 = osc(Desktop::Osc777, hostile, false);
        assert_eq!(osc777.matches(';').count(), 3, "{osc777:?}");
        let wrapped = osc(Desktop::Osc9, "flowdeck: x", true);
        assert_eq!(
            wrapped,
            "\u{1b}Ptmux;\u{1b}\u{1b}]9;flowdeck: x\u{7}\u{1b}\\"
        );
        assert!(osc(Desktop::Osc9, "9;4;1", false).starts_with("\u{1b}]9;flowdeck: "));
        let huge = "x".repeat(10_000);
        assert!(osc(Desktop::Osc9, &huge, false).len() < 300);
    }

    #[test]
    fn quiet_hours_are_read_in_the_configured_timezone() {
        let quiet = QuietHours {
            from: chrono::NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default(),
            to: chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
        };
        let at = |text: &str| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.to_utc())
                .unwrap_or_default()
        };
        // 21:30 UTC is 22:30 in Berlin (winter).
        let berlin: Tz = "Europe/Berlin".parse().unwrap_or(Tz::UTC);
        assert!(is_quiet(Some(&quiet), berlin, at("2026-12-08T21:30:00Z")));
        assert!(!is_quiet(Some(&quiet), Tz::UTC, at("2026-12-08T21:30:00Z")));
        assert!(!is_quiet(None, Tz::UTC, at("2026-12-08T23:30:00Z")));
    }
}
