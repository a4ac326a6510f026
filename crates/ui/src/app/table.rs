//! The services table's numbers: every service and every team measured over the window and
//! the previous one, as the reports' Services and Teams tables measure them
//! (`snapshot::measure`), with the headline's words for each (values, bands, trends).

use crate::snapshot::{Headline, HeadlineInput, headline, measure};
use flowdeck_core::metrics::{History, MetricSet, Scope, Window};
use flowdeck_core::model::Timestamp;

/// One service or team.
#[derive(Debug, Clone)]
pub(crate) struct TableRow {
    pub(crate) name: String,
    /// A service's team, or a team's services joined.
    pub(crate) about: String,
    pub(crate) metrics: MetricSet,
    /// The five DORA measures as the tiles word them.
    pub(crate) headline: Vec<Headline>,
}

#[derive(Debug, Clone)]
pub(crate) struct ServiceTable {
    pub(crate) services: Vec<TableRow>,
    pub(crate) teams: Vec<TableRow>,
}

impl ServiceTable {
    pub(crate) fn build(history: &History, window: Window, now: Timestamp) -> ServiceTable {
        let measured = measure(history, &Scope::all(history), window, now);
        let row = |name: &str, about: String, current: &MetricSet, previous: &MetricSet| TableRow {
            name: name.to_string(),
            about,
            metrics: current.clone(),
            headline: headline(HeadlineInput {
                current,
                previous,
                bands: &history.rules.bands,
                window_days: window.days(),
                missing: None,
                // The table shows values and bands, never trends.
                previous_known: true,
            }),
        };
        ServiceTable {
            services: measured
                .services
                .iter()
                .map(|s| {
                    row(
                        &s.name,
                        s.team.clone().unwrap_or_default(),
                        &s.metrics,
                        &s.previous.metrics,
                    )
                })
                .collect(),
            teams: measured
                .teams
                .iter()
                .map(|t| {
                    row(
                        &t.name,
                        t.services.join(", "),
                        &t.metrics,
                        &t.previous.metrics,
                    )
                })
                .collect(),
        }
    }
}
