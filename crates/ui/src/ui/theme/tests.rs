use std::collections::BTreeSet;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};

use super::*;
use flowdeck_config::theme::role_keys;

fn plain() -> ThemeOverrides {
    ThemeOverrides::default()
}

fn builtin(name: &str) -> Theme {
    Theme::builtin(name).unwrap()
}

fn patch_of(name: &str) -> ThemeOverrides {
    let (_, text) = BUILTINS.iter().find(|(n, _)| *n == name).unwrap();
    parse_builtin(name, text).unwrap()
}

/// A temporary user theme directory holding `files` (name, text).
fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn roles_are_the_keys_theme_files_accept() {
    let keys: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
    assert_eq!(keys, role_keys());
    for (i, role) in Role::ALL.iter().enumerate() {
        assert_eq!(*role as usize, i, "{role:?} indexes the style array");
    }
}

#[test]
fn the_builtin_names_are_the_embedded_files() {
    let names: Vec<&str> = BUILTINS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, Theme::builtin_names());
    assert_eq!(Theme::builtin_names()[0], "default");
    assert!(Theme::builtin("nope").is_none());
}

#[test]
fn the_default_theme_sets_every_role() {
    let patch = patch_of("default");
    for role in Role::ALL {
        assert!(
            role.spec(&patch).is_some(),
            "default.toml lacks {}",
            role.key()
        );
    }
}

#[test]
fn every_builtin_parses_and_covers_every_role() {
    for name in Theme::builtin_names() {
        let theme = builtin(name);
        assert_eq!(theme.name(), *name);
        for role in Role::ALL {
            assert_ne!(
                theme.style(role),
                Style::new(),
                "{name}: {} is unstyled",
                role.key()
            );
        }
    }
}

#[test]
fn builtin_patches_change_only_what_they_list() {
    let default = builtin("default");
    for name in Theme::builtin_names().iter().skip(1) {
        let patch = patch_of(name);
        let theme = builtin(name);
        for role in Role::ALL {
            let expected = match role.spec(&patch) {
                Some(spec) => default.style(role).patch(spec.to_style()),
                None => default.style(role),
            };
            assert_eq!(theme.style(role), expected, "{name}: {}", role.key());
        }
    }
    // A patch's unlisted fields keep the default's: light's fail sets only fg, bold stays.
    let light = builtin("light");
    assert_eq!(light.style(Role::Fail).fg, Some(Color::Indexed(160)));
    assert!(
        light
            .style(Role::Fail)
            .add_modifier
            .contains(Modifier::BOLD)
    );
    // Every theme paints its own background: light's is white, not the terminal's.
    assert_eq!(light.style(Role::Background).bg, Some(Color::Indexed(231)));
    for name in Theme::builtin_names() {
        let bg = builtin(name).style(Role::Background).bg;
        assert!(
            bg.is_some_and(|bg| bg != Color::Reset),
            "{name} sets its background"
        );
    }
}

#[test]
fn band_looks_differ_by_symbol_label_and_colour() {
    let bands = [
        Some(Band::Elite),
        Some(Band::High),
        Some(Band::Medium),
        Some(Band::Low),
        None,
    ];
    let default = builtin("default");
    let looks: Vec<(&str, &str)> = bands
        .iter()
        .map(|b| {
            let look = default.band(*b);
            (look.symbol, look.label)
        })
        .collect();
    assert_eq!(
        looks,
        [
            ("◆", "elite"),
            ("▲", "high"),
            ("■", "medium"),
            ("▼", "low"),
            ("·", "–")
        ]
    );
    assert_eq!(default.band(None).style, default.style(Role::Muted));
    for name in Theme::builtin_names() {
        let theme = builtin(name);
        let colours: BTreeSet<String> = bands[..4]
            .iter()
            .map(|b| format!("{:?}", theme.band(*b).style.fg))
            .collect();
        assert_eq!(colours.len(), 4, "{name}: band colours repeat: {colours:?}");
        assert_eq!(theme.band(Some(Band::Low)).style, theme.style(Role::Low));
        // The symbols stay when colour goes.
        let plain = Theme::load(name, &plain(), None, true).unwrap();
        assert_eq!(plain.band(Some(Band::Elite)).symbol, "◆");
    }
}

#[test]
fn no_color_drops_colours_and_keeps_modifiers() {
    for name in Theme::builtin_names() {
        let coloured = builtin(name);
        let plain = Theme::load(name, &plain(), None, true).unwrap();
        for role in Role::ALL {
            let (with, without) = (coloured.style(role), plain.style(role));
            for colour in [without.fg, without.bg, without.underline_color] {
                assert!(
                    matches!(colour, None | Some(Color::Reset)),
                    "{name}: {} keeps {colour:?}",
                    role.key()
                );
            }
            assert_eq!(without.fg.is_some(), with.fg.is_some());
            assert_eq!(without.add_modifier, with.add_modifier, "{name}");
            assert_eq!(without.sub_modifier, with.sub_modifier, "{name}");
        }
        // Selection and focus stay visible without colour.
        let selection = plain.style(Role::Selection).add_modifier;
        assert!(selection.contains(Modifier::REVERSED), "{name}");
        let focused = plain.style(Role::BorderFocused).add_modifier;
        assert!(focused.contains(Modifier::BOLD), "{name}");
    }
}

