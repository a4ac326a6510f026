//! A ratatui [`Buffer`] as a standalone SVG picture: the screenshots in `screenshots/` and
//! `flowdeck report --format svg` show exactly what the dashboard draws at a given size.
//!
//! The picture keeps the terminal's character grid: column `c`, row `r` is the box
//! `x = c·cell_width`, `y = r·line_height`, `cell_width × line_height`.
//!
//! - Backgrounds are rectangles: runs of same-coloured cells in a row, stacked runs of the same
//!   extent merged into one, the default background left to the full-size rectangle underneath.
//! - Box-drawing (U+2500–U+257F), block (U+2580–U+259F) and the canvas's pseudo-pixel
//!   characters (quadrants, sextants, octants) are filled shapes drawn from the cell edges, so
//!   borders and bars join exactly whatever fonts the viewer has. Braille stays text.
//! - Other text is `<text>`, one element per run of same-styled cells, pinned to the grid: a run
//!   starts at its first cell's `x` and its `textLength` is its width in cells, so every glyph
//!   lands on its column. Wide characters (CJK, emoji) and clusters with combining marks get an
//!   element of their own, centred on the cells they cover.
//! - Colours: [`Color::Rgb`](ratatui::style::Color::Rgb) as is, named and indexed colours
//!   through xterm's palette (see [`palette`]), [`Color::Reset`](ratatui::style::Color::Reset)
//!   as [`SvgOptions::foreground`] or [`SvgOptions::background`].
//! - Modifiers: bold, italic, underline and crossed-out as SVG text attributes, dim as opacity
//!   0.5 (xterm.js's value), reversed swaps the resolved colours, hidden draws the background
//!   only. Slow and rapid blink are ignored.
//!
//! Output is a pure function of the buffer and options: the same input gives the same bytes.

mod backgrounds;
mod glyphs;
pub(crate) mod palette;
mod shapes;
mod text;
mod xml;

use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::style::Modifier;

use backgrounds::Backgrounds;
use glyphs::{CellBox, Strokes};
use shapes::{Paint, Shapes};
use text::{RowText, TextRun, TextStyle};
use xml::{Rgb, push_escaped, push_px, push_rgb};

/// How a buffer is drawn: font, cell metrics, default colours.
#[derive(Clone, Debug, PartialEq)]
pub struct SvgOptions {
    /// CSS font-family list for text; no font is embedded.
    pub(crate) font_family: String,
    /// Font size in px.
    pub(crate) font_size: f32,
    /// Width of a cell in px (a monospace font's advance: about 0.6 × `font_size`).
    pub(crate) cell_width: f32,
    /// Height of a row in px.
    pub(crate) line_height: f32,
    /// What [`Color::Reset`](ratatui::style::Color::Reset) means for text.
    pub(crate) foreground: (u8, u8, u8),
    /// What [`Color::Reset`](ratatui::style::Color::Reset) means for backgrounds.
    pub(crate) background: (u8, u8, u8),
    /// Text of a `<title>` element, read by screen readers and shown as a tooltip.
    pub(crate) title: Option<String>,
}

/// The default font stack: the platform's UI monospace, then common monospace fonts.
pub(crate) const DEFAULT_FONT_FAMILY: &str =
    "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";

impl Default for SvgOptions {
    /// 14 px text in 8.4 × 17.5 px cells, light grey on near-black.
    fn default() -> Self {
        Self {
            font_family: DEFAULT_FONT_FAMILY.to_string(),
            font_size: 14.0,
            cell_width: 8.4,
            line_height: 17.5,
            foreground: (0xe5, 0xe5, 0xe5),
            background: (0x12, 0x12, 0x12),
            title: None,
        }
    }
}

impl SvgOptions {
    /// The defaults at another font size, with the cell metrics scaled to match
    /// (0.6 × and 1.25 × the size). Setting `font_size` alone keeps the 14 px cell metrics.
    #[cfg(test)]
    pub(crate) fn for_font_size(font_size: f32) -> Self {
        Self {
            font_size,
            cell_width: font_size * 0.6,
            line_height: font_size * 1.25,
            ..Self::default()
        }
    }
}

