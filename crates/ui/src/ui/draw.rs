//! `draw(&ViewModel, &Theme, &mut Frame)`: a pure function of the view model, whose tones and
//! roles the theme turns into styles. It never fetches, locks or computes measures.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::layout;
use super::screens::{detail, health, measure, overview, services, wall};
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
            if let Some(message) = &vm.message {
                let bottom = Rect::new(
                    area.x,
                    area.y + area.height.saturating_sub(1),
                    area.width,
                    1,
                );
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!(" {message}"),
                        theme.style(Role::Accent),
                    )),
                    bottom,
                );
            }
            help(frame, area, theme, vm);
            return;
        }
        _ => {}
    }
    let parts = layout::frame(area);
    header(frame, theme, parts.header, vm);
    breadcrumb(frame, theme, parts.breadcrumb, vm);
    let body = super::progress::draw(frame, parts.body, theme, &vm.progress);
    match &vm.body {
        Body::Overview(view) => overview::draw(frame, body, theme, view),
        Body::Measure(view) => measure::draw(frame, body, theme, view),
        Body::Detail(view) => detail::draw(frame, body, theme, view),
        Body::Services(view) => services::draw(frame, body, theme, view),
        Body::Health(view) => health::draw(frame, body, theme, view),
        Body::Loading(text) => {
            frame.render_widget(
                Paragraph::new(Span::styled(text.clone(), theme.style(Role::Muted)))
                    .alignment(Alignment::Center),
                layout::centered(body, body.width, 1),
            );
        }
        Body::TooSmall { .. } | Body::Wall(_) => {}
    }
    status(frame, theme, parts.status, vm);
    bottom_line(frame, theme, parts.command_bar, vm);
    picker(frame, parts.body, theme, vm);
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

/// The header: flowdeck, the scope, the window (whole, or only its dates, or only its length
/// when narrow), the status, the band table, and the clock at the right; what does not fit
/// whole is left out, never cut (a year cut to "202" is another year).
fn header(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    let h = &vm.header;
    let width = area.width as usize;
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
    ];
    let used = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    // "last 30 days · 21 Oct – 20 Nov 2026": the dates, else the length.
    let mut windows = vec![h.window.clone()];
    if let Some((length, dates)) = h.window.split_once(" · ") {
        windows.push(dates.to_string());
        windows.push(length.to_string());
    }
    if let Some(window) = windows
        .into_iter()
        .find(|w| used(&spans) + 2 + w.width() < width)
    {
        spans.push(Span::styled("· ", theme.style(Role::Muted)));
        spans.push(Span::styled(format!("{window} "), theme.style(Role::Text)));
    }
    if let Some((text, tone)) = &h.status
        && used(&spans) + 3 + text.width() <= width
    {
        spans.push(Span::styled(format!("  {text} "), tone_style(theme, *tone)));
    }
    let bands = format!("· bands {}", h.bands);
    if used(&spans) + bands.width() <= width {
        spans.push(Span::styled(bands, theme.style(Role::Muted)));
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
    // A message (why a key did nothing, what an action did) comes first, so it is never cut.
    let mut spans = Vec::new();
    if let Some(message) = &vm.message {
        spans.push(Span::styled(
            format!(" {message} "),
            theme.style(Role::Accent).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled("│", theme.style(Role::Border)));
    }
    spans.push(Span::styled(" sources ", theme.style(Role::Muted)));
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
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn bottom_line(frame: &mut Frame, theme: &Theme, area: Rect, vm: &ViewModel) {
    match &vm.prompt {
        Some(prompt) => {
            // A refused text is shown struck through: the next character replaces it.
            let text_style = if prompt.refused {
                theme.style(Role::Muted).add_modifier(Modifier::CROSSED_OUT)
            } else {
                theme.style(Role::Text)
            };
            let mut spans = vec![
                Span::styled(format!(" {}", prompt.label), theme.style(Role::Accent)),
                Span::styled(prompt.before.clone(), text_style),
                Span::styled("▏", theme.style(Role::Accent)),
                Span::styled(prompt.after.clone(), text_style),
            ];
            if let Some(error) = &prompt.error {
                spans.push(Span::styled(
                    format!("  ✗ {error}"),
                    theme.style(Role::Fail),
                ));
            }
            frame.render_widget(
                Paragraph::new(Line::from(spans)).wrap(Wrap { trim: false }),
                area,
            );
        }
        None => frame.render_widget(
            Paragraph::new(key_hints(theme, &vm.command_bar, area.width)),
            area,
        ),
    }
}

/// A picker's entries, in a box above the prompt line.
fn picker(frame: &mut Frame, body: Rect, theme: &Theme, vm: &ViewModel) {
    let Some((entries, selected)) = vm.prompt.as_ref().and_then(|p| p.picks.as_ref()) else {
        return;
    };
    let rows = (entries.len().max(1) as u16 + 2).min(body.height);
    let width = (entries
        .iter()
        .map(|e| e.chars().count())
        .max()
        .unwrap_or(0)
        .max(30) as u16
        + 4)
    .min(body.width);
    let area = Rect::new(body.x + 1, body.y + body.height - rows, width, rows);
    frame.render_widget(Clear, area);
    let block = super::widgets::panel(theme, "↑↓ choose · enter apply · esc cancel".into(), true)
        .style(theme.style(Role::Background));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if entries.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(" no name matches", theme.style(Role::Muted))),
            inner,
        );
        return;
    }
    let visible = inner.height as usize;
    let first = selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, entry)| {
            let style = if i == *selected {
                theme.style(Role::Selection)
            } else {
                theme.style(Role::Text)
            };
            Line::from(Span::styled(
                format!(
                    " {} ",
                    truncate(entry, inner.width.saturating_sub(2) as usize)
                ),
                style,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn help(frame: &mut Frame, area: Rect, theme: &Theme, vm: &ViewModel) {
    let Some(sections) = &vm.help else {
        return;
    };
    // Sections top to bottom, flowing into as many columns as the height needs.
    const KEY: usize = 15;
    const COLUMN: usize = 44;
    let mut lines: Vec<Line> = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(
            format!(" {}", section.title),
            theme.style(Role::Header).add_modifier(Modifier::BOLD),
        )));
        for (key, what) in &section.rows {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {:<KEY$}", truncate(key, KEY - 1)),
                    theme.style(Role::Accent).add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!(
                        "{:<w$}",
                        truncate(what, COLUMN - KEY - 2),
                        w = COLUMN - KEY - 1
                    ),
                    theme.style(Role::Text),
                ),
            ]));
        }
    }
    let rows = (area.height.saturating_sub(2) as usize).max(1);
    let columns = lines.len().div_ceil(rows).max(1);
    let rows = lines.len().div_ceil(columns);
    let width = ((columns * COLUMN) as u16 + 2).min(area.width);
    let height = (rows as u16 + 2).min(area.height);
    let popup = layout::centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = super::widgets::panel(theme, "Keys (? or esc closes)".into(), true)
        .style(theme.style(Role::Background));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let column_areas =
        ratatui::layout::Layout::horizontal(vec![
            ratatui::layout::Constraint::Length(COLUMN as u16);
            columns
        ])
        .split(inner);
    for (c, column) in column_areas.iter().enumerate() {
        let chunk: Vec<Line> = lines.iter().skip(c * rows).take(rows).cloned().collect();
        frame.render_widget(Paragraph::new(chunk), *column);
    }
}
