//! Which tags are releases: the names are sorted into patterns (a prefix, then a version), and
//! the patterns that describe the repository's releases are chosen.
//!
//! - One version pattern (`v1.2.3`, `1.2.3`, `release-2026-01-05`): one service named after
//!   the repository.
//! - Several prefixes before a version (`api-v1.2.0`, `web/v3.1.0`, `api@1.4.0`,
//!   `ratatui-core-v0.1.0`): one service per prefix (a monorepo). Unprefixed version tags
//!   then belong to the service named after the repository.
//! - Within one service, when tags follow several patterns (`v1.2.3` and `1.2.3`), the
//!   biggest group wins and the others are named, never silently merged.
//!
//! Tags that fit no version pattern are ignored (and counted).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

/// More services than this from one repository are not a monorepo's packages but noise: the
/// biggest groups are kept and the rest named.
pub const MAX_SERVICES: usize = 24;

/// A version at the end of a tag name: a dotted number with an optional `v`, pre-release and
/// build parts, or a date. The part before it is the prefix.
static VERSION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<prefix>.*?)(?P<v>[vV]?)(?P<version>[0-9]+(?:\.[0-9]+){1,3}(?:[-+][0-9A-Za-z.+-]*)?|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[-.T][0-9A-Za-z.-]*)?|[0-9]{4}\.[0-9]{2}\.[0-9]{2}(?:[-.][0-9A-Za-z.-]*)?|[0-9]{8}(?:[-.][0-9A-Za-z.-]*)?)$",
    )
    .ok()
});

/// Prefixes that name a kind of release rather than a package.
const RELEASE_WORDS: &[&str] = &[
    "release",
    "releases",
    "rel",
    "deploy",
    "deployment",
    "prod",
    "production",
    "version",
    "ver",
    "tag",
    "stable",
];

/// How the version part of a tag is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Style {
    /// `v1.2.3`
    VDotted,
    /// `1.2.3`
    Dotted,
    /// `2026-01-05`, `2026.01.05`, `20260105`
    Dated,
}

/// Tags sharing a prefix and a style: one glob matches them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    /// What comes before the version, separator included: `""`, `"api-"`, `"web/"`.
    pub prefix: String,
    pub style: Style,
    pub count: usize,
    /// The highest version of the group, by version order.
    pub latest: String,
    /// A few names of the group, for the comments `init` writes.
    pub example: String,
}

impl TagGroup {
    /// The glob matching this group (and, by design, only tags of this prefix and style).
    pub fn glob(&self) -> String {
        let prefix = escape_glob(&self.prefix);
        match self.style {
            Style::VDotted => format!("{prefix}v[0-9]*"),
            Style::Dotted | Style::Dated => format!("{prefix}[0-9]*"),
        }
    }

    /// The service a prefixed group stands for: the prefix without its separator.
    fn package(&self) -> Option<String> {
        let name = self
            .prefix
            .trim_end_matches(['-', '_', '/', '@'])
            .trim_start_matches('@');
        if name.is_empty() || RELEASE_WORDS.contains(&name.to_ascii_lowercase().as_str()) {
            return None;
        }
        Some(name.to_string())
    }
}

/// One inferred service: its name and the tag group that deploys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredService {
    pub name: String,
    /// The chosen groups, biggest first; more than one when the repository's own name is also
    /// a prefix (`v0.29.0` and `ratatui-v0.30.2` both release `ratatui`).
    pub groups: Vec<TagGroup>,
}

/// What the tags say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagInference {
    pub services: Vec<InferredService>,
    /// Groups not chosen (another pattern of the same service was bigger, or too many
    /// services), biggest first.
    pub passed_over: Vec<TagGroup>,
    /// Tags that fit no version pattern.
    pub ignored: usize,
    /// Every tag read.
    pub total: usize,
    /// Tag names that are not valid UTF-8 (never matched).
    pub unreadable: usize,
}

impl TagInference {
    pub fn is_monorepo(&self) -> bool {
        self.services.len() > 1
    }
}

/// Splits a tag name into prefix and style; None when it ends in no version.
fn classify(name: &str) -> Option<(String, Style, &str)> {
    let re = VERSION.as_ref()?;
    let caps = re.captures(name)?;
    let prefix = caps.name("prefix").map_or("", |m| m.as_str());
    let version = caps.name("version").map_or("", |m| m.as_str());
    let has_v = caps.name("v").is_some_and(|m| !m.as_str().is_empty());
    // A prefix must end at a separator ("api-v1", "web/1.0"), so "foo1.2" is not "foo" 1.2.
    if !prefix.is_empty() && !prefix.ends_with(['-', '_', '/', '@']) {
        return None;
    }
    let dated = version.len() >= 8
        && version.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && (version.as_bytes()[4] == b'-'
            || version.as_bytes()[4] == b'.'
                && version.len() >= 10
                && version.as_bytes()[7] == b'.'
            || version.as_bytes()[4].is_ascii_digit() && !version[..8].contains('.'));
    let style = match (dated, has_v) {
        (true, _) => Style::Dated,
        (false, true) => Style::VDotted,
        (false, false) => Style::Dotted,
    };
    Some((prefix.to_string(), style, version))
}

