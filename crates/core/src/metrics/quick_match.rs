//! `hotfix_pattern` tried on millions of commit titles and refs. A regex call costs about a
//! hundred nanoseconds even when it fails at the first byte; the default pattern (and most
//! written like it) is anchored at the start of the text, so a text whose first byte cannot
//! begin a match is rejected with one table lookup, and only the others reach the regex.
//!
//! The table is read off the pattern itself (`regex_syntax`: every match starts at the
//! beginning, and begins with one of a finite set of literals); when that cannot be shown, every
//! text goes to the regex. The answer is always the regex's.

use regex::Regex;
use regex_syntax::hir::Look;
use regex_syntax::hir::literal::Extractor;

#[derive(Debug, Clone)]
pub(crate) struct QuickMatch {
    /// Its own copy: a regex shared by threads makes them wait on its cache pool.
    regex: Regex,
    /// The first bytes a match can start with, when every match starts at the start.
    first: Option<Box<[bool; 256]>>,
}

impl QuickMatch {
    pub(crate) fn new(regex: &Regex) -> QuickMatch {
        QuickMatch {
            regex: regex.clone(),
            first: first_bytes(regex.as_str()),
        }
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        if let Some(first) = &self.first {
            match text.as_bytes().first() {
                Some(&b) if first[b as usize] => {}
                _ => return false,
            }
        }
        self.regex.is_match(text)
    }
}

/// Which first bytes a match of `pattern` can have, if every match starts at the start of the
/// text and with a non-empty literal from a known, finite set.
fn first_bytes(pattern: &str) -> Option<Box<[bool; 256]>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let literals = Extractor::new().extract(&hir);
    let literals = literals.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut first = Box::new([false; 256]);
    for literal in literals {
        let &b = literal.as_bytes().first()?;
        first[b as usize] = true;
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(pattern: &str) -> QuickMatch {
        QuickMatch::new(&Regex::new(pattern).unwrap())
    }

    #[test]
    fn anchored_literal_patterns_get_a_first_byte_table() {
        let q = quick(crate::metrics::rules::DEFAULT_HOTFIX_PATTERN);
        assert!(q.first.is_some());
        for text in [
            "Hotfix: the checkout",
            "revert the cache",
            "REVERT it",
            "hotfixes are rare",
            "Tune the cache",
            "",
            "ſomething",
        ] {
            assert_eq!(q.is_match(text), q.regex.is_match(text), "{text:?}");
        }
    }

    #[test]
    fn unanchored_or_open_patterns_always_ask_the_regex() {
        for pattern in [
            "hotfix",
            "(?m)^hotfix",
            "^.*hotfix",
            "^(hotfix)?",
            "^[a-z]+fix",
            "^",
        ] {
            let q = quick(pattern);
            for text in ["a hotfix", "hotfix", "\nhotfix", "quickfix", ""] {
                assert_eq!(
                    q.is_match(text),
                    q.regex.is_match(text),
                    "{pattern} {text:?}"
                );
            }
        }
        assert!(quick("hotfix").first.is_none());
        assert!(quick("(?m)^hotfix").first.is_none());
    }

    #[test]
    fn case_folding_beyond_ascii_is_kept() {
        // 'K' folds to the Kelvin sign (U+212A) in Unicode: a match may start with it.
        let q = quick("(?i)^kelvin");
        assert!(q.is_match("\u{212A}elvin"));
        assert!(q.is_match("Kelvin"));
        assert!(!q.is_match("elvin"));
    }
}
