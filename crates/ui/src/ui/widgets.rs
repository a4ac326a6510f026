//! Small drawing helpers shared by every screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell as TableCell, Row as TableRow, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::theme::{Role, Theme};
use crate::app::list::{ListModel, Tone};
use crate::app::view::Hint;

pub(crate) fn tone_style(theme: &Theme, tone: Tone) -> Style {
    theme.style(match tone {
        Tone::Normal => Role::Text,
        Tone::Muted => Role::Muted,
        Tone::Accent => Role::Accent,
        Tone::Ok => Role::Ok,
        Tone::Warn => Role::Warn,
        Tone::Fail => Role::Fail,
        Tone::Band(band) => return theme.band(Some(band)).style,
    })
}

/// The first of `texts` (longest first) that fits `width` columns, if any does.
pub(crate) fn first_fitting(texts: &[String], width: usize) -> Option<&String> {
    texts.iter().find(|t| t.width() <= width)
}

/// As many of `fields` (most important first) as fit `width`, joined by " · ": a field is
/// dropped whole, never cut.
pub(crate) fn fitting_fields(fields: &[String], width: usize) -> String {
    let mut out = String::new();
    for field in fields {
        let candidate = if out.is_empty() {
            field.clone()
        } else {
            format!("{out} · {field}")
        };
        if candidate.width() > width {
            break;
        }
        out = candidate;
    }
    out
}

/// A bordered panel; focused panels get the focus border and a bold title.
pub(crate) fn panel<'a>(theme: &Theme, title: String, focused: bool) -> Block<'a> {
    let (border, title_style) = if focused {
        (
            theme.style(Role::BorderFocused),
            theme
                .style(Role::BorderFocused)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        (theme.style(Role::Border), theme.style(Role::Title))
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(Span::styled(format!(" {title} "), title_style))
}

/// Cuts `text` to `width` columns, ending in "…" when it had to cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A tile's value in fewer columns, its unit abbreviated ("5 days/week" → "5/wk"): for a
/// narrow tile and the wall's big font, where cutting the value would change its meaning.
pub(crate) fn compact_value(value: &str) -> String {
    value
        .replace(" days/week", "/wk")
        .replace(" day/week", "/wk")
        .replace(" days/month", "/mo")
        .replace(" day/month", "/mo")
}

/// How a list is shown as a table.
pub(crate) struct TableLook<'a> {
    /// The columns to show, all when None (a narrow table drops the least important).
    pub(crate) columns: Option<&'a [usize]>,
    pub(crate) selected: usize,
    /// The selected row is highlighted only while the list has focus.
    pub(crate) focused: bool,
    pub(crate) header: bool,
}

/// The rows looked at to size columns: enough for every row on screen and a scroll or two.
const SIZING_ROWS: usize = 400;

/// Which columns fit `width` and how wide each is. A column that may not be cut is at least as
/// wide as its widest cell (its title may be cut: a title is not a value); one that may starts
/// at its title's width (at least 6). The space left grows each, most important first, to its
/// title and cells, up to what it asks for. When they do not fit, the least important column
/// goes (the last of equals first), until one is left.
pub(crate) fn fit_columns(
    list: &ListModel,
    columns: &[usize],
    width: u16,
    titles: bool,
) -> Vec<(usize, u16)> {
    // Without a header row, a title takes no room.
    let title_width = |c: usize| {
        list.columns
            .get(c)
            .filter(|_| titles)
            .map_or(0, |col| col.title.width())
    };
    let cells = |c: usize| -> usize {
        list.rows
            .iter()
            .take(SIZING_ROWS)
            .filter(|r| !r.heading)
            .filter_map(|r| r.cells.get(c))
            .map(|cell| cell.text.width())
            .max()
            .unwrap_or(0)
    };
    let natural = |c: usize| -> u16 { title_width(c).max(cells(c)).min(u16::MAX as usize) as u16 };
    let spec = |c: usize| list.columns.get(c);
    let least = |c: usize| -> u16 {
        let n = natural(c);
        match spec(c) {
            Some(col) if col.cut => n.min(title_width(c).max(6) as u16),
            // A title cut to "Deploy…" keeps at least a few letters.
            _ => (cells(c).max(title_width(c).min(4)).min(u16::MAX as usize) as u16).min(n),
        }
    };
    let most = |c: usize| -> u16 {
        let n = natural(c);
        match spec(c) {
            Some(col) if col.cut && col.width > 0 => n.min(col.width),
            _ => n,
        }
    };
    let mut chosen: Vec<usize> = columns
        .iter()
        .copied()
        .filter(|&c| c < list.columns.len())
        .collect();
    let total = |chosen: &[usize]| -> u32 {
        chosen.iter().map(|&c| u32::from(least(c))).sum::<u32>()
            + chosen.len().saturating_sub(1) as u32
    };
    while chosen.len() > 1 && total(&chosen) > u32::from(width) {
        let drop = chosen
            .iter()
            .enumerate()
            .max_by_key(|(i, c)| (spec(**c).map_or(0, |col| col.priority), *i))
            .map(|(i, _)| i);
        if let Some(i) = drop {
            chosen.remove(i);
        }
    }
    let mut widths: Vec<(usize, u16)> = chosen.iter().map(|&c| (c, least(c))).collect();
    let mut spare = u32::from(width).saturating_sub(total(&chosen));
    // The space left goes to the columns that may be cut, most important first.
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| spec(widths[i].0).map_or(0, |col| col.priority));
    for i in &order {
        let (c, w) = widths[*i];
        let grow = u32::from(most(c).saturating_sub(w)).min(spare);
        widths[*i].1 = w + grow as u16;
        spare -= grow;
    }
    // Room still left: a column that asked for less takes what its cells need rather than
    // end in "…" beside blank space.
    for i in order {
        let (c, w) = widths[i];
        let grow = u32::from(natural(c).saturating_sub(w)).min(spare);
        widths[i].1 = w + grow as u16;
        spare -= grow;
    }
    if let Some(last) = widths.last_mut()
        && total(&chosen) > u32::from(width)
    {
        // One column left and still too wide: it takes the width and ends in "…".
        last.1 = width;
    }
    widths
}

