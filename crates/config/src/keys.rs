//! The structural check of the parsed document against the schema's shape: unknown keys
//! (pointing at the key, with a suggestion) and each `[[sources]]` table's `kind`.
//!
//! This runs on the spanned tree before serde sees the file, because serde's own errors for
//! these cases name neither the table nor what was probably meant, and lose their position
//! inside the internally tagged `[[sources]]`.

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::error::{DOCUMENTED, ErrorKind, Problem};
use super::shape::{Child, SOURCE_KINDS, TableShape, source_keys};
use super::suggest::closest;
use super::tree::{Step, in_table, table_name, type_phrase};

/// Every unknown key and every bad source `kind` in the document.
pub(crate) fn check(root: &DeTable<'_>, shape: &TableShape) -> Vec<Problem> {
    let mut walk = Walk {
        root,
        shape,
        problems: Vec::new(),
    };
    walk.table(root, shape, &mut Vec::new());
    walk.problems
}

struct Walk<'a, 'i> {
    root: &'a DeTable<'i>,
    /// The whole file's shape, to tell where a misplaced key belongs.
    shape: &'a TableShape,
    problems: Vec<Problem>,
}

impl<'i> Walk<'_, 'i> {
    fn table(&mut self, table: &DeTable<'i>, shape: &TableShape, path: &mut Vec<Step>) {
        self.keys(table, shape.keys, path);
        for (key, value) in table.iter() {
            let Some(child) = shape.child(key.get_ref()) else {
                continue;
            };
            path.push(Step::Key(key.get_ref().to_string()));
            match (child, value.get_ref()) {
                (Child::Table(inner) | Child::ValueOrTable(inner), DeValue::Table(table)) => {
                    self.table(table, inner, path)
                }
                (Child::ArrayOfTables(inner), DeValue::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(table) = item.get_ref() {
                            path.push(Step::Index(i));
                            self.table(table, inner, path);
                            path.pop();
                        }
                    }
                }
                (Child::Sources, _) => self.sources(value, path),
                (Child::KeyBindings, DeValue::Table(bindings)) => self.key_bindings(bindings),
                // Other wrong types are left to serde, which says what was expected.
                _ => {}
            }
            path.pop();
        }
    }

    /// Each `[keys]` entry: the key must be a key chord, the value an action (or "none").
    fn key_bindings(&mut self, table: &DeTable<'i>) {
        for (key, value) in table.iter() {
            if let Err(invalid) = super::keymap::check_key(key.get_ref()) {
                self.problems.push(Problem::new(
                    Some(key.span()),
                    ErrorKind::InvalidValue,
                    invalid.problem,
                    invalid.hint,
                ));
            }
            let problem = match value.get_ref().as_str() {
                Some(action) => super::keymap::check_action(action)
                    .err()
                    .map(|invalid| (ErrorKind::InvalidValue, invalid.problem, invalid.hint)),
                None => Some((
                    ErrorKind::WrongType,
                    format!(
                        "wrong type for {:?} in [keys]: expected an action name, found {}",
                        key.get_ref().as_ref(),
                        type_phrase(value.get_ref())
                    ),
                    "write it like \"ctrl-r\" = \"refresh\"".to_string(),
                )),
            };
            if let Some((kind, message, hint)) = problem {
                self.problems
                    .push(Problem::new(Some(value.span()), kind, message, hint));
            }
        }
    }

    /// Reports the keys of `table` that are not in `valid`.
    fn keys(&mut self, table: &DeTable<'i>, valid: &[&str], path: &[Step]) {
        for (key, value) in table.iter() {
            if !valid.contains(&key.get_ref().as_ref()) {
                let problem = self.unknown_key(key, value.get_ref(), valid, path);
                self.problems.push(problem);
            }
        }
    }

    fn unknown_key(
        &self,
        key: &Spanned<DeString<'i>>,
        value: &DeValue<'i>,
        valid: &[&str],
        path: &[Step],
    ) -> Problem {
        let name = key.get_ref().as_ref();
        let top_level = path.is_empty();
        // At the top level a table is what the user wrote; say it the way they wrote it.
        let header = |name: &str| match value {
            DeValue::Array(items)
                if !items.is_empty() && items.iter().all(|i| i.get_ref().is_table()) =>
            {
                format!("[[{name}]]")
            }
            _ => format!("[{name}]"),
        };
        let message = if top_level && value.is_table() {
            format!("unknown table [{name}]")
        } else if top_level && header(name).starts_with("[[") {
            format!("unknown table {}", header(name))
        } else {
            format!("unknown key {name:?} {}", in_table(self.root, path))
        };
        let near = closest(name, valid.iter().copied()).map(|near| {
            if top_level && (value.is_table() || value.is_array()) {
                header(near)
            } else {
                format!("{near:?}")
            }
        });
        // A key that exists elsewhere is more likely misplaced than misspelt, so that comes
        // first; the near miss still follows.
        let hint = match (self.homes(name, path), near) {
            (Some(homes), near) => {
                let in_a_source = path.first() == Some(&Step::Key("sources".to_string()));
                let home = if in_a_source
                    && homes.iter().all(|h| h.starts_with("[[sources]] of kind"))
                {
                    format!("{name:?} is only valid in {}", homes.join(" or "))
                } else {
                    format!(
                        "{name:?} belongs in {}: a key belongs to the nearest [table] header above it",
                        homes.join(" or ")
                    )
                };
                match near {
                    Some(near) => format!("{home}; or did you mean {near}?"),
                    None => format!("{home}; {DOCUMENTED}"),
                }
            }
            (None, Some(near)) => format!("did you mean {near}? {DOCUMENTED}"),
            (None, None) if top_level => format!(
                "the file holds the tables [general], [incidents], [ui], [export], [theme], \
                 [keys], [bands], [[services]] and [[sources]]; {DOCUMENTED}"
            ),
            (None, None) => format!(
                "valid keys {}: {}; {DOCUMENTED}",
                in_table(self.root, path),
                valid.join(", ")
            ),
        };
        Problem::new(Some(key.span()), ErrorKind::UnknownKey, message, hint)
    }

    /// The tables (other than the one at `path`) that accept `key`.
    fn homes(&self, key: &str, path: &[Step]) -> Option<Vec<String>> {
        let mut homes = Vec::new();
        if self.shape.keys.contains(&key) && !path.is_empty() {
            homes.push("the top level".to_string());
        }
        for (name, child) in &self.shape.children {
            match child {
                Child::Table(inner) | Child::ArrayOfTables(inner) => {
                    let here = path.first() == Some(&Step::Key((*name).to_string()));
                    if inner.keys.contains(&key) && !here {
                        homes.push(match child {
                            Child::ArrayOfTables(_) => format!("[[{name}]]"),
                            _ => format!("[{name}]"),
                        });
                    }
                }
                // Only top-level children are homes, and a top-level key is never a role.
                Child::ValueOrTable(_) | Child::KeyBindings => {}
                Child::Sources => {
                    let kinds: Vec<&str> = SOURCE_KINDS
                        .into_iter()
                        .filter(|kind| source_keys(kind).is_some_and(|keys| keys.contains(&key)))
                        .collect();
                    let in_a_source = path.first() == Some(&Step::Key("sources".to_string()));
                    if kinds.len() == SOURCE_KINDS.len() && !in_a_source {
                        homes.push("[[sources]]".to_string());
                    } else if !kinds.is_empty() && kinds.len() < SOURCE_KINDS.len() {
                        let kinds: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
                        homes.push(format!("[[sources]] of kind {}", kinds.join(" or ")));
                    }
                }
            }
        }
        (!homes.is_empty()).then_some(homes)
    }

    fn sources(&mut self, value: &Spanned<DeValue<'i>>, path: &mut Vec<Step>) {
        let DeValue::Array(items) = value.get_ref() else {
            self.problems.push(Problem::new(
                Some(value.span()),
                ErrorKind::WrongType,
                format!(
                    "wrong type for \"sources\": expected an array of tables, found {}",
                    type_phrase(value.get_ref())
                ),
                "write each source as its own [[sources]] table; config.example.toml has one of each kind",
            ));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            path.push(Step::Index(i));
            self.source(item, path);
            path.pop();
        }
    }

    fn source(&mut self, item: &Spanned<DeValue<'i>>, path: &[Step]) {
        let kinds = SOURCE_KINDS.map(|k| format!("{k:?}")).join(", ");
        let DeValue::Table(table) = item.get_ref() else {
            self.problems.push(Problem::new(
                Some(item.span()),
                ErrorKind::WrongType,
                format!(
                    "wrong type for an entry of \"sources\": expected a table, found {}",
                    type_phrase(item.get_ref())
                ),
                "write each source as its own [[sources]] table; config.example.toml has one of each kind",
            ));
            return;
        };
        let Some(kind) = table.get("kind") else {
            self.problems.push(Problem::new(
                Some(item.span()),
                ErrorKind::MissingKey,
                format!(
                    "missing required key \"kind\" in {}",
                    table_name(self.root, path)
                ),
                format!("say which provider this source reads: kind = one of {kinds}"),
            ));
            return;
        };
        let Some(name) = kind.get_ref().as_str() else {
            self.problems.push(Problem::new(
                Some(kind.span()),
                ErrorKind::WrongType,
                format!(
                    "wrong type for \"kind\" in {}: expected a string like \"git\", found {}",
                    table_name(self.root, path),
                    type_phrase(kind.get_ref())
                ),
                format!("kind is one of {kinds}"),
            ));
            return;
        };
        let Some(keys) = source_keys(name) else {
            let hint = match closest(name, SOURCE_KINDS) {
                Some(near) => format!("did you mean {near:?}? The kinds are {kinds}"),
                None => format!("the kinds are {kinds}"),
            };
            self.problems.push(Problem::new(
                Some(kind.span()),
                ErrorKind::UnknownSourceKind,
                format!("unknown source kind {name:?}"),
                hint,
            ));
            return;
        };
        let mut valid = vec!["kind"];
        valid.extend_from_slice(keys);
        self.keys(table, &valid, path);
    }
}
