//! Tests of the config module as a whole: every kind of error, loading, the example file and
//! the starter config.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use toml::de::{DeTable, DeValue};

use super::error::{ConfigError, ErrorKind};
use super::init::starter;
use super::load::{load_from, parse};
use super::locate::ConfigOrigin;
use super::schema::{BandsChoice, SourceConfig};
use super::shape::{self, Child, SOURCE_KINDS, TableShape};
use super::theme::ThemeOverrides;

const EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../config.example.toml"
));

/// Parses `text` expecting an error; returns (kind, line, column, the whole message).
fn error(text: &str) -> (ErrorKind, usize, usize, String) {
    let error = parse(text, Path::new("f.toml")).unwrap_err();
    let (line, column) = error.line_col().unwrap();
    (error.kind().unwrap(), line, column, error.to_string())
}

#[test]
fn syntax_errors_point_at_the_mistake() {
    let (kind, line, column, text) = error("[general]\nwindow = 30d\n");
    assert_eq!(kind, ErrorKind::Syntax);
    assert_eq!((line, column), (2, 10));
    assert_eq!(
        text,
        "f.toml:2:10: invalid TOML: string values must be quoted\n  hint: write \"30d\" in quotes"
    );
}

#[test]
fn unknown_keys_point_at_the_key_and_suggest_the_closest() {
    let (kind, line, column, text) = error("[general]\nwindow = \"7d\"\n  windw = \"30d\"\n");
    assert_eq!(kind, ErrorKind::UnknownKey);
    assert_eq!((line, column), (3, 3));
    assert_eq!(
        text,
        "f.toml:3:3: unknown key \"windw\" in [general]\n  hint: did you mean \"window\"? config.example.toml documents every key"
    );
}

#[test]
fn unknown_keys_without_a_close_match_list_the_valid_ones() {
    let (_, _, _, text) = error("[ui]\ncolour = \"red\"\n");
    assert!(
        text.ends_with(
            "hint: valid keys in [ui]: wall_rotate, mouse; config.example.toml documents every key"
        ),
        "{text}"
    );
}

#[test]
fn a_key_under_the_wrong_header_says_where_it_belongs() {
    let (_, line, _, text) =
        error("[[sources]]\nkind = \"git\"\nservice = \"api\"\ntimezone = \"UTC\"\n");
    assert_eq!(line, 4);
    assert!(
        text.contains("unknown key \"timezone\" in [[sources]] (kind \"git\")"),
        "{text}"
    );
    assert!(
        text.contains("hint: \"timezone\" belongs in [general]"),
        "{text}"
    );

    let (_, _, _, text) = error("window = \"30d\"\n");
    assert!(
        text.contains("unknown key \"window\" at the top level"),
        "{text}"
    );
    assert!(text.contains("\"window\" belongs in [general]"), "{text}");
}

#[test]
fn keys_of_another_source_kind_say_which_kind() {
    let text =
        "[[sources]]\nkind = \"gitlab\"\nservice = \"web\"\nproject = \"g/w\"\ntoken_cmd = \"x\"\n";
    let (_, line, column, text) = error(text);
    assert_eq!((line, column), (5, 1));
    assert!(text.ends_with("hint: \"token_cmd\" is only valid in [[sources]] of kind \"github\" or \"pagerduty\" or \"opsgenie\" or \"jenkins\" or \"buildkite\" or \"circleci\" or \"argocd\"; or did you mean \"token_env\"?"), "{text}");
}

#[test]
fn unknown_tables_are_named_as_written() {
    let (_, line, _, text) = error("[generl]\nwindow = \"30d\"\n");
    assert_eq!(line, 1);
    assert!(
        text.contains("unknown table [generl]\n  hint: did you mean [general]?"),
        "{text}"
    );
    let (_, _, _, text) = error("[[source]]\nkind = \"git\"\n");
    assert!(
        text.contains("unknown table [[source]]\n  hint: ")
            && text.ends_with("did you mean [[sources]]?"),
        "{text}"
    );
}

