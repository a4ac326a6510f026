//! Box-drawing, block and pseudo-pixel characters drawn as geometry instead of font glyphs.
//!
//! Fonts disagree about these characters (and many lack them), and a glyph never quite reaches the
//! cell edges, so borders drawn from glyphs show gaps. Drawn as filled shapes from the cell's own
//! edges, neighbouring cells meet exactly whatever font the viewer has.
//!
//! Covered: the whole Box Drawing block U+2500–U+257F (light, heavy, double and mixed lines,
//! dashes, rounded corners, diagonals), Block Elements U+2580–U+259F (eighths, halves,
//! quadrants, shades), and the quadrant, sextant and octant pseudo-pixels ratatui's canvas markers
//! use from Symbols for Legacy Computing.

use ratatui::symbols::pixel::{OCTANTS, SEXTANTS};

use super::shapes::Pen;
use super::xml::{Fixed, fixed, push_fixed};

/// A cell's box in pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct CellBox {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl CellBox {
    fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }

    /// The point at fractions (`fx`, `fy`) of the box; 0 and 1 give the edges exactly.
    fn at(&self, fx: f64, fy: f64) -> (f64, f64) {
        (lerp(self.x0, self.x1, fx), lerp(self.y0, self.y1, fy))
    }
}

fn lerp(a: f64, b: f64, f: f64) -> f64 {
    if f <= 0.0 {
        a
    } else if f >= 1.0 {
        b
    } else {
        a + (b - a) * f
    }
}

/// Line thicknesses in pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct Strokes {
    pub(crate) light: f64,
    pub(crate) heavy: f64,
}

impl Strokes {
    fn of(&self, weight: u8) -> f64 {
        match weight {
            0 => 0.0,
            2 => self.heavy,
            _ => self.light,
        }
    }
}

/// How a character is drawn when it is drawn as geometry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Glyph {
    /// Lines from the centre to the edges: weights for left, right, up, down
    /// (0 none, 1 light, 2 heavy, 3 double).
    Lines([u8; 4]),
    /// A dashed line across the cell with `count` dashes.
    Dashes {
        vertical: bool,
        weight: u8,
        count: u8,
    },
    /// A rounded corner joining the centre lines towards (`sx`, `sy`): ╭ is (1, 1).
    Arc { sx: i8, sy: i8 },
    /// Diagonal lines: rising (╱), falling (╲) or both (╳).
    Diagonal { rising: bool, falling: bool },
    /// Block elements: rectangles in fractions of the cell (x0, y0, x1, y1).
    Blocks(&'static [(f64, f64, f64, f64)]),
    /// A shade (░▒▓): the whole cell at this opacity in thousandths.
    Shade(u16),
    /// Pseudo-pixels: `rows` rows of two, bit `2·row + column` set for each filled one.
    Pixels { rows: u8, bits: u8 },
}

impl Glyph {
    /// Opacity the glyph's paint is multiplied by, in thousandths.
    pub(crate) fn alpha(&self) -> u16 {
        match self {
            Glyph::Shade(alpha) => *alpha,
            _ => 1000,
        }
    }
}

/// Arms (left, right, up, down) of U+2500–U+257F, sixteen code points a line; "----" marks the
/// characters drawn otherwise (dashes, arcs, diagonals).
const ARMS: [&str; 8] = [
    "1100 2200 0011 0022 ---- ---- ---- ---- ---- ---- ---- ---- 0101 0201 0102 0202",
    "1001 2001 1002 2002 0110 0210 0120 0220 1010 2010 1020 2020 0111 0211 0121 0112",
    "0122 0221 0212 0222 1011 2011 1021 1012 1022 2021 2012 2022 1101 2101 1201 2201",
    "1102 2102 1202 2202 1110 2110 1210 2210 1120 2120 1220 2220 1111 2111 1211 2211",
    "1121 1112 1122 2121 1221 2112 1212 2221 2212 2122 1222 2222 ---- ---- ---- ----",
    "3300 0033 0301 0103 0303 3001 1003 3003 0310 0130 0330 3010 1030 3030 0311 0133",
    "0333 3011 1033 3033 3301 1103 3303 3310 1130 3330 3311 1133 3333 ---- ---- ----",
    "---- ---- ---- ---- 1000 0010 0100 0001 2000 0020 0200 0002 1200 0012 2100 0021",
];

