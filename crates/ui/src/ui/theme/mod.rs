//! Themes: a style per semantic role, so drawing code says what a thing *is* (ok, stale, an
//! elite band) and the theme says how it looks.
//!
//! A theme is built in layers, each a partial patch over the one before (as in gitui): the
//! built-in `default` (which sets every role), then the named built-in theme, then the user's
//! `<themes dir>/<name>.toml`, then the config's `[theme]` table. With NO_COLOR set, colours
//! are dropped last and modifiers stay, so focus and selection remain visible.
//!
//! Bands always come with a symbol and a label as well as a colour, so colour is never the
//! only signal.

mod error;
mod rgb;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use ratatui::style::{Color, Style};

use flowdeck_config::theme::{is_theme_name, parse_theme_file};
use flowdeck_config::{StyleSpec, ThemeOverrides};
use flowdeck_core::metrics::bands::Band;

pub use error::ThemeError;
pub(crate) use rgb::rgb;

/// What a piece of the screen is, for choosing its style. Each theme file key is the role's
/// snake_case name (`border_focused`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Role {
    /// Body text: values, item titles, anything without a more specific role.
    Text,
    /// Secondary text: units, timestamps, previous-window values, the help's descriptions.
    Muted,
    /// What draws the eye without judging: sparklines, key names in help, links, the wall clock.
    Accent,
    /// Good news: a source that is ok, a successful run or deployment, a trend improving.
    Ok,
    /// Needs attention soon: a running or slow pipeline, a measure near the next band down.
    Warn,
    /// Bad news: failed deployments and runs, open incidents, source errors, a trend worsening.
    Fail,
    /// Data older than its source's interval: "stale since HH:MM", loud in wall mode.
    Stale,
    /// A measure in the elite band (tile value and band marker).
    Elite,
    /// A measure in the high band.
    High,
    /// A measure in the medium band.
    Medium,
    /// A measure in the low band.
    Low,
    /// Panel and tile borders.
    Border,
    /// The border of the focused panel or tile.
    BorderFocused,
    /// Panel titles, the breadcrumb's current place, the wall mode page name.
    Title,
    /// Table column headers and section headings.
    Header,
    /// The selected row or item in lists and tables.
    Selection,
    /// The whole frame's fill, drawn first; its fg is the default text colour.
    Background,
}

impl Role {
    /// Every role, in the order theme files document them.
    pub(crate) const ALL: [Role; 17] = [
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Ok,
        Role::Warn,
        Role::Fail,
        Role::Stale,
        Role::Elite,
        Role::High,
        Role::Medium,
        Role::Low,
        Role::Border,
        Role::BorderFocused,
        Role::Title,
        Role::Header,
        Role::Selection,
        Role::Background,
    ];

    /// The role's key in theme files and the config's `[theme]` table.
    #[cfg(test)]
    pub(crate) fn key(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Ok => "ok",
            Role::Warn => "warn",
            Role::Fail => "fail",
            Role::Stale => "stale",
            Role::Elite => "elite",
            Role::High => "high",
            Role::Medium => "medium",
            Role::Low => "low",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Title => "title",
            Role::Header => "header",
            Role::Selection => "selection",
            Role::Background => "background",
        }
    }

    /// The role's spec in a patch. Exhaustive, so a new role fails to compile until
    /// `ThemeOverrides` has its field; a test checks there are no fields without a role.
    fn spec(self, patch: &ThemeOverrides) -> Option<&StyleSpec> {
        match self {
            Role::Text => patch.text.as_ref(),
            Role::Muted => patch.muted.as_ref(),
            Role::Accent => patch.accent.as_ref(),
            Role::Ok => patch.ok.as_ref(),
            Role::Warn => patch.warn.as_ref(),
            Role::Fail => patch.fail.as_ref(),
            Role::Stale => patch.stale.as_ref(),
            Role::Elite => patch.elite.as_ref(),
            Role::High => patch.high.as_ref(),
            Role::Medium => patch.medium.as_ref(),
            Role::Low => patch.low.as_ref(),
            Role::Border => patch.border.as_ref(),
            Role::BorderFocused => patch.border_focused.as_ref(),
            Role::Title => patch.title.as_ref(),
            Role::Header => patch.header.as_ref(),
            Role::Selection => patch.selection.as_ref(),
            Role::Background => patch.background.as_ref(),
        }
    }
}

/// How a band is shown: a colour, and a symbol and label that carry the band without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BandLook {
    pub(crate) style: Style,
    pub(crate) symbol: &'static str,
    pub(crate) label: &'static str,
}

/// A complete theme: a style for every role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    styles: [Style; Role::ALL.len()],
}

/// The built-in themes, embedded. `default` comes first: the others patch it.
const BUILTINS: [(&str, &str); 4] = [
    (
        "default",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../themes/default.toml"
        )),
    ),
    (
        "light",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../themes/light.toml"
        )),
    ),
    (
        "high-contrast",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../themes/high-contrast.toml"
        )),
    ),
    (
        "nord",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../themes/nord.toml"
        )),
    ),
];