#[test]
fn unknown_keys_are_found_in_every_table() {
    let cases = [
        ("[incidents]\nhotfix = 'x'\n", "in [incidents]"),
        ("[export]\nformt = \"md\"\n", "in [export]"),
        ("[bands.lead_time]\nelit = \"1d\"\n", "in [bands.lead_time]"),
        ("[bands]\nleadtime = {}\n", "in [bands]"),
        (
            "[[services]]\nname = \"a\"\nteams = \"b\"\n",
            "in [[services]]",
        ),
        (
            "[[sources]]\nkind = \"prometheus\"\nurl = \"u\"\nselectors = \"\"\n",
            "(kind \"prometheus\")",
        ),
        (
            "[[sources]]\nkind = \"pagerduty\"\nurgency = []\n",
            "(kind \"pagerduty\")",
        ),
        (
            "[[sources]]\nkind = \"opsgenie\"\npriority = []\n",
            "(kind \"opsgenie\")",
        ),
        (
            "[[sources]]\nkind = \"github\"\nservice = \"a\"\nrepo = \"a/b\"\nci_workflow = []\n",
            "(kind \"github\")",
        ),
    ];
    for (text, place) in cases {
        let (kind, _, column, message) = error(text);
        assert_eq!(kind, ErrorKind::UnknownKey, "{text}");
        assert_eq!(column, 1, "{text}");
        assert!(message.contains(place), "{message}");
    }
}

#[test]
fn wrong_types_say_what_was_expected() {
    let (kind, line, column, text) = error("[general]\nwindow = 30\n");
    assert_eq!(kind, ErrorKind::WrongType);
    assert_eq!((line, column), (2, 10));
    assert_eq!(
        text,
        "f.toml:2:10: wrong type for \"window\" in [general]: expected a string like \"30d\", found an integer\n  hint: write it like window = \"30d\""
    );
    let (_, _, _, text) = error("[ui]\nmouse = \"yes\"\n");
    assert!(
        text.contains("expected true or false, found a string"),
        "{text}"
    );
    let (_, _, _, text) = error("[general]\nreport_items = \"200\"\n");
    assert!(
        text.contains("expected a whole number (0 or more), found a string"),
        "{text}"
    );
    let (_, _, _, text) = error("[general]\nexclude_authors = \"*[bot]\"\n");
    assert!(text.contains("expected an array, found a string"), "{text}");
    let (_, _, _, text) = error("[general]\nbands = 2023\n");
    assert!(
        text.contains("wrong type for \"bands\" in [general]: expected a string"),
        "{text}"
    );
    let (_, _, _, text) = error("general = 1\n");
    assert!(
        text.contains("wrong type for \"general\" at the top level: expected a table"),
        "{text}"
    );
    let (_, line, column, text) =
        error("[[sources]]\nkind = \"git\"\nservice = \"a\"\npaths = [1]\n");
    assert_eq!((line, column), (4, 10));
    assert!(
        text.contains("hint: write each entry of paths like \"v*\""),
        "{text}"
    );
}

