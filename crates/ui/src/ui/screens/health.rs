//! A service's page of health panels: the charts one above the other, in two columns when
//! the screen is wide and there are more charts than fit in one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::app::health::ChartView;
use crate::app::screens::health::HealthView;
use crate::ui::health_chart::draw_view;
use crate::ui::theme::{Role, Theme};

/// The fewest rows a chart is drawn in (border, four rows of plot, the time axis).
const MIN_CHART_ROWS: u16 = 7;

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &HealthView) {
    if view.charts.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {}", view.empty),
                theme.style(Role::Muted),
            )),
            area,
        );
        return;
    }
    draw_charts(frame, area, theme, &view.charts);
}

/// The charts in `area`: stacked, in two columns when one column would squeeze them and the
/// area is wide; charts that still do not fit are left out (the last row says how many).
pub(crate) fn draw_charts(frame: &mut Frame, area: Rect, theme: &Theme, charts: &[ChartView]) {
    let count = charts.len() as u16;
    let columns: u16 = if count > 1 && area.height / count < MIN_CHART_ROWS * 2 && area.width >= 120
    {
        2
    } else {
        1
    };
    let rows_needed = count.div_ceil(columns);
    let rows = rows_needed.min((area.height / MIN_CHART_ROWS).max(1));
    let shown = usize::from(rows * columns).min(charts.len());
    let row_areas = Layout::vertical(vec![
        Constraint::Ratio(1, u32::from(rows));
        usize::from(rows)
    ])
    .split(area);
    let mut cells = Vec::with_capacity(shown);
    for row in row_areas.iter() {
        let split = Layout::horizontal(vec![
            Constraint::Ratio(1, u32::from(columns));
            usize::from(columns)
        ])
        .split(*row);
        cells.extend(split.iter().copied());
    }
    let buf = frame.buffer_mut();
    for (chart, cell) in charts.iter().zip(cells).take(shown) {
        draw_view(chart, theme, cell, buf);
    }
    if shown < charts.len() {
        let hidden = charts.len() - shown;
        let note = format!(" +{hidden} more (a taller screen shows them) ");
        let y = area.y + area.height.saturating_sub(1);
        buf.set_string(area.x + 1, y, note, theme.style(Role::Muted));
    }
}
