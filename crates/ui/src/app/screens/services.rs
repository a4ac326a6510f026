//! Every service (or team) side by side (`T`): the five DORA measures as the tiles word them,
//! with their bands, sortable by any of them (`S`, `R`); Enter scopes the dashboard to the
//! row. The numbers are the reports' Services and Teams tables' (`app::table`).

use crate::app::action::Command;
use crate::app::list::{Cell, ListModel, Row, SortKey, Target, Tone, col, num, word};
use crate::app::state::{App, ListState};
use crate::app::table::TableRow;
use crate::snapshot::Headline;

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "scope to it"),
    (Command::Back, "back"),
    (Command::NextPanel, "services / teams"),
    (Command::SortNext, "sort"),
    (Command::SortReverse, "reverse"),
    (Command::Health, "health panels"),
    (Command::Search, "search"),
    (Command::Window, "window"),
];

/// Its name in the breadcrumb.
pub(crate) fn crumb(teams: bool) -> &'static str {
    if teams { "Teams" } else { "Services" }
}

#[derive(Debug, Clone)]
pub(crate) struct ServicesView {
    pub(crate) title: String,
    pub(crate) list: ListModel,
    pub(crate) list_state: ListState,
    /// What an empty table says.
    pub(crate) empty: String,
}

/// A headline measure in a cell: band sign and value ("◆ 5 days/week"), toned by its band.
fn measure_cell(h: Option<&Headline>) -> Cell {
    let Some(h) = h else {
        return Cell::muted("–");
    };
    match h.band {
        Some(band) => Cell::new(format!("{} {}", band_sign(band), h.value), Tone::Band(band)),
        None => Cell::new(&h.value, Tone::Normal),
    }
}

fn band_sign(band: flowdeck_core::metrics::Band) -> &'static str {
    use flowdeck_core::metrics::Band;
    match band {
        Band::Elite => "◆",
        Band::High => "▲",
        Band::Medium => "■",
        Band::Low => "▼",
    }
}

fn key(value: Option<f64>) -> SortKey {
    value.map_or(SortKey::Missing, SortKey::Number)
}

/// The table's rows, unsorted.
pub(crate) fn rows(app: &App, teams: bool) -> ListModel {
    let columns = vec![
        word(if teams { "Team" } else { "Service" }).keep(0),
        col(if teams { "Services" } else { "Team" }, 24).keep(8),
        num("Deploys").keep(2),
        word("Frequency").keep(1),
        word("Lead time").keep(3),
        word("Failure rate").keep(4),
        word("Recovery").keep(5),
        word("Rework").keep(6),
        num("Incidents").keep(7),
    ];
    let Some(table) = &app.table else {
        return ListModel {
            columns,
            rows: Vec::new(),
        };
    };
    let source: &[TableRow] = if teams { &table.teams } else { &table.services };
    let rows = source
        .iter()
        .map(|row| {
            let m = &row.metrics;
            let cells_keys: Vec<(Cell, SortKey)> = vec![
                (Cell::plain(&row.name), SortKey::Text(row.name.clone())),
                (Cell::muted(&row.about), SortKey::Text(row.about.clone())),
                (
                    Cell::plain(m.deployment_frequency.deployments.to_string()),
                    SortKey::Number(m.deployment_frequency.deployments as f64),
                ),
                (
                    measure_cell(row.headline.first()),
                    key(m.deployment_frequency.per_day),
                ),
                (
                    measure_cell(row.headline.get(1)),
                    key(m.lead_time_for_changes.median_seconds),
                ),
                (
                    measure_cell(row.headline.get(2)),
                    key(m.change_failure_rate.rate),
                ),
                (
                    measure_cell(row.headline.get(3)),
                    key(m.failed_deployment_recovery_time.median_seconds),
                ),
                (
                    measure_cell(row.headline.get(4)),
                    key(m.deployment_rework_rate.rate),
                ),
                (
                    Cell::new(
                        m.time_to_restore.incidents.to_string(),
                        if m.time_to_restore.open > 0 {
                            Tone::Fail
                        } else {
                            Tone::Normal
                        },
                    ),
                    SortKey::Number(m.time_to_restore.incidents as f64),
                ),
            ];
            let (cells, keys) = cells_keys.into_iter().unzip();
            Row {
                cells,
                keys,
                target: Some(if teams {
                    Target::Team(row.name.clone())
                } else {
                    Target::Service(row.name.clone())
                }),
                url: None,
                heading: false,
            }
        })
        .collect();
    ListModel { columns, rows }
}

/// The table on show; `list` is its rows, searched and sorted.
pub(crate) fn view(app: &App, teams: bool, list_state: ListState, list: ListModel) -> ServicesView {
    let (services, team_count) = app
        .table
        .as_ref()
        .map_or((0, 0), |t| (t.services.len(), t.teams.len()));
    let sorted = list_state
        .sort
        .and_then(|c| list.columns.get(c))
        .map(|c| {
            format!(
                " · by {}{}",
                c.title,
                if list_state.descending {
                    " ↓"
                } else {
                    " ↑"
                }
            )
        })
        .unwrap_or_default();
    let title = if teams {
        format!("Teams ({team_count}) · tab: services ({services}){sorted}")
    } else {
        format!("Services ({services}) · tab: teams ({team_count}){sorted}")
    };
    let empty = if app.search.is_some() {
        "nothing matches the search (esc clears it)".to_string()
    } else if teams {
        "no teams: give services a team in the config's [[services]]".to_string()
    } else {
        "no services".to_string()
    };
    ServicesView {
        title,
        list,
        list_state,
        empty,
    }
}
