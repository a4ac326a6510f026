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
    /// A measure's value in its band.
    Band(flowdeck_core::metrics::Band),
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

/// What Enter on a row opens: always a screen of flowdeck's own (`o` opens the browser).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Measure(Measure),
    Deployment(u32),
    Incident(u32),
    Run(u32),
    PullRequest(u32),
    /// A row of the services table: scope the dashboard to it.
    Service(String),
    Team(String),
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

impl Row {
    /// A row Enter opens nothing from says why (a commit has no screen of its own).
    pub(crate) fn why_not(&self) -> &'static str {
        if self.heading {
            "a heading: move to a row under it"
        } else {
            "this row has nothing more to show: everything flowdeck knows is on it"
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) title: &'static str,
    /// The most a text column that may be cut asks for, in cells.
    pub(crate) width: u16,
    pub(crate) numeric: bool,
    /// Whether its text may end in "…" (titles, reasons); numbers, names and outcomes never
    /// are: when the width runs out, less important columns go instead.
    pub(crate) cut: bool,
    /// How important it is: lower numbers stay longest when the width runs short.
    pub(crate) priority: u8,
}

impl Column {
    /// The column with its importance (0 first).
    pub(crate) fn keep(self, priority: u8) -> Column {
        Column { priority, ..self }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListModel {
    pub(crate) columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A text column that may be cut, asking for at most `width` cells.
pub(crate) fn col(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width,
        numeric: false,
        cut: true,
        priority: 5,
    }
}

/// A text column never cut (a name, an outcome): as wide as its widest cell.
pub(crate) fn word(title: &'static str) -> Column {
    Column {
        title,
        width: 0,
        numeric: false,
        cut: false,
        priority: 5,
    }
}

/// A number column, never cut.
pub(crate) fn num(title: &'static str) -> Column {
    Column {
        title,
        width: 0,
        numeric: true,
        cut: false,
        priority: 5,
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
