//! Terminal colours as concrete RGB, for renderers that have no terminal palette (SVG).

use ratatui::style::Color;

/// xterm's default values for the 16 ANSI colours, the palette most terminals start from.
const ANSI: [(u8, u8, u8); 16] = [
    (0x00, 0x00, 0x00), // black
    (0xcd, 0x00, 0x00), // red
    (0x00, 0xcd, 0x00), // green
    (0xcd, 0xcd, 0x00), // yellow
    (0x00, 0x00, 0xee), // blue
    (0xcd, 0x00, 0xcd), // magenta
    (0x00, 0xcd, 0xcd), // cyan
    (0xe5, 0xe5, 0xe5), // gray (ANSI "white")
    (0x7f, 0x7f, 0x7f), // darkgray (bright black)
    (0xff, 0x00, 0x00), // lightred
    (0x00, 0xff, 0x00), // lightgreen
    (0xff, 0xff, 0x00), // lightyellow
    (0x5c, 0x5c, 0xff), // lightblue
    (0xff, 0x00, 0xff), // lightmagenta
    (0x00, 0xff, 0xff), // lightcyan
    (0xff, 0xff, 0xff), // white
];

/// The RGB a terminal with xterm's palette shows for `colour`; None for `Reset`, which is
/// whatever the terminal's own foreground or background is.
pub(crate) fn rgb(colour: Color) -> Option<(u8, u8, u8)> {
    let ansi = |i: usize| ANSI.get(i).copied();
    match colour {
        Color::Reset => None,
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => Some(indexed(i)),
    }
}

/// The 256-colour palette: 16 ANSI colours, a 6×6×6 cube, then 24 greys.
fn indexed(i: u8) -> (u8, u8, u8) {
    const LEVELS: [u8; 6] = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];
    match i {
        0..=15 => ANSI[usize::from(i)],
        16..=231 => {
            let n = usize::from(i - 16);
            (LEVELS[n / 36], LEVELS[(n / 6) % 6], LEVELS[n % 6])
        }
        _ => {
            let grey = 8 + 10 * (i - 232);
            (grey, grey, grey)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_palette() {
        assert_eq!(rgb(Color::Reset), None);
        assert_eq!(rgb(Color::White), Some((255, 255, 255)));
        assert_eq!(rgb(Color::Rgb(1, 2, 3)), Some((1, 2, 3)));
        assert_eq!(rgb(Color::Indexed(9)), rgb(Color::LightRed));
        assert_eq!(rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(rgb(Color::Indexed(75)), Some((0x5f, 0xaf, 0xff)));
        assert_eq!(rgb(Color::Indexed(203)), Some((0xff, 0x5f, 0x5f)));
        assert_eq!(rgb(Color::Indexed(231)), Some((0xff, 0xff, 0xff)));
        assert_eq!(rgb(Color::Indexed(232)), Some((8, 8, 8)));
        assert_eq!(rgb(Color::Indexed(255)), Some((0xee, 0xee, 0xee)));
    }
}
