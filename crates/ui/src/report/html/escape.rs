//! Untrusted text (titles, names, messages, URLs from sources) made inert in HTML. Everything a
//! source says goes through `text` or `link`; nothing from a source is written raw.

use crate::markup::{Apostrophe, push_escaped};
use flowdeck_core::text::sanitize;

/// Text safe in element content and in quoted attribute values: escape sequences and control
/// characters removed, then `& < > " '` written as entities.
pub(crate) fn text(untrusted: &str) -> String {
    let clean = sanitize(untrusted);
    let mut out = String::with_capacity(clean.len() + 8);
    push_escaped(&mut out, &clean, Apostrophe::Numeric);
    out
}

/// The URL escaped for an `href`, when it is a plain http(s) URL: no other scheme (javascript:,
/// data:, file:), nothing relative, no whitespace or control characters.
pub(crate) fn http_url(url: &str) -> Option<String> {
    let host_and_path = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let plain = host_and_path.is_some_and(|rest| !rest.is_empty())
        && !url.contains(|c: char| c.is_whitespace() || c.is_control());
    plain.then(|| text(url))
}

/// A link to an item when its URL is http(s), else the label alone; the label is escaped.
pub(crate) fn link(label: &str, url: Option<&str>) -> String {
    match url.and_then(http_url) {
        Some(href) => format!(
            "<a href=\"{href}\" rel=\"noopener noreferrer\">{}</a>",
            text(label)
        ),
        None => text(label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_terminal_sequences_are_inert() {
        assert_eq!(
            text("<script>alert(1)</script> | \u{1b}[31mred & \"q\" 'a'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; | red &amp; &quot;q&quot; &#39;a&#39;"
        );
    }

    #[test]
    fn only_http_urls_become_links() {
        assert_eq!(
            link("v1 <b>", Some("https://x.test/a?b=1&c=\"2\"")),
            "<a href=\"https://x.test/a?b=1&amp;c=&quot;2&quot;\" rel=\"noopener noreferrer\">v1 &lt;b&gt;</a>"
        );
        assert_eq!(link("v1", Some("javascript:alert(1)")), "v1");
        assert_eq!(link("v1", Some("JAVASCRIPT:alert(1)")), "v1");
        assert_eq!(link("v1", Some("data:text/html,<b>")), "v1");
        assert_eq!(link("v1", Some("https://x.test/a b")), "v1");
        assert_eq!(link("v1", Some("https://")), "v1");
        assert_eq!(link("v1", Some("//x.test")), "v1");
        assert_eq!(link("v1", None), "v1");
    }
}