#[test]
fn no_color_applies_after_overrides() {
    let config = flowdeck_config::parse(
        "[theme]\nfail = { fg = \"#ff5555\", underline = true }\n",
        Path::new("c.toml"),
    )
    .unwrap();
    let theme = Theme::load("default", &config.theme, None, true).unwrap();
    let fail = theme.style(Role::Fail);
    assert_eq!(fail.fg, Some(Color::Reset));
    assert!(
        fail.add_modifier
            .contains(Modifier::UNDERLINED | Modifier::BOLD)
    );
}

#[test]
fn config_overrides_apply_last() {
    let config = flowdeck_config::parse(
        "[general]\ntheme = \"nord\"\n\n[theme]\nfail = \"#ff5555\"\nselection = { bold = false }\n",
        Path::new("c.toml"),
    )
    .unwrap();
    let dir = user_dir(&[("nord.toml", "fail = \"green\"\nok = \"white\"\n")]);
    let nord = builtin("nord");
    let theme = Theme::load(
        &config.general.theme,
        &config.theme,
        Some(dir.path()),
        false,
    )
    .unwrap();
    assert_eq!(
        theme.style(Role::Fail),
        nord.style(Role::Fail).fg(Color::Rgb(0xff, 0x55, 0x55))
    );
    assert_eq!(theme.style(Role::Ok), nord.style(Role::Ok).fg(Color::White));
    let selection = theme.style(Role::Selection);
    assert!(!selection.add_modifier.contains(Modifier::BOLD));
    assert!(selection.add_modifier.contains(Modifier::REVERSED));
    assert_eq!(selection.fg, nord.style(Role::Selection).fg);
    assert_eq!(theme.style(Role::Text), nord.style(Role::Text));
}

#[test]
fn a_user_file_with_a_builtin_name_patches_that_builtin() {
    let dir = user_dir(&[("light.toml", "accent = \"#010203\"\n")]);
    let light = builtin("light");
    let theme = Theme::load("light", &plain(), Some(dir.path()), false).unwrap();
    for role in Role::ALL {
        if role == Role::Accent {
            assert_eq!(theme.style(role), light.style(role).fg(Color::Rgb(1, 2, 3)));
        } else {
            assert_eq!(theme.style(role), light.style(role), "{}", role.key());
        }
    }
    // Without the directory, the plain built-in.
    assert_eq!(Theme::load("light", &plain(), None, false).unwrap(), light);
}

#[test]
fn a_user_file_with_a_new_name_patches_default() {
    let dir = user_dir(&[(
        "ocean.toml",
        "# mine\nbackground = { bg = \"#001122\" }\nelite = 51\n",
    )]);
    let default = builtin("default");
    let theme = Theme::load("ocean", &plain(), Some(dir.path()), false).unwrap();
    assert_eq!(theme.name(), "ocean");
    assert_eq!(
        theme.style(Role::Elite),
        Style::new().fg(Color::Indexed(51))
    );
    assert_eq!(
        theme.style(Role::Background),
        default
            .style(Role::Background)
            .bg(Color::Rgb(0, 0x11, 0x22))
    );
    assert_eq!(theme.style(Role::Fail), default.style(Role::Fail));
    assert_eq!(theme.background(), (0, 0x11, 0x22));
}

#[test]
fn an_unknown_theme_lists_the_themes_there_are() {
    let dir = user_dir(&[
        ("ocean.toml", ""),
        ("light.toml", ""),
        ("notes.txt", ""),
        (".hidden.toml", ""),
    ]);
    std::fs::create_dir(dir.path().join("old.toml")).unwrap();
    let error = Theme::load("nrod", &plain(), Some(dir.path()), false).unwrap_err();
    assert!(matches!(error, ThemeError::Unknown { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "unknown theme \"nrod\": it is not built in, and there is no {}\n  hint: did you mean \
             \"nord\"? The themes are \"default\", \"light\", \"high-contrast\", \"nord\", \"ocean\"",
            dir.path().join("nrod.toml").display()
        )
    );
    let error = Theme::load("sunset", &plain(), None, false).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown theme \"sunset\": it is not built in\n  hint: the themes are \"default\", \
         \"light\", \"high-contrast\", \"nord\"; set general.theme to one of them, or add a theme file"
    );
    // A name that is no file name is not looked up.
    let error = Theme::load("../nord", &plain(), Some(dir.path()), false).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unknown theme \"../nord\": it is not built in\n"),
        "{error}"
    );
}