fn arms(offset: u32) -> Option<[u8; 4]> {
    let line = ARMS.get(usize::try_from(offset / 16).ok()?)?;
    let entry = line
        .split(' ')
        .nth(usize::try_from(offset % 16).ok()?)?
        .as_bytes();
    let mut out = [0u8; 4];
    for (slot, digit) in out.iter_mut().zip(entry) {
        *slot = digit.checked_sub(b'0').filter(|d| *d <= 3)?;
    }
    Some(out)
}

const EIGHTH: f64 = 1.0 / 8.0;

/// Block elements U+2580–U+259F as rectangles in fractions of the cell.
fn blocks(offset: u32) -> Option<Glyph> {
    const UL: (f64, f64, f64, f64) = (0.0, 0.0, 0.5, 0.5);
    const UR: (f64, f64, f64, f64) = (0.5, 0.0, 1.0, 0.5);
    const LL: (f64, f64, f64, f64) = (0.0, 0.5, 0.5, 1.0);
    const LR: (f64, f64, f64, f64) = (0.5, 0.5, 1.0, 1.0);
    const LOWER: [&[(f64, f64, f64, f64)]; 8] = [
        &[(0.0, 7.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, 6.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, 5.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, 4.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, 3.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, 2.0 * EIGHTH, 1.0, 1.0)],
        &[(0.0, EIGHTH, 1.0, 1.0)],
        &[(0.0, 0.0, 1.0, 1.0)],
    ];
    const LEFT: [&[(f64, f64, f64, f64)]; 7] = [
        &[(0.0, 0.0, 7.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, 6.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, 5.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, 4.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, 3.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, 2.0 * EIGHTH, 1.0)],
        &[(0.0, 0.0, EIGHTH, 1.0)],
    ];
    let rects: &'static [(f64, f64, f64, f64)] = match offset {
        0x00 => &[(0.0, 0.0, 1.0, 0.5)],
        0x01..=0x08 => LOWER.get(usize::try_from(offset - 1).ok()?)?,
        0x09..=0x0f => LEFT.get(usize::try_from(offset - 9).ok()?)?,
        0x10 => &[(0.5, 0.0, 1.0, 1.0)],
        0x11 => return Some(Glyph::Shade(250)),
        0x12 => return Some(Glyph::Shade(500)),
        0x13 => return Some(Glyph::Shade(750)),
        0x14 => &[(0.0, 0.0, 1.0, EIGHTH)],
        0x15 => &[(7.0 * EIGHTH, 0.0, 1.0, 1.0)],
        0x16 => &[LL],
        0x17 => &[LR],
        0x18 => &[UL],
        0x19 => &[UL, LL, LR],
        0x1a => &[UL, LR],
        0x1b => &[UL, UR, LL],
        0x1c => &[UL, UR, LR],
        0x1d => &[UR],
        0x1e => &[UR, LL],
        0x1f => &[UR, LL, LR],
        _ => return None,
    };
    Some(Glyph::Blocks(rects))
}

/// The geometry for `ch`, or `None` when it is left to the font.
pub(super) fn glyph(ch: char) -> Option<Glyph> {
    let code = u32::from(ch);
    match code {
        0x2500..=0x257f => box_drawing(code - 0x2500),
        0x2580..=0x259f => blocks(code - 0x2580),
        // Symbols for Legacy Computing (sextants, some octants) and its supplement (octants).
        0x1fb00..=0x1fbff | 0x1cc00..=0x1cebf => pixels(ch),
        _ => None,
    }
}