#[test]
fn bad_values_point_at_the_value() {
    let cases = [
        (
            "[general]\nwindow = \"3x\"\n",
            (2, 10),
            "invalid duration \"3x\" for \"window\" in [general]",
        ),
        (
            "[general]\ntimezone = \"Europe/Berln\"\n",
            (2, 12),
            "unknown timezone \"Europe/Berln\" for \"timezone\" in [general]\n  hint: did you mean \"Europe/Berlin\"?",
        ),
        (
            "[incidents]\nhotfix_pattern = '(hotfix'\n",
            (2, 18),
            "invalid regular expression \"(hotfix\" for \"hotfix_pattern\" in [incidents]\n  hint: unclosed group",
        ),
        (
            "[general]\nexclude_authors = [\"ok\", \"[a\"]\n",
            (2, 26),
            "invalid glob \"[a\" for \"exclude_authors\" in [general]",
        ),
        (
            "[general]\nbands = \"dora-2022\"\n",
            (2, 9),
            "unknown value \"dora-2022\" for \"bands\" in [general]\n  hint: did you mean \"dora-2023\"? The choices are \"dora-2023\", \"dora-2021\", \"custom\"",
        ),
        (
            "[export]\nformat = \"pdf\"\n",
            (2, 10),
            "unknown value \"pdf\" for \"format\" in [export]\n  hint: the choices are \"json\", \"md\", \"html\", \"svg\"",
        ),
        (
            "[bands.change_failure_rate]\nelite = 5\nhigh = 0.1\nmedium = 0.2\n",
            (2, 9),
            "invalid rate 5 for \"elite\" in [bands.change_failure_rate]",
        ),
        (
            "[bands.frequency]\nelite = \"often\"\n",
            (2, 9),
            "invalid frequency threshold \"often\" for \"elite\" in [bands.frequency]",
        ),
        (
            "[[sources]]\nkind = \"git\"\nservice = \"a\"\ndeploy_tags = \"v[\"\n",
            (4, 15),
            "invalid glob \"v[\" for \"deploy_tags\" in [[sources]] (kind \"git\")",
        ),
        (
            "[[sources]]\nkind = \"git\"\nservice = \"a\"\ninterval = \"soon\"\n",
            (4, 12),
            "invalid duration \"soon\" for \"interval\" in [[sources]] (kind \"git\")",
        ),
    ];
    for (text, at, message) in cases {
        let (kind, line, column, full) = error(text);
        assert_eq!(kind, ErrorKind::InvalidValue, "{full}");
        assert_eq!((line, column), at, "{full}");
        assert!(
            full.contains(message),
            "{full}\n--- does not contain ---\n{message}"
        );
    }
}

#[test]
fn a_missing_required_key_points_at_the_table_header() {
    let (kind, line, column, text) =
        error("[general]\n\n[[sources]]\nkind = \"git\"\npath = \".\"\n");
    assert_eq!(kind, ErrorKind::MissingKey);
    assert_eq!((line, column), (3, 1));
    assert_eq!(
        text,
        "f.toml:3:1: missing required key \"service\" in [[sources]] (kind \"git\")\n  hint: add service = … to this source; config.example.toml shows every key of each kind"
    );
    let (kind, line, _, text) = error("[[sources]]\nservice = \"a\"\n");
    assert_eq!((kind, line), (ErrorKind::MissingKey, 1));
    assert!(
        text.contains("missing required key \"kind\" in [[sources]]\n"),
        "{text}"
    );
    let (kind, line, _, text) = error("[[services]]\nteam = \"a\"\n");
    assert_eq!((kind, line), (ErrorKind::MissingKey, 1));
    assert!(
        text.contains("missing required key \"name\" in [[services]]"),
        "{text}"
    );
    let (kind, line, _, text) = error("[bands.lead_time]\nelite = \"1d\"\nhigh = \"2d\"\n");
    assert_eq!((kind, line), (ErrorKind::MissingKey, 1));
    assert!(
        text.contains("missing required key \"medium\" in [bands.lead_time]"),
        "{text}"
    );
}

#[test]
fn an_unknown_source_kind_lists_the_kinds() {
    let (kind, line, column, text) = error("[[sources]]\nkind = \"githb\"\nservice = \"a\"\n");
    assert_eq!(kind, ErrorKind::UnknownSourceKind);
    assert_eq!((line, column), (2, 8));
    assert_eq!(
        text,
        "f.toml:2:8: unknown source kind \"githb\"\n  hint: did you mean \"github\"? The kinds are \"git\", \"github\", \"gitlab\", \"prometheus\", \"pagerduty\", \"opsgenie\", \"jenkins\", \"buildkite\", \"circleci\", \"argocd\", \"events\""
    );
    let (kind, _, _, _) = error("[[sources]]\nkind = 1\n");
    assert_eq!(kind, ErrorKind::WrongType);
    let (kind, _, _, _) = error("sources = \"git\"\n");
    assert_eq!(kind, ErrorKind::WrongType);
}

#[test]
fn custom_bands_need_a_bands_table() {
    let (kind, line, column, text) = error("[general]\nbands = \"custom\"\n");
    assert_eq!(kind, ErrorKind::Conflict);
    assert_eq!((line, column), (2, 9));
    assert!(
        text.contains(": bands = \"custom\" needs a [bands] table, and there is none\n"),
        "{text}"
    );
}

