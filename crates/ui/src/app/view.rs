//! The view model: everything the screen shows, derived from the state, read-only. Drawing is
//! a pure function of it (`ui::draw`, which maps its tones to the theme's styles). Text from
//! sources is already sanitized here. The frame (header, breadcrumb, sources, command bar,
//! prompt, help) is built here; the body is the screen's own (`screens`).

use super::action::Command;
use super::list::Tone;
use super::picker;
use super::scope::ScopeData;
use super::screens::format::{span, when};
use super::screens::{self, Body};
use super::state::{App, PromptKind, Screen, WindowChoice};
use flowdeck_config::window::WINDOW_HINT;
use flowdeck_core::status::SourceState;
use flowdeck_core::text::sanitize;

/// Below this the screen says "terminal too small" instead of drawing garbage.
pub(crate) const MIN_WIDTH: u16 = 60;
pub(crate) const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone)]
pub struct ViewModel {
    pub(crate) header: Header,
    pub(crate) breadcrumb: Vec<String>,
    pub(crate) body: Body,
    pub(crate) sources: Vec<SourceLine>,
    /// A bar per source whose backfill is under way (drawn above the status line).
    pub(crate) progress: Vec<super::progress::ProgressBar>,
    /// Key hints for this screen, from the keymap; help and quit are always shown.
    pub(crate) command_bar: Vec<Hint>,
    pub(crate) prompt: Option<PromptLine>,
    pub(crate) message: Option<String>,
    /// The keys of this screen first, then the rest, when help is open.
    pub(crate) help: Option<Vec<HelpSection>>,
}

/// A key and what it does, for the command bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hint {
    pub(crate) key: String,
    pub(crate) label: &'static str,
    /// Shown whatever the width (help and quit).
    pub(crate) pinned: bool,
}

/// A titled group of keys in help.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HelpSection {
    pub(crate) title: String,
    pub(crate) rows: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub(crate) scope: String,
    pub(crate) window: String,
    pub(crate) bands: String,
    pub(crate) clock: String,
    pub(crate) status: Option<(String, Tone)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceLine {
    pub(crate) name: String,
    pub(crate) ok: bool,
    pub(crate) text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PromptLine {
    pub(crate) label: String,
    /// The text before and after the cursor.
    pub(crate) before: String,
    pub(crate) after: String,
    /// The text was refused: the next character replaces it.
    pub(crate) refused: bool,
    pub(crate) error: Option<String>,
    /// A picker's entries and the selected one.
    pub(crate) picks: Option<(Vec<String>, usize)>,
}

/// "last 30 days · 21 Oct – 20 Nov 2026", the last day inclusive, years written.
fn window_text(app: &App, scope: &ScopeData) -> String {
    let tz = app.history().rules.timezone;
    let days = span(scope.window.from, scope.window.to, tz);
    match app.window {
        WindowChoice::Days(1) => format!("last day · {days}"),
        WindowChoice::Days(n) => format!("last {n} days · {days}"),
        WindowChoice::Custom(_) => days,
    }
}

fn scope_text(app: &App) -> String {
    let mut parts = Vec::new();
    match (&app.filters.service, &app.filters.team) {
        (Some(service), _) => parts.push(format!("service {}", sanitize(service))),
        (None, Some(team)) => parts.push(format!("team {}", sanitize(team))),
        (None, None) => parts.push("all services".to_string()),
    }
    if let Some(environment) = &app.filters.environment {
        parts.push(format!("env {}", sanitize(environment)));
    }
    if let Some(search) = &app.search {
        let here = if screens::searched(app.screen()) {
            ""
        } else {
            " (lists only)"
        };
        parts.push(format!("search \"{}\"{here}", sanitize(search)));
    }
    parts.join(" · ")
}

fn source_lines(app: &App) -> Vec<SourceLine> {
    let tz = app.history().rules.timezone;
    app.data
        .sources
        .iter()
        .map(|s| {
            let error = || sanitize(s.error.as_deref().unwrap_or("unknown error"));
            let (ok, text) = match (s.status, s.last_success_at, &s.error) {
                (SourceState::Syncing, ..) => (true, "first sync in progress".to_string()),
                (_, _, None) => (true, "ok".to_string()),
                // Current data, but a part could not be read (Prometheus without its
                // Alertmanager): not stale, and not silent about it either.
                (SourceState::Ok, ..) => (true, format!("ok, but {}", error())),
                (_, None, _) => (false, format!("never loaded: {}", error())),
                (_, Some(at), _) => (false, format!("stale since {}: {}", when(at, tz), error())),
            };
            // On a store collectors share: which one polls it.
            let text = match &s.collector {
                Some(collector) => format!("{text} · polled by {}", sanitize(collector)),
                None => text,
            };
            SourceLine {
                name: sanitize(&s.name),
                ok,
                text,
            }
        })
        .collect()
}

fn breadcrumb(app: &App) -> Vec<String> {
    app.stack
        .iter()
        .map(|screen| screens::crumb(app, screen))
        .collect()
}

/// The keys bound to a command, as written in help: "1-9" for the panel keys when they are
/// the defaults.
fn keys_text(app: &App, command: Command) -> Option<String> {
    if command == Command::Panel1 {
        let panels: Vec<String> = Command::ALL
            .iter()
            .filter(|c| c.panel().is_some())
            .filter_map(|c| app.keymap.keys_for(*c).into_iter().next())
            .collect();
        if panels.len() == 9 && panels.iter().zip(1..).all(|(k, n)| *k == n.to_string()) {
            return Some("1-9".into());
        }
    }
    let keys = app.keymap.keys_for(command);
    (!keys.is_empty()).then(|| keys.join(" "))
}

fn command_bar(app: &App) -> Vec<Hint> {
    let mut hints: Vec<Hint> = screens::keys(app.screen())
        .iter()
        .filter_map(|(command, label)| {
            let key = app.keymap.keys_for(*command).into_iter().next()?;
            let key = if *command == Command::Panel1 {
                keys_text(app, *command).unwrap_or(key)
            } else {
                key
            };
            Some(Hint {
                key,
                label,
                pinned: false,
            })
        })
        .collect();
    for (command, label) in [(Command::Help, "help"), (Command::Quit, "quit")] {
        if let Some(key) = app.keymap.keys_for(command).into_iter().next() {
            hints.push(Hint {
                key,
                label,
                pinned: true,
            });
        }
    }
    hints
}

fn screen_name(screen: &Screen) -> &'static str {
    match screen {
        Screen::Overview => "the overview",
        Screen::Measure { .. } => "a measure",
        Screen::Deployment { .. } => "a deployment",
        Screen::Incident { .. } => "an incident",
        Screen::Run { .. } => "a pipeline run",
        Screen::PullRequest { .. } => "a pull request",
        Screen::Standup { .. } => "the standup",
        Screen::Services { .. } => "the services table",
        Screen::Health { .. } => "a service's health panels",
    }
}