/// Sizes in px as f64; f32 fields are converted through their shortest decimal form so 8.4
/// stays 8.4 rather than 8.399999618530273.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    font_size: f64,
    cell_width: f64,
    line_height: f64,
    baseline: f64,
    strokes: Strokes,
}

fn to_f64(value: f32) -> Option<f64> {
    let value: f64 = value.to_string().parse().ok()?;
    (value.is_finite() && value > 0.0).then_some(value)
}

impl Metrics {
    fn new(options: &SvgOptions) -> Self {
        let font_size = to_f64(options.font_size).unwrap_or(14.0);
        let cell_width = to_f64(options.cell_width).unwrap_or(font_size * 0.6);
        let line_height = to_f64(options.line_height).unwrap_or(font_size * 1.25);
        // Light lines about a twelfth of the font size (as terminal fonts draw them), at least
        // 1 px, to a tenth of a pixel; heavy ones twice that; neither wider than a third of the
        // cell.
        let light = ((font_size / 12.0).max(1.0) * 10.0).round() / 10.0;
        let light = light.min(cell_width / 6.0).min(line_height / 6.0);
        Self {
            font_size,
            cell_width,
            line_height,
            // Centres the font's cap height in the row: a cap height of about 0.7 em.
            baseline: line_height / 2.0 + 0.35 * font_size,
            strokes: Strokes {
                light,
                heavy: 2.0 * light,
            },
        }
    }

    fn x(&self, column: usize) -> f64 {
        column as f64 * self.cell_width
    }

    fn y(&self, row: usize) -> f64 {
        row as f64 * self.line_height
    }
}

/// Draws `buffer` as an SVG document.
pub fn buffer_to_svg(buffer: &Buffer, options: &SvgOptions) -> String {
    let metrics = Metrics::new(options);
    let columns = usize::from(buffer.area.width);
    let rows = usize::from(buffer.area.height);
    let width = metrics.x(columns);
    let height = metrics.y(rows);

    let mut backgrounds = Backgrounds::default();
    let mut shapes = Shapes::default();
    let mut texts: Vec<TextRun> = Vec::new();
    for row in 0..rows {
        let mut line = RowText::new(row);
        let mut column = 0;
        while column < columns {
            let Some(cell) = buffer.content.get(row * columns + column) else {
                break;
            };
            if is_skip(cell) {
                backgrounds.gap();
                line.close(&mut texts);
                column += 1;
                continue;
            }
            let symbol = clean_symbol(cell.symbol());
            let span = cell_span(cell, &symbol).min(columns - column);
            let look = Look::of(cell, options);
            backgrounds.cells(column, span, look.background, options.background);
            draw_cell(
                &mut DrawTarget {
                    shapes: &mut shapes,
                    texts: &mut texts,
                    line: &mut line,
                },
                &metrics,
                (row, column, span),
                &symbol,
                &look,
            );
            column += span;
        }
        backgrounds.end_row(row);
        line.close(&mut texts);
    }

    let mut out = String::with_capacity(4096 + texts.len() * 64);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    push_px(&mut out, width);
    out.push_str("\" height=\"");
    push_px(&mut out, height);
    out.push_str("\" viewBox=\"0 0 ");
    push_px(&mut out, width);
    out.push(' ');
    push_px(&mut out, height);
    out.push_str("\" font-family=\"");
    push_escaped(&mut out, &clean_text(&options.font_family));
    out.push_str("\" font-size=\"");
    push_px(&mut out, metrics.font_size);
    out.push_str("\" xml:space=\"preserve\">\n");
    if let Some(title) = &options.title {
        out.push_str("<title>");
        push_escaped(&mut out, &clean_text(title));
        out.push_str("</title>\n");
    }
    out.push_str("<rect width=\"");
    push_px(&mut out, width);
    out.push_str("\" height=\"");
    push_px(&mut out, height);
    out.push_str("\" fill=\"");
    push_rgb(&mut out, options.background);
    out.push_str("\"/>\n");
    backgrounds.write(&metrics, &mut out);
    shapes.write(&mut out);
    if !texts.is_empty() {
        out.push_str("<g fill=\"");
        push_rgb(&mut out, options.foreground);
        out.push_str("\">\n");
        for run in &texts {
            run.write(&metrics, options.foreground, &mut out);
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// Cells a terminal leaves alone (ratatui's diff skips them): drawn by something else.
#[allow(deprecated)] // `Cell::skip` is how buffers from before `CellDiffOption` mark them.
fn is_skip(cell: &Cell) -> bool {
    matches!(cell.diff_option, CellDiffOption::Skip)
        || (cell.skip && matches!(cell.diff_option, CellDiffOption::None))
}

/// Columns a cell covers, as ratatui's diff counts them: its symbol's width (at least one), or
/// a forced width. The cells it covers after the first are not drawn.
fn cell_span(cell: &Cell, symbol: &str) -> usize {
    match cell.diff_option {
        CellDiffOption::ForcedWidth(width) => usize::from(width.get()),
        _ => usize::from(symbol.cell_width()).max(1),
    }
}

/// Characters a terminal would act on rather than show (C0, C1, DEL), bidirectional controls
/// that would reorder the row, and the XML-forbidden U+FFFE and U+FFFF.
fn is_stripped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}'
                | '\u{fffe}' | '\u{ffff}'
        )
}

