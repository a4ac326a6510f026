//! A ratatui [`Buffer`] as a standalone SVG picture: the screenshots in `screenshots/` and
//! `flowdeck report --format svg` show exactly what the dashboard draws at a given size.
//!
//! The picture keeps the terminal's character grid: column `c`, row `r` is the box
//! `x = c·cell_width`, `y = r·line_height`, `cell_width × line_height`.
//!
//! - Backgrounds are rectangles: runs of same-coloured cells in a row, stacked runs of the same
//!   extent merged into one, the default background left to the full-size rectangle underneath.
//! - Box-drawing, block and pseudo-pixel characters are filled shapes (see [`glyphs`]), so
//!   borders and bars join exactly whatever fonts the viewer has.
//! - Other text is `<text>`, one element per run of same-styled cells, pinned to the grid: a run
//!   starts at its first cell's `x` and its `textLength` is its width in cells, so every glyph
//!   lands on its column. Wide characters (CJK, emoji) and clusters with combining marks get an
//!   element of their own, centred on the cells they cover.
//! - Colours: [`Color::Rgb`](ratatui::style::Color::Rgb) as is, named and indexed colours through xterm's palette (see
//!   [`palette`]), [`Color::Reset`](ratatui::style::Color::Reset) as [`SvgOptions::foreground`] or
//!   [`SvgOptions::background`].
//! - Modifiers: bold, italic, underline and crossed-out as SVG text attributes, dim as opacity
//!   0.5 (xterm.js's value), reversed swaps the resolved colours, hidden draws the background
//!   only. Slow and rapid blink are ignored.
//!
//! Output is a pure function of the buffer and options: the same input gives the same bytes.

mod glyphs;
mod palette;
mod shapes;
mod xml;

pub use palette::{ANSI, indexed};

use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::style::Modifier;

use glyphs::{CellBox, Strokes};
use shapes::{Paint, Shapes};
use xml::{Rgb, push_escaped, push_px, push_rgb};

/// How a buffer is drawn: font, cell metrics, default colours.
#[derive(Clone, Debug, PartialEq)]
pub struct SvgOptions {
    /// CSS font-family list for text; no font is embedded.
    pub font_family: String,
    /// Font size in px.
    pub font_size: f32,
    /// Width of a cell in px (a monospace font's advance: about 0.6 × `font_size`).
    pub cell_width: f32,
    /// Height of a row in px.
    pub line_height: f32,
    /// What [`Color::Reset`](ratatui::style::Color::Reset) means for text.
    pub foreground: (u8, u8, u8),
    /// What [`Color::Reset`](ratatui::style::Color::Reset) means for backgrounds.
    pub background: (u8, u8, u8),
    /// Text of a `<title>` element, read by screen readers and shown as a tooltip.
    pub title: Option<String>,
}

/// The default font stack: the platform's UI monospace, then common monospace fonts.
pub const DEFAULT_FONT_FAMILY: &str =
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
    pub fn for_font_size(font_size: f32) -> Self {
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

/// What makes runs of text differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TextStyle {
    color: Rgb,
    dim: bool,
    bold: bool,
    italic: bool,
    underline: bool,
    crossed_out: bool,
}

impl TextStyle {
    fn decorated(&self) -> bool {
        self.underline || self.crossed_out
    }
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

/// Background rectangles: runs along a row, each extended downwards while the next row has a
/// run of the same colour over exactly the same columns.
#[derive(Default)]
struct Backgrounds {
    /// Column range, first row, rows, colour.
    rects: Vec<BackgroundRect>,
    /// The run being built in the current row: first column, end column, colour.
    run: Option<(usize, usize, Rgb)>,
    /// Runs of the current row, finished.
    row_runs: Vec<(usize, usize, Rgb)>,
    /// Rectangles that reach the previous row, by column range and colour.
    open: std::collections::BTreeMap<(usize, usize, Rgb), usize>,
}

struct BackgroundRect {
    columns: (usize, usize),
    rows: (usize, usize),
    color: Rgb,
}

impl Backgrounds {
    fn cells(&mut self, column: usize, span: usize, color: Rgb, default: Rgb) {
        if color == default {
            self.gap();
            return;
        }
        match &mut self.run {
            Some((_, end, run_color)) if *end == column && *run_color == color => {
                *end = column + span;
            }
            _ => {
                self.gap();
                self.run = Some((column, column + span, color));
            }
        }
    }

    fn gap(&mut self) {
        if let Some(run) = self.run.take() {
            self.row_runs.push(run);
        }
    }

    fn end_row(&mut self, row: usize) {
        self.gap();
        let mut open = std::collections::BTreeMap::new();
        for (start, end, color) in std::mem::take(&mut self.row_runs) {
            let key = (start, end, color);
            let index = match self.open.get(&key) {
                Some(&i) => {
                    if let Some(rect) = self.rects.get_mut(i) {
                        rect.rows.1 = row + 1;
                    }
                    i
                }
                None => {
                    self.rects.push(BackgroundRect {
                        columns: (start, end),
                        rows: (row, row + 1),
                        color,
                    });
                    self.rects.len() - 1
                }
            };
            open.insert(key, index);
        }
        self.open = open;
    }

