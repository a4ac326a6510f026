//! The list model every screen shares: rows of cells with a tone, sort keys and what Enter
//! opens, and how a search and a sort arrange them. `update` reads the same lists the view
//! shows (`screens::list`), so the two never disagree about what is selected.

use super::state::{ListState, Measure};
use flowdeck_core::text::sanitize;

/// The meaning of a cell's colour; the theme picks the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Normal,
    Muted,
    Accent,
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub(crate) tone: Tone,
}

impl Cell {
    pub(crate) fn new(text: impl AsRef<str>, tone: Tone) -> Cell {
        Cell {
            text: sanitize(text.as_ref()),
            tone,
        }
    }

    pub(crate) fn plain(text: impl AsRef<str>) -> Cell {
        Cell::new(text, Tone::Normal)
    }

    pub(crate) fn muted(text: impl AsRef<str>) -> Cell {
        Cell::new(text, Tone::Muted)
    }
}

/// What Enter on a row opens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Measure(Measure),
    Deployment(u32),
    Incident(u32),
    Url(String),
}

/// How rows compare under a column.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum SortKey {
    Number(f64),
    Text(String),
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub keys: Vec<SortKey>,
    pub(crate) target: Option<Target>,
    pub(crate) url: Option<String>,
    /// A section heading row (standup, detail screens): not selectable in spirit, shown bold.
    pub(crate) heading: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) title: &'static str,
    /// The width it asks for, in cells; the last column takes what is left.
    pub(crate) width: u16,
    pub(crate) numeric: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListModel {
    pub(crate) columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A text column asking for `width` cells.
pub(crate) fn col(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width,
        numeric: false,
    }
}

/// A right-aligned number column.
pub(crate) fn num(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width,
        numeric: true,
    }
}

/// A section heading row (detail screens, the standup).
pub(crate) fn heading(text: &str) -> Row {
    Row {
        cells: vec![Cell::new(text, Tone::Accent)],
        keys: vec![SortKey::Missing],
        target: None,
        url: None,
        heading: true,
    }
}

/// A label and a value, the rows of the detail screens and the standup.
pub(crate) fn detail_row(
    label: &str,
    value: impl AsRef<str>,
    tone: Tone,
    target: Option<Target>,
) -> Row {
    Row {
        cells: vec![Cell::muted(label), Cell::new(value, tone)],
        keys: vec![SortKey::Missing, SortKey::Missing],
        target,
        url: None,
        heading: false,
    }
}

/// Applies the search (case-insensitive, any cell) and the list's sort.
pub(crate) fn arrange(mut model: ListModel, list: &ListState, search: Option<&str>) -> ListModel {
    if let Some(query) = search.map(str::to_lowercase).filter(|q| !q.is_empty()) {
        model.rows.retain(|row| {
            !row.heading
                && row
                    .cells
                    .iter()
                    .any(|c| c.text.to_lowercase().contains(&query))
        });
    }
    if let Some(column) = list.sort {
        let key = |row: &Row| row.keys.get(column).cloned().unwrap_or(SortKey::Missing);
        model.rows.sort_by(|a, b| {
            let ordering = key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal);
            if list.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    } else if list.descending {
        model.rows.reverse();
    }
    model
}