const BUILTIN_NAMES: [&str; 4] = ["default", "light", "high-contrast", "nord"];

/// The environment variable that turns colour off (https://no-color.org).
pub(crate) const NO_COLOR_ENV: &str = "NO_COLOR";

/// Foreground and background for an SVG when the theme leaves both to the terminal: the
/// default theme is made for dark terminals.
const DARK_FG: (u8, u8, u8) = (0xd0, 0xd0, 0xd0);
const DARK_BG: (u8, u8, u8) = (0x1c, 0x1c, 0x1c);
const LIGHT_FG: (u8, u8, u8) = (0x1c, 0x1c, 0x1c);
const LIGHT_BG: (u8, u8, u8) = (0xff, 0xff, 0xff);

impl Theme {
    /// The style of `role`.
    pub(crate) fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// The theme's name, as `general.theme` gave it.
    #[cfg(test)]
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// How `band` is shown; None (no value, so no band) is muted "·" and "–".
    pub(crate) fn band(&self, band: Option<Band>) -> BandLook {
        let (role, symbol) = match band {
            Some(Band::Elite) => (Role::Elite, "◆"),
            Some(Band::High) => (Role::High, "▲"),
            Some(Band::Medium) => (Role::Medium, "■"),
            Some(Band::Low) => (Role::Low, "▼"),
            None => (Role::Muted, "·"),
        };
        BandLook {
            style: self.style(role),
            symbol,
            label: band.map_or("–", Band::as_str),
        }
    }

    /// A built-in theme by name, without user files, overrides or NO_COLOR.
    pub fn builtin(name: &str) -> Option<Theme> {
        Theme::load(name, &ThemeOverrides::default(), None, false).ok()
    }

    /// The names of the built-in themes, `default` first.
    #[cfg(test)]
    pub(crate) fn builtin_names() -> &'static [&'static str] {
        &BUILTIN_NAMES
    }

    /// The theme `name` (a built-in, or `<name>.toml` in `user_theme_dir`), patched by
    /// `overrides` (the config's `[theme]`), without colour when `no_color`.
    ///
    /// A user file named like a built-in patches that built-in; any other user file patches
    /// `default`. Errors: the name is neither built in nor a user file (listing the themes
    /// there are), or a user file cannot be read or is not a valid theme file (with
    /// file:line:col).
    pub fn load(
        name: &str,
        overrides: &ThemeOverrides,
        user_theme_dir: Option<&Path>,
        no_color: bool,
    ) -> Result<Theme, ThemeError> {
        let builtin = BUILTINS.iter().find(|(builtin, _)| *builtin == name);
        // A name that is not a plain file name never reaches the file system.
        let user_file = user_theme_dir
            .filter(|_| is_theme_name(name))
            .map(|dir| dir.join(format!("{name}.toml")));
        let user = match &user_file {
            Some(path) => read_user_theme(path)?,
            None => None,
        };
        if builtin.is_none() && user.is_none() {
            return Err(ThemeError::Unknown {
                name: name.to_string(),
                available: available(user_theme_dir),
                looked_for: user_file,
            });
        }
        let mut theme = Theme::base()?;
        if let Some((builtin, text)) = builtin.filter(|(builtin, _)| *builtin != "default") {
            theme.apply(&parse_builtin(builtin, text)?);
        }
        if let Some(patch) = &user {
            theme.apply(patch);
        }
        theme.apply(overrides);
        theme.name = name.to_string();
        Ok(if no_color {
            theme.without_colour()
        } else {
            theme
        })
    }

    /// [`Theme::load`], with NO_COLOR read from the environment: set and not empty.
    pub fn from_env(
        name: &str,
        overrides: &ThemeOverrides,
        user_theme_dir: Option<&Path>,
    ) -> Result<Theme, ThemeError> {
        Theme::load(name, overrides, user_theme_dir, no_color_requested())
    }

    /// The text colour as concrete RGB, for renderers without a terminal (SVG): the Text
    /// role's foreground, else the Background role's; when the theme leaves it to the
    /// terminal (`reset`), a colour that reads on [`Theme::background`].
    pub(crate) fn foreground(&self) -> (u8, u8, u8) {
        let text = self.style(Role::Text).fg.and_then(rgb);
        let frame = self.style(Role::Background).fg.and_then(rgb);
        match (text.or(frame), self.background_rgb()) {
            (Some(fg), _) => fg,
            (None, Some(bg)) if is_light(bg) => LIGHT_FG,
            _ => DARK_FG,
        }
    }

    /// The background as concrete RGB: the Background role's; when the theme leaves it to
    /// the terminal, white behind dark text and dark grey behind light (or no) text.
    pub(crate) fn background(&self) -> (u8, u8, u8) {
        if let Some(bg) = self.background_rgb() {
            return bg;
        }
        let text = self.style(Role::Text).fg.and_then(rgb);
        let frame = self.style(Role::Background).fg.and_then(rgb);
        match text.or(frame) {
            Some(fg) if !is_light(fg) => LIGHT_BG,
            _ => DARK_BG,
        }
    }

    /// The foreground of `role` as concrete RGB, [`Theme::foreground`] where it is the
    /// terminal's. Modifiers (reversed) are the caller's to apply.
    #[cfg(test)]
    pub(crate) fn fg_rgb(&self, role: Role) -> (u8, u8, u8) {
        self.style(role)
            .fg
            .and_then(rgb)
            .unwrap_or_else(|| self.foreground())
    }

    /// The background of `role` as concrete RGB, [`Theme::background`] where it is unset or
    /// the terminal's.
    #[cfg(test)]
    pub(crate) fn bg_rgb(&self, role: Role) -> (u8, u8, u8) {
        self.style(role)
            .bg
            .and_then(rgb)
            .unwrap_or_else(|| self.background())
    }

    fn background_rgb(&self) -> Option<(u8, u8, u8)> {
        self.style(Role::Background).bg.and_then(rgb)
    }

    /// `default.toml` over plain styles. It sets every role (a test checks), so the plain
    /// styles never show.
    fn base() -> Result<Theme, ThemeError> {
        let mut theme = Theme {
            name: "default".to_string(),
            styles: [Style::new(); Role::ALL.len()],
        };
        let (name, text) = BUILTINS[0];
        theme.apply(&parse_builtin(name, text)?);
        Ok(theme)
    }

    /// Patches each role `patch` lists; the rest stay as they are.
    fn apply(&mut self, patch: &ThemeOverrides) {
        for role in Role::ALL {
            if let Some(spec) = role.spec(patch) {
                let style = &mut self.styles[role as usize];
                *style = style.patch(spec.to_style());
            }
        }
    }

    /// Every colour set becomes the terminal's own (`Reset`); unset ones stay unset (they
    /// inherit, and what they inherit is reset too). Modifiers stay.
    fn without_colour(mut self) -> Theme {
        let reset = |colour: Option<Color>| colour.map(|_| Color::Reset);
        for style in &mut self.styles {
            style.fg = reset(style.fg);
            style.bg = reset(style.bg);
            style.underline_color = reset(style.underline_color);
        }
        self
    }
}

