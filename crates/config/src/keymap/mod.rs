//! `[keys]`: key → action, over the default keymap. Each key and action is checked on the
//! spanned tree (see `keys.rs`), so a typo is an error at its own line and column.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

mod chord;
mod command;

pub use chord::{KeyChord, KeyError};
pub use command::Command;

use super::parsed::Invalid;
use super::suggest::closest;

/// The `[keys]` entries in file order: (key as written, action name or "none").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyBindings(pub Vec<(String, String)>);

pub(crate) fn check_key(text: &str) -> Result<(), Invalid> {
    KeyChord::parse(text).map(|_| ()).map_err(|_| {
        Invalid::new(
            format!("unknown key {text:?} in [keys]"),
            "write a character (\"q\", \"G\", \"?\"), a name (enter, esc, tab, backspace, up, down, left, right, home, end, pageup, pagedown, delete, insert, space, f1-f12), or either after ctrl-, alt- or shift-",
        )
    })
}

pub(crate) fn check_action(text: &str) -> Result<(), Invalid> {
    if text == "none" || Command::from_name(text).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
    let hint = match closest(text, names.iter().copied()) {
        Some(near) => format!("did you mean {near:?}? \"none\" unbinds the key"),
        None => format!(
            "the actions are {}; \"none\" unbinds the key",
            names.join(", ")
        ),
    };
    Err(Invalid::new(
        format!("unknown action {text:?} in [keys]"),
        hint,
    ))
}

impl<'de> Deserialize<'de> for KeyBindings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = KeyBindings;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of key = \"action\" entries")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyBindings, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, action)) = map.next_entry::<String, String>()? {
                    entries.push((key, action));
                }
                Ok(KeyBindings(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}
