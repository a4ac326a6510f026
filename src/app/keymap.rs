//! Keys to commands. The defaults below can be changed in the config's `[keys]` table
//! (`"ctrl-r" = "refresh"`, `"q" = "none"` to unbind); help and the command bar read the same
//! map, so they never drift from what the keys do.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Command;

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

/// The defaults: arrows and hjkl, Tab/Shift-Tab, 1-9, Enter, Esc, `?`, `q`, `r`, `/`, `s`, `w`.
const DEFAULTS: &[(&str, Command)] = &[
    ("up", Command::Up),
    ("k", Command::Up),
    ("down", Command::Down),
    ("j", Command::Down),
    ("left", Command::Left),
    ("h", Command::Left),
    ("right", Command::Right),
    ("l", Command::Right),
    ("pageup", Command::PageUp),
    ("pagedown", Command::PageDown),
    ("home", Command::Top),
    ("g", Command::Top),
    ("end", Command::Bottom),
    ("G", Command::Bottom),
    ("tab", Command::NextPanel),
    ("shift-tab", Command::PreviousPanel),
    ("1", Command::Panel1),
    ("2", Command::Panel2),
    ("3", Command::Panel3),
    ("4", Command::Panel4),
    ("5", Command::Panel5),
    ("6", Command::Panel6),
    ("7", Command::Panel7),
    ("8", Command::Panel8),
    ("9", Command::Panel9),
    ("enter", Command::Open),
    ("esc", Command::Back),
    ("backspace", Command::Back),
    ("q", Command::Quit),
    ("ctrl-c", Command::Quit),
    ("?", Command::Help),
    ("r", Command::Refresh),
    ("/", Command::Search),
    ("s", Command::Standup),
    ("w", Command::Window),
    ("W", Command::CustomWindow),
    ("f", Command::Service),
    ("t", Command::Team),
    ("v", Command::Environment),
    ("x", Command::ClearFilters),
    ("S", Command::SortNext),
    ("R", Command::SortReverse),
    ("o", Command::OpenUrl),
    ("e", Command::Export),
];

/// Why a `[keys]` entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("unknown action {0:?} (use \"none\" to unbind a key); the actions are: {1}")]
    Action(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<KeyChord, Command>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings = BTreeMap::new();
        for (key, command) in DEFAULTS {
            if let Ok(chord) = KeyChord::parse(key) {
                bindings.insert(chord, *command);
            }
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the config's `[keys]` entries applied in order.
    pub fn with_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::default();
        for (key, action) in overrides {
            let chord = KeyChord::parse(key)?;
            if action == "none" {
                keymap.bindings.remove(&chord);
                continue;
            }
            let command = Command::from_name(action).ok_or_else(|| {
                let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                KeymapError::Action(action.to_string(), names.join(", "))
            })?;
            keymap.bindings.insert(chord, command);
        }
        Ok(keymap)
    }

    pub fn command(&self, event: &KeyEvent) -> Option<Command> {
        KeyChord::from_event(event).and_then(|chord| self.bindings.get(&chord).copied())
    }

    /// Every key bound to a command, in a stable order (defaults' order first).
    pub fn keys_for(&self, command: Command) -> Vec<String> {
        let mut keys: Vec<(usize, String)> = self
            .bindings
            .iter()
            .filter(|(_, c)| **c == command)
            .map(|(chord, _)| {
                let text = chord.to_string();
                let rank = DEFAULTS
                    .iter()
                    .position(|(k, c)| *c == command && KeyChord::parse(k).ok() == Some(*chord))
                    .unwrap_or(usize::MAX);
                (rank, text)
            })
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// Every command with its keys, for the help screen.
    pub fn help(&self) -> Vec<(Command, Vec<String>)> {
        Command::ALL
            .into_iter()
            .map(|c| (c, self.keys_for(c)))
            .filter(|(_, keys)| !keys.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_cover_the_documented_keys() {
        let keymap = Keymap::default();
        let cases = [
            (key(KeyCode::Char('q'), KeyModifiers::NONE), Command::Quit),
            (
                key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Command::Quit,
            ),
            (key(KeyCode::Char('j'), KeyModifiers::NONE), Command::Down),
            (key(KeyCode::Down, KeyModifiers::NONE), Command::Down),
            (key(KeyCode::Tab, KeyModifiers::NONE), Command::NextPanel),
            (
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                Command::PreviousPanel,
            ),
            (key(KeyCode::Char('5'), KeyModifiers::NONE), Command::Panel5),
            (key(KeyCode::Enter, KeyModifiers::NONE), Command::Open),
            (key(KeyCode::Esc, KeyModifiers::NONE), Command::Back),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Command::Help),
            (
                key(KeyCode::Char('G'), KeyModifiers::SHIFT),
                Command::Bottom,
            ),
            (key(KeyCode::Char('/'), KeyModifiers::NONE), Command::Search),
            (
                key(KeyCode::Char('s'), KeyModifiers::NONE),
                Command::Standup,
            ),
            (key(KeyCode::Char('w'), KeyModifiers::NONE), Command::Window),
            (
                key(KeyCode::Char('r'), KeyModifiers::NONE),
                Command::Refresh,
            ),
        ];
        for (event, command) in cases {
            assert_eq!(keymap.command(&event), Some(command), "{event:?}");
        }
    }

    #[test]
    fn overrides_rebind_and_unbind() {
        let keymap =
            Keymap::with_overrides([("ctrl-r", "refresh"), ("q", "none"), ("Q", "quit")]).unwrap();
        assert_eq!(
            keymap.command(&key(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Command::Refresh)
        );
        assert_eq!(
            keymap.command(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.command(&key(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
            Some(Command::Quit)
        );
        assert_eq!(keymap.keys_for(Command::Quit), vec!["ctrl-c", "Q"]);
        assert_eq!(keymap.keys_for(Command::Refresh), vec!["r", "ctrl-r"]);
    }

    #[test]
    fn bad_entries_are_explained() {
        assert!(matches!(
            Keymap::with_overrides([("hyper-x", "quit")]),
            Err(KeymapError::Key(_))
        ));
        let err = Keymap::with_overrides([("x", "explode")]).unwrap_err();
        assert!(err.to_string().starts_with("unknown action \"explode\""));
    }

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

    #[test]
    fn help_lists_every_bound_command_from_the_same_map() {
        let keymap = Keymap::default();
        let help = keymap.help();
        assert!(
            help.iter()
                .any(|(c, keys)| *c == Command::Quit && keys.contains(&"q".to_string()))
        );
        for (command, keys) in &help {
            for k in keys {
                let chord = KeyChord::parse(k).unwrap();
                assert_eq!(keymap.bindings.get(&chord), Some(command));
            }
        }
    }
}
