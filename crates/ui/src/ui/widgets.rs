//! Small drawing helpers shared by every screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell as TableCell, Row as TableRow, Table, TableState};
use unicode_width::UnicodeWidthStr;

use super::theme::{Role, Theme};
use crate::app::list::{ListModel, Tone};

pub(crate) fn tone_style(theme: &Theme, tone: Tone) -> Style {
    theme.style(match tone {
        Tone::Normal => Role::Text,
        Tone::Muted => Role::Muted,
        Tone::Accent => Role::Accent,
        Tone::Ok => Role::Ok,
        Tone::Warn => Role::Warn,
        Tone::Fail => Role::Fail,
    })
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

/// How a list is shown as a table.
pub(crate) struct TableLook<'a> {
    /// The columns to show, all when None.
    pub(crate) columns: Option<&'a [usize]>,
    pub(crate) selected: usize,
    /// The selected row is highlighted only while the list has focus.
    pub(crate) focused: bool,
    pub(crate) header: bool,
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
    let columns = columns.unwrap_or(&all);
    let asked: Vec<u16> = columns
        .iter()
        .map(|&c| list.columns.get(c).map_or(8, |col| col.width))
        .collect();
    let spacing = columns.len().saturating_sub(1) as u16;
    let total: u16 = asked.iter().sum::<u16>() + spacing;
    // Every column gets what it asks for when that fits; otherwise the widest column (a title
    // or a reason) gives way first, and only when even that is not enough do all shrink.
    let widest = (0..asked.len()).max_by_key(|&i| asked[i]).unwrap_or(0);
    let others: u16 = asked
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != widest)
        .map(|(_, w)| *w)
        .sum::<u16>()
        + spacing;
    let widths: Vec<Constraint> = asked
        .iter()
        .enumerate()
        .map(|(i, &width)| {
            if total <= area.width {
                if i + 1 == asked.len() {
                    Constraint::Min(width.min(8))
                } else {
                    Constraint::Length(width)
                }
            } else if others + 4 <= area.width {
                if i == widest {
                    Constraint::Fill(1)
                } else {
                    Constraint::Length(width)
                }
            } else {
                Constraint::Fill(width)
            }
        })
        .collect();
    // The widths the table will use, so cells can end in "…" instead of being cut mid-word.
    let actual: Vec<usize> = ratatui::layout::Layout::horizontal(widths.clone())
        .spacing(1)
        .split(area)
        .iter()
        .map(|r| r.width as usize)
        .collect();
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
                columns
                    .iter()
                    .zip(&actual)
                    .map(|(&c, &width)| {
                        let cell = row.cells.get(c);
                        let text = cell.map(|c| c.text.as_str()).unwrap_or("");
                        let style =
                            cell.map_or(theme.style(Role::Text), |c| tone_style(theme, c.tone));
                        TableCell::from(Span::styled(truncate(text, width), style))
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
        let header: Vec<TableCell> = columns
            .iter()
            .map(|&c| {
                let title = list.columns.get(c).map_or("", |col| col.title);
                TableCell::from(Span::styled(title, theme.style(Role::Header)))
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

/// "key label" pairs as one line, as many as fit.
pub(crate) fn key_hints(
    theme: &Theme,
    hints: &[(String, &'static str)],
    width: u16,
) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, label) in hints {
        let len = key.width() + label.width() + 3;
        if used + len > width as usize {
            break;
        }
        spans.push(Span::styled(
            format!(" {key}"),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(" {label} "), theme.style(Role::Muted)));
        used += len;
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
