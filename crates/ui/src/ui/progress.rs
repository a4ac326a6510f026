//! The progress bars of backfills under way: one row per source above the status line, the
//! source's name, a bar of the share done (a dotted track while the share is unknown), and
//! the text of requests, what is left, the rate-limit budget and time to go.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::{Role, Theme};
use crate::app::progress::ProgressBar;

/// Width of the bar itself.
const BAR: u16 = 20;

/// Takes the rows the bars need off the bottom of `body`; returns the body left.
pub(crate) fn draw(frame: &mut Frame, body: Rect, theme: &Theme, bars: &[ProgressBar]) -> Rect {
    let rows = (bars.len() as u16).min(body.height.saturating_sub(4));
    if rows == 0 {
        return body;
    }
    let [rest, area] = Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(body);
    for (i, bar) in bars.iter().take(rows as usize).enumerate() {
        let row = Rect::new(area.x, area.y + i as u16, area.width, 1);
        frame.render_widget(Paragraph::new(line(bar, theme)), row);
    }
    rest
}

fn line<'a>(bar: &'a ProgressBar, theme: &Theme) -> Line<'a> {
    let (done, track) = match bar.ratio {
        Some(ratio) => {
            let filled = (ratio.clamp(0.0, 1.0) * f64::from(BAR)).round() as usize;
            (
                "█".repeat(filled),
                "░".repeat(usize::from(BAR).saturating_sub(filled)),
            )
        }
        None => (String::new(), "·".repeat(usize::from(BAR))),
    };
    let percent = bar
        .ratio
        .map(|r| format!(" {:>3.0}% ", r.clamp(0.0, 1.0) * 100.0))
        .unwrap_or_else(|| "   …  ".to_string());
    Line::from(vec![
        Span::styled(" ↻ backfilling ", theme.style(Role::Warn)),
        Span::styled(format!("{} ", bar.source), theme.style(Role::Text)),
        Span::styled(done, theme.style(Role::Accent)),
        Span::styled(track, theme.style(Role::Muted)),
        Span::styled(percent, theme.style(Role::Text)),
        Span::styled(bar.text.as_str(), theme.style(Role::Muted)),
    ])
}
