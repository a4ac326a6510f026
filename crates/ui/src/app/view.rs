//! The view model: everything the screen shows, derived from the state, read-only. Drawing is
//! a pure function of it (`ui::draw`, which maps its tones to the theme's styles). Text from
//! sources is already sanitized here. The frame (header, breadcrumb, sources, command bar,
//! prompt, help) is built here; the body is the screen's own (`screens`).

use super::list::Tone;
use super::scope::ScopeData;
use super::screens::{self, Body};
use super::state::{App, PromptKind, WindowChoice};
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
    /// Key hints for this screen, from the keymap: (key, what it does).
    pub(crate) command_bar: Vec<(String, &'static str)>,
    pub(crate) prompt: Option<PromptLine>,
    pub(crate) message: Option<String>,
    /// Every key, from the same keymap, when help is open.
    pub(crate) help: Option<Vec<(String, &'static str)>>,
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
    pub(crate) label: &'static str,
    pub(crate) text: String,
    pub(crate) error: Option<String>,
}

fn window_text(app: &App, scope: &ScopeData) -> String {
    let tz = app.history().rules.timezone;
    let from = scope.window.from.with_timezone(&tz);
    let to = scope.window.to.with_timezone(&tz);
    let span = format!("{} – {}", from.format("%b %d"), to.format("%b %d"));
    match app.window {
        WindowChoice::Days(days) => format!("last {days} days ({span})"),
        WindowChoice::Custom(_) => format!("custom ({span})"),
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
        parts.push(format!("search \"{}\"", sanitize(search)));
    }
    parts.join(" · ")
}

fn source_lines(app: &App) -> Vec<SourceLine> {
    let tz = app.history().rules.timezone;
    app.data
        .sources
        .iter()
        .map(|s| {
            let ok = s.error.is_none();
            let text = if s.status == SourceState::Syncing {
                "first sync in progress".to_string()
            } else if ok {
                "ok".to_string()
            } else if s.status == SourceState::Ok {
                // Current data, but a part could not be read (Prometheus without its
                // Alertmanager): not stale, and not silent about it either.
                format!(
                    "ok, but {}",
                    sanitize(s.error.as_deref().unwrap_or("a part could not be read"))
                )
            } else {
                let since = s
                    .last_success_at
                    .map(|t| format!("stale since {}", t.with_timezone(&tz).format("%H:%M")))
                    .unwrap_or_else(|| "failing".to_string());
                format!(
                    "{since}: {}",
                    sanitize(s.error.as_deref().unwrap_or("unknown error"))
                )
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

/// The view model of the app as it stands.
pub fn build(app: &App) -> ViewModel {
    let clock = {
        let tz = app.history().rules.timezone;
        format!(
            "{} {}",
            app.now.with_timezone(&tz).format("%a %H:%M"),
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
        } else {
            app.load_error
                .as_ref()
                .map(|e| (format!("load failed: {e}"), Tone::Fail))
        },
    };
    let command_bar = screens::keys(app.screen())
        .iter()
        .filter_map(|c| {
            app.keymap
                .keys_for(*c)
                .into_iter()
                .next()
                .map(|k| (k, c.description()))
        })
        .collect();
    let help = app.help.then(|| {
        app.keymap
            .help()
            .into_iter()
            .map(|(c, keys)| (keys.join(" "), c.description()))
            .collect()
    });
    let prompt = app.prompt.as_ref().map(|p| PromptLine {
        label: match p.kind {
            PromptKind::Search => "search: ",
            PromptKind::Window => "window (14d or 2026-11-01..2026-11-14): ",
        },
        text: sanitize(&p.text),
        error: p.error.clone(),
    });

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
        command_bar,
        prompt,
        message: app.message.clone(),
        help,
    }
}