fn box_drawing(offset: u32) -> Option<Glyph> {
    let dashes = |vertical, weight, count| {
        Some(Glyph::Dashes {
            vertical,
            weight,
            count,
        })
    };
    match offset {
        0x04 => dashes(false, 1, 3),
        0x05 => dashes(false, 2, 3),
        0x06 => dashes(true, 1, 3),
        0x07 => dashes(true, 2, 3),
        0x08 => dashes(false, 1, 4),
        0x09 => dashes(false, 2, 4),
        0x0a => dashes(true, 1, 4),
        0x0b => dashes(true, 2, 4),
        0x4c => dashes(false, 1, 2),
        0x4d => dashes(false, 2, 2),
        0x4e => dashes(true, 1, 2),
        0x4f => dashes(true, 2, 2),
        0x6d => Some(Glyph::Arc { sx: 1, sy: 1 }),
        0x6e => Some(Glyph::Arc { sx: -1, sy: 1 }),
        0x6f => Some(Glyph::Arc { sx: -1, sy: -1 }),
        0x70 => Some(Glyph::Arc { sx: 1, sy: -1 }),
        0x71 => Some(Glyph::Diagonal {
            rising: true,
            falling: false,
        }),
        0x72 => Some(Glyph::Diagonal {
            rising: false,
            falling: true,
        }),
        0x73 => Some(Glyph::Diagonal {
            rising: true,
            falling: true,
        }),
        _ => arms(offset).map(Glyph::Lines),
    }
}

/// Pseudo-pixel characters, found by their position in ratatui's own tables (whose index is
/// the bit pattern, row-major, bit 0 top left).
fn pixels(ch: char) -> Option<Glyph> {
    let find = |table: &[char]| {
        table
            .iter()
            .position(|&c| c == ch)
            .and_then(|i| u8::try_from(i).ok())
    };
    if let Some(bits) = find(&OCTANTS) {
        return Some(Glyph::Pixels { rows: 4, bits });
    }
    find(&SEXTANTS).map(|bits| Glyph::Pixels { rows: 3, bits })
}

/// Draws `glyph` into `cell` with `pen`.
pub(super) fn draw(glyph: Glyph, cell: &CellBox, strokes: &Strokes, pen: &mut Pen<'_>) {
    match glyph {
        Glyph::Lines(arms) => lines(arms, cell, strokes, pen),
        Glyph::Dashes {
            vertical,
            weight,
            count,
        } => dashes(vertical, strokes.of(weight), count, cell, pen),
        Glyph::Arc { sx, sy } => arc(sx, sy, cell, strokes.light, pen),
        Glyph::Diagonal { rising, falling } => {
            if rising {
                diagonal(cell.at(0.0, 1.0), cell.at(1.0, 0.0), strokes.light, pen);
            }
            if falling {
                diagonal(cell.at(0.0, 0.0), cell.at(1.0, 1.0), strokes.light, pen);
            }
        }
        Glyph::Blocks(rects) => {
            for &(fx0, fy0, fx1, fy1) in rects {
                let (x0, y0) = cell.at(fx0, fy0);
                let (x1, y1) = cell.at(fx1, fy1);
                pen.rect(x0, y0, x1, y1);
            }
        }
        Glyph::Shade(_) => pen.rect(cell.x0, cell.y0, cell.x1, cell.y1),
        Glyph::Pixels { rows, bits } => {
            let rows_f = f64::from(rows);
            for row in 0..rows {
                for column in 0..2u8 {
                    if bits & (1 << (row * 2 + column)) != 0 {
                        let fx = f64::from(column) / 2.0;
                        let fy = f64::from(row) / rows_f;
                        let (x0, y0) = cell.at(fx, fy);
                        let (x1, y1) = cell.at(fx + 0.5, (f64::from(row) + 1.0) / rows_f);
                        pen.rect(x0, y0, x1, y1);
                    }
                }
            }
        }
    }
}

const LEFT: usize = 0;
const RIGHT: usize = 1;
const UP: usize = 2;
const DOWN: usize = 3;
const DOUBLE: u8 = 3;

fn lines(arms: [u8; 4], cell: &CellBox, strokes: &Strokes, pen: &mut Pen<'_>) {
    let has_double = arms.contains(&DOUBLE);
    let all_double = arms.iter().all(|&w| w == 0 || w == DOUBLE);
    if !has_double {
        single_lines(arms, cell, strokes, pen);
    } else if all_double {
        double_lines(arms, cell, strokes.light, pen);
    } else {
        mixed_lines(arms, cell, strokes.light, pen);
    }
}

