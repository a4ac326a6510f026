//! Theme values as config and theme files write them: role styles (`ok = "green"`,
//! `fail = { fg = "#ff5555", bold = true }`), the `[theme]` override table, theme names, and
//! the parsing of theme files with the same file:line:col errors as the config.
//!
//! The roles themselves, and how patches combine into a theme, live in the ui layer (`ui::theme`);
//! this module only knows the file format, so the config can check it while reading.

use std::fmt;
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ConfigError, ErrorKind, Problem};
use super::fields::fields_of;
use super::locate;
use super::parsed::{Invalid, from_str_with};
use super::suggest::closest;
use super::{explain, syntax};

/// Role styles that patch a theme: the `[theme]` table of the config, and every theme file.
/// One field per theme `Role` of the ui layer (documented there), named as files write it; a role
/// left out keeps the style it had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeOverrides {
    pub text: Option<StyleSpec>,
    pub muted: Option<StyleSpec>,
    pub accent: Option<StyleSpec>,
    pub ok: Option<StyleSpec>,
    pub warn: Option<StyleSpec>,
    pub fail: Option<StyleSpec>,
    pub stale: Option<StyleSpec>,
    pub elite: Option<StyleSpec>,
    pub high: Option<StyleSpec>,
    pub medium: Option<StyleSpec>,
    pub low: Option<StyleSpec>,
    pub border: Option<StyleSpec>,
    pub border_focused: Option<StyleSpec>,
    pub title: Option<StyleSpec>,
    pub header: Option<StyleSpec>,
    pub selection: Option<StyleSpec>,
    pub background: Option<StyleSpec>,
}

/// The role names a theme file or `[theme]` accepts, in schema order.
pub fn role_keys() -> &'static [&'static str] {
    fields_of::<ThemeOverrides>()
}

/// The keys of a role written as a table (`{ fg = "green", bold = true }`).
pub fn style_keys() -> &'static [&'static str] {
    fields_of::<StyleTable>()
}

/// One role's style as written. Only what is written changes: `ok = "green"` sets the
/// foreground and keeps the background and modifiers the role had; `bold = false` removes
/// bold. A colour written `"reset"` means the terminal's own colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StyleSpec {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub reversed: Option<bool>,
    pub dim: Option<bool>,
}

impl StyleSpec {
    /// The spec as a ratatui patch: set colours and `true` flags are added, `false` flags
    /// removed, and unset fields stay `None`/empty so [`Style::patch`] leaves them as they were.
    pub fn to_style(&self) -> Style {
        let mut style = Style {
            fg: self.fg,
            bg: self.bg,
            ..Style::default()
        };
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ];
        for (flag, modifier) in flags {
            match flag {
                Some(true) => style = style.add_modifier(modifier),
                Some(false) => style = style.remove_modifier(modifier),
                None => {}
            }
        }
        style
    }
}

/// The table form of a role, derived so unknown keys are errors and `fields_of` can list
/// the keys for the config's key check.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StyleTable {
    fg: Option<Colour>,
    bg: Option<Colour>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
}

const STYLE_EXPECTING: &str =
    "a colour like \"green\" or a table like { fg = \"green\", bold = true }";

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StyleVisitor)
    }
}

struct StyleVisitor;

impl<'de> Visitor<'de> for StyleVisitor {
    type Value = StyleSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(STYLE_EXPECTING)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<StyleSpec, E> {
        let colour = parse_colour(text).map_err(Invalid::into_de_error)?;
        Ok(StyleSpec {
            fg: Some(colour),
            ..StyleSpec::default()
        })
    }

