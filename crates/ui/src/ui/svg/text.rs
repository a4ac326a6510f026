//! Text runs: cells of a row with the same look, written as `<text>` pinned to the grid.

use super::Metrics;
use super::xml::{Rgb, fixed, push_escaped, push_fixed, push_px, push_rgb};

/// What makes runs of text differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TextStyle {
    pub(crate) color: Rgb,
    pub(crate) dim: bool,
    pub(crate) bold: bool,
    pub(crate) italic: bool,
    pub(crate) underline: bool,
    pub(crate) crossed_out: bool,
}

impl TextStyle {
    pub(crate) fn decorated(&self) -> bool {
        self.underline || self.crossed_out
    }
}

/// A `<text>` element: cells of one row drawn with one style.
#[derive(Debug)]
pub(super) struct TextRun {
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
    pub(crate) fn write(&self, metrics: &Metrics, default_color: Rgb, out: &mut String) {
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
            let end = fixed(metrics.x(self.column + self.cells));
            let start = fixed(metrics.x(self.column));
            out.push_str(" textLength=\"");
            push_fixed(out, end - start);
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
pub(super) struct RowText {
    row: usize,
    run: Option<TextRun>,
    /// Blank cells after the run, kept in case the run continues after them.
    pending_spaces: usize,
}

impl RowText {
    pub(crate) fn new(row: usize) -> Self {
        Self {
            row,
            run: None,
            pending_spaces: 0,
        }
    }

    pub(crate) fn close(&mut self, texts: &mut Vec<TextRun>) {
        if let Some(run) = self.run.take() {
            texts.push(run);
        }
        self.pending_spaces = 0;
    }

    /// A blank, undecorated cell: invisible, so whatever its style the run may go on after it.
    pub(crate) fn space(&mut self, texts: &mut Vec<TextRun>) {
        if self.run.is_some() {
            self.pending_spaces += 1;
            if self.pending_spaces > MAX_INNER_SPACES {
                self.close(texts);
            }
        }
    }

    /// A single-width, single-character cell.
    pub(crate) fn character(
        &mut self,
        texts: &mut Vec<TextRun>,
        column: usize,
        c: char,
        style: TextStyle,
    ) {
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
    pub(crate) fn cluster(
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