/// Help: the keys of the screen on show first (with what they do there), then every other
/// key, then the prompts and the mouse.
fn help(app: &App) -> Vec<HelpSection> {
    let here = screens::keys(app.screen());
    let here_rows: Vec<(String, String)> = here
        .iter()
        .filter_map(|(command, label)| Some((keys_text(app, *command)?, label.to_string())))
        .collect();
    let panel = |c: &Command| c.panel().is_some_and(|n| n > 1);
    let everywhere: Vec<(String, String)> = app
        .keymap
        .help()
        .into_iter()
        .filter(|(c, _)| !here.iter().any(|(h, _)| h == c) && !panel(c))
        .filter_map(|(c, _)| Some((keys_text(app, c)?, c.description().to_string())))
        .collect();
    let mut sections = vec![
        HelpSection {
            title: format!("On {}", screen_name(app.screen())),
            rows: here_rows,
        },
        HelpSection {
            title: "Everywhere".into(),
            rows: everywhere,
        },
        HelpSection {
            title: "In a prompt".into(),
            rows: vec![
                ("enter".into(), "apply".into()),
                ("esc".into(), "cancel".into()),
                ("ctrl-u ctrl-w".into(), "clear, delete a word".into()),
                ("up down".into(), "earlier entries / pick".into()),
            ],
        },
    ];
    sections.push(HelpSection {
        title: "Mouse".into(),
        rows: if app.mouse {
            vec![
                ("click".into(), "focus, again: open".into()),
                ("wheel".into(), "move the selection".into()),
            ]
        } else {
            vec![("off".into(), "[ui] mouse = true turns it on".into())]
        },
    });
    sections
}

fn prompt_line(app: &App) -> Option<PromptLine> {
    let p = app.prompt.as_ref()?;
    let (before, after) = p.line.split();
    let label = match p.kind {
        PromptKind::Search => "search: ".to_string(),
        PromptKind::Window => format!("window ({WINDOW_HINT}): "),
        PromptKind::Service => "service (type to filter): ".to_string(),
        PromptKind::Team => "team (type to filter): ".to_string(),
    };
    let picks = matches!(p.kind, PromptKind::Service | PromptKind::Team).then(|| {
        let entries = picker::entries(app, p.kind, &p.text());
        let selected = p.selected.min(entries.len().saturating_sub(1));
        (
            entries.into_iter().map(|e| sanitize(&e.label)).collect(),
            selected,
        )
    });
    Some(PromptLine {
        label,
        before: sanitize(&before),
        after: sanitize(&after),
        refused: p.line.refused(),
        error: p.error.clone(),
        picks,
    })
}

/// The view model of the app as it stands.
/// Bars shown at most; more backfilling sources are counted in the last one.
const MAX_PROGRESS_BARS: usize = 3;

pub fn build(app: &App) -> ViewModel {
    let clock = {
        let tz = app.history().rules.timezone;
        format!(
            "{} {}",
            app.now.with_timezone(&tz).format("%a %-d %b %H:%M"),
            tz.name()
        )
    };
    let scope = app.scope.clone();
    let header = Header {
        scope: scope_text(app),
        window: scope
            .as_ref()
            .map(|s| window_text(app, s))
            .unwrap_or_default(),
        bands: app.history().rules.bands.name.clone(),
        clock,
        status: if app.loading {
            Some(("loading…".into(), Tone::Accent))
        } else if let Some(e) = &app.load_error {
            Some((format!("load failed: {e}"), Tone::Fail))
        } else {
            super::progress::incomplete(&app.sync_progress)
                .then(|| ("incomplete: backfilling".to_string(), Tone::Warn))
        },
    };
    let body = if app.width < MIN_WIDTH || app.height < MIN_HEIGHT {
        Body::TooSmall {
            need: (MIN_WIDTH, MIN_HEIGHT),
        }
    } else {
        match &scope {
            _ if !app.data.loaded => Body::Loading(match &app.load_error {
                Some(error) => format!("could not read the sources: {error}"),
                None => "reading sources…".into(),
            }),
            None => Body::Loading("reading sources…".into()),
            Some(scope) => screens::body(app, scope),
        }
    };

    ViewModel {
        header,
        breadcrumb: breadcrumb(app),
        body,
        sources: source_lines(app),
        progress: super::progress::bars(&app.sync_progress, app.now, MAX_PROGRESS_BARS),
        command_bar: command_bar(app),
        prompt: prompt_line(app),
        message: app.message.clone(),
        help: app.help.then(|| help(app)),
    }
}
