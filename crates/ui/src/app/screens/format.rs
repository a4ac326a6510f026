//! Text the screens share: how long ago, a ticking timer, a short commit, why a deployment
//! failed.

use chrono_tz::Tz;
use flowdeck_core::metrics::Reason;
use flowdeck_core::metrics::history::ReasonKind;
use flowdeck_core::model::Timestamp;

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

/// A ticking duration with seconds: "2h 14m 05s".
pub(crate) fn ticking(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h >= 24 {
        format!("{}d {}h {:02}m", h / 24, h % 24, m)
    } else if h > 0 {
        format!("{h}h {m:02}m {sec:02}s")
    } else {
        format!("{m}m {sec:02}s")
    }
}

/// The first ten hex digits of a commit.
pub(crate) fn short_sha(sha: &str) -> String {
    sha.chars().take(10).collect()
}

/// "rollback v4.8.1, incident (linked) INC-7", the reasons in a list cell.
pub(crate) fn reasons_text(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| {
            let what = match r.kind {
                ReasonKind::IncidentLink => "incident (linked)",
                ReasonKind::IncidentWindow => "incident (24h window)",
                ReasonKind::Rollback => "rollback",
                ReasonKind::Revert => "revert",
                ReasonKind::Hotfix => "hotfix",
                ReasonKind::DuringIncident => "during incident",
            };
            let reference =
                if r.reference.len() == 40 && r.reference.chars().all(|c| c.is_ascii_hexdigit()) {
                    short_sha(&r.reference)
                } else {
                    r.reference.clone()
                };
            format!("{what} {reference}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "2026-11-20 14:30": a fact's time in the configured timezone.
pub(crate) fn when(t: Timestamp, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}
