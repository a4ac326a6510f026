//! What is broken now, for the top of the overview and the wall: deployments still failing
//! (with how long), open incidents, and sources that are stale or never delivered. Loud and
//! first, because it is what a five-second look must not miss.

use super::format::{deployment_name, for_how_long, when};
use crate::app::list::Tone;
use crate::app::scope::ScopeData;
use crate::app::state::App;
use flowdeck_core::status::SourceState;
use flowdeck_core::text::{count, sanitize};

/// One thing that is broken now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alert {
    pub(crate) text: String,
    /// The same fact in fewer words, for a line too narrow for every `text`: a narrow
    /// terminal keeps every alert rather than hiding one behind "+1 more".
    pub(crate) short: String,
    pub(crate) tone: Tone,
}

/// Everything broken now in the scope on show, most urgent first.
pub(crate) fn alerts(app: &App, scope: &ScopeData) -> Vec<Alert> {
    let history = app.history();
    let events = &history.events;
    let mut alerts: Vec<Alert> = scope
        .failing
        .iter()
        .filter_map(|&d| {
            let deployment = events.deployments.get(d as usize)?;
            let name = deployment_name(history, d);
            let how_long = for_how_long(app.now, deployment.finished_at);
            Some(Alert {
                text: sanitize(&format!("{name} failing for {how_long}")),
                short: sanitize(&format!("{name} failing {how_long}")),
                tone: Tone::Fail,
            })
        })
        .collect();
    let open: Vec<_> = scope
        .incidents
        .iter()
        .filter(|i| i.resolved_at.is_none())
        .collect();
    if let Some(oldest) = open.iter().map(|i| i.started_at).min() {
        let silenced = open.iter().filter(|i| i.suppressed.is_some()).count();
        let held = if silenced > 0 {
            format!(" ({silenced} silenced)")
        } else {
            String::new()
        };
        let text = if open.len() == 1 {
            format!(
                "1 incident open for {}{held}",
                for_how_long(app.now, oldest)
            )
        } else {
            format!(
                "{} open{held}, oldest {}",
                count(open.len() as u64, "incident"),
                for_how_long(app.now, oldest)
            )
        };
        alerts.push(Alert {
            text,
            short: format!("{} open", count(open.len() as u64, "incident")),
            tone: if silenced == open.len() {
                Tone::Warn
            } else {
                Tone::Fail
            },
        });
    }
    let tz = history.rules.timezone;
    for source in &app.data.sources {
        let (text, short) = match (source.status, source.last_success_at) {
            // Read its data but not all of it (Prometheus without Alertmanager): current.
            (SourceState::Ok, _) => continue,
            (SourceState::Syncing, _) => (
                format!("{} on its first sync", source.name),
                format!("{} syncing", source.name),
            ),
            (_, None) => {
                let text = format!("{} never loaded", source.name);
                (text.clone(), text)
            }
            (_, Some(at)) => (
                format!("{} stale since {}", source.name, when(at, tz)),
                format!("{} stale", source.name),
            ),
        };
        alerts.push(Alert {
            text: sanitize(&text),
            short: sanitize(&short),
            tone: Tone::Warn,
        });
    }
    alerts
}