impl Default for Theme {
    /// The built-in default theme. Were its embedded file broken (tests make sure it is
    /// not), plain terminal styles rather than a crash.
    fn default() -> Self {
        Theme::builtin("default").unwrap_or_else(|| Theme {
            name: "default".to_string(),
            styles: [Style::new(); Role::ALL.len()],
        })
    }
}

/// Whether NO_COLOR asks for no colour: set and not empty (https://no-color.org).
pub(crate) fn no_color_requested() -> bool {
    std::env::var_os(NO_COLOR_ENV).is_some_and(|value| !value.is_empty())
}

fn parse_builtin(name: &str, text: &str) -> Result<ThemeOverrides, ThemeError> {
    let origin = PathBuf::from(format!("themes/{name}.toml (built in)"));
    parse_theme_file(text, &origin).map_err(ThemeError::File)
}

/// The user's theme file at `path`, or None when there is none.
fn read_user_theme(path: &Path) -> Result<Option<ThemeOverrides>, ThemeError> {
    use flowdeck_config::ReadError;
    let unreadable = |source: std::io::Error| ThemeError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    // The same bounded read as the config: a directory, socket or huge file is refused.
    match flowdeck_config::read_text(path, flowdeck_config::limits::MAX_CONFIG_BYTES) {
        Ok(text) => parse_theme_file(&text, path)
            .map(Some)
            .map_err(ThemeError::File),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(ReadError::Io(e)) => Err(unreadable(e)),
        Err(ReadError::NotAFile(what)) => Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {what}, not a file"),
        ))),
        Err(ReadError::TooLarge) => Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} bytes",
                flowdeck_config::limits::MAX_CONFIG_BYTES
            ),
        ))),
    }
}

/// The built-in names, then the user's own themes (files in `dir` that are not built-in
/// names), sorted. An unreadable directory just has no themes to offer.
fn available(dir: Option<&Path>) -> Vec<String> {
    let mut user: Vec<String> = dir
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let file_name = entry.file_name();
            let stem = file_name.to_str()?.strip_suffix(".toml")?;
            let is_file = entry.file_type().ok()?.is_file() || entry.path().is_file();
            (is_file && is_theme_name(stem) && !BUILTIN_NAMES.contains(&stem))
                .then(|| stem.to_string())
        })
        .collect();
    user.sort();
    let mut names: Vec<String> = BUILTIN_NAMES.iter().map(|n| n.to_string()).collect();
    names.append(&mut user);
    names
}

/// Relative luminance above one half: dark text reads on it.
fn is_light((r, g, b): (u8, u8, u8)) -> bool {
    let luminance = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    luminance > 127.5
}
