//! TEMPORARY stand-in for the theme module being written on helper/theme.
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};

use crate::metrics::Band;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Ok,
    Warn,
    Fail,
    Stale,
    Elite,
    High,
    Medium,
    Low,
    Border,
    BorderFocused,
    Title,
    Header,
    Selection,
    Background,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
}

pub struct BandLook {
    pub style: Style,
    pub symbol: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct ThemeOverrides;

#[derive(Debug, thiserror::Error)]
#[error("theme")]
pub struct ThemeError;

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        let fg = match role {
            Role::Text => Color::White,
            Role::Muted => Color::DarkGray,
            Role::Accent => Color::Cyan,
            Role::Ok => Color::Green,
            Role::Warn => Color::Yellow,
            Role::Fail => Color::Red,
            Role::Stale => Color::Magenta,
            Role::Elite => Color::Green,
            Role::High => Color::Cyan,
            Role::Medium => Color::Yellow,
            Role::Low => Color::Red,
            Role::Border => Color::DarkGray,
            Role::BorderFocused => Color::Cyan,
            Role::Title => Color::White,
            Role::Header => Color::Cyan,
            Role::Selection => Color::Black,
            Role::Background => Color::Reset,
        };
        let s = Style::default().fg(fg);
        match role {
            Role::Selection => s.bg(Color::Cyan),
            Role::Title => s.add_modifier(Modifier::BOLD),
            _ => s,
        }
    }
    pub fn band(&self, band: Option<Band>) -> BandLook {
        match band {
            Some(Band::Elite) => BandLook {
                style: self.style(Role::Elite),
                symbol: "◆",
                label: "elite",
            },
            Some(Band::High) => BandLook {
                style: self.style(Role::High),
                symbol: "▲",
                label: "high",
            },
            Some(Band::Medium) => BandLook {
                style: self.style(Role::Medium),
                symbol: "■",
                label: "medium",
            },
            Some(Band::Low) => BandLook {
                style: self.style(Role::Low),
                symbol: "▼",
                label: "low",
            },
            None => BandLook {
                style: self.style(Role::Muted),
                symbol: "·",
                label: "–",
            },
        }
    }
    pub fn builtin(name: &str) -> Option<Theme> {
        Some(Theme { name: name.into() })
    }
    pub fn builtin_names() -> &'static [&'static str] {
        &["default"]
    }
    pub fn load(
        name: &str,
        _o: &ThemeOverrides,
        _d: Option<&Path>,
        _n: bool,
    ) -> Result<Theme, ThemeError> {
        Ok(Theme { name: name.into() })
    }
    pub fn foreground(&self) -> (u8, u8, u8) {
        (220, 220, 220)
    }
    pub fn background(&self) -> (u8, u8, u8) {
        (20, 20, 28)
    }
}