fn clean_text(text: &str) -> String {
    text.chars().filter(|&c| !is_stripped(c)).collect()
}

/// A cell's symbol without stripped characters; a space if nothing is left.
fn clean_symbol(symbol: &str) -> String {
    let cleaned = clean_text(symbol);
    if cleaned.is_empty() {
        " ".to_string()
    } else {
        cleaned
    }
}

/// A cell's resolved appearance.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Look {
    foreground: Rgb,
    background: Rgb,
    text: TextStyle,
    hidden: bool,
}

impl Look {
    fn of(cell: &Cell, options: &SvgOptions) -> Self {
        let m = cell.modifier;
        let mut foreground = palette::resolve(cell.fg, options.foreground);
        let mut background = palette::resolve(cell.bg, options.background);
        if m.contains(Modifier::REVERSED) {
            std::mem::swap(&mut foreground, &mut background);
        }
        Self {
            foreground,
            background,
            text: TextStyle {
                color: foreground,
                dim: m.contains(Modifier::DIM),
                bold: m.contains(Modifier::BOLD),
                italic: m.contains(Modifier::ITALIC),
                underline: m.contains(Modifier::UNDERLINED),
                crossed_out: m.contains(Modifier::CROSSED_OUT),
            },
            hidden: m.contains(Modifier::HIDDEN),
        }
    }

    fn alpha(&self) -> u16 {
        if self.text.dim { 500 } else { 1000 }
    }
}

struct DrawTarget<'a> {
    shapes: &'a mut Shapes,
    texts: &'a mut Vec<TextRun>,
    line: &'a mut RowText,
}

/// Draws one cell's content (its background is already taken care of).
fn draw_cell(
    target: &mut DrawTarget<'_>,
    metrics: &Metrics,
    (row, column, span): (usize, usize, usize),
    symbol: &str,
    look: &Look,
) {
    let mut chars = symbol.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    if look.hidden {
        target.line.space(target.texts);
        return;
    }
    if let Some(glyph) = single.and_then(glyphs::glyph) {
        target.line.close(target.texts);
        let cell = CellBox {
            x0: metrics.x(column),
            y0: metrics.y(row),
            x1: metrics.x(column + span),
            y1: metrics.y(row + 1),
        };
        let alpha = u16::try_from(u32::from(look.alpha()) * u32::from(glyph.alpha()) / 1000)
            .unwrap_or(1000);
        let mut pen = target.shapes.pen(Paint {
            color: look.foreground,
            alpha,
        });
        glyphs::draw(glyph, &cell, &metrics.strokes, &mut pen);
        return;
    }
    match single {
        Some(' ') if !look.text.decorated() => target.line.space(target.texts),
        Some(c) if span == 1 => target.line.character(target.texts, column, c, look.text),
        _ => target
            .line
            .cluster(target.texts, column, span, symbol, look.text),
    }
}

#[cfg(test)]
mod tests;
