//! Turns serde's errors (as the toml crate reports them: a message and a span) into problems
//! that name the key and table, say what was expected in words, and carry a hint.

use toml::de::{DeTable, DeValue};

use super::error::{DOCUMENTED, ErrorKind, Problem};
use super::parsed::HINT_SEPARATOR;
use super::suggest::closest;
use super::tree::{self, Found, Step, in_table, table_name, type_phrase};

/// Explains `error`, which came from deserializing (part of) the document `root`.
pub(crate) fn explain(error: &toml::de::Error, root: &DeTable<'_>) -> Problem {
    let span = error.span();
    let found = span.as_ref().and_then(|span| tree::find(root, span));
    let context = Context {
        root,
        found: found.as_ref(),
    };
    let message = error.message();
    let (kind, message, hint) =
        if let Some(text) = found.as_ref().and_then(|f| out_of_range(f.value)) {
            context.out_of_range(&text, message)
        } else if let Some(field) = between(message, "missing field `", "`") {
            context.missing(field)
        } else if let Some(field) = between(message, "unknown field `", "`") {
            (
                ErrorKind::UnknownKey,
                format!("unknown key {field:?}{}", context.place()),
                DOCUMENTED.to_string(),
            )
        } else if let Some(rest) = message.strip_prefix("invalid type: ") {
            // "invalid type: integer `30`, expected a string like "30d"": the expectation is
            // what follows the last ", expected ", since the found value may hold any text.
            let expected = rest.rfind(", expected ").map(|i| &rest[i + 11..]);
            context.wrong_type(expected.unwrap_or("another type"))
        } else if message == "wanted string or table" {
            // The toml crate's words for an enum (like `bands`) given a number or an array.
            context.wrong_type("a string")
        } else if let Some(rest) = message.strip_prefix("unknown variant ") {
            context.unknown_choice(rest)
        } else if let Some((problem, hint)) = message.split_once(HINT_SEPARATOR) {
            (
                ErrorKind::InvalidValue,
                format!("{problem}{}", context.for_key()),
                hint.to_string(),
            )
        } else if let Some(rest) = message.strip_prefix("invalid value: ") {
            let expected = rest.rfind(", expected ").map_or(rest, |i| &rest[i + 11..]);
            let value = found
                .as_ref()
                .and_then(|found| tree::scalar_text(found.value))
                .map(|text| format!(" {text}"))
                .unwrap_or_default();
            (
                ErrorKind::InvalidValue,
                format!("invalid value{value}{}", context.for_key()),
                format!("expected {}", expected_phrase(expected)),
            )
        } else {
            (
                ErrorKind::InvalidValue,
                format!("{message}{}", context.for_key()),
                DOCUMENTED.to_string(),
            )
        };
    Problem::new(span, kind, message, hint)
}

struct Context<'a, 't, 'i> {
    root: &'a DeTable<'i>,
    found: Option<&'a Found<'t, 'i>>,
}

impl Context<'_, '_, '_> {
    /// The key a value belongs to and the path of its table.
    fn key(&self) -> Option<(&str, &[Step])> {
        self.found.and_then(|found| tree::split_key(&found.path))
    }

    /// ` for "window" in [general]`, or nothing when the span was not found.
    fn for_key(&self) -> String {
        match self.key() {
            Some((key, table)) => format!(" for {key:?} {}", in_table(self.root, table)),
            None => String::new(),
        }
    }

    /// ` in [general]`, the table a table-level error (like a missing key) is about.
    fn place(&self) -> String {
        match self.found {
            Some(found) if !found.on_key => format!(" {}", in_table(self.root, &found.path)),
            Some(found) => self
                .key()
                .map(|(_, table)| format!(" {}", in_table(self.root, table)))
                .unwrap_or_else(|| format!(" {}", in_table(self.root, &found.path))),
            None => String::new(),
        }
    }

    /// A number beyond what any key takes (past a 64-bit integer or a double): "too large",
    /// whatever type the key expects, rather than "wrong type" or "overflowed".
    fn out_of_range(&self, text: &str, message: &str) -> (ErrorKind, String, String) {
        let size = if text.starts_with('-') {
            "too far below zero"
        } else {
            "too large"
        };
        let expected = message
            .rfind(", expected ")
            .map(|i| format!("expected {}", expected_phrase(&message[i + 11..])));
        (
            ErrorKind::InvalidValue,
            format!("{text} is {size}{}", self.for_key()),
            expected.unwrap_or_else(|| DOCUMENTED.to_string()),
        )
    }

    fn missing(&self, field: &str) -> (ErrorKind, String, String) {
        let table = self
            .found
            .filter(|found| !found.path.is_empty())
            .map(|found| table_name(self.root, &found.path));
        let hint = match &table {
            Some(table) if table.starts_with("[[sources]] (kind") => format!(
                "add {field} = … to this source; config.example.toml shows every key of each kind"
            ),
            Some(table) => format!("add {field} = … to {table}; {DOCUMENTED}"),
            None => format!("add {field} = …; {DOCUMENTED}"),
        };
        (
            ErrorKind::MissingKey,
            format!("missing required key {field:?}{}", self.place()),
            hint,
        )
    }

    fn wrong_type(&self, expected: &str) -> (ErrorKind, String, String) {
        let expected = expected_phrase(expected);
        let found = self
            .found
            .map(|found| format!(", found {}", type_phrase(found.value)))
            .unwrap_or_default();
        let key = self.key().map(|(key, _)| key);
        let in_array = self
            .found
            .is_some_and(|f| matches!(f.path.last(), Some(Step::Index(_))));
        let message = match self.key() {
            Some((key, table)) => format!(
                "wrong type for {key:?} {}: expected {expected}{found}",
                in_table(self.root, table)
            ),
            None => format!("wrong type: expected {expected}{found}"),
        };
        (
            ErrorKind::WrongType,
            message,
            type_hint(key.unwrap_or("the key"), &expected, in_array),
        )
    }

    /// `rest` is "`dora-2022`, expected one of `dora-2023`, `dora-2021`, `custom`".
    fn unknown_choice(&self, rest: &str) -> (ErrorKind, String, String) {
        let mut quoted = backticked(rest);
        let given = self
            .found
            .and_then(|f| f.value.as_str().map(str::to_string))
            .unwrap_or_else(|| quoted.first().map(|s| s.to_string()).unwrap_or_default());
        if !quoted.is_empty() {
            quoted.remove(0);
        }
        let choices = quoted
            .iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = match closest(&given, quoted.iter().copied()) {
            Some(near) => format!("did you mean {near:?}? The choices are {choices}"),
            None => format!("the choices are {choices}"),
        };
        (
            ErrorKind::InvalidValue,
            format!("unknown value {given:?}{}", self.for_key()),
            hint,
        )
    }
}

