//! `draw(&ViewModel, &Theme, &mut Frame)`: a pure function of the view model, whose tones and
//! roles the theme turns into styles. It never fetches, locks or computes measures.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::layout;
use super::screens::{detail, measure, overview, wall};
use super::theme::{Role, Theme};
use super::widgets::{key_hints, tone_style, truncate};
use crate::app::screens::Body;
use crate::app::view::ViewModel;

pub fn draw(vm: &ViewModel, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(theme.style(Role::Background)), area);
    match &vm.body {
        Body::TooSmall { need } => {
            too_small(frame, area, theme, *need);
            return;
        }
        Body::Wall(view) => {
            wall::draw(frame, area, theme, view, &vm.header);
            help(frame, area, theme, vm);
            return;
        }
        _ => {}
    }
    let parts = layout::frame(area);
    header(frame, theme, parts.header, vm);
    breadcrumb(frame, theme, parts.breadcrumb, vm);
    match &vm.body {
        Body::Overview(view) => overview::draw(frame, parts.body, theme, view),
        Body::Measure(view) => measure::draw(frame, parts.body, theme, view),
        Body::Detail(view) => detail::draw(frame, parts.body, theme, view),
        Body::Loading(text) => {
            frame.render_widget(
                Paragraph::new(Span::styled(text.clone(), theme.style(Role::Muted)))
                    .alignment(Alignment::Center),
                layout::centered(parts.body, parts.body.width, 1),
            );
        }
        Body::TooSmall { .. } | Body::Wall(_) => {}
    }
    status(frame, theme, parts.status, vm);
    bottom_line(frame, theme, parts.command_bar, vm);
    help(frame, area, theme, vm);
}

/// Draws a view model into a buffer of the given size (tests, screenshots, SVG reports).
pub fn render_to_buffer(vm: &ViewModel, theme: &Theme, width: u16, height: u16) -> Buffer {
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    // A Frame needs a terminal; a test backend of the same size is the cheapest one.
    let backend = ratatui::backend::TestBackend::new(width, height);
    let Ok(mut terminal) = ratatui::Terminal::new(backend);
    if terminal.draw(|frame| draw(vm, theme, frame)).is_ok() {
        buffer = terminal.backend().buffer().clone();
    }
    buffer
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme, need: (u16, u16)) {
    let text = format!(
        "terminal too small: {}×{}, need {}×{}",
        area.width, area.height, need.0, need.1
    );
    let lines: Vec<Line> = textwrap_words(&text, area.width as usize)
        .into_iter()
        .take(area.height as usize)
        .map(|l| Line::from(Span::styled(l, theme.style(Role::Warn))))
        .collect();
    let height = lines.len() as u16;
    frame.render_widget(
        Paragraph::new(lines).alignment(Alignment::Center),
        layout::centered(area, area.width, height),
    );
}

/// Greedy word wrap that also cuts words longer than the width.
fn textwrap_words(text: &str, width: usize) -> Vec<String> {
    if width == 0 {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if candidate.chars().count() <= width {
            line = candidate;
        } else {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut rest: Vec<char> = word.chars().collect();
            while rest.len() > width {
                lines.push(rest.drain(..width).collect());
            }
            line = rest.into_iter().collect();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn header(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    let h = &vm.header;
    let mut spans = vec![
        Span::styled(
            " flowdeck ",
            theme
                .style(Role::Title)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::styled(
            format!(" {} ", h.scope),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled("· ", theme.style(Role::Muted)),
        Span::styled(format!("{} ", h.window), theme.style(Role::Text)),
        Span::styled(format!("· bands {}", h.bands), theme.style(Role::Muted)),
    ];
    if let Some((text, tone)) = &h.status {
        spans.push(Span::styled(format!("  {text}"), tone_style(theme, *tone)));
    }
    let clock = format!("{} ", h.clock);
    let left = Line::from(spans);
    let left_width = left.width() as u16;
    frame.render_widget(Paragraph::new(left), area);
    let clock_width = clock.chars().count() as u16;
    if area.width >= left_width + clock_width + 2 {
        let clock_area = Rect::new(area.x + area.width - clock_width, area.y, clock_width, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(clock, theme.style(Role::Muted))),
            clock_area,
        );
    }
}

fn breadcrumb(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    let mut spans = vec![Span::raw(" ")];
    let last = vm.breadcrumb.len().saturating_sub(1);
    for (i, part) in vm.breadcrumb.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.style(Role::Muted)));
        }
        let style = if i == last {
            theme.style(Role::Text).add_modifier(Modifier::BOLD)
        } else {
            theme.style(Role::Muted)
        };
        spans.push(Span::styled(part.clone(), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    let mut spans = vec![Span::styled(" sources ", theme.style(Role::Muted))];
    if vm.sources.is_empty() {
        spans.push(Span::styled("none", theme.style(Role::Muted)));
    }
    for source in &vm.sources {
        let (symbol, role) = if source.ok {
            ("●", Role::Ok)
        } else {
            ("▲", Role::Stale)
        };
        spans.push(Span::styled(format!("{symbol} "), theme.style(role)));
        spans.push(Span::styled(
            format!("{} ", source.name),
            theme.style(Role::Text),
        ));
        spans.push(Span::styled(
            format!("{}  ", source.text),
            theme.style(if source.ok { Role::Muted } else { Role::Stale }),
        ));
    }
    if let Some(message) = &vm.message {
        spans.push(Span::styled(
            format!(" {message}"),
            theme.style(Role::Accent),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn bottom_line(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    match &vm.prompt {
        Some(prompt) => {
            let mut spans = vec![
                Span::styled(format!(" {}", prompt.label), theme.style(Role::Accent)),
                Span::styled(format!("{}▏", prompt.text), theme.style(Role::Text)),
            ];
            if let Some(error) = &prompt.error {
                spans.push(Span::styled(format!("  {error}"), theme.style(Role::Fail)));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
        }
        None => frame.render_widget(
            Paragraph::new(key_hints(theme, &vm.command_bar, area.width)),
            area,
        ),
    }
}

fn help(frame: &mut Frame, area: Rect, theme: &Theme, vm: &ViewModel) {
    let Some(keys) = &vm.help else {
        return;
    };
    // As many columns as the height needs, each 36 wide.
    const COLUMN: usize = 36;
    let rows = (area.height.saturating_sub(2) as usize).max(1);
    let columns = keys.len().div_ceil(rows).max(1);
    let rows = keys.len().div_ceil(columns);
    let width = ((columns * COLUMN) as u16 + 2).min(area.width);
    let height = (rows as u16 + 2).min(area.height);
    let popup = layout::centered(area, width, height);
    frame.render_widget(Clear, popup);
    let key_width = 14usize;
    let cell = |(key, what): &(String, &'static str)| {
        vec![
            Span::styled(
                format!(" {:<key_width$}", truncate(key, key_width)),
                theme.style(Role::Accent).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(
                    "{:<w$}",
                    truncate(what, COLUMN - key_width - 2),
                    w = COLUMN - key_width - 1
                ),
                theme.style(Role::Text),
            ),
        ]
    };
    let lines: Vec<Line> = (0..rows)
        .map(|r| {
            let spans: Vec<Span> = (0..columns)
                .filter_map(|c| keys.get(c * rows + r))
                .flat_map(cell)
                .collect();
            Line::from(spans)
        })
        .collect();
    let block = super::widgets::panel(theme, "Keys (? or esc closes)".into(), true)
        .style(theme.style(Role::Background));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