#[test]
fn a_bad_user_theme_file_names_the_file_line_and_key() {
    let dir = user_dir(&[("ocean.toml", "ok = \"green\"\n\n[fial]\nfg = \"red\"\n")]);
    let error = Theme::load("ocean", &plain(), Some(dir.path()), false).unwrap_err();
    assert!(matches!(error, ThemeError::File(_)));
    assert_eq!(
        error.to_string(),
        format!(
            "{}:3:2: unknown role \"fial\"\n  hint: did you mean \"fail\"? The roles are text, \
             muted, accent, ok, warn, fail, stale, elite, high, medium, low, border, \
             border_focused, title, header, selection, background",
            dir.path().join("ocean.toml").display()
        )
    );

    // A bad file with a built-in name is an error too, not a silent fallback.
    let dir = user_dir(&[("nord.toml", "ok = { fg = \"grene\" }\n")]);
    let error = Theme::load("nord", &plain(), Some(dir.path()), false).unwrap_err();
    assert_eq!(
        error.to_string().lines().next().unwrap(),
        format!(
            "{}:1:13: unknown colour \"grene\" for \"fg\" in [ok]",
            dir.path().join("nord.toml").display()
        )
    );
    assert!(
        error
            .to_string()
            .contains("\n  hint: did you mean \"green\"?")
    );
}

#[test]
fn an_unreadable_user_theme_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ocean.toml")).unwrap();
    let error = Theme::load("ocean", &plain(), Some(dir.path()), false).unwrap_err();
    assert!(matches!(error, ThemeError::Unreadable { .. }), "{error}");
    assert!(
        error.to_string().starts_with(&format!(
            "{}: cannot read the theme file: ",
            dir.path().join("ocean.toml").display()
        )),
        "{error}"
    );
}

#[test]
fn the_example_configs_theme_table_is_the_default_theme() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config.example.toml"
    ));
    let config = flowdeck_config::parse(text, Path::new("config.example.toml")).unwrap();
    assert_eq!(config.general.theme, "default");
    let theme = Theme::load("default", &config.theme, None, false).unwrap();
    assert_eq!(theme, builtin("default"));
    // Every role is set there, so its styles are exactly default.toml's.
    for role in Role::ALL {
        assert!(
            role.spec(&config.theme) == role.spec(&patch_of("default")),
            "config.example.toml's {} differs from default.toml's",
            role.key()
        );
    }
}

#[test]
fn concrete_colours_for_renderers_without_a_terminal() {
    // default paints its own dark pair.
    let default = builtin("default");
    assert_eq!(default.foreground(), DARK_FG);
    assert_eq!(default.background(), DARK_BG);
    assert_eq!(default.fg_rgb(Role::Accent), (0x5f, 0xaf, 0xff));
    assert_eq!(default.bg_rgb(Role::Accent), DARK_BG);
    // light has dark text, so a white page.
    let light = builtin("light");
    assert_eq!(light.foreground(), (0x26, 0x26, 0x26));
    assert_eq!(light.background(), LIGHT_BG);
    let nord = builtin("nord");
    assert_eq!(nord.foreground(), (0xd8, 0xde, 0xe9));
    assert_eq!(nord.background(), (0x2e, 0x34, 0x40));
    let contrast = builtin("high-contrast");
    assert_eq!(contrast.foreground(), (0xff, 0xff, 0xff));
    assert_eq!(contrast.background(), (0, 0, 0));
    // Without colour every role resolves to the pair.
    let plain = Theme::load("nord", &plain(), None, true).unwrap();
    assert_eq!((plain.foreground(), plain.background()), (DARK_FG, DARK_BG));
    assert_eq!(plain.fg_rgb(Role::Fail), DARK_FG);
    // A light background with the text left to the terminal gets dark text.
    let paper = ThemeOverrides {
        background: Some(flowdeck_config::StyleSpec {
            fg: Some(Color::Reset),
            bg: Some(Color::White),
            ..Default::default()
        }),
        text: Some(flowdeck_config::StyleSpec {
            fg: Some(Color::Reset),
            ..Default::default()
        }),
        ..Default::default()
    };
    let paper = Theme::load("default", &paper, None, false).unwrap();
    assert_eq!(paper.foreground(), LIGHT_FG);
}

#[test]
fn the_default_impl_is_the_default_theme() {
    assert_eq!(Theme::default(), builtin("default"));
}

/// The config names the built-in themes in its hint for a bad `general.theme`, and the
/// example and starter configs in their comments; a new built-in must show up in all three.
#[test]
fn the_config_names_every_builtin_theme() {
    let error = flowdeck_config::parse("[general]\ntheme = \"a/b\"\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    let example = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config.example.toml"
    ));
    let starter = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/src/starter.toml"
    ));
    for name in Theme::builtin_names() {
        let quoted = format!("\"{name}\"");
        assert!(error.contains(&quoted), "{error}");
        assert!(
            example.contains(&quoted),
            "config.example.toml lacks {name}"
        );
        assert!(starter.contains(&quoted), "starter.toml lacks {name}");
    }
}