/// Light and heavy lines: each arm runs from the edge to the centre and on across the
/// perpendicular line's half-thickness, so corners and junctions are filled squarely.
fn single_lines(arms: [u8; 4], cell: &CellBox, strokes: &Strokes, pen: &mut Pen<'_>) {
    let [l, r, u, d] = arms.map(|w| strokes.of(w));
    let (cx, cy) = (cell.cx(), cell.cy());
    let across = u.max(d) / 2.0;
    let along = l.max(r) / 2.0;
    if l > 0.0 {
        pen.rect(cell.x0, cy - l / 2.0, cx + across, cy + l / 2.0);
    }
    if r > 0.0 {
        pen.rect(cx - across, cy - r / 2.0, cell.x1, cy + r / 2.0);
    }
    if u > 0.0 {
        pen.rect(cx - u / 2.0, cell.y0, cx + u / 2.0, cy + along);
    }
    if d > 0.0 {
        pen.rect(cx - d / 2.0, cy - along, cx + d / 2.0, cell.y1);
    }
}

/// Double lines only: two parallel lines `2t` apart (centre to centre) per axis. A line facing
/// an arm on its side is cut where that arm passes; a line with no arm on its side closes the
/// corner.
fn double_lines(arms: [u8; 4], cell: &CellBox, t: f64, pen: &mut Pen<'_>) {
    let has = |i: usize| arms.get(i).is_some_and(|&w| w != 0);
    let (cx, cy) = (cell.cx(), cell.cy());
    let (d, h) = (t, t / 2.0);
    if has(LEFT) || has(RIGHT) {
        for (y, side) in [(cy - d, UP), (cy + d, DOWN)] {
            let mut segment = |x0: f64, x1: f64| pen.rect(x0, y - h, x1, y + h);
            if has(side) {
                if has(LEFT) {
                    segment(cell.x0, cx - d + h);
                }
                if has(RIGHT) {
                    segment(cx + d - h, cell.x1);
                }
            } else {
                let x0 = if has(LEFT) { cell.x0 } else { cx - d - h };
                let x1 = if has(RIGHT) { cell.x1 } else { cx + d + h };
                segment(x0, x1);
            }
        }
    }
    if has(UP) || has(DOWN) {
        for (x, side) in [(cx - d, LEFT), (cx + d, RIGHT)] {
            let mut segment = |y0: f64, y1: f64| pen.rect(x - h, y0, x + h, y1);
            if has(side) {
                if has(UP) {
                    segment(cell.y0, cy - d + h);
                }
                if has(DOWN) {
                    segment(cy + d - h, cell.y1);
                }
            } else {
                let y0 = if has(UP) { cell.y0 } else { cy - d - h };
                let y1 = if has(DOWN) { cell.y1 } else { cy + d + h };
                segment(y0, y1);
            }
        }
    }
}

