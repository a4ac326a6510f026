//! Filled shapes grouped by paint, written as one `<path>` per paint.
//!
//! Coordinates are fixed-point hundredths of a pixel, so a line segment ending at a cell edge and
//! the next cell's segment starting there share the exact same number. Axis-aligned rectangles
//! are merged (touching or overlapping ones with the same extent across) before writing, which
//! turns a border of a hundred `─` cells into one rectangle and keeps the output small.
//!
//! Every subpath winds clockwise on screen, so overlaps within one path (the centre of `┼`, say)
//! fill as a union under the default non-zero rule, and touching subpaths show no seam.

use std::collections::BTreeMap;

use super::xml::{Fixed, Rgb, fixed, push_alpha, push_fixed, push_rgb};

/// Paint of a shape: colour and opacity in thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Paint {
    pub(crate) color: Rgb,
    pub(crate) alpha: u16,
}

/// An axis-aligned rectangle in hundredths of a pixel, `x0 < x1`, `y0 < y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rect {
    x0: Fixed,
    y0: Fixed,
    x1: Fixed,
    y1: Fixed,
}

#[derive(Default)]
struct Layer {
    rects: Vec<Rect>,
    /// Other closed subpaths (arcs, diagonals), already written.
    paths: Vec<String>,
}

/// Shapes collected per paint, written in the order paints first appear.
#[derive(Default)]
pub(super) struct Shapes {
    layers: Vec<(Paint, Layer)>,
    index: BTreeMap<Paint, usize>,
}

impl Shapes {
    /// A pen drawing on the layer of `paint`.
    pub(crate) fn pen(&mut self, paint: Paint) -> Pen<'_> {
        let i = match self.index.get(&paint) {
            Some(&i) => i,
            None => {
                self.layers.push((paint, Layer::default()));
                let i = self.layers.len() - 1;
                self.index.insert(paint, i);
                i
            }
        };
        match self.layers.get_mut(i) {
            Some((_, layer)) => Pen { layer: Some(layer) },
            None => Pen { layer: None },
        }
    }

    /// Writes one `<path>` element per paint.
    pub(crate) fn write(self, out: &mut String) {
        for (paint, layer) in self.layers {
            let rects = merge(layer.rects);
            if rects.is_empty() && layer.paths.is_empty() {
                continue;
            }
            out.push_str("<path fill=\"");
            push_rgb(out, paint.color);
            out.push('"');
            if paint.alpha < 1000 {
                out.push_str(" fill-opacity=\"");
                push_alpha(out, paint.alpha);
                out.push('"');
            }
            out.push_str(" d=\"");
            for r in rects {
                out.push('M');
                push_fixed(out, r.x0);
                out.push(' ');
                push_fixed(out, r.y0);
                out.push('h');
                push_fixed(out, r.x1 - r.x0);
                out.push('v');
                push_fixed(out, r.y1 - r.y0);
                out.push('h');
                push_fixed(out, r.x0 - r.x1);
                out.push('z');
            }
            for path in layer.paths {
                out.push_str(&path);
            }
            out.push_str("\"/>\n");
        }
    }
}

/// Draws onto one paint's layer.
pub(super) struct Pen<'a> {
    layer: Option<&'a mut Layer>,
}

impl Pen<'_> {
    /// Fills the rectangle between two corners given in pixels; empty rectangles are dropped.
    pub(crate) fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64) {
        let (x0, x1) = (fixed(x0.min(x1)), fixed(x0.max(x1)));
        let (y0, y1) = (fixed(y0.min(y1)), fixed(y0.max(y1)));
        if x0 < x1
            && y0 < y1
            && let Some(layer) = self.layer.as_deref_mut()
        {
            layer.rects.push(Rect { x0, y0, x1, y1 });
        }
    }

    /// Adds a closed subpath already written with fixed-point coordinates.
    pub(crate) fn path(&mut self, d: String) {
        if let Some(layer) = self.layer.as_deref_mut() {
            layer.paths.push(d);
        }
    }

    /// Fills a polygon, reordering its points to wind clockwise on screen.
    pub(crate) fn polygon(&mut self, points: &[(f64, f64)]) {
        let mut points: Vec<(Fixed, Fixed)> =
            points.iter().map(|&(x, y)| (fixed(x), fixed(y))).collect();
        if points.len() < 3 {
            return;
        }
        // Shoelace sum with y pointing down: positive means clockwise on screen.
        let mut twice_area: i128 = 0;
        for (i, &(x, y)) in points.iter().enumerate() {
            let (nx, ny) = points.get(i + 1).copied().unwrap_or(points[0]);
            twice_area += i128::from(x) * i128::from(ny) - i128::from(nx) * i128::from(y);
        }
        if twice_area == 0 {
            return;
        }
        if twice_area < 0 {
            points.reverse();
        }
        let mut d = String::new();
        for (i, (x, y)) in points.into_iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            push_fixed(&mut d, x);
            d.push(' ');
            push_fixed(&mut d, y);
        }
        d.push('z');
        self.path(d);
    }
}

