//! The view model: everything the screen shows, derived from the state, read-only. Drawing is
//! a pure function of it. Text from sources is already sanitized here.

use std::sync::Arc;

use chrono::Datelike;

use super::action::Command;
use super::lists::{ListModel, Tone, overview_panel, screen_list, standup_since, ticking};
use super::scope::ScopeData;
use super::state::{App, ListState, Measure, Panel, PromptKind, Screen, WindowChoice};
use crate::ui::theme::Theme;
use flowdeck_core::metrics::trend::{Better, Direction, Trend};
use flowdeck_core::metrics::{Band, BandTable};
use flowdeck_core::status::SourceState;
use flowdeck_core::text::{human_duration, human_seconds, number, percent, sanitize};

/// Below this the screen says "terminal too small" instead of drawing garbage.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone)]
pub struct ViewModel {
    pub theme: Arc<Theme>,
    pub width: u16,
    pub height: u16,
    pub header: Header,
    pub breadcrumb: Vec<String>,
    pub body: Body,
    pub sources: Vec<SourceLine>,
    /// Key hints for this screen, from the keymap: (key, what it does).
    pub command_bar: Vec<(String, &'static str)>,
    pub prompt: Option<PromptLine>,
    pub message: Option<String>,
    /// Every key, from the same keymap, when help is open.
    pub help: Option<Vec<(String, &'static str)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub scope: String,
    pub window: String,
    pub bands: String,
    pub clock: String,
    pub status: Option<(String, Tone)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceLine {
    pub name: String,
    pub ok: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptLine {
    pub label: &'static str,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Body {
    TooSmall { need: (u16, u16) },
    Loading(String),
    Overview(Box<Overview>),
    Measure(Box<MeasureView>),
    Detail(Box<Detail>),
    Wall(Box<WallView>),
}

/// One DORA measure as a tile.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub number: usize,
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    pub band: Option<Band>,
    pub trend: Option<TrendView>,
    /// Values per day (or week) over the window; None where unknown.
    pub sparkline: Vec<Option<u64>>,
    pub focused: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendView {
    pub arrow: &'static str,
    pub delta: String,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowItem {
    pub label: &'static str,
    pub value: String,
    pub tone: Tone,
    /// Openable flow items can be selected (CI, pull requests, time to restore).
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    pub number: usize,
    pub title: String,
    pub list: ListModel,
    pub selected: usize,
    pub focused: bool,
}

#[derive(Debug, Clone)]
pub struct Overview {
    pub tiles: Vec<Tile>,
    pub flow: Vec<FlowItem>,
    pub flow_focused: bool,
    pub strips: Vec<Strip>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    pub band: Band,
    pub threshold: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct MeasureView {
    pub title: &'static str,
    pub value: String,
    pub detail: String,
    pub band: Option<Band>,
    pub trend: Option<TrendView>,
    pub definition: String,
    pub bands: Vec<BandRow>,
    pub band_table: String,
    pub series_label: String,
    pub series: Vec<Option<u64>>,
    /// What the values are made of: (bucket label, count).
    pub distribution_title: &'static str,
    pub distribution: Vec<(String, u64)>,
    pub list_title: String,
    pub list: ListModel,
    pub list_state: ListState,
}

/// A deployment, an incident or the standup: facts at the top, then a list.
#[derive(Debug, Clone)]
pub struct Detail {
    pub title: String,
    pub facts: Vec<(String, String, Tone)>,
    pub list: ListModel,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub struct WallView {
    pub page_title: String,
    pub page: usize,
    pub pages: usize,
    pub tiles: Vec<Tile>,
    /// Loud when any source is stale or failing.
    pub stale: Option<String>,
    pub open_incidents: Vec<String>,
}

fn tone_of(trend: &Trend) -> Tone {
    match trend.better {
        Some(true) => Tone::Ok,
        Some(false) => Tone::Fail,
        None => Tone::Muted,
    }
}

fn trend_view(trend: Option<Trend>, delta: Option<String>) -> Option<TrendView> {
    let trend = trend?;
    Some(TrendView {
        arrow: trend.arrow(),
        delta: if trend.direction == Direction::Flat {
            "same".into()
        } else {
            delta.unwrap_or_default()
        },
        tone: tone_of(&trend),
    })
}

/// Sparkline values: scaled to integers, None where unknown.
fn spark(values: &[Option<f64>]) -> Vec<Option<u64>> {
    let max = values.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    let scale = if max > 0.0 { 100.0 / max } else { 1.0 };
    values
        .iter()
        .map(|v| v.map(|v| (v * scale).round().max(0.0) as u64))
        .collect()
}

fn tiles(scope: &ScopeData, focus: Option<Panel>) -> Vec<Tile> {
    scope
        .headline
        .iter()
        .enumerate()
        .map(|(i, h)| Tile {
            number: i + 1,
            title: h.title,
            value: h.value.clone(),
            detail: h.detail.clone(),
            band: h.band,
            trend: trend_view(h.trend, h.delta.clone()),
            sparkline: scope
                .series
                .get(i)
                .map(|s| spark(&s.values))
                .unwrap_or_default(),
            focused: focus == Some(Panel::Tile(i)),
        })
        .collect()
}

fn flow(scope: &ScopeData, focused: bool, selected: usize) -> Vec<FlowItem> {
    let m = &scope.metrics;
    let ci_tone = match m.ci.success_rate {
        Some(r) if r >= 0.9 => Tone::Ok,
        Some(r) if r >= 0.75 => Tone::Warn,
        Some(_) => Tone::Fail,
        None => Tone::Muted,
    };
    let open_incidents = m.time_to_restore.open;
    vec![
        FlowItem {
            label: "CI",
            value: format!(
                "{} ok · {} · queue {}",
                percent(m.ci.success_rate),
                human_seconds(m.ci.median_duration_seconds),
                human_seconds(m.ci.median_queue_seconds)
            ),
            tone: ci_tone,
            selected: focused && selected == 0,
        },
        FlowItem {
            label: "PR cycle",
            value: format!(
                "{} · {} merged · {} open",
                human_seconds(m.pr_cycle_time.median_seconds),
                m.pr_cycle_time.prs,
                m.wip.open_prs
            ),
            tone: Tone::Normal,
            selected: focused && selected == 1,
        },
        FlowItem {
            label: "Restore",
            value: format!(
                "{} · {} incidents{}",
                human_seconds(m.time_to_restore.median_seconds),
                m.time_to_restore.incidents,
                if open_incidents > 0 {
                    format!(" · {open_incidents} open")
                } else {
                    String::new()
                }
            ),
            tone: if open_incidents > 0 {
                Tone::Fail
            } else {
                Tone::Normal
            },
            selected: focused && selected == 2,
        },
        FlowItem {
            label: "Batch",
            value: format!("{} changes", number(m.batch_size.median_changes, 1)),
            tone: Tone::Normal,
            selected: false,
        },
    ]
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

/// The commands worth a hint on each screen (help lists them all).
fn hints(screen: &Screen) -> &'static [Command] {
    match screen {
        Screen::Overview => &[
            Command::Open,
            Command::NextPanel,
            Command::Standup,
            Command::Window,
            Command::Service,
            Command::Team,
            Command::Search,
            Command::Help,
            Command::Quit,
        ],
        Screen::Measure { .. } => &[
            Command::Open,
            Command::Back,
            Command::Right,
            Command::SortNext,
            Command::SortReverse,
            Command::Search,
            Command::OpenUrl,
            Command::Help,
        ],
        Screen::Deployment { .. } | Screen::Incident { .. } => &[
            Command::Open,
            Command::Back,
            Command::OpenUrl,
            Command::Help,
            Command::Quit,
        ],
        Screen::Standup { .. } => &[
            Command::Open,
            Command::Back,
            Command::Search,
            Command::Help,
            Command::Quit,
        ],
    }
}

fn breadcrumb(app: &App) -> Vec<String> {
    let events = &app.history().events;
    app.stack
        .iter()
        .map(|screen| match screen {
            Screen::Overview => "Overview".to_string(),
            Screen::Measure { measure, .. } => measure.title().to_string(),
            Screen::Deployment { deployment, .. } => events
                .deployments
                .get(*deployment as usize)
                .map(|d| {
                    sanitize(&format!(
                        "{} {}",
                        d.service,
                        d.name.clone().unwrap_or_else(|| d.id.clone())
                    ))
                })
                .unwrap_or_else(|| "Deployment".into()),
            Screen::Incident { incident, .. } => events
                .incidents
                .get(*incident as usize)
                .map(|i| sanitize(&i.id))
                .unwrap_or_else(|| "Incident".into()),
            Screen::Standup { .. } => "Standup".to_string(),
        })
        .collect()
}

pub fn build(app: &App, theme: Arc<Theme>) -> ViewModel {
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
    let command_bar = hints(app.screen())
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
            Some(scope) if app.wall.is_some() => Body::Wall(Box::new(wall(app, scope))),
            Some(scope) => match app.screen() {
                Screen::Overview => Body::Overview(Box::new(overview(app, scope))),
                Screen::Measure { measure, list } => {
                    Body::Measure(Box::new(measure_view(app, scope, *measure, *list)))
                }
                screen @ (Screen::Deployment { .. }
                | Screen::Incident { .. }
                | Screen::Standup { .. }) => Body::Detail(Box::new(detail(app, screen))),
            },
        }
    };

    ViewModel {
        theme,
        width: app.width,
        height: app.height,
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

fn overview(app: &App, scope: &ScopeData) -> Overview {
    let strips = [
        (Panel::Deployments, 7, "Latest deployments", 0),
        (Panel::Pipelines, 8, "Running and failed pipelines", 1),
        (Panel::Incidents, 9, "Incidents", 2),
    ]
    .into_iter()
    .map(|(panel, number, title, slot)| {
        let list = overview_panel(app, panel);
        let title = match panel {
            Panel::Incidents => {
                let open = scope
                    .incidents
                    .iter()
                    .filter(|i| i.resolved_at.is_none())
                    .count();
                if open > 0 {
                    format!("{title} · {open} open")
                } else {
                    title.to_string()
                }
            }
            _ => title.to_string(),
        };
        Strip {
            number,
            title,
            list,
            selected: app.panel_selection[slot],
            focused: app.focus == panel,
        }
    })
    .collect();
    Overview {
        tiles: tiles(scope, Some(app.focus)),
        flow: flow(scope, app.focus == Panel::Flow, app.panel_selection[3]),
        flow_focused: app.focus == Panel::Flow,
        strips,
    }
}

fn band_rows(table: &BandTable, measure: Measure, current: Option<Band>) -> Vec<BandRow> {
    let fmt_seconds = |s: f64| human_duration(s as i64);
    let thresholds: Option<[String; 3]> = match measure {
        Measure::DeploymentFrequency => {
            Some(table.frequency.map(|r| format!("≥ {}", r.describe())))
        }
        Measure::LeadTime => Some(
            table
                .lead_time_seconds
                .map(|s| format!("< {}", fmt_seconds(s))),
        ),
        Measure::ChangeFailureRate => Some(
            table
                .change_failure_rate
                .map(|r| format!("≤ {}", percent(Some(r)))),
        ),
        Measure::RecoveryTime => Some(
            table
                .recovery_seconds
                .map(|s| format!("< {}", fmt_seconds(s))),
        ),
        _ => None,
    };
    let Some(thresholds) = thresholds else {
        return Vec::new();
    };
    let mut rows: Vec<BandRow> = Band::RANKED
        .iter()
        .zip(thresholds)
        .map(|(band, threshold)| BandRow {
            band: *band,
            threshold,
            current: current == Some(*band),
        })
        .collect();
    rows.push(BandRow {
        band: Band::Low,
        threshold: "otherwise".into(),
        current: current == Some(Band::Low),
    });
    rows
}

fn measure_view(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
    list_state: ListState,
) -> MeasureView {
    let m = &scope.metrics;
    let p = &scope.previous_metrics;
    let (value, detail, band, trend, definition) = match measure.headline().and_then(|i| scope.headline.get(i)) {
        Some(h) => (
            h.value.clone(),
            h.detail.clone(),
            h.band,
            trend_view(h.trend, h.delta.clone()),
            h.definition.to_string(),
        ),
        None => match measure {
            Measure::TimeToRestore => (
                human_seconds(m.time_to_restore.median_seconds),
                format!(
                    "{} incidents · {} open · p90 {}",
                    m.time_to_restore.incidents,
                    m.time_to_restore.open,
                    human_seconds(m.time_to_restore.p90_seconds)
                ),
                None,
                trend_view(
                    Trend::of(m.time_to_restore.median_seconds, p.time_to_restore.median_seconds, Better::Lower),
                    None,
                ),
                "Median time from an incident's start to its resolution, for incidents that started in the window (classic MTTR).".into(),
            ),
            Measure::Ci => (
                percent(m.ci.success_rate),
                format!(
                    "{} of {} runs succeeded · duration {} (p90 {}) · queue {}",
                    m.ci.succeeded,
                    m.ci.runs,
                    human_seconds(m.ci.median_duration_seconds),
                    human_seconds(m.ci.p90_duration_seconds),
                    human_seconds(m.ci.median_queue_seconds)
                ),
                None,
                trend_view(Trend::of(m.ci.success_rate, p.ci.success_rate, Better::Higher), None),
                "Share of the latest attempts of CI runs that succeeded; cancelled, skipped and neutral runs are left out.".into(),
            ),
            _ => (
                human_seconds(m.pr_cycle_time.median_seconds),
                format!(
                    "{} merged · coding {} · pickup {} · review {} · deploy {} · {} open",
                    m.pr_cycle_time.prs,
                    human_seconds(m.pr_cycle_time.coding_median_seconds),
                    human_seconds(m.pr_cycle_time.pickup_median_seconds),
                    human_seconds(m.pr_cycle_time.review_median_seconds),
                    human_seconds(m.pr_cycle_time.deploy_median_seconds),
                    m.wip.open_prs
                ),
                None,
                trend_view(
                    Trend::of(m.pr_cycle_time.median_seconds, p.pr_cycle_time.median_seconds, Better::Lower),
                    None,
                ),
                "Median time from a pull request's first commit to the deployment that shipped its merge; bots excluded.".into(),
            ),
        },
    };
    let history = app.history();
    let (series_label, series) = match measure.headline().and_then(|i| scope.series.get(i)) {
        Some(s) => (format!("per {}", s.bucket), spark(&s.values)),
        None => (String::new(), Vec::new()),
    };
    let (distribution_title, distribution) = distribution(app, scope, measure);
    let list = screen_list(app, app.screen());
    let list_title = match measure {
        Measure::LeadTime => format!("Changes ({})", list.rows.len()),
        Measure::TimeToRestore => format!("Incidents ({})", list.rows.len()),
        Measure::Ci => format!("Pipeline runs ({})", list.rows.len()),
        Measure::PullRequests => format!("Pull requests ({})", list.rows.len()),
        Measure::RecoveryTime => format!("Failed deployments ({})", list.rows.len()),
        _ => format!("Deployments ({})", list.rows.len()),
    };
    MeasureView {
        title: measure.title(),
        value,
        detail,
        band,
        trend,
        definition,
        bands: band_rows(&history.rules.bands, measure, band),
        band_table: history.rules.bands.name.clone(),
        series_label,
        series,
        distribution_title,
        distribution,
        list_title,
        list,
        list_state,
    }
}

fn bucket_counts(
    values: impl Iterator<Item = i64>,
    bounds: &[(i64, &str)],
    last: &str,
) -> Vec<(String, u64)> {
    let mut counts = vec![0u64; bounds.len() + 1];
    for v in values {
        let i = bounds
            .iter()
            .position(|(b, _)| v < *b)
            .unwrap_or(bounds.len());
        counts[i] += 1;
    }
    bounds
        .iter()
        .map(|(_, l)| l.to_string())
        .chain(std::iter::once(last.to_string()))
        .zip(counts)
        .collect()
}

fn distribution(
    app: &App,
    scope: &ScopeData,
    measure: Measure,
) -> (&'static str, Vec<(String, u64)>) {
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let durations = [
        (HOUR, "< 1h"),
        (DAY, "1h–1d"),
        (7 * DAY, "1–7d"),
        (30 * DAY, "7–30d"),
    ];
    let tz = app.history().rules.timezone;
    match measure {
        Measure::DeploymentFrequency => {
            let mut days = [0u64; 7];
            for d in &scope.deployments {
                days[d
                    .finished_at
                    .with_timezone(&tz)
                    .weekday()
                    .num_days_from_monday() as usize] += 1;
            }
            (
                "Deployments by weekday",
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .iter()
                    .zip(days)
                    .map(|(d, c)| (d.to_string(), c))
                    .collect(),
            )
        }
        Measure::LeadTime => (
            "Changes by lead time",
            bucket_counts(
                scope.changes.iter().map(|c| c.lead_seconds),
                &durations,
                "≥ 30d",
            ),
        ),
        Measure::ChangeFailureRate | Measure::ReworkRate => {
            let mut counts: Vec<(String, u64)> = Vec::new();
            for d in &scope.deployments {
                let reasons = if measure == Measure::ChangeFailureRate {
                    &d.failure_reasons
                } else {
                    &d.rework_reasons
                };
                for r in reasons {
                    let label = r.kind.as_str().replace('_', " ");
                    match counts.iter_mut().find(|(l, _)| *l == label) {
                        Some((_, c)) => *c += 1,
                        None => counts.push((label, 1)),
                    }
                }
            }
            let ok = scope
                .deployments
                .iter()
                .filter(|d| {
                    if measure == Measure::ChangeFailureRate {
                        !d.failed
                    } else {
                        !d.rework
                    }
                })
                .count() as u64;
            counts.insert(0, ("none".into(), ok));
            ("Deployments by reason", counts)
        }
        Measure::RecoveryTime => {
            let mut buckets = bucket_counts(
                scope
                    .deployments
                    .iter()
                    .filter_map(|d| d.recovery_seconds.map(|s| s as i64)),
                &durations[..3],
                "≥ 7d",
            );
            let unrecovered = scope
                .deployments
                .iter()
                .filter(|d| d.failed && d.recovered_at.is_none())
                .count() as u64;
            buckets.push(("open".into(), unrecovered));
            ("Failed deployments by recovery time", buckets)
        }
        Measure::TimeToRestore => {
            let mut buckets = bucket_counts(
                scope
                    .incidents
                    .iter()
                    .filter_map(|i| i.resolved_at.map(|r| (r - i.started_at).num_seconds())),
                &durations[..3],
                "≥ 7d",
            );
            buckets.push((
                "open".into(),
                scope
                    .incidents
                    .iter()
                    .filter(|i| i.resolved_at.is_none())
                    .count() as u64,
            ));
            ("Incidents by time to restore", buckets)
        }
        Measure::Ci => {
            let m = &scope.metrics.ci;
            (
                "Runs by outcome",
                vec![
                    ("success".into(), m.succeeded),
                    ("failed".into(), m.runs - m.succeeded),
                ],
            )
        }
        Measure::PullRequests => {
            let history = app.history();
            let cycles = history
                .events
                .pull_requests
                .iter()
                .zip(&history.prs)
                .filter(|(pr, f)| {
                    !f.excluded && pr.merged_at.is_some_and(|m| scope.window.contains(m))
                })
                .filter_map(|(pr, f)| {
                    Some(
                        (f.deployed_at? - pr.first_commit_at.unwrap_or(pr.created_at))
                            .num_seconds(),
                    )
                });
            (
                "Pull requests by cycle time",
                bucket_counts(cycles, &durations, "≥ 30d"),
            )
        }
    }
}

fn detail(app: &App, screen: &Screen) -> Detail {
    let history = app.history();
    let events = &history.events;
    let list = screen_list(app, screen);
    let selected = match screen {
        Screen::Deployment { list, .. }
        | Screen::Incident { list, .. }
        | Screen::Standup { list } => list.selected,
        _ => 0,
    };
    let tz = history.rules.timezone;
    let when = |t: flowdeck_core::model::Timestamp| {
        t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
    };
    let (title, facts) = match screen {
        Screen::Deployment { deployment, .. } => match events.deployments.get(*deployment as usize)
        {
            Some(d) => {
                let facts = &history.deployments[*deployment as usize];
                let outcome = if facts.failed() {
                    match facts.recovered_at {
                        Some(_) => ("failed, recovered".to_string(), Tone::Warn),
                        None => ("failing".to_string(), Tone::Fail),
                    }
                } else if facts.baseline {
                    ("baseline".to_string(), Tone::Muted)
                } else {
                    ("ok".to_string(), Tone::Ok)
                };
                let mut leads = history.lead_times(*deployment).to_vec();
                (
                    sanitize(&format!(
                        "Deployment {}",
                        d.name.clone().unwrap_or_else(|| d.id.clone())
                    )),
                    vec![
                        ("service".to_string(), sanitize(&d.service), Tone::Normal),
                        (
                            "environment".to_string(),
                            sanitize(&d.environment),
                            Tone::Normal,
                        ),
                        ("finished".to_string(), when(d.finished_at), Tone::Normal),
                        ("commit".to_string(), sanitize(&d.sha), Tone::Muted),
                        ("outcome".to_string(), outcome.0, outcome.1),
                        (
                            "lead time".to_string(),
                            format!(
                                "{} median over {} changes",
                                human_seconds(flowdeck_core::metrics::stats::median(&mut leads)),
                                facts.changes
                            ),
                            Tone::Normal,
                        ),
                        (
                            "url".to_string(),
                            d.url.as_deref().map(sanitize).unwrap_or_else(|| "–".into()),
                            Tone::Muted,
                        ),
                    ],
                )
            }
            None => ("Deployment".to_string(), Vec::new()),
        },
        Screen::Incident { incident, .. } => match events.incidents.get(*incident as usize) {
            Some(i) => {
                let state = match i.resolved_at {
                    Some(r) => (
                        format!(
                            "resolved after {}",
                            human_duration((r - i.started_at).num_seconds())
                        ),
                        Tone::Ok,
                    ),
                    None => (
                        format!("open {}", ticking((app.now - i.started_at).num_seconds())),
                        Tone::Fail,
                    ),
                };
                (
                    sanitize(&format!("Incident {}: {}", i.id, i.title)),
                    vec![
                        ("started".to_string(), when(i.started_at), Tone::Normal),
                        ("state".to_string(), state.0, state.1),
                        (
                            "url".to_string(),
                            i.url.as_deref().map(sanitize).unwrap_or_else(|| "–".into()),
                            Tone::Muted,
                        ),
                    ],
                )
            }
            None => ("Incident".to_string(), Vec::new()),
        },
        _ => (
            format!(
                "Standup: since {}",
                standup_since(app).with_timezone(&tz).format("%A %d %B")
            ),
            Vec::new(),
        ),
    };
    Detail {
        title,
        facts,
        list,
        selected,
    }
}

fn wall(app: &App, scope: &ScopeData) -> WallView {
    let pages = app.wall_pages();
    let page = app.wall.as_ref().map_or(0, |w| w.page % pages.len().max(1));
    let stale: Vec<String> = app
        .data
        .sources
        .iter()
        // An "ok" source with an error read its data but not everything (a Prometheus whose
        // Alertmanager is down): current, so not stale.
        .filter(|s| s.error.is_some() && s.status != SourceState::Ok)
        .map(|s| {
            let since = s
                .last_success_at
                .map(|t| {
                    format!(
                        " since {}",
                        t.with_timezone(&app.history().rules.timezone)
                            .format("%H:%M")
                    )
                })
                .unwrap_or_default();
            sanitize(&format!("{} STALE{since}", s.name))
        })
        .collect();
    let open_incidents = scope
        .incidents
        .iter()
        .filter(|i| i.resolved_at.is_none())
        .map(|i| {
            sanitize(&format!(
                "{} · {}{} · open {}",
                i.services.join(", "),
                i.suppressed
                    .map(|how| format!("({how}) "))
                    .unwrap_or_default(),
                i.title,
                ticking((app.now - i.started_at).num_seconds())
            ))
        })
        .collect();
    WallView {
        page_title: pages
            .get(page)
            .map(|(t, _)| sanitize(t))
            .unwrap_or_default(),
        page,
        pages: pages.len(),
        tiles: tiles(scope, None),
        stale: (!stale.is_empty()).then(|| stale.join(" · ")),
        open_incidents,
    }
}