#[test]
fn a_service_declared_twice_points_at_the_second() {
    let text = "[[services]]\nname = \"api\"\n\n[[services]]\nname = \"web\"\n\n[[services]]\nname = \"api\"\n";
    let (kind, line, column, text) = error(text);
    assert_eq!(kind, ErrorKind::Conflict);
    assert_eq!((line, column), (8, 8));
    assert!(
        text.ends_with("service \"api\" is declared twice in [[services]]\n  hint: it is first declared on line 2; keep one [[services]] entry per name"),
        "{text}"
    );
}

#[test]
fn two_git_sources_on_one_repository_are_allowed() {
    let text = "[[sources]]\nkind = \"git\"\nservice = \"api\"\ndeploy_tags = \"v*\"\n\n\
                [[sources]]\nkind = \"git\"\nservice = \"api\"\ndeploy_tags = \"v1*\"\n";
    assert_eq!(parse(text, Path::new("f.toml")).unwrap().sources.len(), 2);
}

#[test]
fn the_first_problem_in_the_file_is_reported() {
    // A bad value before an unknown key: the bad value comes first in the file.
    let (kind, line, _, _) = error("[general]\nwindow = \"3x\"\n\n[ui]\nmous = true\n");
    assert_eq!((kind, line), (ErrorKind::InvalidValue, 2));
    let (kind, line, _, _) = error("[general]\nwindw = \"3d\"\n\n[ui]\nmouse = 1\n");
    assert_eq!((kind, line), (ErrorKind::UnknownKey, 2));
}

#[test]
fn an_empty_file_means_the_defaults() {
    let config = parse("", Path::new("f.toml")).unwrap();
    assert_eq!(config.general.report_items, 200);
    assert_eq!(config.general.bands, BandsChoice::Dora2023);
    assert!(config.sources.is_empty());
}

#[test]
fn sources_keep_their_order_and_values() {
    let text = "[[sources]]\nkind = \"prometheus\"\nurl = \"http://p\"\n\n\
                [[sources]]\nkind = \"git\"\nservice = \"api\"\ninterval = \"5m\"\n";
    let config = parse(text, Path::new("f.toml")).unwrap();
    let kinds: Vec<&str> = config.sources.iter().map(SourceConfig::kind).collect();
    assert_eq!(kinds, ["prometheus", "git"]);
    let SourceConfig::Git(git) = &config.sources[1] else {
        panic!("not git")
    };
    assert_eq!(git.interval.map(|i| i.0.num_minutes()), Some(5));
    assert_eq!(git.deploy_tags.to_string(), "v*");
}

// ----- loading -----

#[test]
fn a_missing_file_named_by_the_user_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    for origin in [ConfigOrigin::Flag, ConfigOrigin::Env] {
        let error = load_from(Some((path.clone(), origin))).unwrap_err();
        assert!(matches!(error, ConfigError::NotFound { .. }), "{error}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}: config file not found", path.display()))
        );
    }
}

#[test]
fn a_missing_file_at_the_default_location_means_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_from(Some((
        dir.path().join("config.toml"),
        ConfigOrigin::Default,
    )))
    .unwrap();
    assert_eq!(loaded.path, None);
    assert_eq!(loaded.base_dir, std::env::current_dir().unwrap());
    let loaded = load_from(None).unwrap();
    assert_eq!(loaded.path, None);
}

#[test]
fn a_loaded_file_resolves_paths_from_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowdeck.toml");
    std::fs::write(&path, "[general]\nwindow = \"7d\"\n").unwrap();
    let loaded = load_from(Some((path.clone(), ConfigOrigin::Default))).unwrap();
    assert_eq!(loaded.path, Some(path));
    assert_eq!(loaded.base_dir, dir.path());
    assert_eq!(loaded.config.general.window.0.num_days(), 7);
}

#[test]
fn errors_name_the_file_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flowdeck.toml");
    std::fs::write(&path, "[general]\nwindw = \"7d\"\n").unwrap();
    let error = load_from(Some((path.clone(), ConfigOrigin::Env))).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:2:1: unknown key", path.display()))
    );
}

