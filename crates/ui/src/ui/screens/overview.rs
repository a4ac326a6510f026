//! The overview: a tile per DORA measure, the flow row, and the live strips.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use crate::app::screens::overview::{FlowItem, Overview, Strip};
use crate::app::screens::tiles::Tile;
use crate::ui::layout;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{TableLook, panel, table, tone_style, truncate};

/// Tile titles short enough for an 80-column terminal.
pub(crate) fn short_title(number: usize) -> &'static str {
    match number {
        1 => "Frequency",
        2 => "Lead time",
        3 => "Failure rate",
        4 => "Recovery",
        _ => "Rework",
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &Overview) {
    let parts = layout::overview(area);
    for (tile, rect) in view.tiles.iter().zip(parts.tiles) {
        draw_tile(frame, rect, theme, tile);
    }
    draw_flow(frame, parts.flow, theme, &view.flow, view.flow_focused);
    for (strip, rect) in view.strips.iter().zip(parts.strips) {
        draw_strip(frame, rect, theme, strip);
    }
}

pub(crate) fn draw_tile(frame: &mut Frame, area: Rect, theme: &Theme, tile: &Tile) {
    let block = panel(
        theme,
        format!("{} {}", tile.number, short_title(tile.number)),
        tile.focused,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let width = inner.width as usize;
    let look = theme.band(tile.band);
    let mut lines = vec![Line::from(Span::styled(
        truncate(&tile.value, width),
        look.style.add_modifier(Modifier::BOLD),
    ))];
    // Rework rate has no DORA bands: its tile shows the trend alone.
    let mut second = match tile.band {
        Some(_) => vec![Span::styled(
            format!("{} {} ", look.symbol, look.label),
            look.style,
        )],
        None => Vec::new(),
    };
    if let Some(trend) = &tile.trend {
        second.push(Span::styled(
            format!("{} {}", trend.arrow, trend.delta),
            tone_style(theme, trend.tone),
        ));
    }
    lines.push(Line::from(second));
    lines.push(Line::from(Span::styled(
        truncate(&tile.detail, width),
        theme.style(Role::Muted),
    )));
    let text_height = (lines.len() as u16).min(inner.height);
    let [text, chart] =
        Layout::vertical([Constraint::Length(text_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), text);
    if chart.height > 0 && !tile.sparkline.is_empty() {
        frame.render_widget(sparkline(theme, &tile.sparkline, chart.width), chart);
    }
}

/// A sparkline stretched over the width: each value repeated so the series fills the area;
/// the newest values win when there are more values than columns.
pub(crate) fn sparkline<'a>(theme: &Theme, values: &[Option<u64>], width: u16) -> Sparkline<'a> {
    let width = width as usize;
    let skip = values.len().saturating_sub(width);
    let values = &values[skip..];
    let repeat = if values.is_empty() {
        1
    } else {
        (width / values.len()).max(1)
    };
    let data: Vec<Option<u64>> = values
        .iter()
        .flat_map(|v| std::iter::repeat_n(*v, repeat))
        .collect();
    Sparkline::default()
        .data(data)
        .style(theme.style(Role::Accent))
        .absent_value_style(theme.style(Role::Muted))
        .absent_value_symbol(" ")
}

fn draw_flow(frame: &mut Frame, area: Rect, theme: &Theme, items: &[FlowItem], focused: bool) {
    let mut spans = vec![Span::styled(
        if focused {
            " 6 Flow ▸ "
        } else {
            " 6 Flow · "
        },
        if focused {
            theme
                .style(Role::BorderFocused)
                .add_modifier(Modifier::BOLD)
        } else {
            theme.style(Role::Muted)
        },
    )];
    for item in items {
        let label_style = if item.selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Header)
        };
        spans.push(Span::styled(format!("{} ", item.label), label_style));
        spans.push(Span::styled(
            item.value.clone(),
            tone_style(theme, item.tone),
        ));
        spans.push(Span::styled("  │ ", theme.style(Role::Border)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_strip(frame: &mut Frame, area: Rect, theme: &Theme, strip: &Strip) {
    let block = panel(
        theme,
        format!("{} {}", strip.number, strip.title),
        strip.focused,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if strip.list.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(" nothing here", theme.style(Role::Muted))),
            inner,
        );
        return;
    }
    // A strip is narrow: the columns that say the most, fewer when it is very narrow.
    let narrow = inner.width < 40;
    let columns: &[usize] = match (strip.number, narrow) {
        (7, true) => &[0, 1, 5],
        (7, false) => &[0, 1, 2, 5],
        (8, true) => &[1, 3],
        (8, false) => &[0, 1, 3],
        (_, true) => &[0, 4],
        (_, false) => &[4, 0],
    };
    table(
        frame,
        inner,
        theme,
        &strip.list,
        TableLook {
            columns: Some(columns),
            selected: strip.selected,
            focused: strip.focused,
            header: false,
        },
    );
}
