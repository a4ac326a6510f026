//! Where things go on screen: the overview's geometry, shared by drawing and by mouse clicks
//! (a click is mapped to the panel drawn under it).

use ratatui::layout::{Constraint, Layout, Rect};

/// The frame split into header, breadcrumb, body, status line and command bar.
pub(crate) struct Frame {
    pub(crate) header: Rect,
    pub(crate) breadcrumb: Rect,
    pub(crate) body: Rect,
    pub(crate) status: Rect,
    pub(crate) command_bar: Rect,
}

pub(crate) fn frame(area: Rect) -> Frame {
    let [header, breadcrumb, body, status, command_bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Frame {
        header,
        breadcrumb,
        body,
        status,
        command_bar,
    }
}

/// The overview's panels, in `Panel::ALL` order: five tiles, the flow row, three strips.
pub(crate) struct Overview {
    pub(crate) tiles: [Rect; 5],
    pub(crate) flow: Rect,
    pub(crate) strips: [Rect; 3],
}

pub(crate) fn overview(body: Rect) -> Overview {
    // Tiles grow with the terminal: 7 rows at 24 lines, up to 12 on a wall-sized screen.
    let tile_height = (body.height / 3).clamp(6, 12);
    let [tiles, flow, strips] = Layout::vertical([
        Constraint::Length(tile_height),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(body);
    let tiles = Layout::horizontal([Constraint::Ratio(1, 5); 5]).areas(tiles);
    let strips = Layout::horizontal([
        Constraint::Ratio(2, 6),
        Constraint::Ratio(2, 6),
        Constraint::Ratio(2, 6),
    ])
    .areas(strips);
    Overview {
        tiles,
        flow,
        strips,
    }
}

/// The overview panel (index into `Panel::ALL`) under a cell of a `width`×`height` screen.
pub fn panel_at(width: u16, height: u16, column: u16, row: u16) -> Option<usize> {
    let body = frame(Rect::new(0, 0, width, height)).body;
    let layout = overview(body);
    let hit =
        |r: &Rect| column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height;
    if let Some(i) = layout.tiles.iter().position(hit) {
        return Some(i);
    }
    if hit(&layout.flow) {
        return Some(5);
    }
    layout.strips.iter().position(hit).map(|i| 6 + i)
}

/// A rectangle of at most `width`×`height` centred in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_find_the_panel_drawn_there() {
        // 80×24: header and breadcrumb take rows 0-1, tiles start at row 2.
        assert_eq!(panel_at(80, 24, 1, 3), Some(0));
        assert_eq!(panel_at(80, 24, 79, 3), Some(4));
        let flow_row = 2 + (20u16 / 3).clamp(6, 12);
        assert_eq!(panel_at(80, 24, 10, flow_row), Some(5));
        assert_eq!(panel_at(80, 24, 70, 20), Some(8));
        assert_eq!(panel_at(80, 24, 10, 0), None);
        assert_eq!(panel_at(0, 0, 0, 0), None);
    }
}
