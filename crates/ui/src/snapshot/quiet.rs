//! An empty window explains itself: when the window holds no deployment, every view (the
//! dashboard's tile, the Markdown and HTML reports, `check`) says when the latest one was and
//! what it was, and suggests a window that would hold it.

use flowdeck_config::limits::MAX_WINDOW_DAYS;
use flowdeck_core::metrics::{History, Scope, Window};
use flowdeck_core::model::Timestamp;

use super::LatestDeployment;

/// "no deployments in the last 30 days; the latest, v1.2.0, was 691 days ago (2025-01-15) — try
/// --window 700d"; None when the window holds a deployment.
pub fn empty_window_note(
    deployments_in_window: u64,
    window: &Window,
    latest: Option<&LatestDeployment>,
    now: Timestamp,
) -> Option<String> {
    if deployments_in_window > 0 {
        return None;
    }
    let days = (window.to - window.from).num_days().max(1);
    let span = if (now - window.to).num_seconds().abs() < 60 {
        format!("in the last {days} days")
    } else {
        format!(
            "between {} and {}",
            window.from.format("%Y-%m-%d"),
            window.to.format("%Y-%m-%d")
        )
    };
    let Some(latest) = latest else {
        return Some(format!(
            "no deployments {span}, and none before: no release tag or forge deployment counts as one yet"
        ));
    };
    let ago = (now - latest.finished_at).num_days().max(0);
    let name = latest.name.as_deref().unwrap_or(&latest.id);
    let name = flowdeck_core::text::sanitize(name);
    let when = match ago {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        n => format!("{n} days ago"),
    };
    // A round number of days that reaches back past it.
    let wanted = ((ago + 1) / 10 + 1) * 10;
    let hint = if wanted <= MAX_WINDOW_DAYS {
        format!("try --window {wanted}d")
    } else {
        format!("try --from {}", latest.finished_at.format("%Y-%m-%d"))
    };
    Some(format!(
        "no deployments {span}; the latest, {name}, was {when} ({}) — {hint}",
        latest.finished_at.format("%Y-%m-%d")
    ))
}

/// [`empty_window_note`] for a scope of the history.
pub fn scope_note(
    history: &History,
    scope: &Scope,
    deployments_in_window: u64,
    window: &Window,
    now: Timestamp,
) -> Option<String> {
    if deployments_in_window > 0 {
        return None;
    }
    let latest = LatestDeployment::of(history, scope, window.to);
    empty_window_note(deployments_in_window, window, latest.as_ref(), now)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> Timestamp {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().unwrap()
    }

    #[test]
    fn names_the_latest_and_suggests_a_window() {
        let now = at(2026, 12, 7);
        let window = Window {
            from: now - chrono::Duration::days(30),
            to: now,
        };
        let latest = LatestDeployment {
            id: "git:ratatui:v0.30.0-alpha.1".into(),
            name: Some("v0.30.0-alpha.1".into()),
            finished_at: now - chrono::Duration::days(691),
        };
        let note = empty_window_note(0, &window, Some(&latest), now).unwrap();
        assert_eq!(
            note,
            "no deployments in the last 30 days; the latest, v0.30.0-alpha.1, was 691 days ago (2025-01-15) — try --window 700d"
        );
        assert_eq!(empty_window_note(3, &window, Some(&latest), now), None);
    }

    #[test]
    fn none_at_all_and_a_past_window() {
        let now = at(2026, 12, 7);
        let window = Window {
            from: at(2026, 1, 1),
            to: at(2026, 2, 1),
        };
        let note = empty_window_note(0, &window, None, now).unwrap();
        assert!(
            note.starts_with("no deployments between 2026-01-01 and 2026-02-01, and none before"),
            "{note}"
        );
    }

    #[test]
    fn a_latest_beyond_the_longest_window_suggests_a_date() {
        let now = at(2026, 12, 7);
        let window = Window {
            from: now - chrono::Duration::days(30),
            to: now,
        };
        let latest = LatestDeployment {
            id: "x".into(),
            name: Some("old\u{1b}[31m".into()),
            finished_at: at(2000, 1, 1),
        };
        let note = empty_window_note(0, &window, Some(&latest), now).unwrap();
        assert!(note.ends_with("try --from 2000-01-01"), "{note}");
        assert!(!note.contains('\u{1b}'), "{note}");
    }
}
