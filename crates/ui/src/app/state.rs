//! The app's state. Only `update` changes it; the view model is derived from it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;

use super::data::Data;
use super::keymap::Keymap;
use super::line::Line;
use super::scope::ScopeData;
use super::table::ServiceTable;
use flowdeck_core::metrics::{History, Window};
use flowdeck_core::model::{EventSet, Timestamp};

/// Which measure a drill-down shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    RecoveryTime,
    ReworkRate,
    TimeToRestore,
    Ci,
    PullRequests,
    BatchSize,
}

impl Measure {
    /// The order left/right steps through in a drill-down (and 1-9 jump to).
    pub(crate) const ALL: [Measure; 9] = [
        Measure::DeploymentFrequency,
        Measure::LeadTime,
        Measure::ChangeFailureRate,
        Measure::RecoveryTime,
        Measure::ReworkRate,
        Measure::TimeToRestore,
        Measure::Ci,
        Measure::PullRequests,
        Measure::BatchSize,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            Measure::DeploymentFrequency => "Deployment frequency",
            Measure::LeadTime => "Lead time for changes",
            Measure::ChangeFailureRate => "Change failure rate",
            Measure::RecoveryTime => "Failed deployment recovery time",
            Measure::ReworkRate => "Deployment rework rate",
            Measure::TimeToRestore => "Time to restore",
            Measure::Ci => "CI health",
            Measure::PullRequests => "Pull requests",
            Measure::BatchSize => "Batch size",
        }
    }

    /// Its place in `Measure::ALL`.
    pub(crate) fn index(self) -> usize {
        Measure::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }

    /// The headline tile this measure is (0-4), if it is one.
    pub(crate) fn headline(self) -> Option<usize> {
        match self {
            Measure::DeploymentFrequency => Some(0),
            Measure::LeadTime => Some(1),
            Measure::ChangeFailureRate => Some(2),
            Measure::RecoveryTime => Some(3),
            Measure::ReworkRate => Some(4),
            _ => None,
        }
    }
}

/// A selectable, sortable list's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListState {
    pub selected: usize,
    /// The sort column, an index into the list's columns; None keeps the natural order.
    pub(crate) sort: Option<usize>,
    pub(crate) descending: bool,
}

/// Where the user is; the stack of screens is the breadcrumb.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Overview,
    /// A measure's drill-down; its list shows the items that make the number, or every item
    /// of the window when `all`.
    Measure {
        measure: Measure,
        list: ListState,
        all: bool,
    },
    Deployment {
        deployment: u32,
        list: ListState,
    },
    Incident {
        incident: u32,
        list: ListState,
    },
    /// A pipeline run (index into the history's runs).
    Run {
        run: u32,
        list: ListState,
    },
    /// A pull request (index into the history's pull requests).
    PullRequest {
        pr: u32,
        list: ListState,
    },
    Standup {
        list: ListState,
    },
    /// Every service (or team) side by side, sortable by any measure.
    Services {
        teams: bool,
        list: ListState,
    },
    /// A service's page of health panels (`H`): each panel's chart with its deployments.
    Health {
        service: String,
    },
}

impl Screen {
    /// A measure's drill-down on the items that make its number.
    pub(crate) fn measure(measure: Measure) -> Screen {
        Screen::Measure {
            measure,
            list: ListState::default(),
            all: false,
        }
    }

    /// The screen's list position, if it has a list.
    pub(crate) fn list(&self) -> Option<&ListState> {
        match self {
            Screen::Overview | Screen::Health { .. } => None,
            Screen::Measure { list, .. }
            | Screen::Deployment { list, .. }
            | Screen::Incident { list, .. }
            | Screen::Run { list, .. }
            | Screen::PullRequest { list, .. }
            | Screen::Standup { list }
            | Screen::Services { list, .. } => Some(list),
        }
    }

    pub(crate) fn list_mut(&mut self) -> Option<&mut ListState> {
        match self {
            Screen::Overview | Screen::Health { .. } => None,
            Screen::Measure { list, .. }
            | Screen::Deployment { list, .. }
            | Screen::Incident { list, .. }
            | Screen::Run { list, .. }
            | Screen::PullRequest { list, .. }
            | Screen::Standup { list }
            | Screen::Services { list, .. } => Some(list),
        }
    }
}

