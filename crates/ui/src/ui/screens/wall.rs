//! Wall mode: readable across a room. The page's scope in large letters, a thin line filling
//! up until the page turns, what is broken now, then the figures and their changes large.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_big_text::{BigText, PixelSize};
use unicode_width::UnicodeWidthStr;

use super::overview::{draw_alerts, short_title};
use crate::app::screens::tiles::Tile;
use crate::app::screens::wall::WallView;
use crate::app::view::Header;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{
    compact_value, first_fitting, fitting_fields, panel, tone_style, truncate,
};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &WallView, header: &Header) {
    let name = ascii(&view.name);
    // The scope's name as large as fits in at most four rows (three on a small screen).
    let name_rows_max = if area.height >= 40 { 4 } else { 3 };
    let name_fit = fit(
        &name,
        Rect {
            height: name_rows_max,
            ..area
        },
    );
    let name_rows = name_fit.map_or(1, |(_, rows)| rows);
    let incidents_height =
        (view.open_incidents.len() as u16).min(4) + u16::from(!view.open_incidents.is_empty()) * 2;
    let [info, big_name, progress, alerts, tiles, incidents] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(name_rows),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(incidents_height),
    ])
    .areas(area);
    let what = match view.kind {
        "" => String::new(),
        kind => format!("{kind} · "),
    };
    let info_line = Line::from(vec![
        Span::styled(
            " flowdeck ",
            theme
                .style(Role::Title)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::styled(
            format!(
                " {what}page {}/{} · {} · {}",
                view.page + 1,
                view.pages,
                header.window,
                header.clock
            ),
            theme.style(Role::Muted),
        ),
    ]);
    frame.render_widget(Paragraph::new(info_line), info);
    let name_style = theme.style(Role::Title).add_modifier(Modifier::BOLD);
    match name_fit {
        Some((size, _)) => frame.render_widget(
            BigText::builder()
                .pixel_size(size)
                .style(name_style)
                .lines(vec![Line::from(name.clone())])
                .build(),
            big_name,
        ),
        None => frame.render_widget(
            Paragraph::new(Span::styled(format!(" {}", view.name), name_style)),
            big_name,
        ),
    }
    draw_progress(frame, progress, theme, view.progress);
    draw_alerts(frame, alerts, theme, &view.alerts);
    if !view.charts.is_empty() {
        // A health page: the service's panels where the tiles would be.
        super::health::draw_charts(frame, tiles, theme, &view.charts);
    } else {
        draw_tiles(frame, tiles, theme, view);
    }
    if !view.open_incidents.is_empty() {
        let count = view.open_incidents.len();
        let block = panel(
            theme,
            if count == 1 {
                "1 open incident".to_string()
            } else {
                format!("{count} open incidents")
            },
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

/// The headline tiles, big.
fn draw_tiles(frame: &mut Frame, tiles: Rect, theme: &Theme, view: &WallView) {
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
}

/// A thin line that fills up until the page turns.
fn draw_progress(frame: &mut Frame, area: Rect, theme: &Theme, progress: f64) {
    let width = area.width as usize;
    let done = ((width as f64) * progress).round() as usize;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("━".repeat(done.min(width)), theme.style(Role::Accent)),
            Span::styled(
                "─".repeat(width.saturating_sub(done)),
                theme.style(Role::Border),
            ),
        ])),
        area,
    );
}

/// The largest glyph size that fits the text in the area, and the rows it takes.
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
    // The change large too when there is room: "+3h 41m worse" (ASCII, as the font has).
    let trend_text = tile
        .trend
        .as_ref()
        .and_then(|t| t.texts().get(1).cloned())
        .map(|t| ascii(&t));
    let small_rows = 2u16;
    let figure_rows = fit(
        &value,
        Rect {
            height: inner.height.saturating_sub(small_rows),
            ..inner
        },
    )
    .map_or(1, |(_, rows)| rows);
    let trend_rows = trend_text
        .as_deref()
        .and_then(|t| {
            fit(
                t,
                Rect {
                    height: inner
                        .height
                        .saturating_sub(figure_rows + small_rows + 1)
                        .min(3),
                    ..inner
                },
            )
        })
        .map_or(0, |(_, rows)| rows);
    let block_rows = (figure_rows + trend_rows + small_rows + 1).min(inner.height);
    let top = inner.y + (inner.height - block_rows) / 2;
    let big = Rect::new(inner.x, top, inner.width, figure_rows.min(block_rows));
    match fit(&value, big).map(|(size, _)| size) {
        Some(size) => {
            let text = BigText::builder()
                .pixel_size(size)
                .style(look.style)
                .lines(vec![Line::from(value.clone())])
                .centered()
                .build();
            frame.render_widget(text, big);
        }
        None => frame.render_widget(
            Paragraph::new(Span::styled(
                value.clone(),
                look.style.add_modifier(Modifier::BOLD),
            ))
            .alignment(Alignment::Center),
            big,
        ),
    }
    let mut y = top + figure_rows + 1;
    if let (Some(trend), Some(text)) = (&tile.trend, &trend_text)
        && trend_rows > 0
        && y + trend_rows <= inner.y + inner.height
    {
        let area = Rect::new(inner.x, y, inner.width, trend_rows);
        if let Some((size, _)) = fit(text, area) {
            frame.render_widget(
                BigText::builder()
                    .pixel_size(size)
                    .style(tone_style(theme, trend.tone))
                    .lines(vec![Line::from(text.clone())])
                    .centered()
                    .build(),
                area,
            );
        }
        y += trend_rows;
    }
    let small = Rect::new(
        inner.x,
        y.min(inner.y + inner.height.saturating_sub(small_rows)),
        inner.width,
        small_rows.min(inner.height),
    );
    let width = small.width as usize;
    // The band (or why there is none) and, unless it is drawn large above, the change.
    let mut line = match (&tile.why_none, tile.band) {
        (Some((why, tone)), None) => vec![Span::styled(
            why.to_uppercase(),
            tone_style(theme, *tone).add_modifier(Modifier::BOLD),
        )],
        (_, Some(_)) => vec![Span::styled(
            format!("{} {}  ", look.symbol, look.label.to_uppercase()),
            look.style.add_modifier(Modifier::BOLD),
        )],
        (None, None) => Vec::new(),
    };
    if trend_rows == 0
        && let Some(trend) = &tile.trend
    {
        let used: usize = line.iter().map(|s| s.content.width()).sum();
        if let Some(text) = first_fitting(&trend.texts(), width.saturating_sub(used)) {
            line.push(Span::styled(
                text.clone(),
                tone_style(theme, trend.tone).add_modifier(Modifier::BOLD),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(line),
            Line::from(Span::styled(
                fitting_fields(&tile.details, width),
                theme.style(Role::Muted),
            )),
        ])
        .alignment(Alignment::Center),
        small,
    );
}

/// Text in the ASCII the big font has ("−" → "-", "–" → "-").
fn ascii(text: &str) -> String {
    text.replace(['−', '–'], "-")
        .chars()
        .filter(|c| c.is_ascii())
        .collect()
}

/// Tile values short, in the ASCII the big font has ("5 days/week" → "5/wk").
fn wall_value(value: &str) -> String {
    ascii(&compact_value(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_values_are_short_ascii() {
        assert_eq!(wall_value("5 days/week"), "5/wk");
        assert_eq!(wall_value("1.9 days/month"), "1.9/mo");
        assert_eq!(wall_value("–"), "-");
        assert_eq!(wall_value("1d 1h"), "1d 1h");
        assert_eq!(ascii("−1.2 pt better"), "-1.2 pt better");
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
