//! Explaining TOML syntax errors: the parser's message, with a hint for the common mistakes.

use super::error::{ErrorKind, Problem};

/// Explains why `text` is not TOML.
pub(crate) fn explain(error: &toml::de::Error, text: &str) -> Problem {
    let mut span = error.span();
    // The parser points after the backslash of a bad escape; the backslash is the mistake.
    if error.message().starts_with("missing escaped value") {
        span = span.map(|span| match span.start.checked_sub(1) {
            Some(start) if text.as_bytes().get(start) == Some(&b'\\') => start..span.end,
            _ => span,
        });
    }
    let snippet = span
        .as_ref()
        .and_then(|span| text.get(span.clone()))
        .unwrap_or_default();
    let line = span
        .as_ref()
        .map(|span| line_around(text, span.start))
        .unwrap_or_default()
        .trim();
    let message = error.message();
    let (message, hint) = if message == "duplicate key" && line.starts_with('[') {
        (
            format!("table {line} is defined twice"),
            "each [table] may appear once; merge the keys of both into one".to_string(),
        )
    } else if message == "duplicate key" {
        (
            format!("duplicate key {snippet:?}"),
            "a key may appear once in a table; remove one of the two".to_string(),
        )
    } else if message.starts_with("string values must be quoted") {
        (
            "invalid TOML: string values must be quoted".to_string(),
            format!("write \"{snippet}\" in quotes"),
        )
    } else if message.starts_with("missing escaped value") {
        (
            "invalid TOML: a backslash in a \"double-quoted\" string starts an escape, and this is not one"
                .to_string(),
            "write regular expressions and Windows paths in 'single quotes', which keep \
             backslashes as they are, or double the backslash"
                .to_string(),
        )
    } else if is_unclosed_string(message) {
        (
            "invalid TOML: the string is not closed".to_string(),
            "end it with the same quote it starts with, on the same line \
             (only \"\"\"triple-quoted\"\"\" strings span lines)"
                .to_string(),
        )
    } else {
        (
            format!("invalid TOML: {message}"),
            "TOML is `key = value` lines under [table] headers, strings in quotes \
             (https://toml.io); check the quotes and brackets here"
                .to_string(),
        )
    };
    Problem::new(span, ErrorKind::Syntax, message, hint)
}

/// The parser's words for a string whose closing quote never came.
fn is_unclosed_string(message: &str) -> bool {
    ["basic string", "literal string"].iter().any(|kind| {
        message.starts_with("invalid ")
            && message.contains(kind)
            && (message.ends_with("expected `\"`") || message.ends_with("expected `'`"))
    })
}

/// The line holding byte `offset`.
fn line_around(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(start..)
        .and_then(|after| after.find('\n'))
        .map_or(text.len(), |i| start + i);
    text.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> Problem {
        let error = toml::de::DeTable::parse(text).unwrap_err();
        explain(&error, text)
    }

    #[test]
    fn unquoted_strings_get_quoted_in_the_hint() {
        let problem = problem("[general]\nwindow = 30d\n");
        assert_eq!(problem.kind, ErrorKind::Syntax);
        assert_eq!(
            problem.message,
            "invalid TOML: string values must be quoted"
        );
        assert_eq!(problem.hint, "write \"30d\" in quotes");
        assert_eq!(problem.span, Some(19..22));
    }

    #[test]
    fn names_duplicate_keys_and_tables() {
        assert_eq!(problem("a = 1\na = 2\n").message, "duplicate key \"a\"");
        assert_eq!(
            problem("[general]\n[general]\n").message,
            "table [general] is defined twice"
        );
    }

    #[test]
    fn explains_unclosed_strings_and_bad_escapes() {
        let unclosed = problem("[general]\nwindow = \"30d\n");
        assert_eq!(unclosed.message, "invalid TOML: the string is not closed");
        assert_eq!(unclosed.span, Some(23..23));
        assert_eq!(
            problem("p = 'abc\n").message,
            "invalid TOML: the string is not closed"
        );
        let escape = problem("hotfix_pattern = \"^\\d+\"\n");
        assert_eq!(escape.span.map(|s| s.start), Some(19));
        assert!(escape.message.contains("backslash"), "{}", escape.message);
        assert!(escape.hint.contains("'single quotes'"), "{}", escape.hint);
    }

    #[test]
    fn other_errors_keep_the_parsers_words() {
        assert_eq!(
            problem("[general\n").message,
            "invalid TOML: unclosed table, expected `]`"
        );
    }
}
