//! Text the screens share, so every screen words a thing the same way: how long ago, how long
//! something has been open or failing (one duration format everywhere, `human_duration`),
//! times in the configured timezone, short commits, items by the names people use (a
//! deployment by service and version, an incident without its source prefix) and why a
//! deployment failed.

use chrono::Duration;
use chrono_tz::Tz;
use flowdeck_core::metrics::history::ReasonKind;
use flowdeck_core::metrics::{Attribution, History, Reason};
use flowdeck_core::model::{Incident, Timestamp};
use flowdeck_core::text::human_duration;

/// "12m ago", "22h ago", "3d 2h ago" relative to now: coarser the older it is.
pub(crate) fn ago(now: Timestamp, t: Timestamp) -> String {
    let seconds = (now - t).num_seconds();
    match seconds {
        ..60 => "just now".into(),
        60..86_400 => {
            let rounded = if seconds >= 3_600 {
                seconds - seconds % 3_600
            } else {
                seconds
            };
            format!("{} ago", human_duration(rounded))
        }
        _ => format!("{} ago", human_duration(seconds)),
    }
}

/// How old, for a list's Age column: "22h", "3d 2h", "now" (coarser the older, as [`ago`]).
pub(crate) fn age(now: Timestamp, t: Timestamp) -> String {
    let text = ago(now, t);
    match text.strip_suffix(" ago") {
        Some(age) => age.to_string(),
        None => "now".to_string(),
    }
}

/// How long from `since` to `now`, as every duration is written ("2h 14m", "3d 2h").
pub(crate) fn for_how_long(now: Timestamp, since: Timestamp) -> String {
    human_duration((now - since).num_seconds())
}

/// The first ten hex digits of a commit.
pub(crate) fn short_sha(sha: &str) -> String {
    sha.chars().take(10).collect()
}

/// A reference as people quote it: a full commit shortened, anything else as it is.
fn short_ref(reference: &str) -> String {
    if reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()) {
        short_sha(reference)
    } else {
        reference.to_string()
    }
}

/// A duration of the rules (the attribution window) as every duration is written.
pub(crate) fn rule_duration(d: Duration) -> String {
    human_duration(d.num_seconds())
}

/// An incident's id as its provider shows it, without the source prefix flowdeck adds
/// ("demo:INC-2059" → "INC-2059").
pub(crate) fn incident_id(incident: &Incident) -> String {
    incident
        .id
        .strip_prefix(&format!("{}:", incident.source))
        .unwrap_or(&incident.id)
        .to_string()
}

/// An incident reference (its id) as shown: the provider's id when the incident is known.
fn incident_ref(history: &History, id: &str) -> String {
    history
        .events
        .incidents
        .iter()
        .find(|i| i.id == id)
        .map_or_else(|| id.to_string(), incident_id)
}

/// A deployment as people name it: "web v4.9.0" (its id when it has no name).
pub(crate) fn deployment_name(history: &History, deployment: u32) -> String {
    history
        .events
        .deployments
        .get(deployment as usize)
        .map(|d| match &d.name {
            Some(name) => format!("{} {name}", d.service),
            None => d.id.clone(),
        })
        .unwrap_or_else(|| "a deployment".into())
}

/// A deployment referenced by its id (a rollback's target): by name when it is known.
fn deployment_ref(history: &History, id: &str) -> String {
    history
        .events
        .deployments
        .iter()
        .position(|d| d.id == id)
        .map_or_else(|| id.to_string(), |d| deployment_name(history, d as u32))
}

/// One reason in a few plain words: "named by INC-7", "INC-7 within 1d", "rollback web v4.8.1".
pub(crate) fn reason_text(history: &History, reason: &Reason) -> String {
    let reference = &reason.reference;
    match reason.kind {
        ReasonKind::IncidentLink => format!("named by {}", incident_ref(history, reference)),
        ReasonKind::IncidentWindow => format!(
            "{} within {}",
            incident_ref(history, reference),
            rule_duration(history.rules.attribution_window)
        ),
        ReasonKind::Rollback => format!("rollback {}", deployment_ref(history, reference)),
        ReasonKind::Revert => format!("revert {}", short_ref(reference)),
        ReasonKind::Hotfix => format!("hotfix {}", short_ref(reference)),
        ReasonKind::DuringIncident => format!("during {}", incident_ref(history, reference)),
    }
}

/// The reasons in a list cell, joined.
pub(crate) fn reasons_text(history: &History, reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| reason_text(history, r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A reason's kind as a noun, for counts by reason: "incident named it", "rollback".
pub(crate) fn reason_kind(history: &History, kind: ReasonKind) -> String {
    match kind {
        ReasonKind::IncidentLink => "an incident named it".into(),
        ReasonKind::IncidentWindow => format!(
            "incident within {}",
            rule_duration(history.rules.attribution_window)
        ),
        ReasonKind::Rollback => "rollback".into(),
        ReasonKind::Revert => "revert".into(),
        ReasonKind::Hotfix => "hotfix".into(),
        ReasonKind::DuringIncident => "during an incident".into(),
    }
}

/// Why an incident is blamed on a deployment, in words: "its text names this deployment",
/// "started 3h after it, within the 1d window".
pub(crate) fn attribution_text(history: &History, attribution: &Attribution) -> String {
    match attribution.reason {
        ReasonKind::IncidentWindow => format!(
            "it started within {} of the deployment ({})",
            rule_duration(history.rules.attribution_window),
            attribution.explanation
        ),
        _ => {
            let named = attribution
                .explanation
                .strip_prefix("names ")
                .unwrap_or(&attribution.explanation);
            if named.starts_with("deployment:") {
                "its text names this deployment".to_string()
            } else {
                format!("its text names {named}")
            }
        }
    }
}

/// "2026-11-20 14:30": a time in the configured timezone, the one way the dashboard writes an
/// absolute time.
pub(crate) fn when(t: Timestamp, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A day with its year: "21 Oct 2026".
pub(crate) fn day(t: Timestamp, tz: Tz) -> String {
    t.with_timezone(&tz).format("%-d %b %Y").to_string()
}

/// A window's days, the last one inclusive, years written: "21 Oct – 20 Nov 2026",
/// "7 Dec 2025 – 7 Dec 2026".
pub(crate) fn span(from: Timestamp, to: Timestamp, tz: Tz) -> String {
    let first = from.with_timezone(&tz);
    // The window ends before `to`: its last day is the day of the instant before.
    let last = (to - Duration::seconds(1)).max(from).with_timezone(&tz);
    if chrono::Datelike::year(&first) == chrono::Datelike::year(&last) {
        format!("{} – {}", first.format("%-d %b"), last.format("%-d %b %Y"))
    } else {
        format!(
            "{} – {}",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Timestamp {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn spans_write_years_and_the_last_day_inclusive() {
        let tz = Tz::UTC;
        assert_eq!(
            span(t("2026-11-01T00:00:00Z"), t("2026-11-15T00:00:00Z"), tz),
            "1 Nov – 14 Nov 2026"
        );
        assert_eq!(
            span(t("2025-12-07T14:30:00Z"), t("2026-12-07T14:30:00Z"), tz),
            "7 Dec 2025 – 7 Dec 2026"
        );
    }
}