#[test]
fn a_directory_is_not_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let error = load_from(Some((dir.path().to_path_buf(), ConfigOrigin::Flag))).unwrap_err();
    assert!(matches!(error, ConfigError::NotAFile { .. }), "{error}");
}

// ----- the example file -----

#[test]
fn the_example_file_parses() {
    let config = parse(EXAMPLE, Path::new("config.example.toml")).unwrap();
    let kinds: BTreeSet<&str> = config.sources.iter().map(SourceConfig::kind).collect();
    assert_eq!(kinds, SOURCE_KINDS.into_iter().collect());
    assert!(config.bands.is_some());
}

/// Fails when a key is added to the schema without being documented in config.example.toml:
/// every key of every table (and of every source kind) must be set there.
#[test]
fn the_example_file_sets_every_key_of_the_schema() {
    let root = DeTable::parse(EXAMPLE).unwrap().into_inner();
    let mut missing = Vec::new();
    check_covered(&root, &shape::config(), "", &mut missing);
    assert!(missing.is_empty(), "config.example.toml lacks: {missing:?}");
}

fn check_covered(table: &DeTable<'_>, shape: &TableShape, name: &str, missing: &mut Vec<String>) {
    for key in shape.keys {
        let Some(value) = table.get(*key) else {
            missing.push(format!("{name}.{key}"));
            continue;
        };
        let path = format!("{name}.{key}");
        match (shape.child(key), value.get_ref()) {
            (Some(Child::Table(inner)), DeValue::Table(table)) => {
                check_covered(table, inner, &path, missing);
            }
            (Some(Child::ArrayOfTables(inner)), DeValue::Array(items)) => {
                let keys = union_of_keys(items.iter().map(|i| i.get_ref()));
                missing.extend(
                    inner
                        .keys
                        .iter()
                        .filter(|k| !keys.contains(**k))
                        .map(|k| format!("{path}.{k}")),
                );
            }
            (Some(Child::Sources), DeValue::Array(items)) => {
                for kind in SOURCE_KINDS {
                    let of_kind = items.iter().map(|i| i.get_ref()).filter(|item| {
                        item.as_table()
                            .and_then(|t| t.get("kind"))
                            .and_then(|k| k.get_ref().as_str())
                            == Some(kind)
                    });
                    let keys = union_of_keys(of_kind);
                    let wanted = shape::source_keys(kind).unwrap_or_default();
                    missing.extend(
                        wanted
                            .iter()
                            .filter(|k| !keys.contains(**k))
                            .map(|k| format!("{path}({kind}).{k}")),
                    );
                }
            }
            // Either form documents the key; the keys of its table form are checked below.
            (Some(Child::ValueOrTable(_)), _) => {}
            // Free keys: the table's presence (with an example entry) documents it.
            (Some(Child::KeyBindings), DeValue::Table(_)) => {}
            (None, _) => {}
            (Some(_), _) => missing.push(format!("{path} (not a table)")),
        }
    }
    // Keys that may be a value or a table (theme roles): each key of the table form must be
    // shown in at least one of them, so the example need not write every role as a table.
    let mut wanted = BTreeSet::new();
    let mut shown = BTreeSet::new();
    for (key, child) in &shape.children {
        if let Child::ValueOrTable(inner) = child {
            wanted.extend(inner.keys.iter().map(|k| k.to_string()));
            if let Some(DeValue::Table(inner_table)) = table.get(*key).map(|v| v.get_ref()) {
                shown.extend(inner_table.iter().map(|(k, _)| k.get_ref().to_string()));
            }
        }
    }
    missing.extend(
        wanted
            .difference(&shown)
            .map(|k| format!("{name}.<any>.{k}")),
    );
}

fn union_of_keys<'a, 'i: 'a>(items: impl Iterator<Item = &'a DeValue<'i>>) -> BTreeSet<String> {
    items
        .filter_map(DeValue::as_table)
        .flat_map(|t| t.iter().map(|(k, _)| k.get_ref().to_string()))
        .collect()
}

