//! What a user can ask for: the commands the `[keys]` table binds keys to, by their
//! snake_case names. The app turns them into `Action::Command`.

use serde::Deserialize;

/// What a user can ask for: these are what the keymap binds keys to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPanel,
    PreviousPanel,
    Panel1,
    Panel2,
    Panel3,
    Panel4,
    Panel5,
    Panel6,
    Panel7,
    Panel8,
    Panel9,
    Open,
    Back,
    Quit,
    Help,
    Refresh,
    Search,
    Standup,
    Window,
    CustomWindow,
    Service,
    Team,
    Environment,
    ClearFilters,
    SortNext,
    SortReverse,
    OpenUrl,
    Export,
    /// The services and teams table.
    Services,
    /// In a drill-down: every item of the window, or only those that make the number.
    ToggleAll,
    /// A service's health panels (`[[panels]]`).
    Health,
    /// A deployment list sorted by the health panels' verdict, unusual worsenings first.
    SortVerdict,
}

impl Command {
    /// Every command, in the order help lists them.
    pub const ALL: [Command; 40] = [
        Command::Up,
        Command::Down,
        Command::Left,
        Command::Right,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::NextPanel,
        Command::PreviousPanel,
        Command::Panel1,
        Command::Panel2,
        Command::Panel3,
        Command::Panel4,
        Command::Panel5,
        Command::Panel6,
        Command::Panel7,
        Command::Panel8,
        Command::Panel9,
        Command::Open,
        Command::Back,
        Command::OpenUrl,
        Command::Search,
        Command::Standup,
        Command::Services,
        Command::ToggleAll,
        Command::Health,
        Command::Window,
        Command::CustomWindow,
        Command::Service,
        Command::Team,
        Command::Environment,
        Command::ClearFilters,
        Command::SortNext,
        Command::SortReverse,
        Command::SortVerdict,
        Command::Refresh,
        Command::Export,
        Command::Help,
        Command::Quit,
    ];

    /// The name the keymap uses.
    pub fn name(self) -> &'static str {
        match self {
            Command::Up => "up",
            Command::Down => "down",
            Command::Left => "left",
            Command::Right => "right",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::NextPanel => "next_panel",
            Command::PreviousPanel => "previous_panel",
            Command::Panel1 => "panel_1",
            Command::Panel2 => "panel_2",
            Command::Panel3 => "panel_3",
            Command::Panel4 => "panel_4",
            Command::Panel5 => "panel_5",
            Command::Panel6 => "panel_6",
            Command::Panel7 => "panel_7",
            Command::Panel8 => "panel_8",
            Command::Panel9 => "panel_9",
            Command::Open => "open",
            Command::Back => "back",
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Refresh => "refresh",
            Command::Search => "search",
            Command::Standup => "standup",
            Command::Window => "window",
            Command::CustomWindow => "custom_window",
            Command::Service => "service",
            Command::Team => "team",
            Command::Environment => "environment",
            Command::ClearFilters => "clear_filters",
            Command::SortNext => "sort_next",
            Command::SortReverse => "sort_reverse",
            Command::OpenUrl => "open_url",
            Command::Export => "export",
            Command::Services => "services",
            Command::ToggleAll => "toggle_all",
            Command::Health => "health",
            Command::SortVerdict => "sort_verdict",
        }
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What it does, in a few words (help and the command bar).
    pub fn description(self) -> &'static str {
        match self {
            Command::Up => "move up",
            Command::Down => "move down",
            Command::Left => "move left",
            Command::Right => "move right",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "first item",
            Command::Bottom => "last item",
            Command::NextPanel => "next panel",
            Command::PreviousPanel => "previous panel",
            Command::Panel1 => "panel or measure 1",
            Command::Panel2 => "panel or measure 2",
            Command::Panel3 => "panel or measure 3",
            Command::Panel4 => "panel or measure 4",
            Command::Panel5 => "panel or measure 5",
            Command::Panel6 => "panel or measure 6",
            Command::Panel7 => "panel or measure 7",
            Command::Panel8 => "panel or measure 8",
            Command::Panel9 => "panel or measure 9",
            Command::Open => "open",
            Command::Back => "back",
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Refresh => "refresh now",
            Command::Search => "search",
            Command::Standup => "standup",
            Command::Window => "window 7d/30d/90d",
            Command::CustomWindow => "type a window",
            Command::Service => "pick a service",
            Command::Team => "pick a team",
            Command::Environment => "environment filter",
            Command::ClearFilters => "clear filters",
            Command::SortNext => "sort by next column",
            Command::SortReverse => "reverse sort",
            Command::OpenUrl => "open in browser",
            Command::Export => "export report",
            Command::Services => "services and teams table",
            Command::ToggleAll => "a measure's full list",
            Command::Health => "a service's health panels",
            Command::SortVerdict => "sort deployments by health verdict",
        }
    }

    /// Panel n (1-based) for the panel-jump commands.
    pub fn panel(self) -> Option<usize> {
        let panels = [
            Command::Panel1,
            Command::Panel2,
            Command::Panel3,
            Command::Panel4,
            Command::Panel5,
            Command::Panel6,
            Command::Panel7,
            Command::Panel8,
            Command::Panel9,
        ];
        panels.iter().position(|p| *p == self).map(|i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
        for c in Command::ALL {
            assert_eq!(Command::from_name(c.name()), Some(c));
            assert!(!c.description().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Command::ALL.len());
    }

    #[test]
    fn panel_commands_know_their_number() {
        assert_eq!(Command::Panel1.panel(), Some(1));
        assert_eq!(Command::Panel9.panel(), Some(9));
        assert_eq!(Command::Quit.panel(), None);
    }
}
