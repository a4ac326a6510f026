//! An incident's screen: when it started and its state, then its timeline, the deployment it
//! was attributed to and why, and its details.

use super::detail::{Detail, columns, url_fact};
use super::format::{
    attribution_text, deployment_name, for_how_long, incident_id, rule_duration, when,
};
use crate::app::action::Command;
use crate::app::list::{ListModel, Target, Tone, detail_row, heading};
use crate::app::state::App;
use flowdeck_core::metrics::history::ReasonKind;
use flowdeck_core::model::Timestamp;
use flowdeck_core::text::{human_duration, sanitize};

/// The keys of this screen, with what they do here.
pub(crate) const KEYS: &[(Command, &str)] = &[
    (Command::Open, "open row"),
    (Command::Back, "back"),
    (Command::OpenUrl, "open in browser"),
    (Command::Left, "back"),
    (Command::Right, "open row"),
];

/// The incident's title in the breadcrumb (its id says little to a reader).
pub(crate) fn crumb(app: &App, incident: u32) -> String {
    app.history()
        .events
        .incidents
        .get(incident as usize)
        .map(|i| sanitize(&short_title(&i.title)))
        .unwrap_or_else(|| "Incident".into())
}

/// A title short enough for a breadcrumb: at most 40 characters, cut at a word.
pub(crate) fn short_title(title: &str) -> String {
    const MAX: usize = 40;
    if title.chars().count() <= MAX {
        return title.to_string();
    }
    let cut: String = title.chars().take(MAX).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > MAX / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
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
            format!("open for {}", for_how_long(app.now, i.started_at)),
            Tone::Fail,
        ),
    };
    Detail {
        title: sanitize(&format!("Incident {}: {}", incident_id(i), i.title)),
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
    // Wide enough for a time: "2026-11-20 14:30".
    let columns = columns(16);
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
                format!("{} deployed", deployment_name(history, a.deployment)),
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
            format!("still open, for {}", for_how_long(app.now, i.started_at)),
            Tone::Fail,
            None,
        )),
    }
    timeline.sort_by_key(|(t, ..)| *t);
    let tz = history.rules.timezone;
    for (t, text, tone, target) in timeline {
        rows.push(detail_row(&when(t, tz), text, tone, target));
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
                rule_duration(history.rules.attribution_window)
            ),
            Tone::Muted,
            None,
        ));
    }
    for a in &attributions {
        let label = match a.reason {
            ReasonKind::IncidentWindow => "in the window",
            _ => "named",
        };
        rows.push(detail_row(
            label,
            format!(
                "{}: {}",
                deployment_name(history, a.deployment),
                attribution_text(history, a)
            ),
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
