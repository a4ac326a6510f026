//! Terminal colours to sRGB, using xterm's default palette.
//!
//! - 0–15 (the named ANSI colours): xterm's defaults, listed in [`ANSI`].
//! - 16–231: the 6×6×6 colour cube, each channel one of 0, 95, 135, 175, 215, 255
//!   (index − 16 = 36·r + 6·g + b).
//! - 232–255: the grey ramp 8, 18, …, 238 (8 + 10·(index − 232)).

use ratatui::style::Color;

/// An sRGB colour.
pub(crate) type Rgb = (u8, u8, u8);

/// xterm's default 16 colours, in index order: black, red, green, yellow, blue, magenta, cyan,
/// white (ratatui's `Gray`), then the bright variants (`DarkGray`, `LightRed`, …, `White`).
pub(crate) const ANSI: [Rgb; 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The RGB value of an xterm 256-colour palette entry.
pub(crate) fn indexed(index: u8) -> Rgb {
    match index {
        0..=15 => ANSI[usize::from(index)],
        16..=231 => {
            let i = index - 16;
            (
                CUBE_LEVELS[usize::from(i / 36)],
                CUBE_LEVELS[usize::from(i / 6 % 6)],
                CUBE_LEVELS[usize::from(i % 6)],
            )
        }
        232..=255 => {
            let grey = 8 + 10 * (index - 232);
            (grey, grey, grey)
        }
    }
}

/// Resolves a colour; `Reset` becomes `reset`, the caller's default for the role (text or
/// background) the colour plays.
pub(crate) fn resolve(color: Color, reset: Rgb) -> Rgb {
    match color {
        Color::Reset => reset,
        Color::Black => ANSI[0],
        Color::Red => ANSI[1],
        Color::Green => ANSI[2],
        Color::Yellow => ANSI[3],
        Color::Blue => ANSI[4],
        Color::Magenta => ANSI[5],
        Color::Cyan => ANSI[6],
        Color::Gray => ANSI[7],
        Color::DarkGray => ANSI[8],
        Color::LightRed => ANSI[9],
        Color::LightGreen => ANSI[10],
        Color::LightYellow => ANSI[11],
        Color::LightBlue => ANSI[12],
        Color::LightMagenta => ANSI[13],
        Color::LightCyan => ANSI[14],
        Color::White => ANSI[15],
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_colours_match_their_indexes() {
        let named = [
            Color::Black,
            Color::Red,
            Color::Green,
            Color::Yellow,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Gray,
            Color::DarkGray,
            Color::LightRed,
            Color::LightGreen,
            Color::LightYellow,
            Color::LightBlue,
            Color::LightMagenta,
            Color::LightCyan,
            Color::White,
        ];
        for (i, color) in named.into_iter().enumerate() {
            let index = u8::try_from(i).unwrap_or_default();
            assert_eq!(resolve(color, (1, 2, 3)), indexed(index), "{color:?}");
        }
    }

    #[test]
    fn cube_and_greys() {
        assert_eq!(indexed(16), (0, 0, 0));
        assert_eq!(indexed(196), (255, 0, 0));
        assert_eq!(indexed(21), (0, 0, 255));
        assert_eq!(indexed(110), (135, 175, 215));
        assert_eq!(indexed(231), (255, 255, 255));
        assert_eq!(indexed(232), (8, 8, 8));
        assert_eq!(indexed(244), (128, 128, 128));
        assert_eq!(indexed(255), (238, 238, 238));
    }

    #[test]
    fn reset_and_rgb() {
        assert_eq!(resolve(Color::Reset, (9, 8, 7)), (9, 8, 7));
        assert_eq!(resolve(Color::Rgb(1, 2, 3), (9, 8, 7)), (1, 2, 3));
    }
}
