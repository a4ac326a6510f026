//! A key with its modifiers, as the `[keys]` table writes it ("q", "ctrl-c", "shift-tab"), and
//! the chord a terminal key event means.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, as written in config: "q", "ctrl-c", "shift-tab", "pagedown", "G".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    code: ChordCode,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ChordCode {
    Char(char),
    Named(Named),
    F(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Named {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Delete,
    Insert,
}

const NAMES: [(&str, Named); 16] = [
    ("enter", Named::Enter),
    ("esc", Named::Esc),
    ("tab", Named::Tab),
    ("backtab", Named::BackTab),
    ("backspace", Named::Backspace),
    ("up", Named::Up),
    ("down", Named::Down),
    ("left", Named::Left),
    ("right", Named::Right),
    ("home", Named::Home),
    ("end", Named::End),
    ("pageup", Named::PageUp),
    ("pagedown", Named::PageDown),
    ("delete", Named::Delete),
    ("insert", Named::Insert),
    ("escape", Named::Esc),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown key {0:?}: write a character (\"q\", \"G\", \"?\"), a name (enter, esc, tab, backspace, up, down, left, right, home, end, pageup, pagedown, delete, insert, space, f1-f12) or either with ctrl-, alt- or shift-"
)]
pub struct KeyError(pub String);

impl KeyChord {
    pub fn parse(text: &str) -> Result<KeyChord, KeyError> {
        let error = || KeyError(text.to_string());
        let mut rest = text.trim();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if shift && c.is_ascii_lowercase() {
                    ChordCode::Char(c.to_ascii_uppercase())
                } else {
                    ChordCode::Char(c)
                }
            }
            _ if lower == "space" => ChordCode::Char(' '),
            _ if lower == "tab" && shift => ChordCode::Named(Named::BackTab),
            _ if lower.starts_with('f') && lower.len() > 1 => {
                let n: u8 = lower[1..].parse().map_err(|_| error())?;
                if !(1..=12).contains(&n) {
                    return Err(error());
                }
                ChordCode::F(n)
            }
            _ => NAMES
                .iter()
                .find(|(name, _)| *name == lower)
                .map(|(_, named)| ChordCode::Named(*named))
                .ok_or_else(error)?,
        };
        Ok(KeyChord { code, ctrl, alt })
    }

    /// The chord a terminal key event means, if any (key releases and odd keys have none).
    pub fn from_event(event: &KeyEvent) -> Option<KeyChord> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            // Shift is already in the character ('G'), so it is not a separate modifier.
            KeyCode::Char(c) => ChordCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::Enter => ChordCode::Named(Named::Enter),
            KeyCode::Esc => ChordCode::Named(Named::Esc),
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => {
                ChordCode::Named(Named::BackTab)
            }
            KeyCode::Tab => ChordCode::Named(Named::Tab),
            KeyCode::BackTab => ChordCode::Named(Named::BackTab),
            KeyCode::Backspace => ChordCode::Named(Named::Backspace),
            KeyCode::Up => ChordCode::Named(Named::Up),
            KeyCode::Down => ChordCode::Named(Named::Down),
            KeyCode::Left => ChordCode::Named(Named::Left),
            KeyCode::Right => ChordCode::Named(Named::Right),
            KeyCode::Home => ChordCode::Named(Named::Home),
            KeyCode::End => ChordCode::Named(Named::End),
            KeyCode::PageUp => ChordCode::Named(Named::PageUp),
            KeyCode::PageDown => ChordCode::Named(Named::PageDown),
            KeyCode::Delete => ChordCode::Named(Named::Delete),
            KeyCode::Insert => ChordCode::Named(Named::Insert),
            KeyCode::F(n) => ChordCode::F(n),
            _ => return None,
        };
        Some(KeyChord { code, ctrl, alt })
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            write!(f, "ctrl-")?;
        }
        if self.alt {
            write!(f, "alt-")?;
        }
        match self.code {
            ChordCode::Char(' ') => write!(f, "space"),
            ChordCode::Char(c) => write!(f, "{c}"),
            ChordCode::F(n) => write!(f, "f{n}"),
            ChordCode::Named(Named::BackTab) => write!(f, "shift-tab"),
            ChordCode::Named(named) => {
                let name = NAMES
                    .iter()
                    .find(|(_, n)| *n == named)
                    .map_or("?", |(name, _)| name);
                write!(f, "{name}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_display_as_written() {
        for text in [
            "q",
            "ctrl-c",
            "shift-tab",
            "pagedown",
            "G",
            "f5",
            "space",
            "alt-enter",
        ] {
            assert_eq!(KeyChord::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(KeyChord::parse("shift-g").unwrap().to_string(), "G");
    }
}
