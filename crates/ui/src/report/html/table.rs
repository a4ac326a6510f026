//! One HTML table of items, at most `limit` of them, saying how many were left out.

use std::fmt::Write as _;

use super::escape;

/// A column: its header and whether it holds numbers (right-aligned).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) title: &'static str,
    pub(crate) numeric: bool,
}

pub(crate) const fn text(title: &'static str) -> Column {
    Column {
        title,
        numeric: false,
    }
}

pub(crate) const fn num(title: &'static str) -> Column {
    Column {
        title,
        numeric: true,
    }
}

/// A whole list, for `write`: every item, and how many there are.
pub(crate) fn all<T>(items: &[T]) -> (&[T], usize) {
    (items, items.len())
}

/// What a table lists, for its caption and its notes.
pub(crate) struct Listing<'a> {
    pub(crate) id: &'a str,
    /// Plural noun: "failed deployments".
    pub(crate) noun: &'a str,
    /// Said instead of an empty table.
    pub(crate) empty: &'a str,
    /// "most recent" for time-ordered items; "" for lists in configured order.
    pub(crate) order: &'a str,
}

/// Writes the first `limit` of `total` items as rows; `items` holds at least those. `cells`
/// returns each row's cells as HTML: it escapes whatever comes from a source (see `escape`).
pub(crate) fn write<T>(
    out: &mut String,
    listing: &Listing<'_>,
    columns: &[Column],
    (items, total): (&[T], usize),
    limit: usize,
    cells: impl Fn(&T) -> Vec<String>,
) {
    if total == 0 {
        let _ = writeln!(
            out,
            "<p class=\"empty\">{}</p>",
            escape::text(listing.empty)
        );
        return;
    }
    let shown = items.len().min(limit).min(total);
    let _ = writeln!(out, "<table id=\"{}\">", listing.id);
    let caption = if shown < total {
        let order = if listing.order.is_empty() {
            String::new()
        } else {
            format!("{} ", listing.order)
        };
        format!("The {shown} {order}of {total} {}", listing.noun)
    } else {
        format!("{total} {}", listing.noun)
    };
    let _ = writeln!(out, "<caption>{}</caption>", escape::text(&caption));
    out.push_str("<thead><tr>");
    for c in columns {
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", c.title);
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for item in items.iter().take(shown) {
        out.push_str("<tr>");
        for (i, cell) in cells(item).iter().enumerate() {
            let numeric = columns.get(i).is_some_and(|c| c.numeric);
            if numeric {
                let _ = write!(out, "<td class=\"num\">{cell}</td>");
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if shown < total {
        let _ = writeln!(
            out,
            "<p class=\"omitted\">{} more {} left out (at most {limit} per table, \
             <code>general.report_items</code>); the JSON report lists them all.</p>",
            total - shown,
            listing.noun
        );
    }
}
