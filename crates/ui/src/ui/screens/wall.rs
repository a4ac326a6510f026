//! Wall mode: large figures readable across a room, one page per scope, stale data loud.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_big_text::{BigText, PixelSize};
use unicode_width::UnicodeWidthStr;

use super::overview::short_title;
use crate::app::screens::tiles::Tile;
use crate::app::screens::wall::WallView;
use crate::app::view::Header;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{panel, tone_style, truncate};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &WallView, header: &Header) {
    let banner_height = u16::from(view.stale.is_some());
    let incidents_height =
        (view.open_incidents.len() as u16).min(4) + u16::from(!view.open_incidents.is_empty()) * 2;
    let [title, banner, tiles, incidents] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_height),
        Constraint::Min(0),
        Constraint::Length(incidents_height),
    ])
    .areas(area);
    let title_line = Line::from(vec![
        Span::styled(
            " flowdeck ",
            theme
                .style(Role::Title)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::styled(
            format!(" {} ", view.page_title),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!(
                " page {}/{} · {} · {}",
                view.page + 1,
                view.pages,
                header.window,
                header.clock
            ),
            theme.style(Role::Muted),
        ),
    ]);
    frame.render_widget(Paragraph::new(title_line), title);
    if let Some(stale) = &view.stale {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" ▲ DATA IS STALE: {stale} "),
                theme
                    .style(Role::Stale)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED),
            ))
            .alignment(Alignment::Center),
            banner,
        );
    }
    // Three tiles over two, unless the wall is wide and short enough for one row of five.
    let rows: Vec<&[Tile]> = if tiles.height >= 24 || tiles.width < 150 {
        vec![
            &view.tiles[..view.tiles.len().min(3)],
            view.tiles.get(3..).unwrap_or(&[]),
        ]
    } else {
        vec![&view.tiles[..]]
    };
    let row_areas =
        Layout::vertical(vec![Constraint::Ratio(1, rows.len() as u32); rows.len()]).split(tiles);
    for (row, row_area) in rows.iter().zip(row_areas.iter()) {
        if row.is_empty() {
            continue;
        }
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, row.len() as u32); row.len()])
            .split(*row_area);
        for (tile, cell) in row.iter().zip(cells.iter()) {
            draw_big_tile(frame, *cell, theme, tile);
        }
    }
    if !view.open_incidents.is_empty() {
        let block = panel(
            theme,
            format!("{} open incident(s)", view.open_incidents.len()),
            true,
        );
        let inner = block.inner(incidents);
        frame.render_widget(block, incidents);
        let lines: Vec<Line> = view
            .open_incidents
            .iter()
            .map(|i| {
                Line::from(Span::styled(
                    truncate(i, inner.width as usize),
                    theme.style(Role::Fail).add_modifier(Modifier::BOLD),
                ))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The largest glyph size that fits the value in the area, and the rows it takes.
fn fit(text: &str, area: Rect) -> Option<(PixelSize, u16)> {
    let chars = text.width() as u16;
    [
        (PixelSize::Full, 8, 8),
        (PixelSize::HalfHeight, 8, 4),
        (PixelSize::Quadrant, 4, 4),
        (PixelSize::Sextant, 4, 3),
    ]
    .into_iter()
    .find(|(_, w, h)| chars * w <= area.width && *h <= area.height)
    .map(|(size, _, h)| (size, h))
}

fn draw_big_tile(frame: &mut Frame, area: Rect, theme: &Theme, tile: &Tile) {
    let block = panel(theme, short_title(tile.number).to_string(), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let look = theme.band(tile.band);
    let value = wall_value(&tile.value);
    // The figure and its two lines, centred as one block in the tile.
    let figure_rows = fit(
        &value,
        Rect {
            height: inner.height.saturating_sub(2),
            ..inner
        },
    )
    .map_or(1, |(_, rows)| rows);
    let block_rows = (figure_rows + 3).min(inner.height);
    let top = inner.y + (inner.height - block_rows) / 2;
    let big = Rect::new(inner.x, top, inner.width, figure_rows.min(block_rows));
    let small = Rect::new(
        inner.x,
        (top + figure_rows + 1).min(inner.y + inner.height.saturating_sub(2)),
        inner.width,
        2.min(inner.height),
    );
    match fit(&value, big).map(|(size, _)| size) {
        Some(size) => {
            let text = BigText::builder()
                .pixel_size(size)
                .style(look.style)
                .lines(vec![Line::from(value)])
                .centered()
                .build();
            frame.render_widget(text, big);
        }
        None => frame.render_widget(
            Paragraph::new(Span::styled(value, look.style.add_modifier(Modifier::BOLD)))
                .alignment(Alignment::Center),
            big,
        ),
    }
    // Rework rate has no DORA bands: only its trend.
    let mut line = match tile.band {
        Some(_) => vec![Span::styled(
            format!("{} {}  ", look.symbol, look.label.to_uppercase()),
            look.style.add_modifier(Modifier::BOLD),
        )],
        None => Vec::new(),
    };
    if let Some(trend) = &tile.trend {
        line.push(Span::styled(
            format!("{} {}", trend.arrow, trend.delta),
            tone_style(theme, trend.tone),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(line),
            Line::from(Span::styled(
                truncate(&tile.detail, small.width as usize),
                theme.style(Role::Muted),
            )),
        ])
        .alignment(Alignment::Center),
        small,
    );
}

/// Tile values in the ASCII the big font has ("5 days/week" → "5/wk", "–" → "-").
fn wall_value(value: &str) -> String {
    let value = value
        .replace(" days/week", "/wk")
        .replace(" day/week", "/wk")
        .replace('–', "-");
    value.chars().filter(|c| c.is_ascii()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_values_are_short_ascii() {
        assert_eq!(wall_value("5 days/week"), "5/wk");
        assert_eq!(wall_value("–"), "-");
        assert_eq!(wall_value("1d 1h"), "1d 1h");
    }

    #[test]
    fn big_glyphs_shrink_to_fit() {
        assert!(matches!(
            fit("3h 30m", Rect::new(0, 0, 60, 10)),
            Some((PixelSize::Full, 8))
        ));
        assert!(matches!(
            fit("3h 30m", Rect::new(0, 0, 30, 10)),
            Some((PixelSize::Quadrant, 4))
        ));
        assert!(fit("3h 30m", Rect::new(0, 0, 10, 2)).is_none());
    }
}