    fn visit_i64<E: de::Error>(self, index: i64) -> Result<StyleSpec, E> {
        let colour = indexed(index).map_err(Invalid::into_de_error)?;
        Ok(StyleSpec {
            fg: Some(colour),
            ..StyleSpec::default()
        })
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<StyleSpec, E> {
        self.visit_i64(i64::try_from(index).unwrap_or(i64::MAX))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StyleSpec, A::Error> {
        // The derived table keeps toml's positions: each field is still read by toml's own
        // map access, which tags errors with the key's or value's span.
        let table = StyleTable::deserialize(MapAccessDeserializer::new(map))?;
        Ok(StyleSpec {
            fg: table.fg.map(|c| c.0),
            bg: table.bg.map(|c| c.0),
            bold: table.bold,
            italic: table.italic,
            underline: table.underline,
            reversed: table.reversed,
            dim: table.dim,
        })
    }
}

/// One colour: a name, `"#rrggbb"`, or an index 0–255 into the 256-colour palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Colour(Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ColourVisitor)
    }
}

struct ColourVisitor;

impl<'de> Visitor<'de> for ColourVisitor {
    type Value = Colour;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a colour like \"green\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Colour, E> {
        parse_colour(text)
            .map(Colour)
            .map_err(Invalid::into_de_error)
    }

    fn visit_i64<E: de::Error>(self, index: i64) -> Result<Colour, E> {
        indexed(index).map(Colour).map_err(Invalid::into_de_error)
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Colour, E> {
        self.visit_i64(i64::try_from(index).unwrap_or(i64::MAX))
    }
}

/// The colour names, as written in files; ratatui's names without separators.
pub const COLOUR_NAMES: [&str; 17] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
    "reset",
];

const COLOUR_FORMS: &str = "a colour is a name (black, red, green, yellow, blue, magenta, cyan, gray, \
     darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white, reset), \
     \"#rrggbb\", or a 256-colour index written as a number, like 208";

fn named(name: &str) -> Option<Color> {
    Some(match name {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" => Color::Gray,
        "darkgray" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        "reset" => Color::Reset,
        _ => return None,
    })
}

/// Parses a colour name or `#rrggbb`. Names ignore case, spaces, `-` and `_`, and take
/// "grey" for "gray", so "Dark-Grey" is "darkgray".
pub(crate) fn parse_colour(text: &str) -> Result<Color, Invalid> {
    let trimmed = text.trim();
    if let Some(hex) = trimmed.strip_prefix('#') {
        return parse_hex(hex).ok_or_else(|| {
            Invalid::new(
                format!("invalid colour {text:?}"),
                "write a hex colour with six digits, like \"#5faf5f\"",
            )
        });
    }
    let squashed: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace("grey", "gray");
    if let Some(colour) = named(&squashed) {
        return Ok(colour);
    }
    // A number in quotes is an index written as a string: say how to write it.
    if let Ok(index) = squashed.parse::<i64>() {
        return Err(Invalid::new(
            format!("invalid colour {text:?}"),
            format!("write a 256-colour index as a number without quotes, like {index}"),
        ));
    }
    let hint = match closest(&squashed, COLOUR_NAMES) {
        Some(near) => format!("did you mean {near:?}? {COLOUR_FORMS}"),
        None => COLOUR_FORMS.to_string(),
    };
    Err(Invalid::new(format!("unknown colour {text:?}"), hint))
}

fn parse_hex(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?))
}

fn indexed(index: i64) -> Result<Color, Invalid> {
    u8::try_from(index).map(Color::Indexed).map_err(|_| {
        Invalid::new(
            format!("invalid colour index {index}"),
            "256-colour indexes run from 0 to 255; or write a name like \"green\" or \"#rrggbb\"",
        )
    })
}

/// `general.theme`: the name of a built-in theme or of a file in the themes directory.
/// Checked while reading because the name becomes a file name: no directories, no `.toml`.
pub(crate) fn theme_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    from_str_with(deserializer, "a string like \"default\"", |name| {
        check_theme_name(name).map(|()| name.to_string())
    })
}