/// The overview's panels, in the order Tab and 1-9 reach them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Tile(usize),
    Flow,
    Deployments,
    Pipelines,
    Incidents,
}

impl Panel {
    pub(crate) const ALL: [Panel; 9] = [
        Panel::Tile(0),
        Panel::Tile(1),
        Panel::Tile(2),
        Panel::Tile(3),
        Panel::Tile(4),
        Panel::Flow,
        Panel::Deployments,
        Panel::Pipelines,
        Panel::Incidents,
    ];

    pub(crate) fn index(self) -> usize {
        Panel::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// The window choices `w` cycles through, or one typed in (`W`, `--from`/`--to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowChoice {
    Days(i64),
    Custom(Window),
}

impl WindowChoice {
    pub(crate) fn resolve(self, now: Timestamp) -> Window {
        match self {
            WindowChoice::Days(days) => Window::ending(now, Duration::days(days)),
            WindowChoice::Custom(window) => window,
        }
    }

    pub(crate) fn next(self) -> WindowChoice {
        match self {
            WindowChoice::Days(7) => WindowChoice::Days(30),
            WindowChoice::Days(30) => WindowChoice::Days(90),
            _ => WindowChoice::Days(7),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    pub service: Option<String>,
    pub team: Option<String>,
    pub environment: Option<String>,
}

/// A one-line prompt at the bottom of the screen (search, a window), or a picker of a
/// service or team that filters its list as you type.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub(crate) kind: PromptKind,
    pub(crate) line: Line,
    pub error: Option<String>,
    /// The picker's selected entry, among those the text matches.
    pub(crate) selected: usize,
}

impl Prompt {
    pub(crate) fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            line: Line::new(text),
            error: None,
            selected: 0,
        }
    }

    /// What is typed.
    pub fn text(&self) -> String {
        self.line.text()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PromptKind {
    Search,
    Window,
    /// `f`: pick a service.
    Service,
    /// `t`: pick a team.
    Team,
}

/// Wall mode: rotating pages, no input needed. The runtime times the rotation and tells how
/// far into the page's time it is (the thin progress line).
#[derive(Debug, Clone, PartialEq)]
pub struct Wall {
    pub page: usize,
    pub rotate_every: std::time::Duration,
    /// How long the page has been on screen.
    pub elapsed: std::time::Duration,
}

/// What the runtime must do after an update (the update itself never does I/O).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    OpenUrl(String),
    /// `r`: ask the sources now, and read again.
    Refresh,
    /// Read the sources and the store again (a sync landed).
    Reload,
    Export,
    /// Ring the terminal's bell (a notification).
    Bell,
    /// A desktop notification with this (sanitized, one-line) text.
    Desktop(String),
    /// Read the health panels for this span (`[[panels]]`); the answer arrives as
    /// `Action::PanelsRead`.
    ReadPanels(super::health::PanelRequest),
}

#[derive(Debug, Clone)]
pub struct App {
    pub data: Data,
    /// The history narrowed to the environment filter, when one is set.
    pub(crate) environment_history: Option<(String, Arc<History>)>,
    pub now: Timestamp,
    pub window: WindowChoice,
    pub filters: Filters,
    pub stack: Vec<Screen>,
    pub focus: Panel,
    /// Selection inside each overview list panel (deployments, pipelines, incidents) and the
    /// flow row.
    pub(crate) panel_selection: [usize; 4],
    /// How each overview strip is sorted (`S`, `R` on a focused strip).
    pub(crate) strip_sort: [ListState; 3],
    pub prompt: Option<Prompt>,
    /// What was entered in each prompt, oldest first (Up and Down walk it).
    pub(crate) prompt_history: HashMap<PromptKind, Vec<String>>,
    /// The search applied to every list: the overview's strips, drill-downs, the services
    /// table and the standup. It stays on when drilling down; Esc clears it.
    pub(crate) search: Option<String>,
    pub(crate) help: bool,
    pub wall: Option<Wall>,
    pub width: u16,
    pub height: u16,
    pub(crate) loading: bool,
    pub(crate) load_error: Option<String>,
    /// The built-in demo data: it never changes, so `r` has nothing to refresh.
    pub(crate) demo: bool,
    pub message: Option<String>,
    pub quit: bool,
    pub keymap: Keymap,
    pub mouse: bool,
    pub scope: Option<Arc<ScopeData>>,
    /// What `scope` was computed for: services, window, data stamp.
    pub(crate) scope_key: Option<(Vec<u32>, Window, Timestamp, Option<String>)>,
    /// Every service's and team's measures, while the services table is open.
    pub(crate) table: Option<Arc<ServiceTable>>,
    /// What `table` was computed for: window, data stamp, environment.
    pub(crate) table_key: Option<(Window, Timestamp, Option<String>)>,
    /// What `update` asks the runtime to do; the runtime takes them after each burst.
    pub effects: Vec<Effect>,
    /// Whether each polled source's last sync worked: a sync reloads the data only when it
    /// brought something or changed a source's state.
    pub(crate) last_sync_ok: HashMap<String, bool>,
    /// The syncs under way, for the progress bars.
    pub(crate) sync_progress: Vec<flowdeck_core::progress::SyncProgress>,
    /// Parts of syncs committed that a reload has been asked for.
    pub(crate) parts_seen: u64,
    /// The config has health panels: the runtime can read them.
    pub(crate) panels_configured: bool,
    /// What the panels were last asked for.
    pub(crate) panels_requested: Option<super::health::RequestKey>,
    /// The health panels on show and their verdicts.
    pub(crate) health: Option<super::health::HealthData>,
}

/// Settings the app starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub window_days: i64,
    /// A window given by its ends (`--from`, `--to`), used instead of `window_days`.
    pub custom_window: Option<Window>,
    pub keymap: Keymap,
    pub mouse: bool,
    pub wall_rotate: Option<std::time::Duration>,
    /// The data is the built-in demo.
    pub demo: bool,
    /// The config has `[[panels]]` the runtime can read.
    pub panels: bool,
}

