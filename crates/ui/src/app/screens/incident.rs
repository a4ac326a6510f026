//! An incident's screen: when it started and its state, then its timeline, the deployment it
//! was attributed to and why, and its details.

use super::detail::{Detail, columns, url_fact};
use super::format::{ticking, when};
use crate::app::action::Command;
use crate::app::list::{ListModel, Target, Tone, detail_row, heading};
use crate::app::state::App;
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::{human_duration, sanitize};

/// The keys the command bar offers here.
pub(crate) const KEYS: &[Command] = &[
    Command::Open,
    Command::Back,
    Command::OpenUrl,
    Command::Help,
    Command::Quit,
];

/// The incident's id in the breadcrumb.
pub(crate) fn crumb(app: &App, incident: u32) -> String {
    app.history()
        .events
        .incidents
        .get(incident as usize)
        .map(|i| sanitize(&i.id))
        .unwrap_or_else(|| "Incident".into())
}

/// The incident's title and facts above its list.
pub(crate) fn view(app: &App, incident: u32, list: ListModel, selected: usize) -> Detail {
    let tz = app.history().rules.timezone;
    let Some(i) = app.history().events.incidents.get(incident as usize) else {
        return Detail::missing("Incident", list, selected);
    };
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
    Detail {
        title: sanitize(&format!("Incident {}: {}", i.id, i.title)),
        facts: vec![
            ("started".to_string(), when(i.started_at, tz), Tone::Normal),
            ("state".to_string(), state.0, state.1),
            url_fact(i.url.as_deref()),
        ],
        list,
        selected,
    }
}

/// An incident: its timeline and the deployment it was attributed to, and why.
pub(crate) fn rows(app: &App, incident: u32) -> ListModel {
    let history = app.history();
    let events = &history.events;
    let columns = columns(14);
    let Some(i) = events.incidents.get(incident as usize) else {
        return ListModel {
            columns,
            ..ListModel::default()
        };
    };
    let mut rows = vec![heading("Timeline")];
    let mut timeline: Vec<(Timestamp, String, Tone, Option<Target>)> = Vec::new();
    let attributions = history
        .attributions
        .get(incident as usize)
        .cloned()
        .unwrap_or_default();
    for a in &attributions {
        if let Some(d) = events.deployments.get(a.deployment as usize) {
            timeline.push((
                d.finished_at,
                format!(
                    "{} deployed ({})",
                    d.name.clone().unwrap_or_else(|| d.id.clone()),
                    d.service
                ),
                Tone::Accent,
                Some(Target::Deployment(a.deployment)),
            ));
        }
    }
    timeline.push((i.started_at, "incident started".into(), Tone::Fail, None));
    match i.resolved_at {
        Some(resolved) => timeline.push((
            resolved,
            format!(
                "resolved after {}",
                human_duration((resolved - i.started_at).num_seconds())
            ),
            Tone::Ok,
            None,
        )),
        None => timeline.push((
            app.now,
            format!(
                "still open: {}",
                ticking((app.now - i.started_at).num_seconds())
            ),
            Tone::Fail,
            None,
        )),
    }
    timeline.sort_by_key(|(t, ..)| *t);
    for (t, text, tone, target) in timeline {
        rows.push(detail_row(
            &t.format("%m-%d %H:%M").to_string(),
            text,
            tone,
            target,
        ));
    }
    rows.push(heading("Attribution"));
    if attributions.is_empty() {
        rows.push(detail_row(
            "none",
            format!(
                "no deployment of {} finished in the {} before it, and its text names none",
                if i.services.is_empty() {
                    "its services".to_string()
                } else {
                    i.services.join(", ")
                },
                human_duration(history.rules.attribution_window.num_seconds())
            ),
            Tone::Muted,
            None,
        ));
    }
    for a in &attributions {
        rows.push(detail_row(
            a.reason.as_str(),
            format!("{}: {}", a.deployment_id, a.explanation),
            Tone::Normal,
            Some(Target::Deployment(a.deployment)),
        ));
    }
    rows.push(heading("Details"));
    rows.push(detail_row(
        "services",
        i.services.join(", "),
        Tone::Normal,
        None,
    ));
    rows.push(detail_row(
        "severity",
        i.severity.clone().unwrap_or_else(|| "–".into()),
        Tone::Normal,
        None,
    ));
    rows.push(detail_row("source", &i.source, Tone::Muted, None));
    if !i.labels.is_empty() {
        rows.push(detail_row("labels", i.labels.join(" "), Tone::Muted, None));
    }
    if let Some(body) = &i.body {
        rows.push(detail_row("text", body, Tone::Muted, None));
    }
    ListModel { columns, rows }
}
