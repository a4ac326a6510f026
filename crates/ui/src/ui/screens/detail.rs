//! A deployment, an incident or the standup: facts, then the list of what it is made of.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::screens::detail::Detail;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{detail_list, panel, tone_style, truncate};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &Detail) {
    // Facts in two columns when there is room.
    let two_columns = area.width >= 120;
    let fact_rows = if two_columns {
        view.facts.len().div_ceil(2)
    } else {
        view.facts.len()
    } as u16;
    let [title, facts, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(fact_rows.min(area.height / 3)),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " {}",
                truncate(&view.title, area.width.saturating_sub(1) as usize)
            ),
            theme.style(Role::Title).add_modifier(Modifier::BOLD),
        )),
        title,
    );
    let columns = if two_columns {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(facts)
    } else {
        Layout::horizontal([Constraint::Percentage(100)]).split(facts)
    };
    let per_column = fact_rows as usize;
    for (i, column) in columns.iter().enumerate() {
        let value_width = (column.width as usize).saturating_sub(15);
        let lines: Vec<Line> = view
            .facts
            .iter()
            .skip(i * per_column)
            .take(per_column)
            .map(|(label, value, tone)| {
                Line::from(vec![
                    Span::styled(format!(" {label:<12} "), theme.style(Role::Muted)),
                    Span::styled(truncate(value, value_width), tone_style(theme, *tone)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), *column);
    }
    let block = panel(theme, "Details".into(), true);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    detail_list(frame, inner, theme, &view.list, view.selected);
}