/// Double lines on one axis, single lines on the other (╒ ╞ ╟ ╤ ╪ …).
fn mixed_lines(arms: [u8; 4], cell: &CellBox, t: f64, pen: &mut Pen<'_>) {
    let weight = |i: usize| arms.get(i).copied().unwrap_or(0);
    let (cx, cy) = (cell.cx(), cell.cy());
    let (d, h) = (t, t / 2.0);
    let horizontal_double = weight(LEFT) == DOUBLE || weight(RIGHT) == DOUBLE;
    let vertical_double = weight(UP) == DOUBLE || weight(DOWN) == DOUBLE;
    for arm in [LEFT, RIGHT, UP, DOWN] {
        let w = weight(arm);
        if w == 0 {
            continue;
        }
        let horizontal = arm == LEFT || arm == RIGHT;
        let (opposite, side_a, side_b) = match arm {
            LEFT => (RIGHT, UP, DOWN),
            RIGHT => (LEFT, UP, DOWN),
            UP => (DOWN, LEFT, RIGHT),
            _ => (UP, LEFT, RIGHT),
        };
        // Where the arm starts, measured from the centre towards its edge (negative: past it).
        let start = if w == DOUBLE {
            0.0
        } else {
            let across_double = if horizontal {
                vertical_double
            } else {
                horizontal_double
            };
            if !across_double || weight(opposite) != 0 {
                // Through the centre (the single lines of ╪ and ╫ cross the double ones).
                -h
            } else if weight(side_a) != 0 && weight(side_b) != 0 {
                // Stops at the nearer of two through lines (╟).
                d
            } else {
                // Closes a corner of double lines (╒).
                -(d + h)
            }
        };
        let offsets: &[f64] = if w == DOUBLE { &[-d, d] } else { &[0.0] };
        for &offset in offsets {
            match arm {
                LEFT => pen.rect(cell.x0, cy + offset - h, cx - start, cy + offset + h),
                RIGHT => pen.rect(cx + start, cy + offset - h, cell.x1, cy + offset + h),
                UP => pen.rect(cx + offset - h, cell.y0, cx + offset + h, cy - start),
                _ => pen.rect(cx + offset - h, cy + start, cx + offset + h, cell.y1),
            }
        }
    }
}

fn dashes(vertical: bool, t: f64, count: u8, cell: &CellBox, pen: &mut Pen<'_>) {
    let count_f = f64::from(count.max(1));
    let (cx, cy) = (cell.cx(), cell.cy());
    for i in 0..count {
        // Each dash is centred in its slot and half as long, so gaps are even across cells.
        let from = (f64::from(i) + 0.25) / count_f;
        let to = (f64::from(i) + 0.75) / count_f;
        if vertical {
            pen.rect(
                cx - t / 2.0,
                lerp(cell.y0, cell.y1, from),
                cx + t / 2.0,
                lerp(cell.y0, cell.y1, to),
            );
        } else {
            pen.rect(
                lerp(cell.x0, cell.x1, from),
                cy - t / 2.0,
                lerp(cell.x0, cell.x1, to),
                cy + t / 2.0,
            );
        }
    }
}

/// A rounded corner as a filled band: straight from the edge, a quarter circle of radius
/// `min(width, height) / 2` around the corner, straight on to the other edge.
fn arc(sx: i8, sy: i8, cell: &CellBox, t: f64, pen: &mut Pen<'_>) {
    let (cx, cy) = (cell.cx(), cell.cy());
    let half_w = (cell.x1 - cell.x0) / 2.0;
    let half_h = (cell.y1 - cell.y0) / 2.0;
    let r = half_w.min(half_h);
    let h = t / 2.0;
    let (fx, fy) = (f64::from(sx.signum()), f64::from(sy.signum()));
    // Local coordinates: a along the horizontal arm, b along the vertical arm.
    let point = |a: f64, b: f64| (fixed(cx + fx * a), fixed(cy + fy * b));
    let outline = [
        point(half_w, h),
        point(r, h),
        point(h, r),
        point(h, half_h),
        point(-h, half_h),
        point(-h, r),
        point(r, -h),
        point(half_w, -h),
    ];
    let inner = fixed(r - h);
    let outer = fixed(r + h);
    let [p1, p2, p3, p4, p5, p6, p7, p8] = outline;
    // With the radius at half the cell's width the straight part along it is empty.
    let line = |d: &mut String, from: (Fixed, Fixed), to: (Fixed, Fixed)| {
        if from != to {
            segment(d, 'L', to);
        }
    };
    let mut d = String::new();
    if sx.signum() * sy.signum() > 0 {
        // Orientation kept (╭, ╯): inner edge first, clockwise on screen.
        segment(&mut d, 'M', p1);
        line(&mut d, p1, p2);
        arc_segment(&mut d, inner, false, p3);
        line(&mut d, p3, p4);
        segment(&mut d, 'L', p5);
        line(&mut d, p5, p6);
        arc_segment(&mut d, outer, true, p7);
        line(&mut d, p7, p8);
    } else {
        // Mirrored (╮, ╰): the same outline traversed backwards to stay clockwise.
        segment(&mut d, 'M', p8);
        line(&mut d, p8, p7);
        arc_segment(&mut d, outer, true, p6);
        line(&mut d, p6, p5);
        segment(&mut d, 'L', p4);
        line(&mut d, p4, p3);
        arc_segment(&mut d, inner, false, p2);
        line(&mut d, p2, p1);
    }
    d.push('z');
    pen.path(d);
}