impl Default for AppOptions {
    /// A 30-day window, the default keys, no mouse, no wall.
    fn default() -> AppOptions {
        AppOptions {
            window_days: 30,
            custom_window: None,
            keymap: Keymap::default(),
            mouse: false,
            wall_rotate: None,
            demo: false,
            panels: false,
        }
    }
}

impl App {
    pub fn new(data: Data, now: Timestamp, options: AppOptions) -> App {
        let mut app = App {
            data,
            environment_history: None,
            now,
            window: match options.custom_window {
                Some(window) => WindowChoice::Custom(window),
                None => WindowChoice::Days(options.window_days.max(1)),
            },
            filters: Filters::default(),
            stack: vec![Screen::Overview],
            focus: Panel::Tile(0),
            panel_selection: [0; 4],
            strip_sort: [ListState::default(); 3],
            prompt: None,
            prompt_history: HashMap::new(),
            search: None,
            help: false,
            wall: options.wall_rotate.map(|every| Wall {
                page: 0,
                rotate_every: every,
                elapsed: std::time::Duration::ZERO,
            }),
            width: 80,
            height: 24,
            loading: false,
            load_error: None,
            demo: options.demo,
            message: None,
            quit: false,
            keymap: options.keymap,
            mouse: options.mouse,
            scope: None,
            scope_key: None,
            table: None,
            table_key: None,
            effects: Vec::new(),
            last_sync_ok: HashMap::new(),
            sync_progress: Vec::new(),
            parts_seen: 0,
            panels_configured: options.panels,
            panels_requested: None,
            health: None,
        };
        app.refresh_scope();
        app
    }

    /// An app with no data yet (shown while the first load runs).
    pub fn empty_data(now: Timestamp) -> Data {
        Data {
            history: Arc::new(History::derive(EventSet::default(), Default::default())),
            sources: Vec::new(),
            loaded_at: now,
            loaded: false,
        }
    }

