//! A measure's drill-down: value and band, definition, time series, distribution, band table,
//! and the items it was computed from.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Wrap};

use crate::app::screens::measure::MeasureView;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{TableLook, panel, table, tone_style};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let chart_height = if area.height >= 30 {
        (area.height / 3).min(14)
    } else {
        6
    };
    let [summary, charts, list] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(chart_height),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_summary(frame, summary, theme, view);
    let wide = charts.width >= 100;
    let widths: &[Constraint] = if wide {
        &[
            Constraint::Percentage(45),
            Constraint::Percentage(30),
            Constraint::Percentage(25),
        ]
    } else {
        &[Constraint::Percentage(50), Constraint::Percentage(50)]
    };
    let columns = Layout::horizontal(widths).split(charts);
    draw_series(frame, columns[0], theme, view);
    draw_distribution(frame, columns[1], theme, view);
    if wide {
        draw_bands(frame, columns[2], theme, view);
    }
    let block = panel(
        theme,
        format!(
            "{}{}",
            view.list_title,
            match view.list_state.sort {
                Some(c) => format!(
                    " · sorted by {}{}",
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
        Span::styled(format!(" {} {} ", look.symbol, look.label), look.style),
    ];
    if let Some(trend) = &view.trend {
        first.push(Span::styled(
            format!(" {} {} vs previous window", trend.arrow, trend.delta),
            tone_style(theme, trend.tone),
        ));
    }
    let lines = vec![
        Line::from(first),
        Line::from(Span::styled(
            format!(" {}", view.detail),
            theme.style(Role::Text),
        )),
        Line::from(Span::styled(
            format!(" {}", view.definition),
            theme.style(Role::Muted),
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn draw_series(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let block = panel(
        theme,
        format!("Over the window {}", view.series_label),
        false,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.series.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " no series for this measure",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    frame.render_widget(
        super::overview::sparkline(theme, &view.series, inner.width),
        inner,
    );
}

fn draw_distribution(frame: &mut Frame, area: Rect, theme: &Theme, view: &MeasureView) {
    let block = panel(theme, view.distribution_title.to_string(), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
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
    if view.bands.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " no bands: value and trend only",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
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
    frame.render_widget(Paragraph::new(lines), inner);
}
