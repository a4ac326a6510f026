//! The parsed, spanned TOML document: finding what an error's span points at, and naming
//! keys and tables the way messages show them (`[general]`, `[[sources]] (kind "git")`).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// What a span points at.
#[derive(Debug)]
pub(crate) struct Found<'t, 'i> {
    /// From the root to the key or value.
    pub path: Vec<Step>,
    /// The value at the path (for a key: the key's value).
    pub value: &'t DeValue<'i>,
    /// Whether the span is the key's rather than the value's.
    pub on_key: bool,
}

/// The deepest key or value whose span is exactly `span`. A value wins over its own key when
/// both have the span (an implicitly created table is spanned by its key).
pub(crate) fn find<'t, 'i>(root: &'t DeTable<'i>, span: &Range<usize>) -> Option<Found<'t, 'i>> {
    let mut path = Vec::new();
    find_in_table(root, span, &mut path)
}

fn find_in_table<'t, 'i>(
    table: &'t DeTable<'i>,
    span: &Range<usize>,
    path: &mut Vec<Step>,
) -> Option<Found<'t, 'i>> {
    for (key, value) in table.iter() {
        path.push(Step::Key(key.get_ref().to_string()));
        if let Some(found) = find_in_value(value, span, path) {
            return Some(found);
        }
        if key.span() == *span {
            return Some(Found {
                path: path.clone(),
                value: value.get_ref(),
                on_key: true,
            });
        }
        path.pop();
    }
    None
}

fn find_in_value<'t, 'i>(
    value: &'t Spanned<DeValue<'i>>,
    span: &Range<usize>,
    path: &mut Vec<Step>,
) -> Option<Found<'t, 'i>> {
    let deeper = match value.get_ref() {
        DeValue::Table(table) => find_in_table(table, span, path),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(Step::Index(i));
            let found = find_in_value(item, span, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        _ => None,
    };
    if deeper.is_some() {
        return deeper;
    }
    (value.span() == *span).then(|| Found {
        path: path.clone(),
        value: value.get_ref(),
        on_key: false,
    })
}

/// The value at `path`, with its span.
pub(crate) fn get<'t, 'i>(
    root: &'t DeTable<'i>,
    path: &[Step],
) -> Option<&'t Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let Step::Key(key) = first else { return None };
    let mut value = root.get(key.as_str())?;
    for step in rest {
        value = match (step, value.get_ref()) {
            (Step::Key(key), DeValue::Table(table)) => table.get(key.as_str())?,
            (Step::Index(i), DeValue::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Splits a path to a value into the key that holds it and the path of that key's table,
/// skipping array indexes after the key (`exclude_authors[1]` belongs to `exclude_authors`).
pub(crate) fn split_key(path: &[Step]) -> Option<(&str, &[Step])> {
    let end = path.iter().rposition(|step| matches!(step, Step::Key(_)))?;
    match &path[end] {
        Step::Key(key) => Some((key.as_str(), &path[..end])),
        Step::Index(_) => None,
    }
}

/// Where a key of the table at `table_path` sits, as messages say it: "in [general]",
/// "in [[sources]] (kind \"git\")", "at the top level".
pub(crate) fn in_table(root: &DeTable<'_>, table_path: &[Step]) -> String {
    if table_path.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in {}", table_name(root, table_path))
    }
}

/// A table's name as its header would write it, with the kind of a source.
pub(crate) fn table_name(root: &DeTable<'_>, table_path: &[Step]) -> String {
    // The last array step decides: keys before it name the array, keys after it a table
    // inside one of its entries.
    let Some(index_at) = table_path.iter().rposition(|s| matches!(s, Step::Index(_))) else {
        return format!("[{}]", dotted(table_path));
    };
    let entry = &table_path[..=index_at];
    let array_name = dotted(&table_path[..index_at]);
    let kind = get(root, entry)
        .and_then(|v| v.get_ref().as_table())
        .and_then(|t| t.get("kind"))
        .and_then(|k| k.get_ref().as_str());
    let entry_name = match kind {
        Some(kind) if array_name == "sources" => format!("[[sources]] (kind {kind:?})"),
        _ => format!("[[{array_name}]]"),
    };
    let inner = &table_path[index_at + 1..];
    if inner.is_empty() {
        entry_name
    } else {
        format!("\"{}\" of {entry_name}", dotted(inner))
    }
}

fn dotted(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) if is_bare_key(key) => key.clone(),
            Step::Key(key) => format!("{key:?}"),
            Step::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A scalar value as the file writes it (`-5`, `0.2`, `"x"`, `true`); None for arrays and
/// tables.
pub(crate) fn scalar_text(value: &DeValue<'_>) -> Option<String> {
    match value {
        DeValue::String(text) => Some(format!("{:?}", text.as_ref())),
        DeValue::Integer(number) => Some(number.to_string()),
        DeValue::Float(number) => Some(number.to_string()),
        DeValue::Boolean(flag) => Some(flag.to_string()),
        DeValue::Datetime(datetime) => Some(datetime.to_string()),
        DeValue::Array(_) | DeValue::Table(_) => None,
    }
}

/// "a string", "an integer", … for messages about wrong types.
pub(crate) fn type_phrase(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[general]\nwindow = \"30d\"\nexclude_authors = [\"a\", \"b\"]\n\n\
                        [[sources]]\nkind = \"git\"\nservice_map = { x = 1 }\n\n[bands.lead_time]\nelite = \"1d\"\n";

    fn span_of(needle: &str) -> Range<usize> {
        let start = TEXT.find(needle).unwrap();
        start..start + needle.len()
    }

    fn key(name: &str) -> Step {
        Step::Key(name.to_string())
    }

    #[test]
    fn finds_keys_values_and_array_items() {
        let root = DeTable::parse(TEXT).unwrap().into_inner();

        let found = find(&root, &span_of("window")).unwrap();
        assert_eq!(found.path, [key("general"), key("window")]);
        assert!(found.on_key);

        let found = find(&root, &span_of("\"b\"")).unwrap();
        assert_eq!(
            found.path,
            [key("general"), key("exclude_authors"), Step::Index(1)]
        );
        assert!(!found.on_key);
        assert_eq!(
            split_key(&found.path),
            Some(("exclude_authors", &found.path[..1]))
        );

        let found = find(&root, &span_of("[[sources]]")).unwrap();
        assert_eq!(found.path, [key("sources"), Step::Index(0)]);

        // "bands" exists only through [bands.lead_time]: the key's span is the table's.
        let found = find(&root, &span_of("bands")).unwrap();
        assert_eq!(found.path, [key("bands")]);
        assert!(!found.on_key);
        assert!(find(&root, &(0..3)).is_none());
    }

    #[test]
    fn names_tables_as_headers_write_them() {
        let root = DeTable::parse(TEXT).unwrap().into_inner();
        assert_eq!(in_table(&root, &[]), "at the top level");
        assert_eq!(in_table(&root, &[key("general")]), "in [general]");
        assert_eq!(
            table_name(&root, &[key("bands"), key("lead_time")]),
            "[bands.lead_time]"
        );
        let source = [key("sources"), Step::Index(0)];
        assert_eq!(table_name(&root, &source), "[[sources]] (kind \"git\")");
        let map = [key("sources"), Step::Index(0), key("service_map")];
        assert_eq!(
            table_name(&root, &map),
            "\"service_map\" of [[sources]] (kind \"git\")"
        );
        assert_eq!(table_name(&root, &[key("a b")]), "[\"a b\"]");
    }
}