    /// The effects `update` queued, handed to the runtime that carries them out.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().unwrap_or(&Screen::Overview)
    }

    pub(crate) fn screen_mut(&mut self) -> &mut Screen {
        if self.stack.is_empty() {
            self.stack.push(Screen::Overview);
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// The history the scope reads: the environment's, when that filter is set.
    pub fn history(&self) -> &Arc<History> {
        match &self.environment_history {
            Some((_, history)) => history,
            None => &self.data.history,
        }
    }

    /// The services in scope: a service, a team's, or every service.
    pub(crate) fn scope_services(&self) -> Vec<u32> {
        let history = self.history();
        if let Some(service) = &self.filters.service {
            return history.service(service).into_iter().collect();
        }
        if let Some(team) = &self.filters.team {
            return history
                .teams()
                .into_iter()
                .find(|(name, _)| name == team)
                .map(|(_, members)| members)
                .unwrap_or_default();
        }
        (0..history.services.len() as u32).collect()
    }

    /// Wall pages: everything, then each team, then each service.
    pub fn wall_pages(&self) -> Vec<WallPage> {
        let history = self.history();
        let mut pages = vec![WallPage {
            kind: "",
            name: "All services".to_string(),
            services: (0..history.services.len() as u32).collect(),
        }];
        for (team, members) in history.teams() {
            pages.push(WallPage {
                kind: "team",
                name: team,
                services: members,
            });
        }
        for (i, service) in history.services.iter().enumerate() {
            pages.push(WallPage {
                kind: "service",
                name: service.name.clone(),
                services: vec![i as u32],
            });
        }
        // Then each service's health panels, for the services that have any.
        for (i, service) in history.services.iter().enumerate() {
            if super::health::has_panels(self, &service.name) {
                pages.push(WallPage {
                    kind: HEALTH_PAGE,
                    name: service.name.clone(),
                    services: vec![i as u32],
                });
            }
        }
        pages
    }

    /// Recomputes what the screen shows when the scope, window, data or minute changed.
    pub(crate) fn refresh_scope(&mut self) {
        let services = match &self.wall {
            Some(wall) => {
                let pages = self.wall_pages();
                let page = wall.page % pages.len().max(1);
                pages
                    .into_iter()
                    .nth(page)
                    .map(|p| p.services)
                    .unwrap_or_default()
            }
            None => self.scope_services(),
        };
        // Windows that end now move by the minute, not by the second a ticking incident redraws.
        let window = self.window.resolve(minute_floor(self.now));
        let key = (
            services.clone(),
            window,
            self.data.loaded_at,
            self.filters.environment.clone(),
        );
        if self.scope_key.as_ref() == Some(&key) {
            return;
        }
        let history = self.history().clone();
        self.scope = Some(Arc::new(ScopeData::build(
            &history,
            services,
            window,
            self.now,
            &self.data.sources,
        )));
        self.scope_key = Some(key);
    }

    /// Measures every service and team for the services table, while it is on the stack.
    pub(crate) fn refresh_table(&mut self) {
        if !self
            .stack
            .iter()
            .any(|s| matches!(s, Screen::Services { .. }))
        {
            self.table = None;
            self.table_key = None;
            return;
        }
        let window = self.window.resolve(minute_floor(self.now));
        let key = (
            window,
            self.data.loaded_at,
            self.filters.environment.clone(),
        );
        if self.table_key.as_ref() == Some(&key) {
            return;
        }
        let history = self.history().clone();
        self.table = Some(Arc::new(ServiceTable::build(&history, window, self.now)));
        self.table_key = Some(key);
    }
}

/// The kind of the wall page that shows a service's health panels.
pub const HEALTH_PAGE: &str = "health panels";

/// A wall page: everything, a team or a service, and the services it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct WallPage {
    /// "team", "service", `HEALTH_PAGE`, or "" for everything.
    pub kind: &'static str,
    pub name: String,
    pub services: Vec<u32>,
}

/// `t` without its seconds.
pub(crate) fn minute_floor(t: Timestamp) -> Timestamp {
    let seconds = t.timestamp();
    chrono::DateTime::from_timestamp(seconds - seconds.rem_euclid(60), 0).unwrap_or(t)
}