fn push_point(d: &mut String, (x, y): (Fixed, Fixed)) {
    push_fixed(d, x);
    d.push(' ');
    push_fixed(d, y);
}

fn segment(d: &mut String, command: char, point: (Fixed, Fixed)) {
    d.push(command);
    push_point(d, point);
}

/// A circular arc of `radius` to `point`; `clockwise` is the sweep flag.
fn arc_segment(d: &mut String, radius: Fixed, clockwise: bool, point: (Fixed, Fixed)) {
    d.push('A');
    push_point(d, (radius, radius));
    d.push_str(if clockwise { " 0 0 1 " } else { " 0 0 0 " });
    push_point(d, point);
}

/// A straight line of thickness `t` between two points, as a quadrilateral.
fn diagonal(from: (f64, f64), to: (f64, f64), t: f64, pen: &mut Pen<'_>) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    if length <= 0.0 {
        return;
    }
    let (nx, ny) = (-dy / length * t / 2.0, dx / length * t / 2.0);
    pen.polygon(&[
        (from.0 + nx, from.1 + ny),
        (to.0 + nx, to.1 + ny),
        (to.0 - nx, to.1 - ny),
        (from.0 - nx, from.1 - ny),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arms_table_is_complete() {
        for line in ARMS {
            assert_eq!(line.split(' ').count(), 16, "{line}");
        }
        let drawn = (0x2500..=0x257f_u32)
            .filter_map(char::from_u32)
            .filter(|&c| glyph(c).is_some())
            .count();
        assert_eq!(drawn, 128);
    }

    #[test]
    fn arms_of_common_borders() {
        assert_eq!(glyph('─'), Some(Glyph::Lines([1, 1, 0, 0])));
        assert_eq!(glyph('│'), Some(Glyph::Lines([0, 0, 1, 1])));
        assert_eq!(glyph('┌'), Some(Glyph::Lines([0, 1, 0, 1])));
        assert_eq!(glyph('┘'), Some(Glyph::Lines([1, 0, 1, 0])));
        assert_eq!(glyph('┼'), Some(Glyph::Lines([1, 1, 1, 1])));
        assert_eq!(glyph('┏'), Some(Glyph::Lines([0, 2, 0, 2])));
        assert_eq!(glyph('╋'), Some(Glyph::Lines([2, 2, 2, 2])));
        assert_eq!(glyph('╔'), Some(Glyph::Lines([0, 3, 0, 3])));
        assert_eq!(glyph('╬'), Some(Glyph::Lines([3, 3, 3, 3])));
        assert_eq!(glyph('╪'), Some(Glyph::Lines([3, 3, 1, 1])));
        assert_eq!(glyph('╿'), Some(Glyph::Lines([0, 0, 2, 1])));
        assert_eq!(glyph('╭'), Some(Glyph::Arc { sx: 1, sy: 1 }));
        assert_eq!(glyph('a'), None);
        assert_eq!(glyph('⣿'), None);
    }

    #[test]
    fn pseudo_pixels_come_from_ratatuis_tables() {
        assert_eq!(glyph('🬀'), Some(Glyph::Pixels { rows: 3, bits: 1 }));
        assert_eq!(glyph('🬻'), Some(Glyph::Pixels { rows: 3, bits: 62 }));
        assert_eq!(glyph('𜺨'), Some(Glyph::Pixels { rows: 4, bits: 1 }));
        assert_eq!(glyph('▘'), Some(Glyph::Blocks(&[(0.0, 0.0, 0.5, 0.5)])));
        assert_eq!(glyph('▒'), Some(Glyph::Shade(500)));
    }
}
