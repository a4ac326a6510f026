//! A measure's drill-down: value, band and the band's rule (or why there is none), the change
//! with its verdict, definition, the series with dates and a scale, the distribution, the band
//! table, and the items it was computed from. Boxes without data give their space away.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::app::screens::measure::{Chart, MeasureView};
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{TableLook, first_fitting, fitting_fields, panel, table, tone_style};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let chart_height = if area.height >= 30 {
        (area.height / 3).min(14)
    } else {
        6
    };
    let [summary, charts, list] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(chart_height),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_summary(frame, summary, theme, view);
    // Only boxes with something to show take room: a series with data, a band table.
    let wide = charts.width >= 100;
    let show_bands = wide && !view.bands.is_empty();
    let mut boxes: Vec<(u16, u8)> = Vec::new();
    if view.chart.is_some() {
        boxes.push((45, 0));
    }
    boxes.push((30, 1));
    if show_bands {
        boxes.push((25, 2));
    }
    // The service's health panel, when the drill-down has one and the row has room.
    if view.health.is_some() && wide {
        boxes.push((40, 3));
    }
    let total: u16 = boxes.iter().map(|(w, _)| w).sum();
    let constraints: Vec<Constraint> = boxes
        .iter()
        .map(|(w, _)| Constraint::Ratio(u32::from(*w), u32::from(total)))
        .collect();
    let areas = Layout::horizontal(constraints).split(charts);
    for ((_, what), rect) in boxes.iter().zip(areas.iter()) {
        match what {
            0 => {
                if let Some(chart) = &view.chart {
                    draw_chart(frame, *rect, theme, chart);
                }
            }
            1 => draw_distribution(frame, *rect, theme, view),
            2 => draw_bands(frame, *rect, theme, view),
            _ => {
                if let Some(chart) = &view.health {
                    crate::ui::health_chart::draw_view(chart, theme, *rect, frame.buffer_mut());
                }
            }
        }
    }
    let block = panel(
        theme,
        format!(
            "{}{}",
            view.list_title,
            match view.list_state.sort {
                Some(c) => format!(
                    " · by {}{}",
                    view.list.columns.get(c).map_or("", |col| col.title),
                    if view.list_state.descending {
                        " ↓"
                    } else {
                        " ↑"
                    }
                ),
                None => String::new(),
            }
        ),
        true,
    );
    let inner = block.inner(list);
    frame.render_widget(block, list);
    if view.list.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " nothing to list in this window",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    table(
        frame,
        inner,
        theme,
        &view.list,
        TableLook {
            columns: None,
            selected: view.list_state.selected,
            focused: true,
            header: true,
        },
    );
}

