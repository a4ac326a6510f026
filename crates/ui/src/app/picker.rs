//! The service and team pickers (`f`, `t`): every name the data has, filtered as you type,
//! with "everything" first. `update` chooses from the same list the screen shows.

use super::state::{App, PromptKind};

/// One entry of a picker: what it shows and the filter it sets (None clears it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pick {
    pub(crate) label: String,
    pub(crate) value: Option<String>,
}

/// The entries of the picker `kind` whose name contains `query` (case-insensitive).
pub(crate) fn entries(app: &App, kind: PromptKind, query: &str) -> Vec<Pick> {
    let history = &app.data.history;
    let names: Vec<String> = match kind {
        PromptKind::Service => history.services.iter().map(|s| s.name.clone()).collect(),
        PromptKind::Team => history.teams().into_iter().map(|(t, _)| t).collect(),
        PromptKind::Search | PromptKind::Window => return Vec::new(),
    };
    let query = query.trim().to_lowercase();
    let everything = match kind {
        PromptKind::Team => "every team (no team filter)",
        _ => "every service (no service filter)",
    };
    let mut picks = Vec::new();
    if query.is_empty() {
        picks.push(Pick {
            label: everything.to_string(),
            value: None,
        });
    }
    picks.extend(
        names
            .into_iter()
            .filter(|name| name.to_lowercase().contains(&query))
            .map(|name| Pick {
                label: name.clone(),
                value: Some(name),
            }),
    );
    picks
}