// ----- init -----

#[test]
fn the_starter_parses_with_one_git_source() {
    for (repo, config_dir, expected_path) in [
        ("/src/api", "/src/api", "."),
        ("/src/api", "/home/u/.config/flowdeck", "/src/api"),
        ("/src/we\"ird\\ name ü", "/x", "/src/we\"ird\\ name ü"),
    ] {
        let text = starter(Path::new(repo), Path::new(config_dir));
        let config = parse(&text, Path::new("starter.toml")).unwrap();
        let [SourceConfig::Git(git)] = config.sources.as_slice() else {
            panic!("not one git source: {:?}", config.sources)
        };
        assert_eq!(git.path, PathBuf::from(expected_path));
        assert_eq!(git.deploy_tags.to_string(), "v*");
        let name = Path::new(repo).file_name().unwrap().to_string_lossy();
        assert_eq!(git.service, name);
        assert_eq!(config.services[0].name, name);
        assert_eq!(config.general.bands, BandsChoice::Dora2023);
    }
}

/// The commented-out source examples in the starter must work once uncommented.
#[test]
fn the_starters_commented_sources_parse_once_uncommented() {
    let text = starter(Path::new("/src/api"), Path::new("/src/api"));
    let (_, examples) = text.split_once("# More sources").unwrap();
    let uncommented: String = examples
        .lines()
        .skip(1)
        .map(|line| {
            line.strip_prefix("# ")
                .or(line.strip_prefix('#'))
                .unwrap_or(line)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config = parse(&uncommented, Path::new("examples.toml")).unwrap();
    assert_eq!(config.sources.len(), 5);
}

// ----- [theme] -----

#[test]
fn theme_overrides_are_read() {
    let text = "[general]\ntheme = \"nord\"\n\n[theme]\nfail = \"#ff5555\"\n\
                selection = { bg = 236, reversed = false }\n";
    let config = parse(text, Path::new("f.toml")).unwrap();
    assert_eq!(config.general.theme, "nord");
    let fail = config.theme.fail.unwrap();
    assert_eq!(fail.fg, Some(Color::Rgb(0xff, 0x55, 0x55)));
    assert_eq!(fail.bold, None);
    let selection = config.theme.selection.unwrap();
    assert_eq!(selection.bg, Some(Color::Indexed(236)));
    assert_eq!(selection.reversed, Some(false));
    assert_eq!(config.theme.ok, None);
    assert_eq!(
        parse("", Path::new("f.toml")).unwrap().theme,
        ThemeOverrides::default()
    );
}

#[test]
fn an_unknown_role_in_theme_suggests_the_closest() {
    let (kind, line, column, text) = error("[theme]\nok = \"green\"\n fial = \"red\"\n");
    assert_eq!(kind, ErrorKind::UnknownKey);
    assert_eq!((line, column), (3, 2));
    assert_eq!(
        text,
        "f.toml:3:2: unknown key \"fial\" in [theme]\n  hint: did you mean \"fail\"? config.example.toml documents every key"
    );
    let (_, _, _, text) = error("[theme]\nsuccess = \"green\"\n");
    assert!(
        text.ends_with(
            "hint: valid keys in [theme]: text, muted, accent, ok, warn, fail, stale, elite, high, \
             medium, low, border, border_focused, title, header, selection, background; \
             config.example.toml documents every key"
        ),
        "{text}"
    );
}

#[test]
fn an_unknown_key_in_a_role_table_suggests_the_closest() {
    let (kind, line, column, text) = error("[theme]\nok = { fg = \"green\", bolt = true }\n");
    assert_eq!(kind, ErrorKind::UnknownKey);
    assert_eq!((line, column), (2, 22));
    assert_eq!(
        text,
        "f.toml:2:22: unknown key \"bolt\" in [theme.ok]\n  hint: did you mean \"bold\"? config.example.toml documents every key"
    );
    let (kind, line, column, _) = error("[theme.fail]\nfg = \"red\"\nbackground = \"red\"\n");
    assert_eq!((kind, line, column), (ErrorKind::UnknownKey, 3, 1));
}

#[test]
fn bad_theme_values_point_at_the_value() {
    let cases = [
        (
            "[theme]\nok = \"gren\"\n",
            (ErrorKind::InvalidValue, 2, 6),
            "f.toml:2:6: unknown colour \"gren\" for \"ok\" in [theme]\n  hint: did you mean \"green\"? \
             a colour is a name (black, red, green, yellow, blue, magenta, cyan, gray, darkgray, \
             lightred, lightgreen, lightyellow, lightblue, lightmagenta, lightcyan, white, reset), \
             \"#rrggbb\", or a 256-colour index written as a number, like 208",
        ),
        (
            "[theme.ok]\nbold = true\nfg = 300\n",
            (ErrorKind::InvalidValue, 3, 6),
            "f.toml:3:6: invalid colour index 300 for \"fg\" in [theme.ok]\n  hint: 256-colour indexes \
             run from 0 to 255; or write a name like \"green\" or \"#rrggbb\"",
        ),
        (
            "[theme]\nfail = { bg = \"#ff55\" }\n",
            (ErrorKind::InvalidValue, 2, 15),
            "f.toml:2:15: invalid colour \"#ff55\" for \"bg\" in [theme.fail]\n  hint: write a hex colour \
             with six digits, like \"#5faf5f\"",
        ),
        (
            "[theme]\nok = true\n",
            (ErrorKind::WrongType, 2, 6),
            "f.toml:2:6: wrong type for \"ok\" in [theme]: expected a colour like \"green\" or a table \
             like { fg = \"green\", bold = true }, found a boolean\n  hint: write it like ok = \"green\"",
        ),
        (
            "[theme]\nok = { bold = 1 }\n",
            (ErrorKind::WrongType, 2, 15),
            "f.toml:2:15: wrong type for \"bold\" in [theme.ok]: expected true or false, found an \
             integer\n  hint: write bold = true or bold = false, without quotes",
        ),
    ];
    for (text, (kind, line, column), message) in cases {
        assert_eq!(
            error(text),
            (kind, line, column, message.to_string()),
            "{text}"
        );
    }
}

#[test]
fn a_theme_name_in_the_wrong_place_says_where_it_goes() {
    let (kind, line, column, text) = error("theme = \"nord\"\n");
    assert_eq!((kind, line, column), (ErrorKind::InvalidValue, 1, 9));
    assert_eq!(
        text,
        "f.toml:1:9: misplaced theme name \"nord\" for \"theme\" at the top level\n  hint: pick the \
         theme under [general]: theme = \"nord\"; [theme] overrides single roles, like fail = \"#ff5555\""
    );
    // A role under [general] belongs in [theme].
    let (_, _, _, text) = error("[general]\nfail = \"red\"\n");
    assert!(
        text.contains("hint: \"fail\" belongs in [theme]: a key belongs to the nearest"),
        "{text}"
    );
    let (_, _, _, text) = error("[colours]\nfail = \"red\"\n");
    assert!(
        text.contains("[export], [theme], [keys], [bands]"),
        "{text}"
    );
}

#[test]
fn theme_names_must_be_file_names() {
    let (kind, line, column, text) = error("[general]\ntheme = \"nord.toml\"\n");
    assert_eq!((kind, line, column), (ErrorKind::InvalidValue, 2, 9));
    assert_eq!(
        text,
        "f.toml:2:9: invalid theme name \"nord.toml\" for \"theme\" in [general]\n  hint: write the \
         name without \".toml\": theme = \"nord\""
    );
    let (kind, _, _, text) = error("[general]\ntheme = \"../themes/x\"\n");
    assert_eq!(kind, ErrorKind::InvalidValue);
    assert!(
        text.contains("invalid theme name \"../themes/x\" for \"theme\" in [general]\n"),
        "{text}"
    );
    // Whether a name exists is known only when the theme loads (it may be a user file).
    let config = parse("[general]\ntheme = \"my-ocean\"\n", Path::new("f.toml")).unwrap();
    assert_eq!(config.general.theme, "my-ocean");
}
