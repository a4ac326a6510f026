//! Background rectangles, merged along rows and down columns.

use std::collections::BTreeMap;

use super::Metrics;
use super::xml::{Rgb, fixed, push_fixed, push_rgb};

/// Background rectangles: runs along a row, each extended downwards while the next row has a
/// run of the same colour over exactly the same columns.
#[derive(Default)]
pub(super) struct Backgrounds {
    /// Column range, first row, rows, colour.
    rects: Vec<BackgroundRect>,
    /// The run being built in the current row: first column, end column, colour.
    run: Option<(usize, usize, Rgb)>,
    /// Runs of the current row, finished.
    row_runs: Vec<(usize, usize, Rgb)>,
    /// Rectangles that reach the previous row, by column range and colour.
    open: BTreeMap<(usize, usize, Rgb), usize>,
}

struct BackgroundRect {
    columns: (usize, usize),
    rows: (usize, usize),
    color: Rgb,
}

impl Backgrounds {
    pub(crate) fn cells(&mut self, column: usize, span: usize, color: Rgb, default: Rgb) {
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

    pub(crate) fn gap(&mut self) {
        if let Some(run) = self.run.take() {
            self.row_runs.push(run);
        }
    }

    pub(crate) fn end_row(&mut self, row: usize) {
        self.gap();
        let mut open = BTreeMap::new();
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

    pub(crate) fn write(&self, metrics: &Metrics, out: &mut String) {
        if self.rects.is_empty() {
            return;
        }
        // Crisp edges: neighbouring rectangles snap to the same pixel, with no seam between.
        out.push_str("<g shape-rendering=\"crispEdges\">\n");
        for rect in &self.rects {
            let x0 = fixed(metrics.x(rect.columns.0));
            let x1 = fixed(metrics.x(rect.columns.1));
            let y0 = fixed(metrics.y(rect.rows.0));
            let y1 = fixed(metrics.y(rect.rows.1));
            out.push_str("<rect x=\"");
            push_fixed(out, x0);
            out.push_str("\" y=\"");
            push_fixed(out, y0);
            out.push_str("\" width=\"");
            push_fixed(out, x1 - x0);
            out.push_str("\" height=\"");
            push_fixed(out, y1 - y0);
            out.push_str("\" fill=\"");
            push_rgb(out, rect.color);
            out.push_str("\"/>\n");
        }
        out.push_str("</g>\n");
    }
}
