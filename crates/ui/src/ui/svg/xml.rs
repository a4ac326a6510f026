//! Writing XML by hand: escaping, numbers and colours, always the same bytes for the same input.

use std::fmt::Write as _;

use crate::markup::{self, Apostrophe};

/// Appends `text` escaped for XML (`&apos;` for an apostrophe).
pub(super) fn push_escaped(out: &mut String, text: &str) {
    markup::push_escaped(out, text, Apostrophe::Named);
}

/// A coordinate in hundredths of a pixel. Every coordinate is rounded once, to this, and lengths
/// are differences of rounded coordinates, so shapes that meet before rounding still meet after.
pub(super) type Fixed = i64;

/// Rounds a pixel value to hundredths of a pixel.
pub(super) fn fixed(value: f64) -> Fixed {
    if value.is_finite() {
        // Values are pixels of a terminal-sized picture; far inside i64 range.
        (value * 100.0).round() as Fixed
    } else {
        0
    }
}

/// Appends a fixed-point value as the shortest decimal: 840 -> "8.4", 1750 -> "17.5", 0 -> "0".
pub(super) fn push_fixed(out: &mut String, value: Fixed) {
    if value < 0 {
        out.push('-');
    }
    let magnitude = value.unsigned_abs();
    let whole = magnitude / 100;
    let hundredths = magnitude % 100;
    // Writing to a String cannot fail.
    let _ = write!(out, "{whole}");
    if hundredths != 0 {
        if hundredths.is_multiple_of(10) {
            let _ = write!(out, ".{}", hundredths / 10);
        } else {
            let _ = write!(out, ".{hundredths:02}");
        }
    }
}

/// Appends a pixel value rounded to hundredths.
pub(super) fn push_px(out: &mut String, value: f64) {
    push_fixed(out, fixed(value));
}

pub(super) use super::palette::Rgb;

/// Appends `#rrggbb`.
pub(super) fn push_rgb(out: &mut String, (r, g, b): Rgb) {
    let _ = write!(out, "#{r:02x}{g:02x}{b:02x}");
}

/// Appends an opacity given in thousandths: 500 -> "0.5", 125 -> "0.125".
pub(super) fn push_alpha(out: &mut String, per_mille: u16) {
    let per_mille = per_mille.min(1000);
    if per_mille == 1000 {
        out.push('1');
        return;
    }
    let digits = format!("{per_mille:03}");
    out.push_str("0.");
    out.push_str(digits.trim_end_matches('0'));
    if per_mille == 0 {
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed_str(value: f64) -> String {
        let mut out = String::new();
        push_px(&mut out, value);
        out
    }

    #[test]
    fn numbers_are_shortest_decimals() {
        assert_eq!(fixed_str(0.0), "0");
        assert_eq!(fixed_str(8.4), "8.4");
        assert_eq!(fixed_str(17.5), "17.5");
        assert_eq!(fixed_str(1.12), "1.12");
        assert_eq!(fixed_str(3.0 * 8.4), "25.2");
        assert_eq!(fixed_str(-0.004), "0");
        assert_eq!(fixed_str(-2.05), "-2.05");
        assert_eq!(fixed_str(1680.0), "1680");
        assert_eq!(fixed_str(f64::NAN), "0");
    }

    #[test]
    fn alphas() {
        let text = |a| {
            let mut out = String::new();
            push_alpha(&mut out, a);
            out
        };
        assert_eq!(text(500), "0.5");
        assert_eq!(text(125), "0.125");
        assert_eq!(text(50), "0.05");
        assert_eq!(text(1000), "1");
        assert_eq!(text(0), "0.0");
    }

    #[test]
    fn escapes_all_five() {
        let mut out = String::new();
        push_escaped(&mut out, "<script>&\"'x");
        assert_eq!(out, "&lt;script&gt;&amp;&quot;&apos;x");
    }
}
