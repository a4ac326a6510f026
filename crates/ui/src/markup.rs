//! The one escaper for markup: text made safe as XML or HTML element content and inside a
//! double- or single-quoted attribute. The SVG renderer and the HTML report both write through it.

/// How an apostrophe is written. Both spellings are valid in XML and HTML5; each output keeps the
/// one it has always had, so reports and screenshots stay byte-identical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Apostrophe {
    /// `&apos;` (the SVG renderer).
    Named,
    /// `&#39;` (the HTML report; `&apos;` is not an HTML 4 entity).
    Numeric,
}

/// Appends `text` with `& < > " '` replaced by entities.
pub(crate) fn push_escaped(out: &mut String, text: &str, apostrophe: Apostrophe) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(match apostrophe {
                Apostrophe::Named => "&apos;",
                Apostrophe::Numeric => "&#39;",
            }),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_five_in_either_spelling() {
        let mut out = String::new();
        push_escaped(&mut out, "<script>&\"'x", Apostrophe::Named);
        assert_eq!(out, "&lt;script&gt;&amp;&quot;&apos;x");
        out.clear();
        push_escaped(&mut out, "<script>&\"'x", Apostrophe::Numeric);
        assert_eq!(out, "&lt;script&gt;&amp;&quot;&#39;x");
    }
}