fn check_theme_name(name: &str) -> Result<(), Invalid> {
    let hint = "write a built-in theme name (\"default\", \"light\", \"high-contrast\", \"nord\") \
                or the name of a file in the themes directory next to the config, without \".toml\"";
    if let Some(stem) = name.strip_suffix(".toml") {
        return Err(Invalid::new(
            format!("invalid theme name {name:?}"),
            format!("write the name without \".toml\": theme = {stem:?}"),
        ));
    }
    if is_theme_name(name) {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid theme name {name:?}"), hint))
    }
}

/// Whether `name` can name a theme file `<name>.toml`: letters, digits, `-`, `_` and `.`,
/// not starting with a dot, so it never leaves the themes directory.
pub fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with(".toml")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The name in `names` closest to a misspelt `name`, for "did you mean" hints about themes.
pub fn closest_name<'a>(name: &str, names: &'a [String]) -> Option<&'a str> {
    closest(name, names.iter().map(String::as_str))
}

/// The directory user themes are read from: `themes` next to the config file, or in
/// flowdeck's XDG config directory when no file was read. None without a home directory.
pub fn user_theme_dir(config_file: Option<&Path>) -> Option<PathBuf> {
    let dir = match config_file {
        Some(file) => locate::base_dir(Some(file)),
        None => locate::default_config_path()?.parent()?.to_path_buf(),
    };
    Some(dir.join("themes"))
}

/// The top-level `[theme]` of the config. `theme = "nord"` at the top level is a theme name
/// in the wrong place, so it gets its own hint instead of "expected a table".
pub(crate) fn overrides_table<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<ThemeOverrides, D::Error> {
    deserializer.deserialize_any(OverridesVisitor)
}

struct OverridesVisitor;

