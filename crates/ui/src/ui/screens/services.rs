//! The services (or teams) table: every one side by side, sortable by any measure.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::app::screens::services::ServicesView;
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::{TableLook, panel, table};

pub(crate) fn draw(frame: &mut Frame, area: Rect, theme: &Theme, view: &ServicesView) {
    let block = panel(theme, view.title.clone(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.list.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(" {}", view.empty),
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