/// A list as a table, scrolled to keep the selected row in view.
pub(crate) fn table(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    list: &ListModel,
    look: TableLook<'_>,
) {
    let TableLook {
        columns,
        selected,
        focused,
        header: show_header,
    } = look;
    if area.width == 0 || area.height == 0 {
        return;
    }
    let all: Vec<usize> = (0..list.columns.len()).collect();
    let fitted = fit_columns(list, columns.unwrap_or(&all), area.width, show_header);
    let widths: Vec<Constraint> = fitted.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let right = |c: usize| list.columns.get(c).is_some_and(|col| col.numeric);
    let rows: Vec<TableRow> = list
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<TableCell> = if row.heading {
                let text = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
                vec![TableCell::from(Span::styled(
                    text.to_string(),
                    theme.style(Role::Accent).add_modifier(Modifier::BOLD),
                ))]
            } else {
                fitted
                    .iter()
                    .map(|&(c, width)| {
                        let cell = row.cells.get(c);
                        let text = cell.map(|c| c.text.as_str()).unwrap_or("");
                        let style =
                            cell.map_or(theme.style(Role::Text), |c| tone_style(theme, c.tone));
                        let text = truncate(text, width as usize);
                        let line = Line::from(Span::styled(text, style));
                        TableCell::from(if right(c) {
                            line.alignment(ratatui::layout::Alignment::Right)
                        } else {
                            line
                        })
                    })
                    .collect()
            };
            TableRow::new(cells)
        })
        .collect();
    let mut table = Table::new(rows, widths)
        .column_spacing(1)
        .row_highlight_style(if focused {
            theme.style(Role::Selection)
        } else {
            Style::default()
        });
    if show_header {
        let header: Vec<TableCell> = fitted
            .iter()
            .map(|&(c, width)| {
                let title = list.columns.get(c).map_or("", |col| col.title);
                let title = truncate(title, usize::from(width));
                let line = Line::from(Span::styled(title, theme.style(Role::Header)));
                TableCell::from(if right(c) {
                    line.alignment(ratatui::layout::Alignment::Right)
                } else {
                    line
                })
            })
            .collect();
        table = table.header(TableRow::new(header));
    }
    let mut state = TableState::default();
    if !list.rows.is_empty() {
        state.select(Some(selected.min(list.rows.len() - 1)));
    }
    frame.render_stateful_widget(table, area, &mut state);
}

/// The command bar: the hints that fit, in order, and always the pinned ones (help, quit) at
/// the end.
pub(crate) fn key_hints(theme: &Theme, hints: &[Hint], width: u16) -> Line<'static> {
    let len = |h: &Hint| h.key.width() + h.label.width() + 3;
    let pinned: usize = hints.iter().filter(|h| h.pinned).map(len).sum();
    let mut room = (width as usize).saturating_sub(pinned);
    let mut shown: Vec<&Hint> = Vec::new();
    for hint in hints.iter().filter(|h| !h.pinned) {
        if len(hint) > room {
            break;
        }
        room -= len(hint);
        shown.push(hint);
    }
    shown.extend(hints.iter().filter(|h| h.pinned));
    let mut spans = Vec::new();
    for hint in shown {
        spans.push(Span::styled(
            format!(" {}", hint.key),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(
            format!(" {} ", hint.label),
            theme.style(Role::Muted),
        ));
    }
    Line::from(spans)
}

/// A two-column detail list (label, value) whose section headings span the full width.
pub(crate) fn detail_list(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    list: &ListModel,
    selected: usize,
) {
    use ratatui::widgets::{List, ListItem, ListState};
    let label_width = list.columns.first().map_or(14, |c| c.width as usize);
    let items: Vec<ListItem> = list
        .rows
        .iter()
        .map(|row| {
            if row.heading {
                let text = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
                return ListItem::new(Line::from(Span::styled(
                    text.to_string(),
                    theme.style(Role::Accent).add_modifier(Modifier::BOLD),
                )));
            }
            let mut spans = Vec::new();
            if let Some(label) = row.cells.first() {
                spans.push(Span::styled(
                    format!("  {:<label_width$} ", truncate(&label.text, label_width)),
                    tone_style(theme, label.tone),
                ));
            }
            for cell in row.cells.iter().skip(1) {
                spans.push(Span::styled(
                    cell.text.clone(),
                    tone_style(theme, cell.tone),
                ));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut state = ListState::default();
    if !list.rows.is_empty() {
        state.select(Some(selected.min(list.rows.len() - 1)));
    }
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme.style(Role::Selection)),
        area,
        &mut state,
    );
}
