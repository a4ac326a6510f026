//! Built-in, deterministic demo data: `flowdeck --demo`, screenshots and golden tests.
//!
//! STORY (placeholder, filled in below once the ids are final).

mod calendar;
mod catalog;
mod ci;
mod incidents;
mod numbering;
mod plan;
mod pulls;
mod random;
mod ship;
mod story;
#[cfg(test)]
mod tests;

use crate::model::{EventSet, Service, Timestamp};

/// The demo company's services and their teams.
pub const DEMO_SERVICES: &[(&str, &str)] = &[
    ("api", "payments"),
    ("billing", "payments"),
    ("web", "storefront"),
    ("search", "storefront"),
    ("gateway", "platform"),
];

/// The demo history as seen at `now`: ~95 days of deployments, pull requests, pipeline runs and
/// incidents of five services, every timestamp before `now`. Deterministic: the same `now` gives
/// the same events; no I/O.
pub fn generate(now: Timestamp) -> EventSet {
    let grid = calendar::Grid::new(now);
    let mut shipped = ship::ship(&grid);
    for spec in story::LOOSE_PRS {
        if let Some((service, profile)) = catalog::profile(spec.service) {
            shipped
                .drafts
                .push(pulls::loose(&grid, service, profile, spec));
        }
    }
    numbering::number(&mut shipped);
    let pipeline_runs = ci::runs(&grid, &shipped);
    let incidents = incidents::incidents(&grid, &shipped);

    let mut deployments = shipped.deployments;
    deployments.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
    let mut pull_requests: Vec<_> = shipped.drafts.into_iter().map(|d| d.pr).collect();
    pull_requests.sort_by(|a, b| {
        (a.created_at, &a.service, a.number).cmp(&(b.created_at, &b.service, b.number))
    });
    EventSet {
        services: DEMO_SERVICES
            .iter()
            .map(|(name, team)| Service {
                name: name.to_string(),
                team: Some(team.to_string()),
            })
            .collect(),
        deployments,
        pull_requests,
        pipeline_runs,
        incidents,
    }
}
