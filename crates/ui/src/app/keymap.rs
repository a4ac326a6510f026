//! Keys to commands. The defaults below can be changed in the config's `[keys]` table
//! (`"ctrl-r" = "refresh"`, `"q" = "none"` to unbind); help and the command bar read the same
//! map, so they never drift from what the keys do.

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

use flowdeck_config::keymap::{Command, KeyChord, KeyError};

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
    ("T", Command::Services),
    ("a", Command::ToggleAll),
    ("H", Command::Health),
    ("V", Command::SortVerdict),
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
    pub(crate) fn help(&self) -> Vec<(Command, Vec<String>)> {
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
    use crossterm::event::{KeyCode, KeyModifiers};

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