/// Unions rectangles that share a row band and touch or overlap along it, then those that share
/// a column band, and sorts the result top to bottom, left to right.
fn merge(mut rects: Vec<Rect>) -> Vec<Rect> {
    rects.sort_unstable_by_key(|r| (r.y0, r.y1, r.x0, r.x1));
    let mut across: Vec<Rect> = Vec::with_capacity(rects.len());
    for r in rects {
        match across.last_mut() {
            Some(last) if last.y0 == r.y0 && last.y1 == r.y1 && r.x0 <= last.x1 => {
                last.x1 = last.x1.max(r.x1);
            }
            _ => across.push(r),
        }
    }
    across.sort_unstable_by_key(|r| (r.x0, r.x1, r.y0, r.y1));
    let mut down: Vec<Rect> = Vec::with_capacity(across.len());
    for r in across {
        match down.last_mut() {
            Some(last) if last.x0 == r.x0 && last.x1 == r.x1 && r.y0 <= last.y1 => {
                last.y1 = last.y1.max(r.y1);
            }
            _ => down.push(r),
        }
    }
    down.sort_unstable_by_key(|r| (r.y0, r.x0, r.y1, r.x1));
    down
}

#[cfg(test)]
mod tests {
    use super::*;

    const INK: Paint = Paint {
        color: (1, 2, 3),
        alpha: 1000,
    };

    fn written(shapes: Shapes) -> String {
        let mut out = String::new();
        shapes.write(&mut out);
        out
    }

    #[test]
    fn touching_rects_merge_across_then_down() {
        let mut shapes = Shapes::default();
        let mut pen = shapes.pen(INK);
        pen.rect(0.0, 0.0, 5.0, 1.0);
        pen.rect(5.0, 0.0, 10.0, 1.0);
        pen.rect(3.0, 0.0, 7.0, 1.0);
        pen.rect(0.0, 1.0, 10.0, 2.0);
        pen.rect(20.0, 0.0, 21.0, 2.0);
        assert_eq!(
            written(shapes),
            "<path fill=\"#010203\" d=\"M0 0h10v2h-10zM20 0h1v2h-1z\"/>\n"
        );
    }

    #[test]
    fn separate_paints_and_opacity() {
        let mut shapes = Shapes::default();
        shapes.pen(INK).rect(0.0, 0.0, 1.0, 1.0);
        shapes
            .pen(Paint {
                color: (255, 0, 0),
                alpha: 250,
            })
            .rect(1.0, 0.0, 2.0, 1.0);
        shapes.pen(INK).rect(4.0, 0.0, 4.0, 1.0); // empty: dropped
        assert_eq!(
            written(shapes),
            "<path fill=\"#010203\" d=\"M0 0h1v1h-1z\"/>\n\
             <path fill=\"#ff0000\" fill-opacity=\"0.25\" d=\"M1 0h1v1h-1z\"/>\n"
        );
    }

    #[test]
    fn polygons_wind_clockwise() {
        let mut shapes = Shapes::default();
        shapes
            .pen(INK)
            .polygon(&[(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)]);
        assert_eq!(
            written(shapes),
            "<path fill=\"#010203\" d=\"M1 0L1 1L0 1L0 0z\"/>\n"
        );
    }
}