impl<'de> Visitor<'de> for OverridesVisitor {
    type Value = ThemeOverrides;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<ThemeOverrides, E> {
        Err(Invalid::new(
            format!("misplaced theme name {name:?}"),
            format!(
                "pick the theme under [general]: theme = {name:?}; [theme] overrides single \
                 roles, like fail = \"#ff5555\""
            ),
        )
        .into_de_error())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ThemeOverrides, A::Error> {
        ThemeOverrides::deserialize(MapAccessDeserializer::new(map))
    }
}

/// Parses a theme file; `origin` names it in errors, which read like config errors:
/// `file:line:col: message` and a hint line.
pub fn parse_theme_file(text: &str, origin: &Path) -> Result<ThemeOverrides, ConfigError> {
    parse_theme_text(text).map_err(|problem| problem.into_error(text, origin))
}

fn parse_theme_text(text: &str) -> Result<ThemeOverrides, Problem> {
    let document = DeTable::parse(text).map_err(|e| syntax::explain(&e, text))?;
    let span = document.span();
    let root = document.into_inner();
    let mut problems = check_keys(&root);
    let overrides = ThemeOverrides::deserialize(toml::de::Deserializer::from(Spanned::new(
        span,
        root.clone(),
    )))
    .map_err(|e| problems.push(theme_file_problem(explain::explain(&e, &root))))
    .ok();
    // The problem that comes first in the file; on a tie the key check's.
    let first = problems
        .into_iter()
        .enumerate()
        .min_by_key(|(i, p)| (p.span.as_ref().map_or(usize::MAX, |s| s.start), *i))
        .map(|(_, p)| p);
    match (first, overrides) {
        (Some(problem), _) => Err(problem),
        (None, Some(overrides)) => Ok(overrides),
        // Unreachable: a failed deserialization pushed a problem.
        (None, None) => Err(Problem::new(
            None,
            ErrorKind::Syntax,
            "unreadable theme file",
            "",
        )),
    }
}

/// The config's explanations say "for \"ok\" at the top level"; in a theme file the top
/// level holds roles, so say "for role \"ok\"" instead.
fn theme_file_problem(mut problem: Problem) -> Problem {
    if let Some((before, after)) = problem.message.split_once(" for \"")
        && let Some((key, rest)) = after.split_once("\" at the top level")
    {
        problem.message = format!("{before} for role \"{key}\"{rest}");
    }
    problem
}

/// Unknown roles, and unknown keys inside a role's table. The config's own key check words
/// its hints for config files, so theme files get this smaller one.
fn check_keys(root: &DeTable<'_>) -> Vec<Problem> {
    let roles = role_keys();
    let styles = style_keys();
    let mut problems = Vec::new();
    for (key, value) in root.iter() {
        let name = key.get_ref().as_ref();
        if !roles.contains(&name) {
            let list = roles.join(", ");
            let hint = match closest(name, roles.iter().copied()) {
                Some(near) => format!("did you mean {near:?}? The roles are {list}"),
                None => format!("the roles are {list}"),
            };
            problems.push(Problem::new(
                Some(key.span()),
                ErrorKind::UnknownKey,
                format!("unknown role {name:?}"),
                hint,
            ));
            continue;
        }
        let DeValue::Table(table) = value.get_ref() else {
            continue;
        };
        for (inner, _) in table.iter() {
            let inner_name = inner.get_ref().as_ref();
            if styles.contains(&inner_name) {
                continue;
            }
            let list = styles.join(", ");
            let hint = match closest(inner_name, styles.iter().copied()) {
                Some(near) => format!("did you mean {near:?}? A role's table takes {list}"),
                None => format!("a role's table takes {list}"),
            };
            problems.push(Problem::new(
                Some(inner.span()),
                ErrorKind::UnknownKey,
                format!("unknown key {inner_name:?} in role {name:?}"),
                hint,
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ThemeOverrides, String> {
        parse_theme_file(text, Path::new("themes/mine.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_every_colour_form() {
        let theme = parse(
            "ok = \"green\"\nfail = \"#FF5555\"\nwarn = 208\n\
             selection = { fg = \"light-blue\", bg = \"Dark Grey\", bold = true, reversed = false }\n\
             background = { bg = \"reset\" }\n",
        )
        .unwrap();
        assert_eq!(theme.ok.unwrap().fg, Some(Color::Green));
        assert_eq!(theme.fail.unwrap().fg, Some(Color::Rgb(0xff, 0x55, 0x55)));
        assert_eq!(theme.warn.unwrap().fg, Some(Color::Indexed(208)));
        let selection = theme.selection.unwrap();
        assert_eq!(selection.fg, Some(Color::LightBlue));
        assert_eq!(selection.bg, Some(Color::DarkGray));
        assert_eq!(selection.bold, Some(true));
        assert_eq!(selection.reversed, Some(false));
        assert_eq!(selection.italic, None);
        assert_eq!(theme.background.unwrap().bg, Some(Color::Reset));
        assert_eq!(theme.text, None);
    }

    #[test]
    fn a_header_table_is_a_role_table() {
        let theme = parse("[fail]\nfg = 1\nunderline = true\n").unwrap();
        assert_eq!(
            theme.fail.unwrap().to_style(),
            Style::new()
                .fg(Color::Indexed(1))
                .add_modifier(Modifier::UNDERLINED)
        );
    }

    #[test]
    fn false_flags_remove_modifiers() {
        let spec = StyleSpec {
            bold: Some(false),
            dim: Some(true),
            ..StyleSpec::default()
        };
        let base = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        let patched = base.patch(spec.to_style());
        assert_eq!(patched.fg, Some(Color::Red));
        assert!(patched.add_modifier.contains(Modifier::DIM));
        assert!(!patched.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn an_unknown_role_suggests_the_closest() {
        assert_eq!(
            parse("ok = \"green\"\n  selections = \"red\"\n").unwrap_err(),
            "themes/mine.toml:2:3: unknown role \"selections\"\n  hint: did you mean \"selection\"? The roles are \
             text, muted, accent, ok, warn, fail, stale, elite, high, medium, low, border, \
             border_focused, title, header, selection, background"
        );
        let error = parse("[colours]\nok = 1\n").unwrap_err();
        assert!(
            error.starts_with(
                "themes/mine.toml:1:2: unknown role \"colours\"\n  hint: the roles are text,"
            ),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_key_in_a_role_table_suggests_the_closest() {
        assert_eq!(
            parse("ok = { fg = \"green\", bolt = true }\n").unwrap_err(),
            "themes/mine.toml:1:22: unknown key \"bolt\" in role \"ok\"\n  hint: did you mean \"bold\"? \
             A role's table takes fg, bg, bold, italic, underline, reversed, dim"
        );
    }

    #[test]
    fn bad_colours_point_at_the_value() {
        assert_eq!(
            parse("text = \"white\"\nok = \"gren\"\n").unwrap_err(),
            "themes/mine.toml:2:6: unknown colour \"gren\" for role \"ok\"\n  hint: did you mean \"green\"? \
             a colour is a name (black, red, green, yellow, blue, magenta, cyan, gray, darkgray, \
             lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white, reset), \
             \"#rrggbb\", or a 256-colour index written as a number, like 208"
        );
        assert_eq!(
            parse("ok = { bg = \"#12345\" }\n").unwrap_err(),
            "themes/mine.toml:1:13: invalid colour \"#12345\" for \"bg\" in [ok]\n  hint: write a hex \
             colour with six digits, like \"#5faf5f\""
        );
        assert_eq!(
            parse("ok = 256\n").unwrap_err(),
            "themes/mine.toml:1:6: invalid colour index 256 for role \"ok\"\n  hint: 256-colour indexes \
             run from 0 to 255; or write a name like \"green\" or \"#rrggbb\""
        );
        let error = parse("ok = \"208\"\n").unwrap_err();
        assert!(
            error.ends_with("hint: write a 256-colour index as a number without quotes, like 208"),
            "{error}"
        );
    }

    #[test]
    fn wrong_types_say_what_a_role_takes() {
        let error = parse("ok = true\n").unwrap_err();
        assert_eq!(
            error,
            "themes/mine.toml:1:6: wrong type for role \"ok\": expected a colour like \"green\" or a \
             table like { fg = \"green\", bold = true }, found a boolean\n  hint: write it like ok = \"green\""
        );
        let error = parse("ok = { bold = \"yes\" }\n").unwrap_err();
        assert!(
            error.starts_with(
                "themes/mine.toml:1:15: wrong type for \"bold\" in [ok]: expected true or false, found a string"
            ),
            "{error}"
        );
    }

    #[test]
    fn syntax_errors_keep_their_position() {
        let error = parse("ok = green\n").unwrap_err();
        assert!(
            error.starts_with("themes/mine.toml:1:6: invalid TOML: string values must be quoted"),
            "{error}"
        );
    }

    #[test]
    fn theme_names_are_plain_file_names() {
        for good in [
            "default",
            "high-contrast",
            "my_theme",
            "solarized.dark",
            "x2",
        ] {
            assert!(is_theme_name(good), "{good}");
        }
        for bad in ["", "../x", "a/b", "a\\b", ".hidden", "nord.toml", "a b"] {
            assert!(!is_theme_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn swapped_letters_are_near() {
        assert_eq!(closest("bleu", COLOUR_NAMES), Some("blue"));
        assert_eq!(
            closest_name("nrod", &["default".to_string(), "nord".to_string()]),
            Some("nord")
        );
    }

    #[test]
    fn colour_names_are_forgiving_about_spelling() {
        assert_eq!(parse_colour("Dark-Grey"), Ok(Color::DarkGray));
        assert_eq!(parse_colour("light_magenta"), Ok(Color::LightMagenta));
        assert_eq!(parse_colour("RESET"), Ok(Color::Reset));
        assert!(parse_colour("#12345g").is_err());
        assert!(parse_colour("").is_err());
    }
}
