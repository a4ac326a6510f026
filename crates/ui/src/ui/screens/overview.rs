//! The overview: what is broken now, a tile per DORA measure, the flow row, and the live
//! strips. Numbers are never cut: what does not fit is dropped whole, least important first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::list::Tone;
use crate::app::screens::alerts::Alert;
use crate::app::screens::overview::{FlowItem, Overview, Strip};
use crate::app::screens::tiles::Tile;
use crate::ui::layout;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{
    TableLook, compact_value, first_fitting, fitting_fields, panel, table, tone_style, truncate,
};

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
    draw_alerts(frame, parts.alerts, theme, &view.alerts);
    for (tile, rect) in view.tiles.iter().zip(parts.tiles) {
        draw_tile(frame, rect, theme, tile);
    }
    draw_flow(frame, parts.flow, theme, &view.flow, view.flow_focused);
    for (strip, rect) in view.strips.iter().zip(parts.strips) {
        draw_strip(frame, rect, theme, strip);
    }
}

/// What is broken now, on one line: every alert in full when they fit, else every alert in
/// its short form, else as many short ones as fit and how many more.
pub(crate) fn draw_alerts(frame: &mut Frame, area: Rect, theme: &Theme, alerts: &[Alert]) {
    if area.height == 0 {
        return;
    }
    if alerts.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " ✓ nothing failing, no incident open, every source current",
                theme.style(Role::Ok),
            )),
            area,
        );
        return;
    }
    let width = area.width as usize;
    let label = |alert: &Alert, short: bool| {
        let sign = if alert.tone == Tone::Fail {
            "✗"
        } else {
            "▲"
        };
        let text = if short { &alert.short } else { &alert.text };
        format!(" {sign} {text} ")
    };
    // Each alert and the space after it.
    let fits = |short: bool| {
        alerts
            .iter()
            .map(|a| label(a, short).width() + 1)
            .sum::<usize>()
            <= width + 1
    };
    let short = !fits(false);
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (i, alert) in alerts.iter().enumerate() {
        let text = label(alert, short);
        let more = alerts.len() - i - 1;
        let tail = if more > 0 { " +9 more".width() } else { 0 };
        if used + text.width() + tail > width && i > 0 {
            spans.push(Span::styled(
                format!(" +{} more", alerts.len() - i),
                theme.style(Role::Muted),
            ));
            break;
        }
        used += text.width() + 1;
        spans.push(Span::styled(
            truncate(&text, width),
            tone_style(theme, alert.tone).add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A band, or why there is none, as the tile's second line.
fn band_line(theme: &Theme, tile: &Tile, width: usize) -> Vec<Line<'static>> {
    match (&tile.why_none, tile.band) {
        (Some((why, tone)), None) => wrap(why, width)
            .into_iter()
            .take(2)
            .map(|l| Line::from(Span::styled(l, tone_style(theme, *tone))))
            .collect(),
        (_, Some(_)) => {
            let look = theme.band(tile.band);
            vec![Line::from(Span::styled(
                format!("{} {}", look.symbol, look.label),
                look.style,
            ))]
        }
        // Rework rate has no DORA bands: the line stays empty rather than claiming one.
        (None, None) => vec![Line::from(Span::styled(
            "no bands",
            theme.style(Role::Muted),
        ))],
    }
}

/// Greedy word wrap; a word longer than the width is cut.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if candidate.width() <= width || line.is_empty() {
            line = truncate(&candidate, width);
        } else {
            lines.push(std::mem::take(&mut line));
            line = truncate(word, width);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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
    // Too narrow for the value: its short unit, never a cut number.
    let shown = if tile.value.width() > width {
        compact_value(&tile.value)
    } else {
        tile.value.clone()
    };
    let value = Span::styled(
        truncate(&shown, width),
        look.style.add_modifier(Modifier::BOLD),
    );
    let mut lines = Vec::new();
    let band = band_line(theme, tile, width);
    // The band beside the value when both fit on one line.
    let together =
        tile.band.is_some() && band.len() == 1 && shown.width() + 2 + band[0].width() <= width;
    if together {
        let mut spans = vec![value, Span::raw("  ")];
        spans.extend(band[0].spans.clone());
        lines.push(Line::from(spans));
    } else {
        lines.push(Line::from(value));
        lines.extend(band);
    }
    if let Some(trend) = &tile.trend
        && let Some(text) = first_fitting(&trend.texts(), width)
    {
        lines.push(Line::from(Span::styled(
            text.clone(),
            tone_style(theme, trend.tone),
        )));
    }
    // The details that fit; when not even the first does, the compact ones.
    let mut details = fitting_fields(&tile.details, width);
    if details.is_empty() {
        details = fitting_fields(&tile.compact, width);
    }
    if !details.is_empty() {
        lines.push(Line::from(Span::styled(details, theme.style(Role::Muted))));
    }
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

/// The flow row's items with as many of their parts as fit; items that do not fit at all are
/// dropped from the end.
fn fit_flow(items: &[FlowItem], width: usize) -> Vec<(usize, usize)> {
    let prefix = " 6 Flow · ".width();
    // "label part · part", items joined by "  │ ".
    let shown = |count: usize, parts: usize| -> usize {
        let items: usize = items
            .iter()
            .take(count)
            .map(|item| {
                let n = parts.min(item.parts.len()).max(1).min(item.parts.len());
                item.label.width()
                    + 1
                    + item.parts[..n].iter().map(|p| p.width()).sum::<usize>()
                    + 3 * n.saturating_sub(1)
            })
            .sum();
        prefix + items + 4 * count.saturating_sub(1)
    };
    let most = items.iter().map(|i| i.parts.len()).max().unwrap_or(1);
    for count in (1..=items.len()).rev() {
        for parts in (1..=most).rev() {
            if shown(count, parts) <= width {
                return items
                    .iter()
                    .take(count)
                    .enumerate()
                    .map(|(i, item)| (i, parts.min(item.parts.len())))
                    .collect();
            }
        }
    }
    Vec::new()
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
    for (i, parts) in fit_flow(items, area.width as usize) {
        let item = &items[i];
        if i > 0 {
            spans.push(Span::styled("  │ ", theme.style(Role::Border)));
        }
        let label_style = if item.selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Header)
        };
        spans.push(Span::styled(format!("{} ", item.label), label_style));
        spans.push(Span::styled(
            item.parts[..parts].join(" · "),
            tone_style(theme, item.tone),
        ));
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
            Paragraph::new(Span::styled(
                format!(" {}", strip.empty),
                theme.style(Role::Muted),
            ))
            .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    table(
        frame,
        inner,
        theme,
        &strip.list,
        TableLook {
            columns: Some(strip.columns),
            selected: strip.selected,
            focused: strip.focused,
            // Column titles when there is room for them: numbers without a title say little.
            header: inner.height >= 8,
        },
    );
}