/// The value as written when it is a number no 64-bit integer or finite double holds.
fn out_of_range(value: &DeValue<'_>) -> Option<String> {
    let fits = match value {
        DeValue::Integer(number) => i64::from_str_radix(number.as_str(), number.radix()).is_ok(),
        DeValue::Float(number) => number
            .as_str()
            .parse::<f64>()
            .is_ok_and(|f| f.is_finite() || number.as_str().contains("inf")),
        _ => true,
    };
    (!fits).then(|| tree::scalar_text(value)).flatten()
}

/// serde's names for types, in the words a config file uses.
fn expected_phrase(expected: &str) -> String {
    let phrase = match expected {
        "a sequence" => "an array",
        "a map" => "a table",
        "a boolean" => "true or false",
        "f32" | "f64" => "a number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    phrase.to_string()
}

/// How to write the value `expected` describes.
fn type_hint(key: &str, expected: &str, in_array: bool) -> String {
    // The first example after "like": `a string like "5/week" or "1/30d"` gives "5/week".
    let example = expected
        .split_once(" like ")
        .map(|(_, example)| example.split(" or ").next().unwrap_or(example).to_string());
    match (example, expected) {
        (Some(example), _) if in_array => format!("write each entry of {key} like {example}"),
        (Some(example), _) => format!("write it like {key} = {example}"),
        (None, "a string") if in_array => format!("put each entry of {key} in quotes"),
        (None, "a string") => format!("put the value in quotes: {key} = \"…\""),
        (None, "true or false") => format!("write {key} = true or {key} = false, without quotes"),
        (None, "an array") => format!("write an array in brackets: {key} = […]"),
        (None, "a table") => format!(
            "write {key} as a table: a [header] with keys under it, or {key} = {{ key = value }}"
        ),
        (None, e) if e.contains("number") => "write the number without quotes".to_string(),
        (None, _) => DOCUMENTED.to_string(),
    }
}

/// The text between `start` (a prefix of `text`) and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.find(end).map(|i| &rest[..i])
}

/// Every `quoted` word in `text`.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_serde_types() {
        assert_eq!(expected_phrase("usize"), "a whole number (0 or more)");
        assert_eq!(expected_phrase("a sequence"), "an array");
        assert_eq!(expected_phrase("struct General"), "a table");
        assert_eq!(
            expected_phrase("a string like \"30d\""),
            "a string like \"30d\""
        );
    }

    #[test]
    fn hints_show_an_example_when_the_expectation_has_one() {
        assert_eq!(
            type_hint("window", "a string like \"30d\"", false),
            "write it like window = \"30d\""
        );
        assert_eq!(
            type_hint("lead_time", "a string like \"5/week\" or \"1/30d\"", false),
            "write it like lead_time = \"5/week\""
        );
        assert_eq!(
            type_hint("paths", "a string holding a glob like \"v*\"", true),
            "write each entry of paths like \"v*\""
        );
    }

    #[test]
    fn invalid_values_show_the_value() {
        let root = DeTable::parse("[general]\nreport_items = -5\n")
            .unwrap()
            .into_inner();
        let error = toml::from_str::<crate::Config>("[general]\nreport_items = -5\n").unwrap_err();
        let problem = explain(&error, &root);
        assert_eq!(problem.kind, ErrorKind::InvalidValue);
        assert_eq!(
            problem.message,
            "invalid value -5 for \"report_items\" in [general]"
        );
        assert_eq!(problem.hint, "expected a whole number (0 or more)");
    }

    #[test]
    fn reads_serde_messages() {
        assert_eq!(
            between("missing field `name`", "missing field `", "`"),
            Some("name")
        );
        assert_eq!(backticked("`a`, expected one of `b`, `c`"), ["a", "b", "c"]);
    }
}
