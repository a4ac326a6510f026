//! The scripted incidents, with explicit links filled in from the deployments they name.

use chrono::TimeDelta;

use flowdeck_core::model::Incident;

use super::calendar::Grid;
use super::ship::Shipped;
use super::story::{self, Start};

/// First incident number; later ones count up with the gaps filtered-out pages leave.
const FIRST_NUMBER: u64 = 2041;

pub(super) fn incidents(grid: &Grid, shipped: &Shipped) -> Vec<Incident> {
    let mut list: Vec<Incident> = story::INCIDENTS
        .iter()
        .map(|spec| {
            let started_at = match spec.start {
                Start::Grid(slot) => grid.at(slot) + TimeDelta::seconds(17),
                Start::BeforeNow(minutes) => grid.before_now(minutes, 0),
            };
            let linked = spec.link.and_then(|key| shipped.deployment(key));
            let fill = |text: &str| match linked {
                Some(d) => text
                    .replace("{name}", d.name.as_deref().unwrap_or(""))
                    .replace("{sha10}", d.sha.get(..10).unwrap_or(""))
                    .replace("{id}", &d.id),
                None => text.to_string(),
            };
            let team = spec
                .services
                .first()
                .and_then(|s| super::catalog::profile(s))
                .map(|(_, p)| p.team)
                .unwrap_or("unknown");
            Incident {
                id: String::new(),
                source: "demo".to_string(),
                services: spec.services.iter().map(|s| s.to_string()).collect(),
                title: fill(spec.title),
                severity: Some(spec.severity.to_string()),
                labels: [
                    format!("team={team}"),
                    format!("severity={}", spec.severity),
                ]
                .into_iter()
                .chain(spec.labels.iter().map(|l| l.to_string()))
                .collect(),
                body: Some(fill(spec.body)),
                started_at,
                resolved_at: spec
                    .resolved_after
                    .map(|m| started_at + TimeDelta::minutes(m) + TimeDelta::seconds(41)),
                url: None,
            }
        })
        .collect();
    list.sort_by_key(|i| i.started_at);
    let mut number = FIRST_NUMBER;
    for (k, incident) in list.iter_mut().enumerate() {
        incident.id = format!("demo:INC-{number}");
        incident.url = Some(format!("https://incidents.example.com/INC-{number}"));
        number += 1 + (k as u64 * 7 % 3);
    }
    list
}