fn draw_summary(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let width = area.width as usize;
    let look = theme.band(view.band);
    let mut first = vec![
        Span::styled(
            format!(" {} ", view.title),
            theme.style(Role::Title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!(" {} ", view.value),
            look.style.add_modifier(Modifier::BOLD),
        ),
    ];
    if view.band.is_some() {
        first.push(Span::styled(
            format!(" {} {} ", look.symbol, look.label),
            look.style,
        ));
    }
    if let Some(trend) = &view.trend {
        let used: usize = first.iter().map(|s| s.content.width()).sum();
        let room = width.saturating_sub(used + 1);
        let texts: Vec<String> = trend
            .texts()
            .into_iter()
            .flat_map(|t| [format!("{t} vs the previous window"), t])
            .collect();
        if let Some(text) = first_fitting(&texts, room) {
            first.push(Span::styled(
                format!(" {text}"),
                tone_style(theme, trend.tone),
            ));
        }
    }
    // The band's rule, or why there is no value or band.
    let second = match (&view.why_none, &view.rule, view.band) {
        (Some((why, tone)), _, None) => Line::from(Span::styled(
            format!(" no band: {why}"),
            tone_style(theme, *tone),
        )),
        (_, Some(rule), Some(_)) => Line::from(vec![
            Span::styled(format!(" {} {}: ", look.symbol, look.label), look.style),
            Span::styled(rule.clone(), theme.style(Role::Text)),
            Span::styled(
                format!(" (bands {})", view.band_table),
                theme.style(Role::Muted),
            ),
        ]),
        (_, None, Some(_)) => {
            let threshold = view
                .bands
                .iter()
                .find(|b| b.current)
                .map(|b| b.threshold.clone())
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(format!(" {} {}: ", look.symbol, look.label), look.style),
                Span::styled(threshold, theme.style(Role::Text)),
                Span::styled(
                    format!(" (bands {})", view.band_table),
                    theme.style(Role::Muted),
                ),
            ])
        }
        _ => Line::from(Span::styled(
            " no bands: value and change only",
            theme.style(Role::Muted),
        )),
    };
    let lines = vec![
        Line::from(first),
        second,
        Line::from(Span::styled(
            format!(
                " {}",
                fitting_fields(&view.details, width.saturating_sub(1))
            ),
            theme.style(Role::Text),
        )),
        Line::from(Span::styled(
            format!(" {}", view.definition),
            theme.style(Role::Muted),
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The series with its axes: the scale (the tallest bar's value, and 0) on the left, the first
/// and last day under it.
fn draw_chart(frame: &mut Frame, area: Rect, theme: &Theme, chart: &Chart) {
    let block = panel(theme, format!("Over the window, {}", chart.bucket), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let gutter = (chart.max.width().max(1) + 1).min(inner.width as usize / 2) as u16;
    let [plot_row, dates] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let [scale, plot] =
        Layout::horizontal([Constraint::Length(gutter), Constraint::Min(1)]).areas(plot_row);
    let mut scale_lines = vec![Line::from(Span::styled(
        chart.max.clone(),
        theme.style(Role::Muted),
    ))];
    for _ in 2..scale.height {
        scale_lines.push(Line::from(""));
    }
    if scale.height > 1 {
        scale_lines.push(Line::from(Span::styled("0", theme.style(Role::Muted))));
    }
    frame.render_widget(Paragraph::new(scale_lines), scale);
    frame.render_widget(
        super::overview::sparkline(theme, &chart.bars, plot.width),
        plot,
    );
    let date_area = Rect {
        x: plot.x,
        width: plot.width,
        ..dates
    };
    frame.render_widget(
        Paragraph::new(Span::styled(chart.from.clone(), theme.style(Role::Muted))),
        date_area,
    );
    if chart.from.width() + chart.to.width() < date_area.width as usize {
        frame.render_widget(
            Paragraph::new(Span::styled(chart.to.clone(), theme.style(Role::Muted)))
                .alignment(Alignment::Right),
            date_area,
        );
    }
}

fn draw_distribution(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let block = panel(theme, view.distribution_title.clone(), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if view.distribution.iter().all(|(_, c)| *c == 0) {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " none in this window",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    let bars: Vec<Bar> = view
        .distribution
        .iter()
        .map(|(label, count)| {
            Bar::default()
                .value(*count)
                .label(Line::from(label.clone()))
                .text_value(count.to_string())
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(theme.style(Role::Accent))
        .value_style(theme.style(Role::Text).add_modifier(Modifier::BOLD))
        .label_style(theme.style(Role::Muted))
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, inner);
}

fn draw_bands(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let block = panel(theme, format!("Bands ({})", view.band_table), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = view
        .bands
        .iter()
        .map(|row| {
            let look = theme.band(Some(row.band));
            let marker = if row.current { "▶" } else { " " };
            let style = if row.current {
                look.style.add_modifier(Modifier::BOLD)
            } else {
                look.style
            };
            Line::from(vec![
                Span::styled(format!("{marker}{} {:<7}", look.symbol, look.label), style),
                Span::styled(row.threshold.clone(), theme.style(Role::Text)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