/// The numbers of a version, for ordering ("0.30.2" > "0.9.1"); pre-releases after nothing.
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|part| !part.is_empty())
        .map(|part| part.parse().unwrap_or(u64::MAX))
        .collect()
}

/// Sorts `names` into groups and chooses the services; `repo_name` names the service of
/// unprefixed tags, `has_folder` says whether a folder named like a prefix exists.
pub fn infer<'a>(
    names: impl IntoIterator<Item = Option<&'a str>>,
    repo_name: &str,
    has_folder: impl Fn(&str) -> bool,
) -> TagInference {
    let mut inference = TagInference::default();
    // (prefix, style) -> (count, latest version key, latest name)
    let mut groups: BTreeMap<(String, Style), (usize, Vec<u64>, String)> = BTreeMap::new();
    for name in names {
        inference.total += 1;
        let Some(name) = name else {
            inference.unreadable += 1;
            continue;
        };
        let Some((prefix, style, version)) = classify(name) else {
            inference.ignored += 1;
            continue;
        };
        let key = version_key(version);
        let entry = groups
            .entry((prefix, style))
            .or_insert_with(|| (0, Vec::new(), String::new()));
        entry.0 += 1;
        if entry.2.is_empty() || key > entry.1 {
            entry.1 = key;
            entry.2 = name.to_string();
        }
    }
    let mut all: Vec<TagGroup> = groups
        .into_iter()
        .map(|((prefix, style), (count, _, latest))| TagGroup {
            example: latest.clone(),
            prefix,
            style,
            count,
            latest,
        })
        .collect();
    // Biggest first; ties by prefix then style, so the choice never depends on tag order.
    all.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.prefix.cmp(&b.prefix))
            .then_with(|| a.style.cmp(&b.style))
    });

    // A monorepo: two or more package prefixes, or one that names a folder.
    let packages: Vec<String> = {
        let mut names: Vec<String> = all.iter().filter_map(TagGroup::package).collect();
        names.dedup();
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        names
    };
    let monorepo = packages.len() >= 2 || packages.iter().any(|p| has_folder(p));

    // The service each group would deploy.
    let service_of = |group: &TagGroup| -> String {
        match group.package() {
            Some(package) if monorepo => package,
            _ => repo_name.to_string(),
        }
    };
    let mut services: Vec<InferredService> = Vec::new();
    for group in all {
        let service = service_of(&group);
        match services.iter_mut().find(|s| s.name == service) {
            // The service's first (biggest) group is chosen; another prefix for the same
            // service (the repository's own name as a prefix) is chosen too; another style
            // of a chosen prefix is passed over.
            Some(existing) => {
                let same_prefix = existing.groups.iter().any(|g| g.prefix == group.prefix);
                if same_prefix || !monorepo {
                    inference.passed_over.push(group);
                } else {
                    existing.groups.push(group);
                }
            }
            None => services.push(InferredService {
                name: service,
                groups: vec![group],
            }),
        }
    }
    if services.len() > MAX_SERVICES {
        for extra in services.split_off(MAX_SERVICES) {
            inference.passed_over.extend(extra.groups);
        }
    }
    inference.services = services;
    inference
}