    fn write(&self, metrics: &Metrics, out: &mut String) {
        if self.rects.is_empty() {
            return;
        }
        // Crisp edges: neighbouring rectangles snap to the same pixel, with no seam between.
        out.push_str("<g shape-rendering=\"crispEdges\">\n");
        for rect in &self.rects {
            let x0 = xml::fixed(metrics.x(rect.columns.0));
            let x1 = xml::fixed(metrics.x(rect.columns.1));
            let y0 = xml::fixed(metrics.y(rect.rows.0));
            let y1 = xml::fixed(metrics.y(rect.rows.1));
            out.push_str("<rect x=\"");
            xml::push_fixed(out, x0);
            out.push_str("\" y=\"");
            xml::push_fixed(out, y0);
            out.push_str("\" width=\"");
            xml::push_fixed(out, x1 - x0);
            out.push_str("\" height=\"");
            xml::push_fixed(out, y1 - y0);
            out.push_str("\" fill=\"");
            push_rgb(out, rect.color);
            out.push_str("\"/>\n");
        }
        out.push_str("</g>\n");
    }
}

/// A `<text>` element: cells of one row drawn with one style.
#[derive(Debug)]
struct TextRun {
    row: usize,
    column: usize,
    cells: usize,
    text: String,
    style: TextStyle,
    ascii: bool,
    /// One character cluster centred on its cells, rather than a run pinned by `textLength`.
    centred: bool,
}

impl TextRun {
    fn write(&self, metrics: &Metrics, default_color: Rgb, out: &mut String) {
        out.push_str("<text x=\"");
        let centred = self.centred || (self.cells == 1 && !self.ascii);
        if centred {
            push_px(
                out,
                metrics.x(self.column) + self.cells as f64 * metrics.cell_width / 2.0,
            );
        } else {
            push_px(out, metrics.x(self.column));
        }
        out.push_str("\" y=\"");
        push_px(out, metrics.y(self.row) + metrics.baseline);
        out.push('"');
        if centred {
            out.push_str(" text-anchor=\"middle\"");
        } else if self.cells > 1 {
            // The x of the run after this one, minus this x: the run's exact width.
            let end = xml::fixed(metrics.x(self.column + self.cells));
            let start = xml::fixed(metrics.x(self.column));
            out.push_str(" textLength=\"");
            xml::push_fixed(out, end - start);
            out.push('"');
        }
        let style = &self.style;
        if style.color != default_color {
            out.push_str(" fill=\"");
            push_rgb(out, style.color);
            out.push('"');
        }
        if style.dim {
            out.push_str(" opacity=\"0.5\"");
        }
        if style.bold {
            out.push_str(" font-weight=\"bold\"");
        }
        if style.italic {
            out.push_str(" font-style=\"italic\"");
        }
        match (style.underline, style.crossed_out) {
            (true, true) => out.push_str(" text-decoration=\"underline line-through\""),
            (true, false) => out.push_str(" text-decoration=\"underline\""),
            (false, true) => out.push_str(" text-decoration=\"line-through\""),
            (false, false) => {}
        }
        if !self.ascii && self.text.chars().any(is_right_to_left) {
            // Terminals lay cells out left to right whatever the script; so does this text.
            out.push_str(" direction=\"ltr\" unicode-bidi=\"bidi-override\"");
        }
        out.push('>');
        push_escaped(out, &self.text);
        out.push_str("</text>\n");
    }
}

/// Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, …).
fn is_right_to_left(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0590..=0x08ff | 0xfb1d..=0xfdff | 0xfe70..=0xfeff | 0x10800..=0x10fff | 0x1e800..=0x1efff
    )
}

/// Spaces a run may carry inside it before it is split in two.
const MAX_INNER_SPACES: usize = 8;

/// Text runs of the row being drawn.
struct RowText {
    row: usize,
    run: Option<TextRun>,
    /// Blank cells after the run, kept in case the run continues after them.
    pending_spaces: usize,
}

impl RowText {
    fn new(row: usize) -> Self {
        Self {
            row,
            run: None,
            pending_spaces: 0,
        }
    }

    fn close(&mut self, texts: &mut Vec<TextRun>) {
        if let Some(run) = self.run.take() {
            texts.push(run);
        }
        self.pending_spaces = 0;
    }

    /// A blank, undecorated cell: invisible, so whatever its style the run may go on after it.
    fn space(&mut self, texts: &mut Vec<TextRun>) {
        if self.run.is_some() {
            self.pending_spaces += 1;
            if self.pending_spaces > MAX_INNER_SPACES {
                self.close(texts);
            }
        }
    }

    /// A single-width, single-character cell.
    fn character(&mut self, texts: &mut Vec<TextRun>, column: usize, c: char, style: TextStyle) {
        // A (decorated) space joins the run whatever its script.
        let ascii = if c == ' ' {
            self.run.as_ref().is_none_or(|r| r.ascii)
        } else {
            c.is_ascii()
        };
        if let Some(run) = &mut self.run
            && !run.centred
            && run.style == style
            && run.ascii == ascii
            && run.column + run.cells + self.pending_spaces == column
        {
            for _ in 0..self.pending_spaces {
                run.text.push(' ');
            }
            run.text.push(c);
            run.cells += self.pending_spaces + 1;
            self.pending_spaces = 0;
            return;
        }
        self.close(texts);
        self.run = Some(TextRun {
            row: self.row,
            column,
            cells: 1,
            text: c.to_string(),
            style,
            ascii,
            centred: false,
        });
    }

    /// A wide character or a cluster of several characters: an element of its own.
    fn cluster(
        &mut self,
        texts: &mut Vec<TextRun>,
        column: usize,
        cells: usize,
        text: &str,
        style: TextStyle,
    ) {
        self.close(texts);
        texts.push(TextRun {
            row: self.row,
            column,
            cells,
            text: text.to_string(),
            style,
            ascii: text.is_ascii(),
            centred: true,
        });
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