/// A literal text as a glob: the characters globs treat specially are put in brackets.
fn escape_glob(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' | '\\' | '!' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(names: &[&str], folders: &[&str]) -> TagInference {
        infer(names.iter().map(|n| Some(*n)), "repo", |p| {
            folders.contains(&p)
        })
    }

    fn globs(inference: &TagInference) -> Vec<(String, Vec<String>)> {
        inference
            .services
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.groups.iter().map(TagGroup::glob).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn one_v_pattern_is_one_service_named_after_the_repository() {
        let inference = run(&["v1.0.0", "v1.1.0", "v1.2.3-rc.1", "nightly"], &[]);
        assert_eq!(globs(&inference), [("repo".into(), vec!["v[0-9]*".into()])]);
        assert_eq!(inference.ignored, 1);
        assert_eq!(inference.services[0].groups[0].latest, "v1.2.3-rc.1");
    }

    #[test]
    fn bare_and_dated_versions() {
        let bare = run(&["1.2.3", "1.10.0", "1.9.0"], &[]);
        assert_eq!(globs(&bare), [("repo".into(), vec!["[0-9]*".into()])]);
        assert_eq!(bare.services[0].groups[0].latest, "1.10.0");
        let dated = run(&["release-2026-01-05", "release-2026-02-01"], &[]);
        assert_eq!(
            globs(&dated),
            [("repo".into(), vec!["release-[0-9]*".into()])]
        );
        assert_eq!(dated.services[0].groups[0].style, Style::Dated);
    }

    #[test]
    fn the_biggest_pattern_wins_and_the_others_are_named() {
        let inference = run(
            &["v1.0", "v1.1", "v1.2", "1.0.0", "release-2026-01-05"],
            &[],
        );
        assert_eq!(globs(&inference), [("repo".into(), vec!["v[0-9]*".into()])]);
        let passed: Vec<String> = inference.passed_over.iter().map(TagGroup::glob).collect();
        assert_eq!(passed, ["[0-9]*", "release-[0-9]*"]);
    }

    #[test]
    fn prefixes_make_a_monorepo() {
        let inference = run(
            &[
                "api-v1.2.0",
                "api-v1.3.0",
                "web/v3.1.0",
                "@scope/ui@1.4.0",
                "worker@2.0.0",
            ],
            &[],
        );
        let found = globs(&inference);
        assert!(
            found.contains(&("api".into(), vec!["api-v[0-9]*".into()])),
            "{found:?}"
        );
        assert!(
            found.contains(&("web".into(), vec!["web/v[0-9]*".into()])),
            "{found:?}"
        );
        assert!(
            found.contains(&("worker".into(), vec!["worker@[0-9]*".into()])),
            "{found:?}"
        );
        assert!(
            found.contains(&("scope/ui".into(), vec!["@scope/ui@[0-9]*".into()])),
            "{found:?}"
        );
        assert!(inference.is_monorepo());
    }

    #[test]
    fn ratatui_per_crate_tags_with_old_plain_tags() {
        let mut names = vec!["v0.26.0", "v0.27.0", "v0.28.0", "v0.29.0"];
        names.extend([
            "ratatui-v0.30.0",
            "ratatui-v0.30.1",
            "ratatui-v0.30.2",
            "ratatui-core-v0.1.0",
            "ratatui-widgets-v0.3.2",
            "ratatui-crossterm-v0.1.0",
        ]);
        let inference = infer(names.iter().map(|n| Some(*n)), "ratatui", |p| {
            p.starts_with("ratatui")
        });
        let found = globs(&inference);
        assert_eq!(
            found[0],
            (
                "ratatui".to_string(),
                vec!["v[0-9]*".to_string(), "ratatui-v[0-9]*".to_string()]
            ),
            "{found:?}"
        );
        assert!(found.contains(&("ratatui-core".into(), vec!["ratatui-core-v[0-9]*".into()])));
        assert!(found.contains(&(
            "ratatui-widgets".into(),
            vec!["ratatui-widgets-v[0-9]*".into()]
        )));
        assert_eq!(inference.services.len(), 4);
    }

    #[test]
    fn one_prefix_with_a_folder_is_a_package_and_without_one_a_pattern() {
        let names = ["api-v1.0.0", "api-v1.1.0"];
        assert_eq!(globs(&run(&names, &["api"]))[0].0, "api");
        assert_eq!(globs(&run(&names, &[]))[0].0, "repo");
    }

    #[test]
    fn names_that_are_no_versions_are_ignored() {
        let inference = run(
            &[
                "latest",
                "nightly",
                "foo1.2",
                "v1",
                "2026",
                "",
                "x\u{1b}[31m",
                "v1.2.3.4.5.6",
            ],
            &[],
        );
        assert!(inference.services.is_empty(), "{:?}", inference.services);
        assert_eq!(inference.ignored, 8);
    }

    #[test]
    fn unreadable_names_are_counted() {
        let inference = infer([None, Some("v1.0.0")], "repo", |_| false);
        assert_eq!(inference.unreadable, 1);
        assert_eq!(inference.services.len(), 1);
    }

    #[test]
    fn glob_characters_in_a_prefix_are_literal() {
        let inference = run(&["a*b-v1.0", "a*b-v1.1"], &["a*b"]);
        assert_eq!(globs(&inference)[0].1, ["a[*]b-v[0-9]*"]);
        let glob = globset::Glob::new(&inference.services[0].groups[0].glob())
            .unwrap()
            .compile_matcher();
        assert!(glob.is_match("a*b-v1.0"));
        assert!(!glob.is_match("axxb-v1.0"));
    }

    #[test]
    fn thousands_of_package_prefixes_keep_the_biggest_services() {
        let names: Vec<String> = (0..5000)
            .map(|i| format!("pkg{}-v1.{}.0", i % 100, i / 100))
            .collect();
        let inference = infer(names.iter().map(|n| Some(n.as_str())), "repo", |_| false);
        assert_eq!(inference.services.len(), MAX_SERVICES);
        assert_eq!(inference.passed_over.len(), 100 - MAX_SERVICES);
        assert_eq!(inference.total, 5000);
    }
}
